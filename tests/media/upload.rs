//! Uploading files: two uploads of the same bytes, the library list, who may upload,
//! files taken for what their bytes are, GPS positions stripped, SVG cleaned and served
//! sandboxed.

use std::io::Cursor;

use image::ImageFormat;
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    PDF, contains, decoded, expect_refused_upload, get, jpeg, original_path, pick, png, post_file,
    renders, sha256, start, stored, stored_files, upload, variant_url, with_form,
};
use crate::support::media::{body_of, media_record};
use crate::support::{expect_error, expect_invalid_field, header, json, text};

const SANDBOX: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

#[tokio::test]
async fn identical_uploads_are_two_records_over_one_stored_file() {
    let server = start(&[]).await;
    let bytes = png(40, 30, 1);
    let texts = [
        ("alt", "A yellow tram"),
        ("title", "Tram 28"),
        ("focal_x", "0.25"),
        ("focal_y", "0.75"),
    ];
    let file = ("Tram Lisbon.PNG", "image/png", bytes.as_slice());
    let response = post_file(&server, file, &texts)
        .send()
        .await
        .expect("response");
    let location = header(&response, "location");
    let (status, body) = json(Ok(response)).await;
    assert_eq!(status, 201, "{body}");
    let first = body["data"].clone();
    let id = text(&first["id"]);
    assert_eq!(location, Some(format!("/api/v1/admin/media/{id}")));
    let sha = text(&first["sha256"]).to_owned();
    assert_eq!(sha.len(), 64, "{first}");
    assert_eq!(
        first["url"],
        format!("/assets/{id}/tram-lisbon.png?v={}", &sha[..12])
    );
    assert_eq!(
        pick(
            &first,
            &[
                "filename", "mime", "width", "height", "alt", "title", "focal"
            ]
        ),
        json!({"filename": "tram-lisbon.png", "mime": "image/png", "width": 40, "height": 30,
               "alt": "A yellow tram", "title": "Tram 28", "focal": {"x": 0.25, "y": 0.75}})
    );
    assert!(
        first["thumbhash"].as_str().is_some_and(|t| !t.is_empty()),
        "{first}"
    );
    assert!(first["created_at"].is_string() && first["created_by"].is_string());

    // The file is served as stored, and the record describes what is served.
    let response = get(&server, text(&first["url"])).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("image/png")
    );
    assert_eq!(
        header(&response, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        header(&response, "content-disposition").as_deref(),
        Some("inline; filename=\"tram-lisbon.png\"")
    );
    let served = response.bytes().await.expect("bytes");
    assert_eq!(sha256(&served), sha);
    assert_eq!(first["size"], served.len());
    assert_eq!(decoded(&served), (ImageFormat::Png, 40, 30));

    let second = upload(
        &server,
        "tram-again.png",
        &bytes,
        &[("alt", "The same tram")],
    )
    .await;
    assert_ne!(second["id"], first["id"], "each upload is its own record");
    assert_eq!(second["sha256"], first["sha256"]);
    assert_eq!(second["alt"], "The same tram");
    assert_eq!(
        stored_files(&server),
        [original_path(&sha)],
        "one file, and nothing left in tmp/"
    );

    // Both are in the library, newest first, filtered by type or words, page by page.
    let list = |query: &'static str| {
        let request = server.admin(Method::GET, &format!("/media{query}"));
        async move {
            let (status, body) = json(request.send().await).await;
            assert_eq!(status, 200, "{query}: {body}");
            let ids: Vec<Value> = body["data"]
                .as_array()
                .expect("a list")
                .iter()
                .map(|m| m["id"].clone())
                .collect();
            (ids, body["meta"]["next"].clone())
        }
    };
    let both = vec![second["id"].clone(), first["id"].clone()];
    assert_eq!(list("").await.0, both);
    assert_eq!(list("?mime=image/*").await.0, both);
    assert_eq!(list("?mime=image/png").await.0, both);
    assert_eq!(list("?mime=application/pdf").await.0, Vec::<Value>::new());
    assert_eq!(list("?q=SAME").await.0, [second["id"].clone()]);
    assert_eq!(list("?q=lisbon").await.0, [first["id"].clone()]);
    let (page, next) = list("?page[size]=1").await;
    assert_eq!(page, [second["id"].clone()]);
    let (status, rest) = json(
        server
            .admin(
                Method::GET,
                &format!("/media?page[size]=1&page[after]={}", text(&next)),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{rest}");
    assert_eq!(rest["data"][0]["id"], first["id"]);
    assert_eq!(rest["meta"]["next"], Value::Null);
    assert_eq!(media_record(&server, id).await, first);

    // Uploading needs a credential with the write scope.
    let reader = server.create_token(&["read"]).await;
    // Clients of their own: a refused request is no business of the next one's connection.
    let file = Some(("x.png", "image/png", bytes.as_slice()));
    let new_upload = || reqwest::Client::new().post(server.url("/api/v1/admin/media"));
    let anonymous = with_form(new_upload(), file, &[]).send().await;
    expect_error(anonymous, 401, "unauthorized").await;
    let as_reader = with_form(new_upload().bearer_auth(&reader), file, &[]);
    expect_error(as_reader.send().await, 403, "forbidden").await;
    assert_eq!(list("").await.0.len(), 2);
}

#[tokio::test]
async fn files_are_taken_for_what_their_bytes_are_not_what_they_claim() {
    let server = start(&[("CIVITAS_MEDIA__ALLOWED_TYPES", r#"["image/png"]"#)]).await;
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let photo = jpeg(16, 16);
    let whole = png(64, 64, 4);
    for (file, status, code) in [
        (
            ("photo.jpg", "image/jpeg", html.as_slice()),
            415,
            "unsupported_file_type",
        ),
        // A real JPEG is refused too where only PNG is allowed, whatever it is called.
        (
            ("photo.png", "image/png", photo.as_slice()),
            415,
            "unsupported_file_type",
        ),
        // A PNG cut in half claims a supported type but cannot be read.
        (
            ("cut.png", "image/png", &whole[..whole.len() / 2]),
            422,
            "invalid_file",
        ),
    ] {
        expect_refused_upload(&server, file, status, code).await;
    }
    // A form without a file is no upload.
    let no_file = with_form(
        server.admin(Method::POST, "/media"),
        None,
        &[("alt", "Nothing")],
    );
    expect_invalid_field(no_file, "file").await;
    assert_eq!(stored_files(&server), Vec::<String>::new());

    // A PNG sent as a JPEG named .jpg is a PNG, named as one.
    let record = upload(&server, "really.jpg", &whole, &[]).await;
    assert_eq!(
        (&record["mime"], &record["filename"]),
        (&json!("image/png"), &json!("really.png"))
    );
}

/// One big-endian TIFF IFD entry.
fn ifd_entry(tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
    tiff.extend_from_slice(&tag.to_be_bytes());
    tiff.extend_from_slice(&kind.to_be_bytes());
    tiff.extend_from_slice(&count.to_be_bytes());
    tiff.extend_from_slice(&value);
}

/// The camera model a test JPEG claims: it must not survive either.
const CAMERA: &[u8] = b"CivitasCam";

/// An EXIF block as a phone writes it: the camera, the orientation (turn 90 degrees
/// clockwise to display) and a GPS position (38 42' 51.23" N, 9 8' 30" W).
fn gps_exif() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: Make, Orientation and the GPS IFD pointer; the Make text at 50.
    tiff.extend_from_slice(&3u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x010F, 2, 11, 50u32.to_be_bytes());
    ifd_entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
    ifd_entry(&mut tiff, 0x8825, 4, 1, 62u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 50);
    tiff.extend_from_slice(CAMERA);
    tiff.extend_from_slice(b"\0\0");
    // The GPS IFD at 62, its rationals at 128 and 152.
    tiff.extend_from_slice(&5u16.to_be_bytes());
    ifd_entry(&mut tiff, 0x0000, 1, 4, [2, 3, 0, 0]);
    ifd_entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    ifd_entry(&mut tiff, 0x0002, 5, 3, 128u32.to_be_bytes());
    ifd_entry(&mut tiff, 0x0003, 2, 2, *b"W\0\0\0");
    ifd_entry(&mut tiff, 0x0004, 5, 3, 152u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 128);
    for (numerator, denominator) in [(38u32, 1u32), (42, 1), (5123, 100), (9, 1), (8, 1), (30, 1)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff
}

/// A `width` x `height` JPEG (as stored) carrying [`gps_exif`] after its JFIF segment.
fn jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let at = if plain[2..4] == [0xFF, 0xE0] {
        4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]))
    } else {
        2
    };
    let tiff = gps_exif();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    let mut out = plain[..at].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[at..]);
    out
}

#[tokio::test]
async fn gps_positions_never_reach_the_store_nor_the_variants() {
    let server = start(&[]).await;
    let photo = jpeg_with_gps(64, 48);
    // The file really carries a position: a reader finds it.
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&photo))
        .expect("the test file has EXIF");
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    assert!(contains(&photo, CAMERA));

    let record = upload(&server, "holiday.jpg", &photo, &[]).await;
    assert_eq!(record["mime"], "image/jpeg");
    assert_eq!(
        (&record["width"], &record["height"]),
        (&json!(48), &json!(64)),
        "displayed upright: the orientation is kept"
    );
    let sha = text(&record["sha256"]);
    let on_disk = stored(&server, &original_path(sha));
    let served = body_of(&server, text(&record["url"])).await;
    assert_eq!(served, on_disk);
    for (what, bytes) in [("stored original", &on_disk), ("served original", &served)] {
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .unwrap_or_else(|e| panic!("{what}: the orientation is kept in EXIF: {e}"));
        let tags: Vec<exif::Tag> = exif.fields().map(|f| f.tag).collect();
        assert_eq!(tags, [exif::Tag::Orientation], "{what}");
        assert!(!contains(bytes, CAMERA), "{what}");
        assert!(
            !contains(bytes, b"\x88\x25\0\x04"),
            "{what}: a GPS IFD pointer"
        );
    }

    for (params, format) in [
        ("w=24&fmt=jpeg", ImageFormat::Jpeg),
        ("w=24", ImageFormat::WebP),
    ] {
        let variant = body_of(&server, &variant_url(&record, params)).await;
        assert_eq!(decoded(&variant), (format, 24, 32), "{params}: upright");
        let gps = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&variant))
            .is_ok_and(|e| e.fields().any(|f| f.tag.context() == exif::Context::Gps));
        assert!(!gps, "{params}: a GPS field");
        assert!(!contains(&variant, CAMERA), "{params}");
    }
}

const SVG_WITH_SCRIPTS: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert('onload')"><script>alert(document.cookie)</script><rect width="10" height="10" fill="gold" onclick="steal()"/></svg>"#;

#[tokio::test]
async fn svg_is_stored_without_scripts_and_served_sandboxed_like_pdf() {
    let server = start(&[]).await;
    let svg = upload(&server, "logo.svg", SVG_WITH_SCRIPTS.as_bytes(), &[]).await;
    assert_eq!(
        pick(&svg, &["mime", "width", "height", "thumbhash"]),
        json!({"mime": "image/svg+xml", "width": null, "height": null, "thumbhash": null})
    );
    let on_disk = stored(&server, &original_path(text(&svg["sha256"])));
    let stored = String::from_utf8_lossy(&on_disk);
    for gone in ["<script", "onload", "onclick", "alert", "steal"] {
        assert!(!stored.contains(gone), "{gone} in {stored}");
    }
    assert!(stored.contains("<rect"), "{stored}");

    let pdf = upload(&server, "Annual report.pdf", PDF, &[]).await;
    assert_eq!(pdf["mime"], "application/pdf");
    // Variant URLs serve these files as they are: an SVG draws at any size, a PDF is a
    // download.
    for (url, mime, disposition, bytes) in [
        (
            text(&svg["url"]).to_owned(),
            "image/svg+xml",
            "inline; filename=\"logo.svg\"",
            on_disk.as_slice(),
        ),
        (
            variant_url(&svg, "w=5&fmt=png"),
            "image/svg+xml",
            "inline; filename=\"logo.svg\"",
            on_disk.as_slice(),
        ),
        (
            text(&pdf["url"]).to_owned(),
            "application/pdf",
            "attachment; filename=\"annual-report.pdf\"",
            PDF,
        ),
        (
            variant_url(&pdf, "preset=thumbnail"),
            "application/pdf",
            "attachment; filename=\"annual-report.pdf\"",
            PDF,
        ),
    ] {
        let response = get(&server, &url).await;
        assert_eq!(response.status(), 200, "{url}");
        for (name, value) in [
            ("content-type", mime),
            ("content-disposition", disposition),
            ("content-security-policy", SANDBOX),
            ("x-content-type-options", "nosniff"),
        ] {
            assert_eq!(header(&response, name).as_deref(), Some(value), "{url}");
        }
        assert_eq!(
            response.bytes().await.expect("bytes").as_ref(),
            bytes,
            "{url}"
        );
    }
    assert_eq!(renders(&server), 0);
}
