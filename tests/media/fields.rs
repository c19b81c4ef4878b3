//! Media fields in entries: files embedded in the locale asked for, one query for the files
//! of a page of posts, files in use kept from deletion, and files replaced in place.

use image::ImageFormat;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::{
    PDF, decoded, delete_media, expect_media_not_found, get, jpeg, original_path, pick, png,
    put_file, sha256, start, stored_files, upload, variant_url,
};
use crate::support::media::{body_of, media_record};
use crate::support::{
    Server, create_published, details, expect_error, expect_invalid, expect_invalid_field, header,
    json, text,
};

#[tokio::test]
async fn entries_show_their_files_in_the_locale_asked_for() {
    let server = Server::start().await;
    let photo = upload(
        &server,
        "tram.png",
        &png(80, 60, 3),
        &[("alt", "A yellow tram"), ("title", "Tram 28")],
    )
    .await;
    let id = text(&photo["id"]);
    let (status, patched) = json(
        server
            .admin(Method::PATCH, &format!("/media/{id}"))
            .json(&json!({"translations": {"fr": {"alt": "Un tramway jaune"}}}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        patched["data"]["translations"]["fr"]["alt"],
        "Un tramway jaune"
    );
    assert_eq!(patched["data"]["alt"], "A yellow tram");

    let post = create_published(
        &server,
        "post",
        json!({"title": "Trams are back", "body": "Yes.", "cover": id, "authors": ["john-marwel"]}),
    )
    .await;
    let post_id = text(&post["id"]);
    let mut expected = json!({
        "id": id, "url": photo["url"], "filename": "tram.png", "mime": "image/png",
        "size": photo["size"], "width": 80, "height": 60, "alt": "A yellow tram",
        "title": "Tram 28", "focal": {"x": 0.5, "y": 0.5}, "thumbhash": photo["thumbhash"],
    });
    assert_eq!(post["cover"], expected, "the admin answer embeds the file");
    let read = |path: String| {
        let request = server.get(&path);
        async move {
            let (status, body) = json(request.send().await).await;
            assert_eq!(status, 200, "{path}: {body}");
            body["data"].clone()
        }
    };
    let entry = "/api/v1/content/post/trams-are-back";
    assert_eq!(read(entry.into()).await["cover"], expected);
    let french = read(format!("{entry}?locale=fr")).await;
    expected["alt"] = json!("Un tramway jaune");
    assert_eq!(
        french["cover"], expected,
        "the title falls back to the default"
    );
    let list = read("/api/v1/content/post?locale=fr&filter[slug]=trams-are-back".into()).await;
    assert_eq!(list[0]["cover"], expected);
    let only = read(format!("{entry}?fields=cover&locale=fr")).await;
    assert_eq!(only["cover"], expected);
    assert!(
        only.get("body").is_none() && only.get("title").is_none(),
        "{only}"
    );
    assert!(
        read(format!("{entry}?fields=title"))
            .await
            .get("cover")
            .is_none()
    );
    // Embedded entries show their own files: the author's photo, from the demo content.
    let with_authors = read(format!("{entry}?include=authors")).await;
    assert_eq!(with_authors["cover"]["id"], id);
    let author_photo = &with_authors["authors"][0]["photo"];
    assert_eq!(author_photo["mime"], "image/png", "{with_authors}");
    assert!(
        text(&author_photo["url"]).starts_with("/assets/"),
        "{with_authors}"
    );
    assert!(author_photo["alt"].is_string(), "{with_authors}");

    // A new alt text is seen at once, however the answer was kept.
    let (status, _) = json(
        server
            .admin(Method::PATCH, &format!("/media/{id}"))
            .json(&json!({"alt": "A tram on the hill"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        read(entry.into()).await["cover"]["alt"],
        "A tram on the hill"
    );
    assert_eq!(
        read(format!("{entry}?locale=fr")).await["cover"]["alt"],
        "Un tramway jaune"
    );

    // What a read shows can be written back; unknown ids and PDFs are refused.
    let path = format!("/content/post/{post_id}");
    let (status, _) = json(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"cover": read(entry.into()).await["cover"]}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, admin_read) = json(server.admin(Method::GET, &path).send().await).await;
    assert_eq!(admin_read["data"]["cover"]["id"], id, "{admin_read}");
    let pdf = upload(&server, "report.pdf", PDF, &[]).await;
    for (cover, code) in [
        (json!("01ARZ3NDEKTSV4RRFFQ69G5FAV"), "media_not_found"),
        (pdf["id"].clone(), "media_type_not_accepted"),
    ] {
        let body = expect_invalid(
            server
                .admin(Method::PATCH, &path)
                .json(&json!({"cover": cover})),
        )
        .await;
        assert_eq!(details(&body).first(), Some(&("cover", code)));
    }
}

/// The database round trips of an answer, from its `Server-Timing` header.
fn queries(response: &Response) -> u32 {
    header(response, "server-timing")
        .as_deref()
        .and_then(|timing| timing.split('"').nth(1))
        .and_then(|desc| desc.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("Server-Timing counts the queries")
}

#[tokio::test]
async fn the_files_of_a_page_of_posts_cost_one_query_however_many_posts() {
    // The response cache would answer repeats without any query.
    let server = start(&[("CIVITAS_API__CACHE_MAX_MIB", "0")]).await;
    for n in 0..20u8 {
        let photo = upload(&server, &format!("cover-{n}.png"), &png(8, 8, n), &[]).await;
        create_published(
            &server,
            "post",
            json!({"title": format!("Post {n}"), "body": "Text.", "cover": photo["id"]}),
        )
        .await;
    }
    // The newest post has no cover.
    create_published(
        &server,
        "post",
        json!({"title": "No cover", "body": "Text."}),
    )
    .await;
    let count = |size: u32| {
        let request = server.get(&format!("/api/v1/content/post?page[size]={size}"));
        async move {
            let response = request.send().await.expect("response");
            let n = queries(&response);
            let (status, body) = json(Ok(response)).await;
            assert_eq!(status, 200, "{body}");
            (n, body)
        }
    };
    let (without, body) = count(1).await;
    assert_eq!(body["data"][0]["cover"], Value::Null, "{body}");
    let (one, body) = count(2).await;
    assert_eq!(
        body["data"][1]["cover"]["filename"], "cover-19.png",
        "{body}"
    );
    let (twenty, body) = count(21).await;
    let mut covers: Vec<&str> = body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|post| post["cover"]["url"].as_str())
        .collect();
    covers.sort_unstable();
    covers.dedup();
    assert_eq!(covers.len(), 20, "{body}");
    assert_eq!(one, without + 1, "one query for the file of one post");
    assert_eq!(twenty, one, "and the same one for the files of twenty");
}

#[tokio::test]
async fn a_file_in_use_is_kept_until_no_entry_uses_it_then_deleted_with_its_variants() {
    let server = start(&[]).await;
    let bytes = png(120, 90, 5);
    let photo = upload(&server, "bridge.png", &bytes, &[]).await;
    let twin = upload(&server, "bridge-copy.png", &bytes, &[]).await;
    let (id, sha) = (text(&photo["id"]), text(&photo["sha256"]));
    body_of(&server, &variant_url(&photo, "w=60&fmt=png")).await;
    let files = stored_files(&server);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&original_path(sha)), "{files:?}");

    let (status, created) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": "Bridges", "body": "Text.", "cover": id}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let post_id = text(&created["data"]["id"]).to_owned();
    let path = format!("/content/post/{post_id}");
    let refused = || async {
        let body = expect_error(
            server
                .admin(Method::DELETE, &format!("/media/{id}"))
                .send()
                .await,
            409,
            "media_in_use",
        )
        .await;
        let owner = format!("post/{post_id}");
        assert_eq!(
            details(&body).first(),
            Some(&(owner.as_str(), "media_in_use"))
        );
    };
    refused().await; // by a draft
    let publish = || async {
        let (status, body) = json(
            server
                .admin(Method::POST, &format!("{path}/publish"))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
    };
    publish().await;
    refused().await; // by the published entry
    let (status, body) = json(
        server
            .admin(Method::PATCH, &path)
            .json(&json!({"cover": null}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["unpublished_changes"], true);
    refused().await; // still by what is published
    publish().await;
    delete_media(&server, id).await;
    expect_media_not_found(server.admin(Method::GET, &format!("/media/{id}"))).await;
    expect_media_not_found(server.get(text(&photo["url"]))).await;
    // The twin still has the bytes, and its variants.
    assert_eq!(stored_files(&server), files);
    assert_eq!(sha256(&body_of(&server, text(&twin["url"])).await), sha);

    delete_media(&server, text(&twin["id"])).await;
    assert_eq!(
        stored_files(&server),
        Vec::<String>::new(),
        "the file and its variants are gone"
    );
    expect_media_not_found(server.get(text(&twin["url"]))).await;
    expect_media_not_found(server.admin(Method::DELETE, &format!("/media/{id}"))).await;
}

#[tokio::test]
async fn replacing_a_file_keeps_its_id_and_texts_and_changes_its_url() {
    let server = start(&[]).await;
    let photo = upload(
        &server,
        "before.png",
        &png(100, 80, 1),
        &[("alt", "The square")],
    )
    .await;
    let id = text(&photo["id"]);
    let old_sha = text(&photo["sha256"]);
    create_published(
        &server,
        "post",
        json!({"title": "The square", "body": "Text.", "cover": id}),
    )
    .await;
    body_of(&server, text(&photo["url"])).await;
    body_of(&server, &variant_url(&photo, "w=50&fmt=png")).await;

    let after = jpeg(60, 40);
    let (status, body) = json(
        put_file(&server, id, ("after.jpg", "image/jpeg", &after), &[])
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let replaced = body["data"].clone();
    let new_sha = text(&replaced["sha256"]);
    assert_ne!(new_sha, old_sha);
    assert_eq!(
        pick(
            &replaced,
            &["id", "alt", "mime", "width", "height", "filename", "url"]
        ),
        json!({"id": id, "alt": "The square", "mime": "image/jpeg", "width": 60, "height": 40,
               "filename": "after.jpg", "url": format!("/assets/{id}/after.jpg?v={}", &new_sha[..12])})
    );
    let served = body_of(&server, text(&replaced["url"])).await;
    assert_eq!(sha256(&served), new_sha);
    assert_eq!(
        decoded(&body_of(&server, &variant_url(&replaced, "w=30&fmt=png")).await),
        (ImageFormat::Png, 30, 20)
    );
    // The old URL names an earlier file: it gets the current one, not to be kept.
    let response = get(&server, text(&photo["url"])).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, no-cache")
    );
    assert_eq!(
        response.bytes().await.expect("bytes").as_ref(),
        served.as_slice()
    );
    let (_, entry) = json(server.get("/api/v1/content/post/the-square").send().await).await;
    assert_eq!(entry["data"]["cover"]["url"], replaced["url"], "{entry}");
    assert_eq!(entry["data"]["cover"]["width"], 60);
    let files = stored_files(&server);
    assert!(
        files.contains(&original_path(new_sha)) && !files.iter().any(|f| f.contains(old_sha)),
        "the old file and its variants are gone: {files:?}"
    );

    // An image is replaced by an image, with nothing but the file.
    let pdf = ("report.pdf", "application/pdf", PDF);
    let body = expect_invalid(put_file(&server, id, pdf, &[])).await;
    assert_eq!(
        details(&body).first(),
        Some(&("file", "media_type_changed"))
    );
    let small = png(10, 10, 2);
    let again = ("again.png", "image/png", small.as_slice());
    expect_invalid_field(put_file(&server, id, again, &[("alt", "New alt")]), "alt").await;
    assert_eq!(stored_files(&server), files, "refused files are not kept");
    assert_eq!(media_record(&server, id).await["sha256"], new_sha);
    // Last: refused before its body is read, it may leave its connection unusable.
    expect_media_not_found(put_file(&server, "01ARZ3NDEKTSV4RRFFQ69G5FAV", again, &[])).await;
}
