//! The editors' web app as HTTP sees it (the browser scenarios are in tests/browser.rs):
//! /admin serves the built app under its strict Content-Security-Policy, bundles are
//! cached for good and compressed, client-side routes get the app, a missing bundle is
//! a 404, and `server.admin_ui = false` turns it all off.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Options, Server};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The bundles index.html loads: every `/admin/assets/...` it names.
fn bundles(index: &str) -> Vec<String> {
    index
        .split("\"/admin/assets/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("/admin/assets/{name}"))
        .collect()
}

/// GET `path` asking for `encoding` (reqwest decompresses nothing by itself here).
async fn fetch(server: &Server, path: &str, encoding: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = server
        .get(path)
        .header(header::ACCEPT_ENCODING, encoding)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn admin_serves_the_app_with_its_policy_and_cache_headers() {
    let server = Server::start().await;
    let (status, headers, body) = fetch(&server, "/admin", "identity").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, header::CONTENT_SECURITY_POLICY), CSP);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
    assert_eq!(
        header(&headers, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let index = String::from_utf8(body).expect("index.html is text");
    let bundles = bundles(&index);
    assert!(
        bundles.iter().any(|b| b.ends_with(".js")),
        "index.html loads a script from /admin/assets/: {index}"
    );
    let scripts_have_sources = index
        .split("<script")
        .skip(1)
        .all(|tag| tag.split('>').next().is_some_and(|a| a.contains("src=")));
    assert!(
        scripts_have_sources && !index.contains("<style") && !index.contains(" style="),
        "no inline code: {index}"
    );
    for bundle in &bundles {
        let (status, headers, _) = fetch(&server, bundle, "identity").await;
        assert_eq!(status, 200, "{bundle}");
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            IMMUTABLE,
            "{bundle}"
        );
    }
    for route in ["/admin/", "/admin/content/post/whatever"] {
        let (status, headers, body) = fetch(&server, route, "identity").await;
        assert_eq!(status, 200, "{route}");
        assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
        assert_eq!(
            String::from_utf8_lossy(&body),
            index,
            "{route} gets the app"
        );
    }
    let etag = header(&headers, header::ETAG).to_owned();
    let revalidated = server
        .get("/admin/")
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(revalidated.status(), 304, "ETag {etag}");
    // Browsers take the 304's headers over the stored ones: the policy must stay the app's.
    assert_eq!(
        header(revalidated.headers(), header::CONTENT_SECURITY_POLICY),
        CSP
    );
}

#[tokio::test]
async fn missing_bundles_other_methods_and_head_answer_as_http_says() {
    let server = Server::start().await;
    let (status, headers, body) = fetch(&server, "/admin/assets/missing-0123abcd.js", "gzip").await;
    assert_eq!(status, 404);
    let error: Value = serde_json::from_slice(&body).expect("a JSON error");
    assert_eq!(error["error"]["code"], "route_not_found", "{error}");
    assert!(header(&headers, header::CONTENT_TYPE).starts_with("application/json"));

    let head = server
        .client
        .head(server.url("/admin/"))
        .send()
        .await
        .expect("request");
    assert_eq!(head.status(), 200);
    assert_eq!(header(head.headers(), header::CONTENT_SECURITY_POLICY), CSP);
    assert!(head.bytes().await.expect("body").is_empty());

    let post = server
        .client
        .request(Method::POST, server.url("/admin/"))
        .send()
        .await
        .expect("request");
    assert_eq!(post.status(), 405);

    let document: Value = server
        .get("/api/v1/openapi.json")
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("document");
    let paths = document["paths"].as_object().expect("paths");
    assert!(
        paths.keys().all(|path| !path.starts_with("/admin")),
        "the app is not an API route"
    );
}

#[tokio::test]
async fn bundles_are_compressed_as_the_browser_accepts_and_the_first_load_is_small() {
    let server = Server::start().await;
    let (_, _, index) = fetch(&server, "/admin/", "identity").await;
    let paths: Vec<String> = ["/admin/".to_owned()]
        .into_iter()
        .chain(bundles(&String::from_utf8_lossy(&index)))
        .collect();
    let mut totals: Vec<(&str, usize)> = Vec::new();
    for encoding in ["br", "gzip", "identity"] {
        let mut total = 0;
        for path in &paths {
            let (status, headers, body) = fetch(&server, path, encoding).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(header(&headers, header::VARY), "accept-encoding", "{path}");
            if encoding != "identity" {
                assert_eq!(
                    header(&headers, header::CONTENT_ENCODING),
                    encoding,
                    "{path}"
                );
            }
            total += body.len();
        }
        totals.push((encoding, total));
    }
    let figures: Vec<String> = totals
        .iter()
        .map(|(encoding, total)| format!("{encoding} {:.1} KB", *total as f64 / 1024.0))
        .collect();
    println!(
        "the app's first load ({} files: index.html and what it names): {}",
        paths.len(),
        figures.join(", ")
    );
    let [(_, brotli), (_, gzip), (_, identity)] = totals[..] else {
        panic!("three encodings: {totals:?}");
    };
    assert!(brotli < gzip && gzip < identity, "{figures:?}");
}

#[tokio::test]
async fn the_app_can_be_turned_off() {
    let options = Options {
        env: vec![("CIVITAS_SERVER__ADMIN_UI".into(), "false".into())],
        ..Options::default()
    };
    let server = Server::start_with(options, TempDir::new().expect("dir")).await;
    let (status, _, _) = fetch(&server, "/admin/", "identity").await;
    assert_eq!(status, 404);
}
