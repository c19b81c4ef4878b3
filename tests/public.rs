//! The public API: types, published lists, single entries, paging, sorting, strictness.

use serde_json::json;

use crate::support::{Server, expect_error, json, slugs};

#[tokio::test]
async fn lists_the_demo_pages_in_their_order() {
    let server = Server::start().await;
    let (status, body) = json(server.get("/api/v1/content/page").send().await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        slugs(&body),
        ["who-we-are", "our-goals-and-vision", "buildmycity"]
    );
    assert_eq!(
        body["meta"],
        json!({"page": {"number": 1, "size": 20, "total_pages": 1, "next": null}, "total": 3})
    );
    let first = &body["data"][0];
    assert_eq!(first["title"], "Who we are");
    assert_eq!(first["type"], "page");
    assert_eq!(first["status"], "published");
    assert!(
        first["body"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("74 %"))
    );
    assert!(
        first["body"]["html"]
            .as_str()
            .is_some_and(|h| h.contains("<h2>Our experts</h2>"))
    );
    assert!(
        first.get("updated_by").is_none(),
        "editor identity stays private: {first}"
    );
}

#[tokio::test]
async fn serves_one_entry_by_slug_or_id() {
    let server = Server::start().await;
    let (status, by_slug) = json(
        server
            .get("/api/v1/content/expert/john-marwel")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(by_slug["data"]["name"], "John Marwel");
    let id = by_slug["data"]["id"].as_str().expect("id").to_owned();
    let (_, by_id) = json(
        server
            .get(&format!("/api/v1/content/expert/{id}"))
            .send()
            .await,
    )
    .await;
    assert_eq!(by_id["data"], by_slug["data"]);
    let (_, post) = json(server.get("/api/v1/content/post/this-is-wsco").send().await).await;
    assert_eq!(
        post["data"]["authors"],
        json!([id]),
        "references are entry ids"
    );
    expect_error(
        server.get("/api/v1/content/expert/nobody").send().await,
        404,
        "entry_not_found",
    )
    .await;
    expect_error(
        server.get("/api/v1/content/robot/x").send().await,
        404,
        "type_not_found",
    )
    .await;
}

#[tokio::test]
async fn describes_the_content_types() {
    let server = Server::start().await;
    let (status, body) = json(server.get("/api/v1/types").send().await).await;
    assert_eq!(status, 200);
    let ids: Vec<_> = body["data"]
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            json!("expert"),
            json!("page"),
            json!("partner"),
            json!("post")
        ]
    );
    let (_, partner) = json(server.get("/api/v1/types/partner").send().await).await;
    let kind = partner["data"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "kind")
        .cloned();
    let options = kind.expect("kind field")["options"].clone();
    assert_eq!(
        options,
        json!([
            "government",
            "city",
            "university",
            "company",
            "international_organization",
            "other"
        ])
    );
    expect_error(
        server.get("/api/v1/types/robot").send().await,
        404,
        "type_not_found",
    )
    .await;
}

#[tokio::test]
async fn pages_and_sorts_lists() {
    let server = Server::start().await;
    let page = |query: &str| {
        server
            .get(&format!("/api/v1/content/partner?{query}"))
            .send()
    };
    let (_, first) = json(page("sort=name&page[size]=2").await).await;
    assert_eq!(first["meta"]["total"], 5);
    assert_eq!(first["meta"]["page"]["total_pages"], 3);
    assert!(
        first["meta"]["page"]["next"].is_string(),
        "a cursor to the next page"
    );
    let (_, third) = json(page("sort=name&page[size]=2&page[number]=3").await).await;
    assert_eq!(third["data"].as_array().map(Vec::len), Some(1));
    let (_, all) = json(page("sort=name").await).await;
    let names: Vec<_> = all["data"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or("").to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let (_, descending) = json(page("sort=-name").await).await;
    assert_eq!(
        slugs(&descending),
        slugs(&all).into_iter().rev().collect::<Vec<_>>()
    );
    let (_, beyond) = json(page("page[number]=9").await).await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["meta"]["total"], 5);
}

#[tokio::test]
async fn refuses_unknown_or_invalid_query_parameters() {
    let server = Server::start().await;
    let get = |query: &str| server.get(&format!("/api/v1/content/post?{query}")).send();
    let body = expect_error(get("pagesize=3").await, 400, "unknown_parameter").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("pagesize"))
    );
    expect_error(get("sort=excerpt").await, 400, "invalid_sort").await;
    expect_error(get("sort=nope").await, 400, "invalid_sort").await;
    expect_error(get("page[size]=101").await, 400, "invalid_page").await;
    expect_error(get("page[number]=0").await, 400, "invalid_page").await;
    expect_error(get("page[size]=abc").await, 400, "invalid_parameter").await;
    expect_error(
        get("sort=title&sort=-title").await,
        400,
        "invalid_parameter",
    )
    .await;
    expect_error(
        server
            .get("/api/v1/content/post/this-is-wsco?x=1")
            .send()
            .await,
        400,
        "unknown_parameter",
    )
    .await;
    expect_error(
        server.get("/api/v1/nowhere").send().await,
        404,
        "route_not_found",
    )
    .await;
    expect_error(
        server
            .client
            .delete(server.url("/api/v1/types"))
            .send()
            .await,
        405,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn answers_revalidation_with_not_modified() {
    let server = Server::start().await;
    let response = server
        .get("/api/v1/content/page/who-we-are")
        .send()
        .await
        .expect("response");
    let etag = response
        .headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .expect("ascii")
        .to_owned();
    let again = server
        .get("/api/v1/content/page/who-we-are")
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("response");
    assert_eq!(again.status().as_u16(), 304);
    let other = server
        .get("/api/v1/content/page/who-we-are")
        .header("If-None-Match", "\"other\"")
        .send()
        .await
        .expect("response");
    assert_eq!(other.status().as_u16(), 200);
}

#[tokio::test]
async fn serves_repeated_reads_from_memory_until_a_write() {
    let server = Server::start().await;
    let url = "/api/v1/content/post?fields=title";
    let first = server.get(url).send().await.expect("response");
    assert_eq!(cache_state(&first), None);
    let second = server.get(url).send().await.expect("response");
    assert_eq!(cache_state(&second), Some("hit".to_owned()));
    let body = json!({"title": "Fresh", "body": "x"});
    let (_, created) = json(
        server
            .admin(reqwest::Method::POST, "/content/post")
            .json(&body)
            .send()
            .await,
    )
    .await;
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let (status, _) = json(
        server
            .admin(
                reqwest::Method::POST,
                &format!("/content/post/{id}/publish"),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, after) = json(server.get(url).send().await).await;
    assert_eq!(
        after["meta"]["total"], 2,
        "a write to posts makes cached post answers stale"
    );
    let admin = server
        .admin(reqwest::Method::GET, "/content/post")
        .send()
        .await
        .expect("response");
    assert_eq!(cache_state(&admin), None, "admin reads are never cached");
}

fn cache_state(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads each of `urls` twice (so it is cached), changes the entry at `write`, and says
/// for each whether it is still served from the cache.
async fn still_cached_after(server: &Server, urls: &[&str], write: &str) -> Vec<bool> {
    for url in urls {
        server.get(url).send().await.expect("first read");
        let again = server.get(url).send().await.expect("second read");
        assert_eq!(cache_state(&again).as_deref(), Some("hit"), "{url}");
    }
    let (status, body) = json(
        server
            .admin(reqwest::Method::PATCH, write)
            .json(&json!({"city": "Lisbon"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut hits = Vec::new();
    for url in urls {
        let after = server.get(url).send().await.expect("read after the write");
        hits.push(cache_state(&after).as_deref() == Some("hit"));
    }
    hits
}

#[tokio::test]
async fn a_write_drops_only_the_answers_that_read_its_type() {
    let server = Server::start().await;
    let posts = "/api/v1/content/post";
    let posts_with_authors = "/api/v1/content/post?include=authors";
    let partners = "/api/v1/content/partner";
    let hits = still_cached_after(
        &server,
        &[posts, posts_with_authors, partners],
        "/content/expert/john-marwel",
    )
    .await;
    assert_eq!(
        hits,
        [true, false, true],
        "an expert's change reaches only the answers that embed experts"
    );
}

#[tokio::test]
async fn many_clients_missing_one_answer_compute_it_once() {
    let server = Server::start().await;
    let url = server.url("/api/v1/content/post?sort=title&fields=title");
    let requests = (0..20).map(|_| {
        let (client, url) = (server.client.clone(), url.clone());
        tokio::spawn(async move { client.get(url).send().await })
    });
    let mut computed = 0;
    for request in futures_util::future::join_all(requests).await {
        let response = request.expect("task").expect("response");
        assert_eq!(response.status().as_u16(), 200);
        if cache_state(&response).is_none() {
            computed += 1;
        }
    }
    assert_eq!(computed, 1, "one request computes, the others wait for it");
}
