//! Benchmark (not a test): what a plugin hook adds to a write and a read, and start-up
//! time with and without the compile cache.
//!
//! ```sh
//! cargo build                      # at the root: builds and packages the plugins
//! cargo run --release --example hook_bench -p civitas-plugin-host
//! ```
//!
//! Each call is a fresh Store + instantiate + call + drop, as in the server, on the study
//! plugin with an entry of about 2 KB (its validate hook reads one expert and one partner
//! through a reader that answers at once). A baseline runs the guide's `hello` plugin,
//! whose hook does almost nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use civitas_plugin_host::{
    BoxFuture, CallContext, ContentReader, LoadOutcome, PluginHost, PluginSettings, ReadError,
};
use serde_json::{Value, json};

const CALLS: usize = 2_000;

struct InstantReader;

impl ContentReader for InstantReader {
    fn get(&self, type_id: &str, id: &str) -> BoxFuture<'static, Result<Option<Value>, ReadError>> {
        let entry = json!({"id": id, "type": type_id});
        Box::pin(async move { Ok(Some(entry)) })
    }

    fn find(
        &self,
        _: &str,
        _: Option<Value>,
        _: u32,
    ) -> BoxFuture<'static, Result<Vec<Value>, ReadError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

fn study() -> Value {
    let para = "The city faced congestion, poor air quality and rising energy costs in its historic centre. ";
    json!({
        "id": "01JDZ8Y7J6Q3V0R5W2X9T4K1MN", "type": "study", "slug": "smart-lighting-eindhoven",
        "status": "draft", "title": "Smart lighting in Eindhoven", "city": "Eindhoven", "country": "NL",
        "region": "europe", "year": 2021,
        "challenge": para.repeat(8),
        "solution": {"markdown": para.repeat(4), "html": format!("<p>{}</p>", para.repeat(4))},
        "outcomes": ["30% less energy", "Fewer complaints", "Safer streets at night"],
        "metrics": [{"name": "Energy saved", "value": 30, "unit": "%"}, {"name": "Lights", "value": 2500, "unit": "units"}],
        "sdgs": [7, 11, 13], "partners": ["acme"], "experts": ["john-marwel"], "summary": null,
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "{name:<12} p50 {:>8.1} µs   p99 {:>8.1} µs   mean {:>8.1} µs   ({} calls)",
        percentile(&times, 0.50).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
        mean.as_secs_f64() * 1e6,
        times.len()
    );
}

async fn load(settings: &PluginSettings) -> (PluginHost, Duration, bool) {
    let host = PluginHost::new(settings.clone()).expect("engine");
    let started = Instant::now();
    let outcomes = host.load_all(&BTreeSet::new()).await;
    let took = started.elapsed();
    match outcomes.first() {
        Some(LoadOutcome::Loaded(info)) => {
            let cached = info.from_cache;
            (host, took, cached)
        }
        other => panic!("the study plugin did not load: {other:?}"),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = root.join("target/plugins/studies");
    assert!(
        source.join("plugin.wasm").is_file(),
        "run `cargo build` at the workspace root first"
    );
    let tmp = std::env::temp_dir().join(format!("civitas-hook-bench-{}", std::process::id()));
    let dir: PathBuf = tmp.join("plugins");
    std::fs::create_dir_all(dir.join("studies")).expect("temp dir");
    for file in ["plugin.toml", "plugin.wasm"] {
        std::fs::copy(source.join(file), dir.join("studies").join(file)).expect("copy plugin");
    }
    let hello = root.join("target/test-plugins/hello");
    let hello_dir = tmp.join("baseline/hello");
    std::fs::create_dir_all(&hello_dir).expect("temp dir");
    for file in ["plugin.toml", "plugin.wasm"] {
        std::fs::copy(hello.join(file), hello_dir.join(file)).expect("copy hello");
    }
    let settings = PluginSettings {
        dir,
        cache_dir: tmp.join("cache"),
        ..PluginSettings::default()
    };

    let (_, cold, cold_cached) = load(&settings).await;
    let (host, warm, warm_cached) = load(&settings).await;
    println!("pooling allocator: {}", host.uses_pooling_allocator());
    println!(
        "load, no cache:   {:>8.1} ms (from cache: {cold_cached})",
        cold.as_secs_f64() * 1e3
    );
    println!(
        "load, with cache: {:>8.1} ms (from cache: {warm_cached})",
        warm.as_secs_f64() * 1e3
    );

    host.set_reader(Arc::new(InstantReader));
    let entry = study();
    println!("entry: {} bytes", entry.to_string().len());
    let cx = CallContext::new("bench");
    // Warm-up: first calls fault in pool slots and code pages.
    for _ in 0..200 {
        let _ = host.validate("study", &entry, cx.clone()).await;
    }
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        let issues = host
            .validate("study", &entry, cx.clone())
            .await
            .expect("validate");
        times.push(started.elapsed());
        assert!(issues.is_empty(), "{issues:?}");
    }
    report("validate", times);
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        host.before_save("study", entry.clone(), cx.clone())
            .await
            .expect("before_save");
        times.push(started.elapsed());
    }
    report("before_save", times);
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        host.after_read("study", entry.clone(), cx.clone())
            .await
            .expect("after_read");
        times.push(started.elapsed());
    }
    report("after_read", times);

    // Baseline: the guide's plugin, whose validate only reads one string: what a fresh
    // Store, instantiation and a call cost without the study plugin's JSON work.
    let baseline = PluginSettings {
        dir: tmp.join("baseline"),
        ..settings
    };
    let (host, _, _) = load(&baseline).await;
    let greeting = json!({"title": "Hello"});
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        host.validate("greeting", &greeting, cx.clone())
            .await
            .expect("validate");
        times.push(started.elapsed());
    }
    report("baseline", times);
    let _ = std::fs::remove_dir_all(&tmp);
}
