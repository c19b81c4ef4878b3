//! The query language end to end: filters, cursors, sparse fields, relations, search.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, Server, create_published, expect_error, json, slugs, url_encode};

async fn list(server: &Server, query: &str) -> Value {
    let (status, body) = json(server.get(&format!("/api/v1/content/{query}")).send().await).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

fn post(title: &str, published_at: &str, tags: &[&str]) -> Value {
    json!({"title": title, "body": format!("About {title}."), "tags": tags, "published_at": published_at, "authors": ["john-marwel"]})
}

#[tokio::test]
async fn filters_by_every_kind_of_condition() {
    let server = Server::start().await;
    create_published(
        &server,
        "post",
        post(
            "Lisbon mobility",
            "2025-01-10T10:00:00Z",
            &["mobility", "europe"],
        ),
    )
    .await;
    create_published(
        &server,
        "post",
        post(
            "Nairobi water",
            "2025-02-10T10:00:00Z",
            &["water", "africa"],
        ),
    )
    .await;
    create_published(
        &server,
        "post",
        post("Lima housing", "2025-03-10T10:00:00Z", &["housing"]),
    )
    .await;
    let titles = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["title"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let body = list(&server, "post?filter[tags][contains]=mobility").await;
    assert_eq!(titles(&body), ["Lisbon mobility"]);
    let body = list(
        &server,
        "post?filter[tags][in]=water,housing&sort=published_at",
    )
    .await;
    assert_eq!(titles(&body), ["Nairobi water", "Lima housing"]);
    let body = list(
        &server,
        "post?filter[published_at][gte]=2025-02-01&filter[published_at][lt]=2025-03-01",
    )
    .await;
    assert_eq!(titles(&body), ["Nairobi water"]);
    let body = list(&server, "post?filter[title][starts_with]=li&sort=title").await;
    assert_eq!(
        titles(&body),
        ["Lima housing", "Lisbon mobility"],
        "case-insensitive prefix"
    );
    let body = list(&server, "post?filter[title][contains]=WATER").await;
    assert_eq!(titles(&body), ["Nairobi water"]);
    let body = list(
        &server,
        "post?filter[or][0][tags][eq]=water&filter[or][1][title][eq]=Lima housing&sort=title",
    )
    .await;
    assert_eq!(titles(&body), ["Lima housing", "Nairobi water"]);
    let body = list(
        &server,
        "post?filter[excerpt][null]=true&filter[tags][nin]=water,housing&sort=title",
    )
    .await;
    assert_eq!(titles(&body), ["Lisbon mobility"]);
    let body = list(&server, "post?filter[authors.slug][eq]=john-marwel").await;
    assert_eq!(
        body["meta"]["total"], 4,
        "the seeded post and the three new ones"
    );
    let body = list(
        &server,
        "post?filter[authors][eq]=john-marwel&filter[slug][ne]=this-is-wsco",
    )
    .await;
    assert_eq!(body["meta"]["total"], 3, "a reference by slug");
    let body = list(&server, "post?filter[authors.name][eq]=Nobody").await;
    assert_eq!(body["meta"]["total"], 0);
    let body = list(&server, "partner?filter[kind]=university").await;
    assert_eq!(slugs(&body).len(), 1, "filter[field]=value means eq");
    let body = list(&server, "partner?filter[trusted][eq]=true").await;
    assert!(
        body["data"]
            .as_array()
            .expect("list")
            .iter()
            .all(|p| p["trusted"] == true)
    );
    let body = list(&server, "partner?filter[member_since][lt]=1900-01-01").await;
    assert_eq!(body["meta"]["total"], 0);
}

#[tokio::test]
async fn names_each_bad_filter() {
    let server = Server::start().await;
    let cases = [
        (
            "post?filter[colour][eq]=red",
            "unknown_field",
            "filter[colour][eq]",
        ),
        (
            "post?filter[title][like]=x",
            "unknown_operator",
            "filter[title][like]",
        ),
        (
            "post?filter[tags][gt]=x",
            "unknown_operator",
            "filter[tags][gt]",
        ),
        (
            "post?filter[published_at][gt]=soon",
            "invalid_value",
            "filter[published_at][gt]",
        ),
        (
            "partner?filter[kind][eq]=castle",
            "invalid_value",
            "filter[kind][eq]",
        ),
        (
            "partner?filter[trusted][eq]=yes",
            "invalid_value",
            "filter[trusted][eq]",
        ),
        (
            "post?filter[authors.colour][eq]=x",
            "unknown_field",
            "filter[authors.colour][eq]",
        ),
        ("post?fields=title,colour", "unknown_field", "fields"),
        ("post?include=tags", "invalid_include", "include"),
        (
            "page?include=parent.parent.parent",
            "invalid_include",
            "include",
        ),
        ("post?page[after]=garbage", "invalid_cursor", "page[after]"),
        ("post?q=", "invalid_search", "q"),
        (
            "post?filters[title][eq]=x",
            "unknown_parameter",
            "filters[title][eq]",
        ),
    ];
    for (query, code, parameter) in cases {
        let body = expect_error(
            server.get(&format!("/api/v1/content/{query}")).send().await,
            400,
            code,
        )
        .await;
        assert_eq!(
            body["error"]["details"][0]["field"], parameter,
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn cursors_stay_exact_while_entries_come_and_go() {
    let server = Server::start().await;
    for n in 0..7 {
        create_published(
            &server,
            "post",
            post(
                &format!("Post {n}"),
                &format!("2025-01-0{}T10:00:00Z", n + 1),
                &["series"],
            ),
        )
        .await;
    }
    let base = "post?filter[tags][contains]=series&sort=-published_at&page[size]=3";
    let first = list(&server, base).await;
    assert_eq!(slugs(&first), ["post-6", "post-5", "post-4"]);
    let next = first["meta"]["page"]["next"]
        .as_str()
        .expect("next cursor")
        .to_owned();
    // A new newest post, and a post from the next page deleted, between the two requests.
    create_published(
        &server,
        "post",
        post("Post 7", "2025-01-08T10:00:00Z", &["series"]),
    )
    .await;
    let (status, _) = json(
        server
            .admin(Method::DELETE, "/content/post/post-2")
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 204);
    let second = list(&server, &format!("{base}&page[after]={next}")).await;
    assert_eq!(
        slugs(&second),
        ["post-3", "post-1", "post-0"],
        "no entry repeated or skipped"
    );
    assert_eq!(second["meta"]["page"]["next"], Value::Null, "the last page");
    assert_eq!(second["meta"]["page"]["number"], Value::Null);
    let other_sort = format!("post?sort=published_at&page[after]={next}");
    expect_error(
        server
            .get(&format!("/api/v1/content/{other_sort}"))
            .send()
            .await,
        400,
        "invalid_cursor",
    )
    .await;
}

#[tokio::test]
async fn returns_only_the_fields_asked_for() {
    let server = Server::start().await;
    let body = list(&server, "post?fields=title").await;
    let entry = body["data"][0].as_object().expect("entry");
    assert!(entry.contains_key("title") && entry.contains_key("slug") && entry.contains_key("id"));
    assert!(
        !entry.contains_key("body") && !entry.contains_key("tags"),
        "{entry:?}"
    );
    let (_, one) = json(
        server
            .get("/api/v1/content/post/this-is-wsco?fields=excerpt")
            .send()
            .await,
    )
    .await;
    assert!(one["data"].get("excerpt").is_some() && one["data"].get("title").is_none());
}

/// Relations cost one query per level for the whole page, whatever its length: the
/// `Server-Timing` header counts the database round trips of each request.
#[tokio::test]
async fn embeds_relations_with_one_query_per_level() {
    // Counting database round trips: the response cache would answer repeats with none.
    let options = Options {
        env: vec![("CIVITAS_API__CACHE_MAX_MIB".into(), "0".into())],
        ..Options::default()
    };
    let server = Server::start_with(options, tempfile::TempDir::new().expect("temp dir")).await;
    let queries = |response: &reqwest::Response| -> u32 {
        let timing = response
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        timing
            .split('"')
            .nth(1)
            .and_then(|d| d.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("query count")
    };
    let count = |query: String| {
        let request = server.get(&query);
        async move {
            let response = request.send().await.expect("response");
            let n = queries(&response);
            let body: Value = response.json().await.expect("json");
            (n, body)
        }
    };
    let (without, _) = count("/api/v1/content/post?page[size]=50".into()).await;
    for n in 0..12 {
        create_published(
            &server,
            "post",
            post(&format!("Related {n}"), "2025-05-01T10:00:00Z", &["r"]),
        )
        .await;
    }
    let (one_level, body) =
        count("/api/v1/content/post?page[size]=50&include=authors".into()).await;
    assert_eq!(body["data"].as_array().map(Vec::len), Some(13));
    assert!(
        body["data"]
            .as_array()
            .expect("list")
            .iter()
            .all(|p| p["authors"][0]["slug"] == "john-marwel"),
        "{body}"
    );
    assert_eq!(
        body["data"][0]["authors"][0].get("updated_by"),
        None,
        "embedded entries are public views"
    );
    let (again, _) = count("/api/v1/content/post?page[size]=50&include=authors".into()).await;
    assert_eq!(one_level, without + 1, "one more query for the whole level");
    assert_eq!(again, without + 1);
    let (small, _) = count("/api/v1/content/post?page[size]=2&include=authors".into()).await;
    assert_eq!(again, small, "the count does not grow with the page");

    let parent = create_published(
        &server,
        "page",
        json!({"title": "Parent", "body": "p", "parent": "who-we-are"}),
    )
    .await;
    create_published(
        &server,
        "page",
        json!({"title": "Child", "body": "c", "parent": parent["id"]}),
    )
    .await;
    let (nested, body) = count("/api/v1/content/page/child?include=parent.parent".into()).await;
    assert_eq!(body["data"]["parent"]["slug"], "parent");
    assert_eq!(body["data"]["parent"]["parent"]["slug"], "who-we-are");
    assert_eq!(
        nested, 4,
        "the entry, one query per level, and one for the files of them all"
    );
}

#[tokio::test]
async fn never_embeds_drafts_publicly() {
    let server = Server::start().await;
    let (status, draft) = json(
        server
            .admin(Method::POST, "/content/expert")
            .json(&json!({"name": "Draft Expert"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let body = json!({"title": "With a draft author", "body": "x", "authors": ["john-marwel", draft["data"]["id"]]});
    create_published(&server, "post", body).await;
    let (_, public) = json(
        server
            .get("/api/v1/content/post/with-a-draft-author?include=authors")
            .send()
            .await,
    )
    .await;
    assert_eq!(
        public["data"]["authors"].as_array().map(Vec::len),
        Some(1),
        "{public}"
    );
    let (_, admin) = json(
        server
            .admin(
                Method::GET,
                "/content/post/with-a-draft-author?include=authors",
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(admin["data"]["authors"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn searches_full_text_ranked_and_filtered() {
    let server = Server::start().await;
    create_published(&server, "post", json!({"title": "Water for growing cities", "body": "Cities need water. Water, water everywhere.", "tags": ["water"]})).await;
    create_published(
        &server,
        "post",
        json!({"title": "Parks", "body": "A note on water in parks.", "tags": ["green"]}),
    )
    .await;
    let body = list(&server, "post?q=water").await;
    assert_eq!(
        slugs(&body)[..2],
        ["water-for-growing-cities".to_owned(), "parks".to_owned()],
        "most relevant first"
    );
    let body = list(&server, "post?q=city").await;
    assert!(
        slugs(&body).contains(&"water-for-growing-cities".to_owned()),
        "stemming: city finds cities"
    );
    let body = list(&server, "post?q=water&filter[tags][contains]=green").await;
    assert_eq!(slugs(&body), ["parks"]);
    let (status, all) = json(server.get("/api/v1/search?q=smart%20cities").send().await).await;
    assert_eq!(status, 200, "{all}");
    let hits = all["data"].as_array().expect("hits");
    assert!(
        hits.iter().any(|h| h["type"] == "page") && hits.iter().any(|h| h["type"] == "post"),
        "{all}"
    );
    let hit = &hits[0];
    for key in ["type", "id", "slug", "title", "snippet"] {
        assert!(
            hit[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {hit}"
        );
    }
    assert!(
        hits.iter()
            .all(|h| h["snippet"].as_str().is_some_and(|s| s.contains("<mark>"))),
        "{all}"
    );
    expect_error(
        server.get("/api/v1/search?q=x&limit=0").send().await,
        400,
        "invalid_page",
    )
    .await;
}

/// Hostile text is only ever a value: it matches itself and nothing else.
#[tokio::test]
async fn injection_strings_are_only_values() {
    let server = Server::start().await;
    let hostile = [
        "'; DELETE post; --",
        ") OR true",
        "$auth",
        "\" OR 1=1 --",
        "}; REMOVE TABLE post; {",
    ];
    for title in hostile {
        create_published(&server, "post", json!({"title": title, "body": "x"})).await;
    }
    for title in hostile {
        let encoded: String = url_encode(title);
        let body = list(&server, &format!("post?filter[title][eq]={encoded}")).await;
        assert_eq!(body["meta"]["total"], 1, "{title}: {body}");
        assert_eq!(body["data"][0]["title"], title);
        let body = list(&server, &format!("post?filter[tags][contains]={encoded}")).await;
        assert_eq!(body["meta"]["total"], 0, "{title}");
        let (status, _) = json(
            server
                .get(&format!("/api/v1/content/post?q={encoded}"))
                .send()
                .await,
        )
        .await;
        assert!(status == 200 || status == 400, "{title}: {status}");
    }
    let body = list(&server, "post").await;
    assert_eq!(body["meta"]["total"], 6, "nothing was deleted");
}

/// Every slug of a sorted admin list, read one entry per page by cursor.
async fn walk(server: &Server, query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut path = format!("/content/post?{query}&page[size]=1");
        if let Some(cursor) = &after {
            path += &format!("&page[after]={cursor}");
        }
        let (status, page) = json(server.admin(Method::GET, &path).send().await).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(slugs(&page));
        match page["meta"]["page"]["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return seen,
        }
    }
}

#[tokio::test]
async fn descending_sorts_page_exactly_with_ties_and_missing_values() {
    let server = Server::start().await;
    for (title, at) in [
        ("Tie one", "2025-01-01T10:00:00Z"),
        ("Tie two", "2025-01-01T10:00:00Z"),
        ("Newest", "2025-01-02T10:00:00Z"),
    ] {
        create_published(&server, "post", post(title, at, &["sorting"])).await;
    }
    let (status, _) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&json!({"title": "Undated draft", "body": "No date yet."}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201);
    let filter = "filter[or][0][tags][contains]=sorting&filter[or][1][slug][eq]=undated-draft";
    let newest_first = walk(&server, &format!("{filter}&sort=-published_at")).await;
    assert_eq!(newest_first.len(), 4, "each entry once: {newest_first:?}");
    assert_eq!(newest_first[0], "newest");
    assert_eq!(
        newest_first[3], "undated-draft",
        "no date sorts last, newest first"
    );
    let oldest_first = walk(&server, &format!("{filter}&sort=published_at")).await;
    assert_eq!(oldest_first[0], "undated-draft", "and first, oldest first");
    assert_eq!(oldest_first[3], "newest");
}

/// A server without the response cache, so every list reaches the store.
async fn uncached_server() -> Server {
    Server::start_with(
        Options {
            env: vec![("CIVITAS_API__CACHE_MAX_MIB".into(), "0".into())],
            ..Options::default()
        },
        tempfile::TempDir::new().expect("dir"),
    )
    .await
}

#[tokio::test]
async fn numbered_pages_read_in_turn_match_and_follow_writes() {
    let server = uncached_server().await;
    for n in 0..6 {
        let at = format!("2025-02-0{}T10:00:00Z", n + 1);
        create_published(
            &server,
            "post",
            post(&format!("Paged {n}"), &at, &["paged"]),
        )
        .await;
    }
    let page = |n: u32| {
        format!(
            "post?filter[tags][contains]=paged&sort=-published_at&page[size]=2&page[number]={n}"
        )
    };
    let mut in_turn = Vec::new();
    for n in 1..=3 {
        in_turn.extend(slugs(&list(&server, &page(n)).await));
    }
    assert_eq!(
        in_turn,
        [
            "paged-5", "paged-4", "paged-3", "paged-2", "paged-1", "paged-0"
        ]
    );
    // A new newest post moves every later page by one.
    create_published(
        &server,
        "post",
        post("Paged 6", "2025-02-09T10:00:00Z", &["paged"]),
    )
    .await;
    assert_eq!(
        slugs(&list(&server, &page(2)).await),
        ["paged-4", "paged-3"]
    );
    assert_eq!(
        slugs(&list(&server, &page(3)).await),
        ["paged-2", "paged-1"]
    );
}

#[tokio::test]
async fn numbered_pages_visited_out_of_turn_match_the_list() {
    let server = uncached_server().await;
    // Pairs of posts share a time, so page boundaries fall between ties.
    for n in 0..9 {
        let at = format!("2025-03-0{}T10:00:00Z", n / 2 + 1);
        create_published(&server, "post", post(&format!("Jump {n}"), &at, &["jump"])).await;
    }
    let page = |n: u32| {
        format!("post?filter[tags][contains]=jump&sort=-published_at&page[size]=2&page[number]={n}")
    };
    let expected = |slugs_in_order: &[String]| {
        slugs_in_order
            .chunks(2)
            .map(<[String]>::to_vec)
            .collect::<Vec<_>>()
    };
    let mut in_turn = Vec::new();
    for n in 1..=5 {
        in_turn.extend(slugs(&list(&server, &page(n)).await));
    }
    assert_eq!(in_turn.len(), 9, "each post once: {in_turn:?}");
    let mut sorted = in_turn.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 9, "no post twice: {in_turn:?}");

    // A newer post moves every page; the last page is then the first one asked for, and
    // the others follow backwards, then all at once.
    create_published(
        &server,
        "post",
        post("Jump 9", "2025-03-09T10:00:00Z", &["jump"]),
    )
    .await;
    let mut now = vec!["jump-9".to_owned()];
    now.extend(in_turn);
    let pages = expected(&now);
    for n in (1..=5).rev() {
        assert_eq!(
            slugs(&list(&server, &page(n)).await),
            pages[n as usize - 1],
            "page {n} visited backwards"
        );
    }
    create_published(
        &server,
        "post",
        post("Jump 10", "2025-03-10T10:00:00Z", &["jump"]),
    )
    .await;
    now.insert(0, "jump-10".to_owned());
    let pages = expected(&now);
    let answers = futures_util::future::join_all((1..=6).map(|n| {
        let path = page(n);
        let server = &server;
        async move { slugs(&list(server, &path).await) }
    }))
    .await;
    assert_eq!(answers, pages, "all pages at once");
    let past_the_end = list(&server, &page(7)).await;
    assert_eq!(slugs(&past_the_end), Vec::<String>::new());
    assert_eq!(past_the_end["meta"]["total"], 11);
}
