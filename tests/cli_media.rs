//! `civitas media` and the media library in `civitas export` and `civitas import`, driven
//! as an editor would, against real servers.

use std::fs;
use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::cli::{client, ok, stderr, tree};
use crate::support::media::{body_of, media_record, uncompressed_png};
use crate::support::{Options, Server, json as answer, text};

/// Writes a PNG into `dir`; answers with its path.
fn write_png(dir: &Path, name: &str, size: (u32, u32), seed: u8) -> String {
    let path = dir.join(name);
    fs::write(&path, uncompressed_png(size.0, size.1, seed)).expect("image written");
    path.to_str().expect("path").to_owned()
}

/// An entry as the admin API shows it.
async fn entry(server: &Server, type_id: &str, slug: &str) -> Value {
    let path = format!("/content/{type_id}/{slug}");
    let (status, body) = answer(server.admin(Method::GET, &path).send().await).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// Runs a `--json media upload` and answers with the new record's id.
fn upload(run: &dyn Fn(&[&str]) -> std::process::Output, args: &[&str]) -> String {
    let mut all = vec!["--json", "media", "upload"];
    all.extend_from_slice(args);
    let printed: Value = serde_json::from_str(&ok(run(&all))).expect("JSON");
    printed["data"][0]["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn media_is_uploaded_listed_and_deleted_from_the_terminal() {
    let server = Server::start().await;
    let token = server.create_token(&["preview", "write"]).await;
    let home = TempDir::new().expect("home");
    let run = |args: &[&str]| client(home.path(), &server, Some(&token), args);

    // Over 64 KiB, so it streams in several pieces.
    let big = write_png(home.path(), "Tram Lisbon.png", (200, 120), 1);
    let small = write_png(home.path(), "bridge.png", (3, 2), 2);
    let output = run(&[
        "media",
        "upload",
        &big,
        &small,
        "--alt",
        "Trams and bridges",
    ]);
    let errors = stderr(&output);
    let printed = ok(output);
    assert!(
        errors.trim().is_empty() && !printed.contains('\r'),
        "no progress bar off a terminal: {errors:?} {printed:?}"
    );
    let lines: Vec<Vec<&str>> = printed.lines().map(|l| l.split("  ").collect()).collect();
    assert_eq!(lines.len(), 2, "{printed}");
    assert_eq!(lines[0][1..3], ["tram-lisbon.png", "image/png"]);
    assert!(
        lines[0][3].ends_with(" KiB") && lines[0][4] == "200x120",
        "{printed}"
    );
    assert_eq!(lines[1][1..3], ["bridge.png", "image/png"]);
    assert_eq!(lines[1][4], "3x2", "{printed}");
    let (big_id, small_id) = (lines[0][0].to_owned(), lines[1][0].to_owned());
    let stored = media_record(&server, &big_id).await;
    assert_eq!(stored["alt"], "Trams and bridges");
    assert_eq!(
        body_of(&server, text(&stored["url"])).await.len() as u64,
        stored["size"].as_u64().expect("size")
    );

    let other = write_png(home.path(), "other.png", (4, 4), 3);
    let other_id = upload(&run, &[&other]);
    let notes = home.path().join("notes.txt");
    fs::write(&notes, "not an image").expect("written");
    let refused = run(&["media", "upload", notes.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("unsupported_file_type"),
        "{}",
        stderr(&refused)
    );
    let missing = run(&["media", "upload", "no-such-file.png"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));

    let found = ok(run(&[
        "media",
        "list",
        "--mime",
        "image/png",
        "--q",
        "trams",
    ]));
    let rows: Vec<&str> = found.lines().collect();
    assert!(rows[0].starts_with("ID") && rows.len() == 3, "{found}");
    assert!(found.contains(&big_id) && found.contains(&small_id) && !found.contains(&other_id));
    let first = run(&["media", "list", "--size", "1"]);
    let cursor = stderr(&first)
        .split("--after ")
        .nth(1)
        .expect("a next page")
        .trim()
        .to_owned();
    let first = ok(first);
    let second = ok(run(&["media", "list", "--size", "1", "--after", &cursor]));
    assert_eq!((first.lines().count(), second.lines().count()), (2, 2));
    assert_ne!(first.lines().nth(1), second.lines().nth(1));
    let all: Value =
        serde_json::from_str(&ok(run(&["--json", "media", "list", "--all"]))).expect("JSON");
    let ids: Vec<&str> = all["data"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(
        ids[..3],
        [other_id.as_str(), &small_id, &big_id],
        "newest first"
    );

    // A file an entry uses is kept, and the answer names the entry.
    ok(run(&[
        "update",
        "post",
        "this-is-wsco",
        "--set",
        &format!("cover={big_id}"),
    ]));
    let in_use = run(&["media", "delete", &big_id]);
    assert_eq!(in_use.status.code(), Some(1));
    let message = stderr(&in_use);
    assert!(
        message.contains("media_in_use")
            && message.contains("post/")
            && message.contains("this-is-wsco"),
        "{message}"
    );
    media_record(&server, &big_id).await;
    ok(run(&[
        "update",
        "post",
        "this-is-wsco",
        "--set",
        "cover=null",
    ]));
    let deleted = ok(run(&["media", "delete", &big_id, &small_id]));
    assert_eq!(deleted, format!("deleted {big_id}\ndeleted {small_id}\n"));
    let gone = server
        .admin(Method::GET, &format!("/media/{big_id}"))
        .send()
        .await;
    assert_eq!(gone.expect("answers").status().as_u16(), 404);
}

/// The key `media/index.json` gives the record with this alt text.
fn key_with_alt(index: &Value, alt: &str) -> String {
    index
        .as_object()
        .expect("an index")
        .iter()
        .find(|(_, record)| record["alt"] == alt)
        .map(|(key, _)| key.clone())
        .expect("a record with the alt text")
}

#[tokio::test]
async fn media_moves_between_servers_with_export_and_import() {
    let source = Server::start().await;
    let home = TempDir::new().expect("home");
    let editor = source.create_token(&["preview", "write", "publish"]).await;
    let run = |args: &[&str]| client(home.path(), &source, Some(&editor), args);
    let portrait = write_png(home.path(), "portrait.png", (60, 80), 4);
    let portrait_id = upload(
        &run,
        &[&portrait, "--alt", "A portrait", "--title", "Portrait"],
    );
    let patched = source
        .admin(Method::PATCH, &format!("/media/{portrait_id}"))
        .json(&json!({"focal": {"x": 0.25, "y": 0.75}, "translations": {"fr": {"alt": "Un portrait"}}}))
        .send()
        .await;
    assert_eq!(patched.expect("answers").status().as_u16(), 200);
    // The same bytes twice, with other texts: two records.
    let cover = write_png(home.path(), "cover.png", (200, 120), 5);
    let cover_a = upload(&run, &[&cover, "--alt", "Cover A"]);
    let cover_b = upload(&run, &[&cover, "--alt", "Cover B"]);
    ok(run(&[
        "update",
        "post",
        "this-is-wsco",
        "--set",
        &format!("cover={cover_b}"),
    ]));
    ok(run(&["publish", "post", "this-is-wsco"]));
    ok(run(&[
        "update",
        "expert",
        "john-marwel",
        "--set",
        &format!("photo={portrait_id}"),
    ]));
    ok(run(&["publish", "expert", "john-marwel"]));
    // An unpublished change: the published page keeps its own hero.
    ok(run(&[
        "update",
        "page",
        "who-we-are",
        "--set",
        &format!("hero={cover_a}"),
    ]));
    // Records exported alike (same bytes, name and texts) are told apart by age: each
    // partner keeps its own through the round trip.
    let logo = write_png(home.path(), "logo.png", (8, 8), 6);
    let older = upload(&run, &[&logo]);
    let newer = upload(&run, &[&logo]);
    for (slug, id) in [
        ("demo-smart-grid-solutions", &newer),
        ("demo-city-hall-of-northbridge", &older),
    ] {
        ok(run(&[
            "update",
            "partner",
            slug,
            "--set",
            &format!("logo={id}"),
        ]));
    }

    let reader = source.create_token(&["preview"]).await;
    let exported = home.path().join("site");
    let site = exported.to_str().expect("path");
    ok(client(
        home.path(),
        &source,
        Some(&reader),
        &["export", site],
    ));
    let index: Value = serde_json::from_str(
        &fs::read_to_string(exported.join("media/index.json")).expect("an index"),
    )
    .expect("JSON");
    let (key_a, key_b) = (
        key_with_alt(&index, "Cover A"),
        key_with_alt(&index, "Cover B"),
    );
    assert!(
        key_a.ends_with("-cover.png") && key_b == format!("{key_a}~2"),
        "{key_a} {key_b}"
    );
    let portrait_key = key_with_alt(&index, "A portrait");
    assert_eq!(
        index[&portrait_key]["translations"],
        json!({"fr": {"alt": "Un portrait"}})
    );
    for record in index.as_object().expect("records").values() {
        let file = exported
            .join("media/files")
            .join(record["sha256"].as_str().expect("sha"));
        assert_eq!(fs::metadata(&file).expect("the file").len(), record["size"]);
    }
    let first = tree(&exported);
    assert!(first["content/post/this-is-wsco.md"].contains(&format!("cover: {key_b}\n")));
    assert!(first["content/page/who-we-are.md"].contains(&format!("hero: {key_a}\n")));
    assert!(
        first
            .iter()
            .all(|(name, text)| !name.starts_with("content") || !text.contains("/assets/")),
        "entries name media by key, not by URL"
    );

    let target = Server::start_with(
        Options {
            seed: false,
            ..Options::default()
        },
        TempDir::new().expect("dir"),
    )
    .await;
    let importer = target.create_token(&["preview", "write", "publish"]).await;
    let import = |args: &[&str]| client(home.path(), &target, Some(&importer), args);
    let records = index.as_object().expect("records").len();
    let dry = ok(import(&["import", site, "--dry-run"]));
    assert!(
        dry.contains(&format!("upload media/{key_b}\n"))
            && dry.contains(&format!(
                "media: {records} uploaded, 0 updated, 0 unchanged"
            )),
        "{dry}"
    );
    let (_, empty) = answer(target.admin(Method::GET, "/media").send().await).await;
    assert_eq!(empty["data"], json!([]), "a dry run uploads nothing");
    let done = ok(import(&["import", site]));
    assert!(
        done.contains(&format!(
            "media: {records} uploaded, 0 updated, 0 unchanged"
        )),
        "{done}"
    );

    // Each entry shows the same file, byte for byte, with the same texts, under a new id.
    for (type_id, slug, field) in [
        ("post", "this-is-wsco", "cover"),
        ("expert", "john-marwel", "photo"),
        ("page", "who-we-are", "hero"),
    ] {
        let there = &entry(&source, type_id, slug).await[field];
        let here = &entry(&target, type_id, slug).await[field];
        assert_ne!(there["id"], here["id"]);
        for shown in ["filename", "alt", "title", "focal", "width", "height"] {
            assert_eq!(
                there[shown], here[shown],
                "{type_id}/{slug} {field} {shown}"
            );
        }
        assert_eq!(
            body_of(&source, text(&there["url"])).await,
            body_of(&target, text(&here["url"])).await
        );
        let (old, new) = (
            media_record(&source, text(&there["id"])).await,
            media_record(&target, text(&here["id"])).await,
        );
        assert_eq!(
            (&old["sha256"], &old["translations"]),
            (&new["sha256"], &new["translations"])
        );
    }
    let logos = [
        entry(&target, "partner", "demo-city-hall-of-northbridge").await["logo"]["id"].clone(),
        entry(&target, "partner", "demo-smart-grid-solutions").await["logo"]["id"].clone(),
    ];
    let mut ages = Vec::new();
    for id in &logos {
        let uploaded = media_record(&target, text(id)).await["created_at"].clone();
        let uploaded = uploaded.as_str().expect("a time").to_owned();
        ages.push(chrono::DateTime::parse_from_rfc3339(&uploaded).expect("RFC 3339"));
    }
    assert!(ages[0] < ages[1], "{ages:?}");
    let (_, public) = answer(target.get("/api/v1/content/post/this-is-wsco").send().await).await;
    assert_eq!(public["data"]["cover"]["alt"], "Cover B", "{public}");

    let again = home.path().join("again");
    ok(import(&["export", again.to_str().expect("path")]));
    assert_eq!(
        first,
        tree(&again),
        "export, import, export gives identical files"
    );
    let twice = ok(import(&["import", site]));
    assert!(
        twice.contains("0 created, 0 updated")
            && twice.contains(&format!(
                "media: 0 uploaded, 0 updated, {records} unchanged"
            )),
        "{twice}"
    );

    // A damaged file, or an entry naming a file nobody has, stops the import first.
    let sha = index[&key_b]["sha256"].as_str().expect("sha");
    let file = exported.join("media/files").join(sha);
    let bytes = fs::read(&file).expect("the file");
    fs::write(&file, b"damaged").expect("written");
    let refused = import(&["import", site]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains(&format!("{sha} has SHA-256")),
        "{}",
        stderr(&refused)
    );
    fs::write(&file, bytes).expect("written");
    let post = exported.join("content/post/this-is-wsco.md");
    let text = first["content/post/this-is-wsco.md"].replace(&key_b, "000000000000-gone.png");
    fs::write(&post, text).expect("written");
    let refused = import(&["import", site]);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr(&refused);
    assert!(
        message.contains("this-is-wsco.md: cover: no media `000000000000-gone.png`"),
        "{message}"
    );
}
