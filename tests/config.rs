//! Configuration: defaults, file, environment, and the one-line errors with exit code 2.

use std::fs;

use tempfile::TempDir;

use crate::support::{Options, Server, json, run};

#[tokio::test]
async fn environment_overrides_file_overrides_defaults() {
    let dir = TempDir::new().expect("temp dir");
    fs::write(
        dir.path().join("civitas.toml"),
        "[api]\ndefault_page_size = 2\nmax_page_size = 3\n",
    )
    .expect("write config");
    let options = Options {
        env: vec![
            ("CIVITAS_CONFIG".into(), "civitas.toml".into()),
            ("CIVITAS_API__MAX_PAGE_SIZE".into(), "4".into()),
            // The command-line client's variables share the prefix; they are not errors.
            ("CIVITAS_URL".into(), "http://example.org".into()),
            ("CIVITAS_TOKEN".into(), "x".into()),
        ],
        ..Options::default()
    };
    let server = Server::start_with(options, dir).await;
    let (_, body) = json(server.get("/api/v1/content/partner").send().await).await;
    assert_eq!(body["meta"]["page"]["size"], 2, "from the file");
    let (status, _) = json(
        server
            .get("/api/v1/content/partner?page[size]=4")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "the environment raised the file's maximum");
    let (status, _) = json(
        server
            .get("/api/v1/content/partner?page[size]=5")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 400);
    let (_, body) = json(
        server
            .get("/api/v1/content/partner?page[size]=4")
            .send()
            .await,
    )
    .await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(4));
}

fn fails_with(args: &[&str], files: &[(&str, &str)], env: &[(&str, &str)], expected: &[&str]) {
    let dir = TempDir::new().expect("temp dir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write file");
    }
    let output = run(dir.path(), args, env);
    assert_eq!(output.status.code(), Some(2), "exit code 2: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "`{part}` in: {stderr}");
    }
}

#[test]
fn an_unknown_key_in_a_file_stops_start_up() {
    fails_with(
        &["--config", "bad.toml", "serve"],
        &[("bad.toml", "[server]\nbnid = \"127.0.0.1:1\"\n")],
        &[],
        &["server.bnid", "bad.toml"],
    );
    fails_with(
        &["serve"],
        &[("c.toml", "[colour]\nx = 1\n")],
        &[("CIVITAS_CONFIG", "c.toml")],
        &["colour", "c.toml"],
    );
}

#[test]
fn a_bad_value_names_its_key_and_source() {
    fails_with(
        &["serve"],
        &[],
        &[("CIVITAS_SERVER__BIND", "not-an-address")],
        &["server.bind", "CIVITAS_SERVER__BIND"],
    );
    fails_with(
        &["serve"],
        &[],
        &[("CIVITAS_STORAGE__URL", "rocksdb://x")],
        &["storage.url", "CIVITAS_STORAGE__URL"],
    );
    fails_with(
        &["serve"],
        &[],
        &[("CIVITAS_AUTH__ADMIN_TOKEN", "short")],
        &["auth.admin_token"],
    );
    fails_with(
        &["--config", "c.toml", "serve"],
        &[("c.toml", "[api]\ndefault_page_size = 500\n")],
        &[],
        &["api.default_page_size", "c.toml"],
    );
    fails_with(
        &["--config", "missing.toml", "serve"],
        &[],
        &[],
        &["missing.toml"],
    );
    fails_with(
        &["serve"],
        &[],
        &[("CIVITAS_SERVER__TYPO", "1")],
        &["server.typo"],
    );
    fails_with(
        &["serve"],
        &[],
        &[("CIVITAS_STORAGE__MEMTABLE_MIB", "2")],
        &["storage.memtable_mib", "8 to 4096"],
    );
}
