//! The editors' web app and GraphiQL as HTTP sees them (the browser scenarios are in
//! tests/browser.rs): /admin serves the built app under its strict Content-Security-Policy,
//! bundles are cached for good and compressed, client-side routes get the app, a missing
//! bundle is a 404, and `server.admin_ui = false` turns it all off. /graphiql does the
//! same for GraphiQL under a policy of its own, with `server.graphiql` as its switch.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Options, Server};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const GRAPHIQL_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-nzTgYzXYDNe6BAHiiI7NNlfK8n/auuOAhh2t92YvuXo='; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The bundles a page loads: every `<mount>/assets/...` it names.
fn bundles(page: &str, mount: &str) -> Vec<String> {
    page.split(&format!("\"{mount}/assets/"))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("{mount}/assets/{name}"))
        .collect()
}

/// Whether every script of `page` comes from a file and it has no style element or
/// attribute: nothing a strict policy would refuse.
fn no_inline_code(page: &str) -> bool {
    let scripts_have_sources = page
        .split("<script")
        .skip(1)
        .all(|tag| tag.split('>').next().is_some_and(|a| a.contains("src=")));
    scripts_have_sources && !page.contains("<style") && !page.contains(" style=")
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
    let bundles = bundles(&index, "/admin");
    assert!(
        bundles.iter().any(|b| b.ends_with(".js")),
        "index.html loads a script from /admin/assets/: {index}"
    );
    assert!(no_inline_code(&index), "no inline code: {index}");
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
    revalidates_keeping_its_policy(&server, "/admin/", &etag, CSP).await;
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

/// Fetches a page and the bundles it names in each encoding: every file answers in the
/// encoding asked for (and says it varies by it), and brotli beats gzip, which beats
/// nothing. Prints the totals, as `what`.
async fn check_first_load(server: &Server, page: &str, mount: &str, what: &str) {
    let (_, _, body) = fetch(server, page, "identity").await;
    let paths: Vec<String> = [page.to_owned()]
        .into_iter()
        .chain(bundles(&String::from_utf8_lossy(&body), mount))
        .collect();
    let mut totals: Vec<(&str, usize)> = Vec::new();
    for encoding in ["br", "gzip", "identity"] {
        let mut total = 0;
        for path in &paths {
            let (status, headers, body) = fetch(server, path, encoding).await;
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
        "{what} ({} files: the page and what it names): {}",
        paths.len(),
        figures.join(", ")
    );
    let [(_, brotli), (_, gzip), (_, identity)] = totals[..] else {
        panic!("three encodings: {totals:?}");
    };
    assert!(brotli < gzip && gzip < identity, "{figures:?}");
}

/// A page asked for again with its ETag is a 304 that repeats the page's policy: browsers
/// take a 304's headers over the stored ones, so the API's policy must not stand in.
async fn revalidates_keeping_its_policy(server: &Server, path: &str, etag: &str, policy: &str) {
    let revalidated = server
        .get(path)
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .expect("request");
    assert_eq!(revalidated.status(), 304, "{path}: ETag {etag}");
    assert_eq!(
        header(revalidated.headers(), header::CONTENT_SECURITY_POLICY),
        policy,
        "{path}"
    );
}

#[tokio::test]
async fn bundles_are_compressed_as_the_browser_accepts_and_the_first_load_is_small() {
    let server = Server::start().await;
    check_first_load(&server, "/admin/", "/admin", "the app's first load").await;
}

/// A server with the page that `setting` switches turned off.
async fn switched_off(setting: &str) -> Server {
    let options = Options {
        env: vec![(setting.into(), "false".into())],
        ..Options::default()
    };
    Server::start_with(options, TempDir::new().expect("dir")).await
}

#[tokio::test]
async fn the_app_can_be_turned_off() {
    let server = switched_off("CIVITAS_SERVER__ADMIN_UI").await;
    let (status, _, _) = fetch(&server, "/admin/", "identity").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn graphiql_is_served_under_its_own_policy_and_cache_headers() {
    let server = Server::start().await;
    let (status, headers, body) = fetch(&server, "/graphiql", "identity").await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, header::CONTENT_SECURITY_POLICY),
        GRAPHIQL_CSP
    );
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
    assert_eq!(
        header(&headers, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let etag = header(&headers, header::ETAG).to_owned();
    assert!(etag.starts_with('"'), "an ETag: {etag:?}");
    let page = String::from_utf8(body).expect("the page is text");
    assert!(no_inline_code(&page), "no inline code: {page}");
    let bundles = bundles(&page, "/graphiql");
    for kind in [".js", ".css"] {
        assert!(
            bundles.iter().any(|b| b.ends_with(kind)),
            "the page loads a {kind} from /graphiql/assets/: {page}"
        );
    }
    for bundle in &bundles {
        let (status, headers, _) = fetch(&server, bundle, "identity").await;
        assert_eq!(status, 200, "{bundle}");
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            IMMUTABLE,
            "{bundle}"
        );
        assert_eq!(
            header(&headers, header::CONTENT_SECURITY_POLICY),
            GRAPHIQL_CSP,
            "{bundle}"
        );
    }
    let (status, _, slash) = fetch(&server, "/graphiql/", "identity").await;
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8_lossy(&slash),
        page,
        "/graphiql/ is the page too"
    );

    revalidates_keeping_its_policy(&server, "/graphiql", &etag, GRAPHIQL_CSP).await;

    // One page, no client-side routes: anything else under /graphiql is missing.
    for missing in ["/graphiql/docs", "/graphiql/assets/missing-0123abcd.js"] {
        let (status, _, _) = fetch(&server, missing, "identity").await;
        assert_eq!(status, 404, "{missing}");
    }
}

#[tokio::test]
async fn graphiql_bundles_are_compressed_as_the_browser_accepts() {
    let server = Server::start().await;
    check_first_load(&server, "/graphiql", "/graphiql", "GraphiQL's page").await;
}

#[tokio::test]
async fn graphiql_can_be_turned_off_apart_from_the_app() {
    let server = switched_off("CIVITAS_SERVER__GRAPHIQL").await;
    for path in ["/graphiql", "/graphiql/"] {
        let (status, _, _) = fetch(&server, path, "identity").await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _, _) = fetch(&server, "/admin/", "identity").await;
    assert_eq!(status, 200, "the app stays on");
}
