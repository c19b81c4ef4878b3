//! Metrics end to end: `GET /metrics` on its own address (never on the API's port) in the
//! Prometheus text format, counting what the node really did: requests by route template
//! and status, database queries, cache hits and misses, plugin calls and faults, the
//! scheduler, webhook deliveries and the change log, and the process's memory.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use tempfile::TempDir;

use crate::plugins::with_plugins;
use crate::support::receiver::{
    Receiver, create_post, create_webhook, entry_action, wait_for_deliveries, webhook_env,
};
use crate::support::surreal::free_port;
use crate::support::{Server, json as response_json};

/// The value of the sample `name{labels}` (labels in any order, others allowed).
fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let rest = series.strip_prefix(name)?;
        let wanted = labels
            .iter()
            .all(|(key, value)| rest.contains(&format!("{key}=\"{value}\"")));
        let whole_name = rest.is_empty() || rest.starts_with('{');
        (whole_name && wanted).then(|| value.parse().ok())?
    })
}

fn at_least(metrics: &str, name: &str, labels: &[(&str, &str)], minimum: f64) {
    let value = sample(metrics, name, labels);
    assert!(
        value.is_some_and(|value| value >= minimum),
        "{name}{labels:?} is {value:?}, wanted at least {minimum}:\n{metrics}"
    );
}

async fn scrape(address: &str) -> String {
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .expect("metrics answer");
    assert_eq!(response.status(), 200);
    let content_type = crate::support::header(&response, "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.expect("metrics text")
}

/// Scrapes until `name{labels}` reaches `minimum` (background work lands a little later
/// than the request that caused it).
async fn scrape_until(address: &str, name: &str, labels: &[(&str, &str)], minimum: f64) -> String {
    let started = Instant::now();
    loop {
        let metrics = scrape(address).await;
        if sample(&metrics, name, labels).is_some_and(|value| value >= minimum)
            || started.elapsed() > Duration::from_secs(10)
        {
            return metrics;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn server_with_metrics() -> (Server, String) {
    let address = format!("127.0.0.1:{}", free_port());
    let mut options = with_plugins("test-plugins");
    options.env.extend(webhook_env(&[
        ("CIVITAS_METRICS__BIND", address.as_str()),
        ("CIVITAS_API__SCHEDULER_INTERVAL_MS", "100"),
    ]));
    let server = Server::start_with(options, TempDir::new().expect("temp dir")).await;
    (server, address)
}

#[tokio::test]
async fn metrics_count_what_the_node_did() {
    let (server, address) = server_with_metrics().await;
    assert!(
        server
            .log()
            .contains(&format!("metrics on http://{address}/metrics")),
        "{}",
        server.log()
    );
    let receiver = Receiver::start().await;
    let hook = create_webhook(
        &server,
        json!({"url": receiver.url("/hook"), "event_types": ["entry.published"]}),
    )
    .await;
    for _ in 0..3 {
        let (status, _) = response_json(server.get("/api/v1/content/page").send().await).await;
        assert_eq!(status, 200);
    }
    let (status, _) =
        response_json(server.get("/api/v1/content/page/no-such-page").send().await).await;
    assert_eq!(status, 404);
    let secret_path = "/no/such/route/a1b2c3";
    assert_eq!(
        server
            .get(secret_path)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .ok(),
        Some(404)
    );
    let id = create_post(&server, "Counted").await;
    entry_action(&server, "post", &id, "publish").await;
    wait_for_deliveries(&server, &hook.id, 1).await;
    // The infinite-loop plugin's `validate` runs out of its 50 ms.
    let (status, _) = response_json(
        server
            .admin(Method::POST, "/content/hostile_loop")
            .json(&json!({"title": "x"}))
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 502);

    let metrics = scrape_until(
        &address,
        "civitas_webhook_deliveries_total",
        &[("outcome", "delivered")],
        1.0,
    )
    .await;
    let page_list = [
        ("method", "GET"),
        ("route", "/api/v1/content/page"),
        ("status", "200"),
    ];
    at_least(&metrics, "civitas_http_requests_total", &page_list, 3.0);
    let one_page = [
        ("route", "/api/v1/content/page/{id_or_slug}"),
        ("status", "404"),
    ];
    at_least(&metrics, "civitas_http_requests_total", &one_page, 1.0);
    let unmatched = [("route", "unmatched"), ("status", "404")];
    at_least(&metrics, "civitas_http_requests_total", &unmatched, 1.0);
    assert!(
        !metrics.contains(secret_path),
        "raw paths never become labels"
    );
    let page_latency = [("route", "/api/v1/content/page"), ("le", "+Inf")];
    at_least(
        &metrics,
        "civitas_http_request_duration_seconds_bucket",
        &page_latency,
        3.0,
    );
    at_least(
        &metrics,
        "civitas_db_queries_total",
        &[("outcome", "ok")],
        1.0,
    );
    at_least(
        &metrics,
        "civitas_db_query_duration_seconds_count",
        &[],
        1.0,
    );
    at_least(&metrics, "civitas_cache_misses_total", &[], 1.0);
    at_least(&metrics, "civitas_cache_hits_total", &[], 2.0);
    let plugin = [("plugin", "infinite-loop"), ("hook", "validate")];
    at_least(&metrics, "civitas_plugin_calls_total", &plugin, 1.0);
    at_least(
        &metrics,
        "civitas_plugin_call_duration_seconds_count",
        &plugin,
        1.0,
    );
    let fault = [("plugin", "infinite-loop"), ("kind", "timeout")];
    at_least(&metrics, "civitas_plugin_faults_total", &fault, 1.0);
    at_least(&metrics, "civitas_scheduler_runs_total", &[], 1.0);
    let delivered = [("outcome", "delivered"), ("trigger", "auto")];
    at_least(
        &metrics,
        "civitas_webhook_deliveries_total",
        &delivered,
        1.0,
    );
    at_least(
        &metrics,
        "civitas_webhook_delivery_duration_seconds_count",
        &[],
        1.0,
    );
    at_least(&metrics, "civitas_webhook_lag_seconds_count", &[], 1.0);
    at_least(&metrics, "civitas_change_log_lag_seconds_count", &[], 2.0);
    at_least(&metrics, "civitas_change_log_followed_sequence", &[], 2.0);
    at_least(&metrics, "civitas_process_resident_memory_bytes", &[], 1e6);
    at_least(&metrics, "civitas_storage_available", &[], 1.0);
    assert!(
        metrics.contains("# HELP civitas_http_requests_total HTTP requests answered"),
        "described:\n{metrics}"
    );

    let on_api_port = server.get("/metrics").send().await.expect("answer");
    assert_eq!(on_api_port.status(), 404, "the API's port has no metrics");
}

#[tokio::test]
async fn metrics_are_off_unless_given_an_address() {
    let server = Server::start().await;
    assert!(!server.log().contains("metrics on"), "{}", server.log());
    let dir = TempDir::new().expect("temp dir");
    let output = crate::support::run(
        dir.path(),
        &["serve"],
        &[
            ("CIVITAS_METRICS__BIND", "everywhere"),
            ("CIVITAS_STORAGE__URL", "mem://"),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("metrics.bind") && stderr.contains("`everywhere` is not an address"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_taken_metrics_port_stops_the_start() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = taken.local_addr().expect("address").to_string();
    let dir = TempDir::new().expect("temp dir");
    let output = crate::support::run(
        dir.path(),
        &["serve"],
        &[
            ("CIVITAS_METRICS__BIND", address.as_str()),
            ("CIVITAS_STORAGE__URL", "mem://"),
            ("CIVITAS_SERVER__BIND", "127.0.0.1:0"),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen for metrics on {address}")),
        "{stderr}"
    );
}
