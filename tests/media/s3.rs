//! An S3-compatible media store (moto's S3 server, installed from PyPI on first use):
//! files and variants kept, ranged and deleted in a bucket.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use image::ImageFormat;

use super::{
    decoded, delete_media, get_with, media_dir, noise_png, original_path, renders, sha256, start,
    upload, variant_url,
};
use crate::support::media::body_of;
use crate::support::text;

/// moto's S3 server (PyPI `moto[server]`), in a virtualenv under `target/` like
/// `support::python_tool`, or why it cannot be had here.
fn moto_server() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/moto");
    let tool = venv.join("bin/moto_server");
    if tool.exists() {
        return Ok(tool);
    }
    let run = |command: &mut Command, what: &str| -> Result<(), String> {
        let output = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{what}: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        Err(format!("{what} failed: {}", tail.join(" / ")))
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    )?;
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--retries",
            "1",
            "--timeout",
            "20",
            "moto[server]==5.2.1",
        ]),
        "pip install moto[server]",
    )?;
    Ok(tool)
}

/// A running moto server, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_moto() -> Result<Moto, String> {
    let tool = moto_server()?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let child = Command::new(tool)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("moto_server does not start: {e}"))?;
    let mut moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if client.get(&moto.endpoint).send().await.is_ok() {
            return Ok(moto);
        }
        if let Ok(Some(status)) = moto.child.try_wait() {
            return Err(format!("moto_server exited with {status}"));
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err("moto_server did not answer within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The keys of a bucket under `prefix`.
async fn bucket_keys(endpoint: &str, bucket: &str, prefix: &str) -> Vec<String> {
    let listing = reqwest::get(format!("{endpoint}/{bucket}?list-type=2&prefix={prefix}"))
        .await
        .expect("moto lists the bucket")
        .text()
        .await
        .expect("listing");
    let mut keys: Vec<String> = listing
        .split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next().map(str::to_owned))
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn files_and_variants_live_in_an_s3_compatible_store() {
    let moto = match start_moto().await {
        Ok(moto) => moto,
        Err(why) => {
            eprintln!("SKIPPED files_and_variants_live_in_an_s3_compatible_store: {why}");
            return;
        }
    };
    let endpoint = moto.endpoint.clone();
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/civitas-media"))
        .send()
        .await
        .expect("moto answers");
    assert!(created.status().is_success(), "{created:?}");
    let server = start(&[
        ("CIVITAS_MEDIA__STORE", "s3://civitas-media/site"),
        ("CIVITAS_MEDIA__S3_ENDPOINT", endpoint.as_str()),
        ("CIVITAS_MEDIA__S3_ALLOW_HTTP", "true"),
        ("CIVITAS_MEDIA__S3_REGION", "us-east-1"),
        ("CIVITAS_MEDIA__S3_ACCESS_KEY_ID", "testing"),
        ("CIVITAS_MEDIA__S3_SECRET_ACCESS_KEY", "testing"),
    ])
    .await;

    // Over 512 KiB, so it is streamed (and its ranges read) from the bucket.
    let bytes = noise_png(450, 400, 9);
    let record = upload(&server, "bucket.png", &bytes, &[]).await;
    let (id, sha) = (text(&record["id"]), text(&record["sha256"]));
    let original = format!("site/{}", original_path(sha));
    assert_eq!(
        bucket_keys(&endpoint, "civitas-media", "site/").await,
        [original]
    );
    let served = body_of(&server, text(&record["url"])).await;
    assert_eq!(sha256(&served), sha);
    let response = get_with(&server, text(&record["url"]), ("range", "bytes=1000-1099")).await;
    assert_eq!(response.status(), 206);
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        &served[1000..1100]
    );

    let url = variant_url(&record, "w=90&fmt=webp");
    let variant = body_of(&server, &url).await;
    assert_eq!(decoded(&variant), (ImageFormat::WebP, 90, 80));
    let keys = bucket_keys(&endpoint, "civitas-media", "site/").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys[1].starts_with(&format!("site/variants/{sha}/")),
        "{keys:?}"
    );
    assert_eq!(body_of(&server, &url).await, variant);
    assert_eq!(renders(&server), 1);
    assert!(!media_dir(&server).exists(), "nothing stored locally");

    delete_media(&server, id).await;
    assert_eq!(
        bucket_keys(&endpoint, "civitas-media", "site/").await,
        Vec::<String>::new()
    );
    drop(server);
    drop(moto);
}
