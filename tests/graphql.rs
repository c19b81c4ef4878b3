//! GraphQL end to end: the schema generated from the content types, answers equal to the
//! REST list's, one database query per reference level, queries refused before they run,
//! introspection and preview rules, and the response cache.

use reqwest::Method;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::{Options, Server, TOKEN, create_published, json, url_encode};

/// Database queries a request made, from its `Server-Timing` header.
fn queries(response: &reqwest::Response) -> u32 {
    response
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .and_then(|timing| timing.split('"').nth(1))
        .and_then(|d| d.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("query count")
}

/// A POSTed query, as `token` (or anonymously): the status, body and database queries.
async fn post_as(server: &Server, token: Option<&str>, query: &str) -> (u16, Value, u32) {
    let mut request = reqwest::Client::new().post(server.url("/api/v1/graphql"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request
        .json(&json!({"query": query}))
        .send()
        .await
        .expect("response");
    let (status, count) = (response.status().as_u16(), queries(&response));
    let body: Value = response.json().await.expect("json");
    (status, body, count)
}

async fn post(server: &Server, query: &str) -> (u16, Value, u32) {
    post_as(server, None, query).await
}

/// The data of a query that must succeed.
async fn data(server: &Server, query: &str) -> Value {
    let (status, body, _) = post(server, query).await;
    assert_eq!(status, 200, "{query}: {body}");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

/// The `extensions.code` of a query's first error.
fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn rest(server: &Server, path: &str) -> Value {
    let (status, body) = json(server.get(path).send().await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn field_of(entries: &Value, field: &str) -> Vec<Value> {
    entries
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e[field].clone())
        .collect()
}

#[tokio::test]
async fn serves_entries_as_the_rest_api_does() {
    let server = Server::start().await;
    let listed = data(
        &server,
        r#"{ post_list(first: 5) { totalCount nodes { id slug title body { markdown html } cover { url alt width } authors { name slug photo { url } } tags } } }"#,
    )
    .await;
    let page = rest(&server, "/api/v1/content/post?page[size]=5&include=authors").await;
    let nodes = &listed["post_list"]["nodes"];
    assert_eq!(field_of(nodes, "id"), field_of(&page["data"], "id"));
    assert_eq!(listed["post_list"]["totalCount"], page["meta"]["total"]);
    let (first, rest_first) = (&nodes[0], &page["data"][0]);
    assert_eq!(
        first["body"], rest_first["body"],
        "rich text as Markdown and HTML"
    );
    assert_eq!(
        first["cover"]["url"], rest_first["cover"]["url"],
        "media as objects"
    );
    assert_eq!(first["authors"][0]["name"], "John Marwel");
    assert_eq!(first["tags"], rest_first["tags"]);

    let one = data(
        &server,
        r#"{ expert(slug: "john-marwel") { name bio { html } } missing: expert(slug: "nobody") { name } }"#,
    )
    .await;
    assert_eq!(one["expert"]["name"], "John Marwel");
    assert!(one["missing"].is_null(), "{one}");

    let response = server
        .get(&format!(
            "/api/v1/graphql?query={}",
            url_encode("{ page_list(sort: [ORDER_ASC], first: 3) { nodes { title } } }")
        ))
        .send()
        .await
        .expect("GET");
    let body: Value = response.json().await.expect("json");
    let titles = rest(&server, "/api/v1/content/page?sort=order&page[size]=3").await;
    assert_eq!(
        field_of(&body["data"]["page_list"]["nodes"], "title"),
        field_of(&titles["data"], "title")
    );

    let two = "query Pages { page_list { totalCount } } query Posts { post_list { totalCount } }";
    let (_, chosen) = json(
        server
            .get(&format!(
                "/api/v1/graphql?query={}&operationName=Posts",
                url_encode(two)
            ))
            .send()
            .await,
    )
    .await;
    assert!(
        chosen["data"]["post_list"].is_object() && chosen["data"].get("page_list").is_none(),
        "operationName picks the operation: {chosen}"
    );

    let sdl = server
        .get("/api/v1/graphql/schema.graphql")
        .send()
        .await
        .expect("SDL")
        .text()
        .await
        .expect("text");
    assert!(sdl.contains("filter: PostFilter,"), "{sdl}");
    assert!(!sdl.contains("mutation"), "read-only");
}

/// One REST list and the same list asked through GraphQL.
struct Case {
    rest: &'static str,
    graphql: &'static str,
}

const PARITY: &[Case] = &[
    Case {
        rest: "post",
        graphql: "post_list",
    },
    Case {
        rest: "post?sort=title",
        graphql: "post_list(sort: [TITLE_ASC])",
    },
    Case {
        rest: "post?sort=-published_at,title",
        graphql: "post_list(sort: [PUBLISHED_AT_DESC, TITLE_ASC])",
    },
    Case {
        rest: "post?filter[tags][contains]=mobility",
        graphql: r#"post_list(filter: {tags: {contains: "mobility"}})"#,
    },
    Case {
        rest: "post?filter[tags][in]=water,housing&sort=published_at",
        graphql: r#"post_list(filter: {tags: {in: ["water", "housing"]}}, sort: [PUBLISHED_AT_ASC])"#,
    },
    Case {
        rest: "post?filter[published_at][gte]=2025-02-01&filter[published_at][lt]=2025-03-01",
        graphql: r#"post_list(filter: {published_at: {gte: "2025-02-01", lt: "2025-03-01"}})"#,
    },
    Case {
        rest: "post?filter[title][starts_with]=li&sort=title",
        graphql: r#"post_list(filter: {title: {starts_with: "li"}}, sort: [TITLE_ASC])"#,
    },
    Case {
        rest: "post?filter[or][0][tags][eq]=water&filter[or][1][title][eq]=Lima housing&sort=title",
        graphql: r#"post_list(filter: {or: [{tags: {eq: "water"}}, {title: {eq: "Lima housing"}}]}, sort: [TITLE_ASC])"#,
    },
    Case {
        rest: "post?filter[excerpt][null]=true&filter[tags][nin]=water,housing&sort=title",
        graphql: r#"post_list(filter: {excerpt: {null: true}, tags: {nin: ["water", "housing"]}}, sort: [TITLE_ASC])"#,
    },
    Case {
        rest: "post?filter[authors.slug][eq]=john-marwel",
        graphql: r#"post_list(filter: {authors: {slug: {eq: "john-marwel"}}})"#,
    },
    Case {
        rest: "post?filter[authors][eq]=john-marwel&filter[slug][ne]=this-is-wsco",
        graphql: r#"post_list(filter: {authors: {eq: "john-marwel"}, slug: {ne: "this-is-wsco"}})"#,
    },
    Case {
        rest: "post?q=water",
        graphql: r#"post_list(q: "water")"#,
    },
    Case {
        rest: "post?page[size]=2&page[number]=2&sort=title",
        graphql: "post_list(first: 2, page: 2, sort: [TITLE_ASC])",
    },
    Case {
        rest: "partner?filter[kind]=university",
        graphql: r#"partner_list(filter: {kind: {eq: "university"}})"#,
    },
    Case {
        rest: "partner?filter[trusted][eq]=true",
        graphql: "partner_list(filter: {trusted: {eq: true}})",
    },
    Case {
        rest: "partner?filter[member_since][lt]=1900-01-01",
        graphql: r#"partner_list(filter: {member_since: {lt: "1900-01-01"}})"#,
    },
    Case {
        rest: "page?sort=order&include=parent",
        graphql: "page_list(sort: [ORDER_ASC])",
    },
    Case {
        rest: "expert?filter[years_of_experience][gte]=10",
        graphql: "expert_list(filter: {years_of_experience: {gte: 10}})",
    },
    Case {
        rest: "study?sort=-year",
        graphql: "study_list(sort: [YEAR_DESC])",
    },
    Case {
        rest: "study?filter[partners.kind][eq]=university",
        graphql: r#"study_list(filter: {partners: {kind: {eq: "university"}}})"#,
    },
    Case {
        rest: "post?page[size]=500",
        graphql: "post_list(first: 500)",
    },
    Case {
        rest: "post?page[after]=not-a-cursor",
        graphql: r#"post_list(after: "not-a-cursor")"#,
    },
    Case {
        rest: "partner?q=x",
        graphql: r#"partner_list(q: "x")"#,
    },
    Case {
        rest: "post?locale=xx",
        graphql: r#"post_list(locale: "xx")"#,
    },
];

fn post_body(title: &str, published_at: &str, tags: &[&str]) -> Value {
    json!({"title": title, "body": format!("About {title}."), "tags": tags, "published_at": published_at, "authors": ["john-marwel"]})
}

/// Every case gives the same entries in the same order and the same total through both
/// APIs, or the same error code.
#[tokio::test]
async fn lists_the_same_entries_as_the_rest_list() {
    let server = Server::start_with(
        crate::plugins::with_plugins("plugins"),
        TempDir::new().expect("temp dir"),
    )
    .await;
    for (title, at, tags) in [
        (
            "Lisbon mobility",
            "2025-01-10T10:00:00Z",
            &["mobility", "europe"][..],
        ),
        (
            "Nairobi water",
            "2025-02-10T10:00:00Z",
            &["water", "africa"][..],
        ),
        ("Lima housing", "2025-03-10T10:00:00Z", &["housing"][..]),
    ] {
        create_published(&server, "post", post_body(title, at, tags)).await;
    }
    for case in PARITY {
        let (status, expected) = json(
            server
                .get(&format!("/api/v1/content/{}", case.rest))
                .send()
                .await,
        )
        .await;
        let query = format!(
            "{{ list: {} {{ totalCount nodes {{ id slug }} }} }}",
            case.graphql
        );
        let (_, answer, _) = post(&server, &query).await;
        if status != 200 {
            assert_eq!(
                code(&answer),
                expected["error"]["code"].as_str().unwrap_or_default(),
                "{}: {answer}",
                case.rest
            );
            continue;
        }
        assert!(answer.get("errors").is_none(), "{}: {answer}", case.rest);
        let list = &answer["data"]["list"];
        assert_eq!(
            list["totalCount"], expected["meta"]["total"],
            "{}",
            case.rest
        );
        assert_eq!(
            field_of(&list["nodes"], "id"),
            field_of(&expected["data"], "id"),
            "{}",
            case.rest
        );
    }
}

/// Walking a list by `after` cursors gives the REST walk's entries.
#[tokio::test]
async fn pages_by_cursor_like_rest() {
    let server = Server::start().await;
    let mut slugs = Vec::new();
    let mut after = String::new();
    loop {
        let arguments = if after.is_empty() {
            "first: 1, sort: [SLUG_ASC]".to_owned()
        } else {
            format!(r#"first: 1, sort: [SLUG_ASC], after: "{after}""#)
        };
        let page = data(
            &server,
            &format!("{{ page_list({arguments}) {{ nodes {{ slug }} edges {{ cursor }} pageInfo {{ hasNextPage endCursor }} }} }}"),
        )
        .await;
        let list = &page["page_list"];
        slugs.extend(field_of(&list["nodes"], "slug"));
        assert_eq!(list["edges"][0]["cursor"], list["pageInfo"]["endCursor"]);
        match list["pageInfo"]["endCursor"].as_str() {
            Some(cursor) if list["pageInfo"]["hasNextPage"] == true => after = cursor.to_owned(),
            _ => break,
        }
    }
    let all = rest(&server, "/api/v1/content/page?sort=slug&page[size]=100").await;
    assert_eq!(slugs, field_of(&all["data"], "slug"));
    assert!(slugs.len() > 1, "{slugs:?}");
}

/// References cost one database query per level for the whole page, whatever its size.
#[tokio::test]
async fn reads_references_with_one_query_per_level() {
    // Counting database queries: the response cache would answer REST repeats with none.
    let options = Options {
        env: vec![("CIVITAS_API__CACHE_MAX_MIB".into(), "0".into())],
        ..Options::default()
    };
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    let top = create_published(&server, "page", json!({"title": "Top", "body": "t"})).await;
    let middle = create_published(
        &server,
        "page",
        json!({"title": "Middle", "body": "m", "parent": top["id"]}),
    )
    .await;
    for n in 0..100 {
        create_published(
            &server,
            "page",
            json!({"title": format!("Leaf {n}"), "body": "l", "parent": middle["id"], "order": 1000 + n}),
        )
        .await;
    }
    // The list's total is kept per query after its first read; read it once first.
    let rest_path = "/api/v1/content/page?page[size]=20&sort=-order&include=parent.parent";
    server.get(rest_path).send().await.expect("REST");
    let mut counts = Vec::new();
    for size in [1, 20, 100] {
        let query = format!(
            "{{ page_list(first: {size}, sort: [ORDER_DESC]) {{ nodes {{ title parent {{ title parent {{ title }} }} }} }} }}"
        );
        let (status, body, count) = post(&server, &query).await;
        assert_eq!(status, 200, "{body}");
        let nodes = body["data"]["page_list"]["nodes"]
            .as_array()
            .expect("nodes");
        assert_eq!(nodes.len(), size, "{body}");
        assert!(
            nodes
                .iter()
                .all(|n| n["parent"]["parent"]["title"] == "Top"),
            "{body}"
        );
        counts.push(count);
    }
    let rest_count = queries(&server.get(rest_path).send().await.expect("REST"));
    assert_eq!(counts, [rest_count; 3], "as REST's include=parent.parent");
    assert_eq!(counts, [3, 3, 3], "the list and one query per level");

    let (_, too_deep, count) = post(
        &server,
        "{ page_list { nodes { parent { parent { parent { title } } } } } }",
    )
    .await;
    assert_eq!(code(&too_deep), "invalid_include", "{too_deep}");
    assert_eq!(
        count, 0,
        "api.max_include_depth is checked before any query"
    );
}

/// A server with small limits, where anyone may introspect (as in development).
async fn limited() -> Server {
    let options = Options {
        env: vec![
            ("CIVITAS_GRAPHQL__MAX_COST".into(), "1000".into()),
            ("CIVITAS_GRAPHQL__MAX_DEPTH".into(), "6".into()),
            ("CIVITAS_GRAPHQL__MAX_ALIASES".into(), "3".into()),
            ("CIVITAS_GRAPHQL__MAX_QUERY_BYTES".into(), "2000".into()),
            ("CIVITAS_GRAPHQL__INTROSPECTION".into(), "everyone".into()),
        ],
        ..Options::default()
    };
    Server::start_with(options, TempDir::new().expect("temp dir")).await
}

#[tokio::test]
async fn refuses_costly_queries_before_any_database_query() {
    let server = limited().await;
    let deep =
        "{ page_list { nodes { parent { parent { parent { parent { parent { title } } } } } } } }";
    let aliases = "{ a: post_list { totalCount } b: post_list { totalCount } c: post_list { totalCount } d: post_list { totalCount } }";
    let costly = "{ post_list(first: 100) { nodes { title authors { name } } } }";
    let long = format!("{{ post_list {{ totalCount }} }} #{}", "x".repeat(2000));
    for (query, expected) in [
        (deep, "query_too_deep"),
        (aliases, "too_many_aliases"),
        (costly, "query_too_costly"),
        (long.as_str(), "query_too_long"),
        ("{ post_list { ", "invalid_query"),
        ("{ post_list { nodes { no_such_field } } }", "invalid_query"),
    ] {
        let (status, body, count) = post(&server, query).await;
        assert_eq!((status, code(&body)), (422, expected), "{body}");
        assert_eq!(count, 0, "{expected}: no database query");
    }
    let within = "{ post_list(first: 5) { nodes { title authors { name } } } }";
    let (status, body, _) = post(&server, within).await;
    assert_eq!(status, 200, "smaller pages fit the budget: {body}");

    let response = reqwest::Client::new()
        .post(server.url("/api/v1/graphql"))
        .json(&json!([{"query": "{ post_list { totalCount } }"}, {"query": "{ page_list { totalCount } }"}]))
        .send()
        .await
        .expect("batch");
    assert_eq!(queries(&response), 0);
    let (status, body) = json(Ok(response)).await;
    assert_eq!((status, code(&body)), (422, "batch_not_allowed"), "{body}");

    let (_, schema, _) = post(&server, "{ __schema { queryType { name } } }").await;
    assert_eq!(
        schema["data"]["__schema"]["queryType"]["name"], "Query",
        "introspection = everyone: {schema}"
    );
}

/// A query past `graphql.timeout_ms` is stopped: the test plugin's `slow_note` takes 40 ms
/// per entry in its after-read hook.
#[tokio::test]
async fn stops_a_query_at_its_time_limit() {
    let server = crate::plugins::slow_notes(
        &[
            ("CIVITAS_GRAPHQL__TIMEOUT_MS", "100"),
            ("CIVITAS_PLUGINS__REQUEST_BUDGET_MS", "5000"),
        ],
        6,
    )
    .await;
    let (status, body, _) = post(&server, "{ slow_note_list { nodes { title } } }").await;
    assert_eq!((status, code(&body)), (503, "query_timeout"), "{body}");
}

#[tokio::test]
async fn shows_the_schema_to_admins_only_in_production() {
    let server = Server::start().await;
    let introspect = "{ __schema { types { name } } }";
    let (_, anonymous, _) = post(&server, introspect).await;
    assert_eq!(code(&anonymous), "introspection_disabled", "{anonymous}");
    let typename = data(&server, "{ __typename }").await;
    assert_eq!(typename["__typename"], "Query");
    let (status, admin, _) = post_as(&server, Some(TOKEN), introspect).await;
    assert_eq!(status, 200);
    let names = field_of(&admin["data"]["__schema"]["types"], "name");
    assert!(names.contains(&json!("PostConnection")), "{admin}");

    let typo = "{ post_lst { totalCount } }";
    let (_, anonymous, _) = post(&server, typo).await;
    let (_, admin, _) = post_as(&server, Some(TOKEN), typo).await;
    let message = |body: &Value| {
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        !message(&anonymous).contains("post_list"),
        "no suggestions: {anonymous}"
    );
    assert!(
        message(&admin).contains("post_list"),
        "suggestions for admins: {admin}"
    );
}

#[tokio::test]
async fn previews_drafts_only_for_callers_who_may() {
    let server = Server::start().await;
    let (status, draft) = json(
        server
            .admin(Method::POST, "/content/post")
            .json(&post_body(
                "Draft on water",
                "2025-06-01T10:00:00Z",
                &["draft"],
            ))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let query = r#"{ post_list(preview: true, filter: {tags: {contains: "draft"}}) { nodes { title status } } }"#;
    let (_, anonymous, _) = post(&server, query).await;
    assert_eq!(code(&anonymous), "unauthorized", "{anonymous}");
    let reader = server.create_token(&["read"]).await;
    let (_, read_only, _) = post_as(&server, Some(&reader), query).await;
    assert_eq!(code(&read_only), "forbidden", "{read_only}");
    let response = server
        .with_token(Method::POST, "/api/v1/graphql", TOKEN)
        .json(&json!({"query": query}))
        .send()
        .await
        .expect("preview");
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["post_list"]["nodes"][0]["title"], "Draft on water",
        "{body}"
    );
    let public = data(
        &server,
        r#"{ post_list(filter: {tags: {contains: "draft"}}) { totalCount } }"#,
    )
    .await;
    assert_eq!(public["post_list"]["totalCount"], 0);
}

#[tokio::test]
async fn caches_anonymous_gets_until_a_write() {
    let server = Server::start().await;
    let url = format!(
        "/api/v1/graphql?query={}",
        url_encode("{ post_list { totalCount nodes { title } } }")
    );
    let get = |token: Option<&str>| {
        let mut request = server.get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.expect("GET");
            let state = response
                .headers()
                .get("x-cache")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let count = queries(&response);
            let body: Value = response.json().await.expect("json");
            (
                state,
                count,
                body["data"]["post_list"]["totalCount"].clone(),
            )
        }
    };
    let (_, _, before) = get(None).await;
    let (state, count, again) = get(None).await;
    assert_eq!((state.as_deref(), count), (Some("hit"), 0));
    assert_eq!(again, before);
    let (state, _, _) = get(Some(TOKEN)).await;
    assert_ne!(
        state.as_deref(),
        Some("hit"),
        "answers to credentials are not shared"
    );
    create_published(
        &server,
        "post",
        post_body("Fresh", "2025-07-01T10:00:00Z", &["new"]),
    )
    .await;
    let (state, _, after) = get(None).await;
    assert_ne!(
        state.as_deref(),
        Some("hit"),
        "a write to posts drops the answer"
    );
    assert_eq!(after.as_u64(), before.as_u64().map(|n| n + 1));
}

/// A server whose GraphQL knows the trusted documents of `manifest`, and runs only them
/// (for callers other than admins) when `only`.
async fn with_documents(manifest: &Value, only: bool) -> Server {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("persisted-documents.json");
    std::fs::write(&path, manifest.to_string()).expect("manifest written");
    let options = Options {
        env: vec![
            (
                "CIVITAS_GRAPHQL__DOCUMENTS".into(),
                path.display().to_string(),
            ),
            ("CIVITAS_GRAPHQL__DOCUMENTS_ONLY".into(), only.to_string()),
        ],
        ..Options::default()
    };
    Server::start_with(options, dir).await
}

/// The id GraphQL Codegen gives a document: its text's SHA-256.
fn document_id(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[tokio::test]
async fn runs_only_trusted_documents_when_told_to() {
    let titles = "query Titles { post_list(first: 3) { nodes { title } } }";
    let id = document_id(titles);
    let server = with_documents(&json!({ format!("sha256:{id}"): titles }), true).await;
    let (_, by_text, _) = post_as(&server, Some(TOKEN), titles).await;
    assert!(by_text["data"]["post_list"]["nodes"][0]["title"].is_string());

    let url = format!("/api/v1/graphql?documentId=sha256:{id}");
    let (status, by_id) = json(server.get(&url).send().await).await;
    assert_eq!(status, 200, "{by_id}");
    assert_eq!(by_id["data"], by_text["data"]);
    let again = server.get(&url).send().await.expect("GET again");
    assert_eq!(
        (
            again.headers().get("x-cache").and_then(|v| v.to_str().ok()),
            queries(&again)
        ),
        (Some("hit"), 0),
        "a document's GET is cached like any other"
    );
    let apollo = json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": id}}});
    let extensions = url_encode(&apollo["extensions"].to_string());
    for (how, request) in [
        (
            "POST",
            server
                .client
                .post(server.url("/api/v1/graphql"))
                .json(&apollo),
        ),
        (
            "GET",
            server.get(&format!("/api/v1/graphql?extensions={extensions}")),
        ),
    ] {
        let (status, by_hash) = json(request.send().await).await;
        assert_eq!(
            (status, &by_hash["data"]),
            (200, &by_text["data"]),
            "{how}: {by_hash}"
        );
    }

    let unknown = server
        .get(&format!(
            "/api/v1/graphql?documentId={}",
            document_id("{ __typename }")
        ))
        .send()
        .await
        .expect("unknown id");
    assert_eq!(queries(&unknown), 0);
    let (status, body) = json(Ok(unknown)).await;
    assert_eq!((status, code(&body)), (422, "unknown_document"), "{body}");
    let (status, body, count) = post(&server, titles).await;
    assert_eq!(
        (status, code(&body), count),
        (422, "document_required", 0),
        "{body}"
    );
    let reader = server.create_token(&["read"]).await;
    let (status, body, _) = post_as(&server, Some(&reader), titles).await;
    assert_eq!((status, code(&body)), (422, "document_required"), "{body}");
}

#[tokio::test]
async fn runs_query_text_beside_trusted_documents_by_default() {
    let titles = "{ post_list(first: 2) { nodes { title } } }";
    let server = with_documents(&json!({"titles": titles}), false).await;
    let by_text = data(&server, titles).await;
    let (status, by_id) = json(server.get("/api/v1/graphql?documentId=titles").send().await).await;
    assert_eq!((status, &by_id["data"]), (200, &by_text), "{by_id}");
}

#[test]
fn a_manifest_that_cannot_be_read_stops_the_start() {
    let dir = TempDir::new().expect("temp dir");
    let manifest = dir.path().join("persisted-documents.json");
    std::fs::write(&manifest, "{ not json").expect("written");
    let manifest = manifest.display().to_string();
    for env in [
        vec![("CIVITAS_GRAPHQL__DOCUMENTS", manifest.as_str())],
        vec![("CIVITAS_GRAPHQL__DOCUMENTS_ONLY", "true")],
    ] {
        let mut env = env;
        env.extend([
            ("CIVITAS_STORAGE__URL", "mem://"),
            ("CIVITAS_SERVER__BIND", "127.0.0.1:0"),
        ]);
        let output = crate::support::run(dir.path(), &["serve"], &env);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{env:?} started");
        assert!(stderr.contains("graphql.documents"), "{stderr}");
    }
}
