//! Who may ask for which variants: the `presets` policy (named presets only) and the
//! `signed` policy (any parameters, with an HMAC signature).

use hmac::{Hmac, Mac};
use image::ImageFormat;
use serde_json::json;
use sha2::Sha256;
use tempfile::TempDir;

use super::{decoded, expect_invalid_transforms, hex, png, renders, start, upload, variant_url};
use crate::support::media::body_of;
use crate::support::{Options, Server, json, text};

const SIGNING_KEY: &str = "a-signing-key-of-more-than-32-characters";

/// The `sig` of a variant under the `signed` policy, computed as a site would: hex
/// HMAC-SHA256 with the signing key over `{id}\n{canonical parameters}`.
fn signature(id: &str, canonical: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SIGNING_KEY.as_bytes()).expect("a key");
    mac.update(format!("{id}\n{canonical}").as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[tokio::test]
async fn the_presets_policy_renders_named_presets_only() {
    let config = r#"
[media]
transform_policy = "presets"

[media.presets]
tiny = { w = 40, h = 30, fit = "cover", fmt = "png" }
"#;
    let options = Options {
        seed: false,
        ..Options::with_config(config)
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let record = upload(&server, "photo.png", &png(640, 480, 6), &[]).await;

    let tiny = body_of(&server, &variant_url(&record, "preset=tiny")).await;
    assert_eq!(decoded(&tiny), (ImageFormat::Png, 40, 30));
    assert_eq!(
        body_of(&server, text(&record["url"])).await.len() as u64,
        record["size"].as_u64().expect("size")
    );
    expect_invalid_transforms(
        &server,
        &record,
        &[
            "w=100",
            "w=40&h=30&fit=cover&fmt=png",
            "preset=tiny&fmt=webp",
            "preset=nope",
        ],
    )
    .await;
    assert_eq!(renders(&server), 1);
}

#[tokio::test]
async fn the_signed_policy_renders_parameters_only_with_a_valid_signature() {
    let server = start(&[
        ("CIVITAS_MEDIA__TRANSFORM_POLICY", "signed"),
        ("CIVITAS_MEDIA__SIGNING_KEY", SIGNING_KEY),
    ])
    .await;
    let record = upload(&server, "photo.png", &png(640, 480, 7), &[]).await;
    let other = upload(&server, "other.png", &png(64, 48, 8), &[]).await;
    let id = text(&record["id"]);

    // Presets and the original need no signature.
    let thumbnail = body_of(&server, &variant_url(&record, "preset=thumbnail")).await;
    assert_eq!(decoded(&thumbnail), (ImageFormat::WebP, 320, 320));
    body_of(&server, text(&record["url"])).await;

    // Canonical parameters: fit and fmt, then h, q and w as set, defaults spelled out.
    let sig = signature(id, "fit=inside&fmt=webp&q=80&w=100");
    let signed = body_of(&server, &variant_url(&record, &format!("w=100&sig={sig}"))).await;
    assert_eq!(decoded(&signed), (ImageFormat::WebP, 100, 75));
    let respelled = format!("fmt=webp&sig={sig}&q=80&w=100");
    assert_eq!(
        body_of(&server, &variant_url(&record, &respelled)).await,
        signed
    );
    let cover = signature(id, "fit=cover&fmt=png&h=90&w=120");
    let cropped = body_of(
        &server,
        &variant_url(
            &record,
            &format!("w=120&h=90&fit=cover&fmt=png&sig={cover}"),
        ),
    )
    .await;
    assert_eq!(decoded(&cropped), (ImageFormat::Png, 120, 90));
    assert_eq!(renders(&server), 3);

    for (url, why) in [
        (variant_url(&record, "w=100"), "unsigned"),
        (
            variant_url(&record, &format!("w=101&sig={sig}")),
            "another size",
        ),
        (
            variant_url(&record, &format!("w=100&fmt=png&sig={sig}")),
            "another format",
        ),
        (
            variant_url(&other, &format!("w=100&sig={sig}")),
            "another file",
        ),
        (variant_url(&record, "w=100&sig=zz"), "not hex"),
        (
            variant_url(
                &record,
                &format!(
                    "w=100&sig={}",
                    signature(text(&other["id"]), "fit=inside&fmt=webp&q=80&w=100")
                ),
            ),
            "signed for another file",
        ),
        (
            variant_url(&record, "preset=thumbnail&w=200"),
            "a preset changed",
        ),
    ] {
        let (status, body) = json(server.get(&url).send().await).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (403, &json!("invalid_signature")),
            "{why}: {body}"
        );
    }
    expect_invalid_transforms(&server, &record, &[&format!("w=0&sig={sig}")]).await;
    assert_eq!(renders(&server), 3, "nothing refused was rendered");
}
