//! The asset route: variants rendered once and kept, one render for simultaneous
//! requests, a busy answer past the render queue, byte ranges and entity tags.

use futures_util::future::join_all;
use image::ImageFormat;
use serde_json::Value;

use super::{
    decoded, expect_invalid_transforms, expect_media_not_found, get, get_with, noise_png, png,
    renders, start, stored, stored_files, upload, variant_url,
};
use crate::support::media::body_of;
use crate::support::{expect_error, header, json, text};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[tokio::test]
async fn a_variant_is_rendered_once_then_served_from_the_store() {
    // No memory in front of the store: a second request must find the stored variant.
    let server = start(&[("CIVITAS_MEDIA__CACHE_MIB", "0")]).await;
    let record = upload(&server, "square.png", &png(640, 480, 3), &[]).await;
    let sha = text(&record["sha256"]);
    assert_eq!(renders(&server), 0);

    let url = variant_url(&record, "w=200&h=100&fit=cover&fmt=webp");
    let response = get(&server, &url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("image/webp")
    );
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some(IMMUTABLE)
    );
    assert_eq!(
        header(&response, "content-disposition").as_deref(),
        Some("inline; filename=\"square.webp\"")
    );
    let first = response.bytes().await.expect("bytes").to_vec();
    assert_eq!(&first[..4], b"RIFF");
    assert_eq!(&first[8..12], b"WEBP");
    assert_eq!(decoded(&first), (ImageFormat::WebP, 200, 100));
    assert_eq!(renders(&server), 1);
    let variants: Vec<String> = stored_files(&server)
        .into_iter()
        .filter(|f| f.starts_with("variants/"))
        .collect();
    assert_eq!(variants.len(), 1, "{variants:?}");
    assert!(
        variants[0].starts_with(&format!("variants/{sha}/")) && variants[0].ends_with(".webp"),
        "{variants:?}"
    );
    assert_eq!(stored(&server, &variants[0]), first);

    // Again, and spelled differently (order, defaults): the stored file, not a new render.
    assert_eq!(body_of(&server, &url).await, first);
    let respelled = variant_url(&record, "fmt=webp&q=80&h=100&fit=cover&w=200");
    assert_eq!(body_of(&server, &respelled).await, first);
    assert_eq!(renders(&server), 1, "{}", server.log());

    // Each fit and format gives what it says.
    for (params, expected) in [
        (
            "w=200&h=200&fit=contain&fmt=png",
            (ImageFormat::Png, 200, 200),
        ),
        (
            "w=200&h=200&fit=inside&fmt=jpeg",
            (ImageFormat::Jpeg, 200, 150),
        ),
        ("h=120&fmt=png", (ImageFormat::Png, 160, 120)),
        ("w=200&h=200&fmt=jpeg&q=40", (ImageFormat::Jpeg, 200, 200)),
        // Never enlarged: the box keeps its shape but shrinks to the original.
        (
            "w=1280&h=1280&fit=cover&fmt=png",
            (ImageFormat::Png, 480, 480),
        ),
        ("w=2000&fmt=png", (ImageFormat::Png, 640, 480)),
        ("preset=thumbnail", (ImageFormat::WebP, 320, 320)),
        // A preset with a parameter in its place.
        ("preset=card&fmt=png", (ImageFormat::Png, 640, 360)),
    ] {
        let variant = body_of(&server, &variant_url(&record, params)).await;
        assert_eq!(decoded(&variant), expected, "{params}");
    }
    assert_eq!(renders(&server), 9);

    expect_invalid_transforms(
        &server,
        &record,
        &[
            "w=0",
            "w=4097",
            "q=101",
            "fit=stretch",
            "fmt=avif",
            "w=10&w=20",
            "width=10",
            "w=ten",
            "preset=nope",
        ],
    )
    .await;
    expect_media_not_found(server.get("/assets/01ARZ3NDEKTSV4RRFFQ69G5FAV/nothing.png?w=10")).await;
}

#[tokio::test]
async fn twenty_simultaneous_requests_for_a_new_variant_render_it_once() {
    let server = start(&[]).await;
    let record = upload(&server, "busy.png", &noise_png(1200, 900, 7), &[]).await;
    let url = variant_url(&record, "w=300&h=300&fit=cover&fmt=webp&q=70");
    let answers = join_all((0..20).map(|_| {
        let request = server.get(&url);
        async move {
            let response = request.send().await.expect("response");
            let status = response.status().as_u16();
            (status, response.bytes().await.expect("bytes").to_vec())
        }
    }))
    .await;
    let first = &answers[0].1;
    for (status, bytes) in &answers {
        assert_eq!(*status, 200, "{}", String::from_utf8_lossy(bytes));
        assert_eq!(bytes, first, "every answer is the same variant");
    }
    assert_eq!(decoded(first), (ImageFormat::WebP, 300, 300));
    assert_eq!(renders(&server), 1, "{}", server.log());
}

#[tokio::test]
async fn a_burst_of_new_variants_past_the_queue_is_told_to_retry() {
    let server = start(&[
        ("CIVITAS_MEDIA__RENDER_CONCURRENCY", "1"),
        ("CIVITAS_MEDIA__RENDER_QUEUE", "1"),
    ])
    .await;
    let record = upload(&server, "large.png", &noise_png(1600, 1200, 8), &[]).await;
    let urls: Vec<String> = (0..8)
        .map(|n| variant_url(&record, &format!("w={}&fmt=png", 100 + n)))
        .collect();
    let answers = join_all(urls.iter().map(|url| {
        let request = server.get(url);
        async move {
            let response = request.send().await.expect("response");
            let retry_after = header(&response, "retry-after");
            let (status, body) = json(Ok(response)).await;
            (status, retry_after, body)
        }
    }))
    .await;
    let busy: Vec<&(u16, Option<String>, Value)> = answers
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    let served = answers.iter().filter(|(status, ..)| *status == 200).count();
    assert_eq!(busy.len() + served, 8, "{answers:?}");
    // One renders, one waits for it; the others could only have waited past the queue.
    assert!(
        served >= 2 && !busy.is_empty(),
        "{served} served, {} busy",
        busy.len()
    );
    for (_, retry_after, body) in &busy {
        assert_eq!(body["error"]["code"], "busy", "{body}");
        assert!(
            retry_after
                .as_deref()
                .is_some_and(|s| s.parse::<u64>().is_ok()),
            "{retry_after:?}"
        );
    }
    // Told to retry, they get their variant.
    for url in &urls {
        let (format, width, _) = decoded(&body_of(&server, url).await);
        assert_eq!(format, ImageFormat::Png);
        assert!((100..108).contains(&width));
    }
}

#[tokio::test]
async fn byte_ranges_and_entity_tags_are_honoured() {
    let server = start(&[]).await;
    // Over 512 KiB, so it is streamed from the store rather than kept in memory.
    let large = upload(&server, "large.png", &noise_png(450, 400, 5), &[]).await;
    let small = upload(&server, "small.png", &png(64, 48, 5), &[]).await;
    assert!(large["size"].as_u64().is_some_and(|s| s > 512 * 1024));
    let variant = variant_url(&small, "w=32&fmt=png");
    for url in [text(&large["url"]), text(&small["url"]), variant.as_str()] {
        let response = get(&server, url).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(header(&response, "accept-ranges").as_deref(), Some("bytes"));
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some(IMMUTABLE)
        );
        let etag = header(&response, "etag").expect("an ETag");
        let whole = response.bytes().await.expect("bytes").to_vec();
        let size = whole.len();
        assert!(size > 100, "{url}: {size} bytes");
        assert_eq!(
            header(&get(&server, url).await, "etag").as_deref(),
            Some(etag.as_str()),
            "the tag is stable"
        );

        for (range, expected) in [
            ("bytes=0-9".to_owned(), 0..10),
            (format!("bytes=50-{}", size + 50), 50..size),
            ("bytes=-16".to_owned(), size - 16..size),
            (format!("bytes={}-", size - 3), size - 3..size),
        ] {
            let response = get_with(&server, url, ("range", &range)).await;
            assert_eq!(response.status(), 206, "{url} {range}");
            assert_eq!(
                header(&response, "content-range"),
                Some(format!(
                    "bytes {}-{}/{size}",
                    expected.start,
                    expected.end - 1
                )),
                "{url} {range}"
            );
            let part = response.bytes().await.expect("bytes");
            assert_eq!(part.as_ref(), &whole[expected], "{url} {range}");
        }
        let response = get_with(&server, url, ("range", &format!("bytes={size}-"))).await;
        assert_eq!(
            header(&response, "content-range"),
            Some(format!("bytes */{size}"))
        );
        expect_error(Ok(response), 416, "range_not_satisfiable").await;

        let response = get_with(&server, url, ("if-none-match", &etag)).await;
        assert_eq!(response.status(), 304, "{url}");
        assert_eq!(header(&response, "etag").as_deref(), Some(etag.as_str()));
        assert!(response.bytes().await.expect("body").is_empty());
        let response = get_with(&server, url, ("if-none-match", "\"something-else\"")).await;
        assert_eq!(response.status(), 200, "{url}");
    }
    assert_eq!(
        header(&get(&server, text(&large["url"])).await, "etag"),
        Some(format!("\"{}\"", text(&large["sha256"])))
    );
    assert_ne!(
        header(&get(&server, text(&small["url"])).await, "etag"),
        header(&get(&server, &variant).await, "etag"),
        "a variant has its own tag"
    );
}
