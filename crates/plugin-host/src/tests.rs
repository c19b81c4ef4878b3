//! The host against real components: the guide's plugin, the study plugin and the hostile
//! fixtures, packaged by the root build.rs into `target/test-plugins` and `target/plugins`
//! (`cargo build` at the root, or any `cargo test --workspace`, makes them).
//! Unit tests of the crate, so they share the crate's one test binary (each test binary
//! links wasmtime); few tests, as each compiles components.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{
    BoxFuture, CallContext, ContentReader, HookError, LoadOutcome, PluginHost, PluginSettings,
    PluginState, ReadError,
};
use serde_json::{Value, json};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A plugins dir holding copies of the named packaged plugins.
fn plugins_dir(tmp: &Path, source: &str, ids: &[&str]) -> PathBuf {
    let dir = tmp.join("plugins");
    for id in ids {
        let from = workspace_root().join(source).join(id);
        assert!(
            from.join("plugin.wasm").is_file(),
            "{} is missing: run `cargo build` at the workspace root to build the plugins",
            from.display()
        );
        let to = dir.join(id);
        std::fs::create_dir_all(&to).unwrap();
        for file in ["plugin.toml", "plugin.wasm"] {
            std::fs::copy(from.join(file), to.join(file)).unwrap();
        }
    }
    dir
}

fn settings(tmp: &Path, dir: PathBuf) -> PluginSettings {
    PluginSettings {
        dir,
        cache_dir: tmp.join("cache"),
        ..PluginSettings::default()
    }
}

fn reserved() -> BTreeSet<String> {
    ["page", "post", "expert", "partner"]
        .map(String::from)
        .into()
}

fn cx() -> CallContext {
    CallContext::new("test")
}

/// Experts and partners that exist, by slug.
struct FakeStore;

impl ContentReader for FakeStore {
    fn get(&self, type_id: &str, id: &str) -> BoxFuture<'static, Result<Option<Value>, ReadError>> {
        let found = matches!(
            (type_id, id),
            ("expert", "john-marwel") | ("partner", "acme")
        );
        let entry = found.then(|| json!({"id": id, "type": type_id}));
        Box::pin(async move { Ok(entry) })
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_plugins_fail_only_their_own_calls() {
    let tmp = tempfile::tempdir().unwrap();
    let ids = [
        "hello",
        "infinite-loop",
        "memory-bomb",
        "deep-recursion",
        "panics",
        "huge-output",
        "undeclared-read",
        "claims-post",
        "bad-hash",
    ];
    let dir = plugins_dir(tmp.path(), "target/test-plugins", &ids);
    let host = PluginHost::new(settings(tmp.path(), dir)).unwrap();
    let outcomes = host.load_all(&reserved()).await;
    let refused: Vec<(String, String)> = outcomes
        .iter()
        .filter_map(|o| match o {
            LoadOutcome::Refused { plugin, reason, .. } => {
                Some((plugin.clone().unwrap_or_default(), reason.clone()))
            }
            LoadOutcome::Loaded(_) => None,
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused
            .iter()
            .any(|(p, r)| p == "claims-post" && r.contains("`post` belongs to a built-in")),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|(p, r)| p == "bad-hash" && r.contains("sha256 mismatch")),
        "{refused:?}"
    );
    assert_eq!(host.owner_of("greeting").as_deref(), Some("hello"));

    // The well-behaved plugin.
    let ok = host
        .validate("greeting", &json!({"title": "Hello there"}), cx())
        .await
        .unwrap();
    assert!(ok.is_empty());
    let issues = host
        .validate("greeting", &json!({"title": "Bye"}), cx())
        .await
        .unwrap();
    assert_eq!(issues[0].code, "not_a_greeting");

    let entry = json!({"title": "x"});
    let expect_failed = |result: Result<_, HookError>, hook: &str, reason: &str| match result {
        Err(HookError::Failed {
            hook: h, reason: r, ..
        }) => {
            assert_eq!(h, hook);
            assert!(r.contains(reason), "{r}");
        }
        other => panic!("expected a {hook} failure ({reason}), got {other:?}"),
    };
    let started = Instant::now();
    expect_failed(
        host.validate("hostile_loop", &entry, cx())
            .await
            .map(|_| ()),
        "validate",
        "timed out",
    );
    let took = started.elapsed();
    // 50 ms of CPU, or the wall-clock cap (ten times that) on a machine too busy to give it.
    assert!(took < Duration::from_millis(600), "the loop ran {took:?}");
    expect_failed(
        host.before_save("hostile_memory", entry.clone(), cx())
            .await
            .map(|_| ()),
        "before_save",
        "memory",
    );
    expect_failed(
        host.validate("hostile_recursion", &entry, cx())
            .await
            .map(|_| ()),
        "validate",
        "stack overflow",
    );
    expect_failed(
        host.validate("hostile_panic", &entry, cx())
            .await
            .map(|_| ()),
        "validate",
        "panicked",
    );
    expect_failed(
        host.after_read("hostile_output", entry.clone(), cx())
            .await
            .map(|_| ()),
        "after_read",
        "over the",
    );
    let issues = host.validate("hostile_read", &entry, cx()).await.unwrap();
    assert_eq!(issues[0].code, "not_permitted");

    // The host goes on serving the well-behaved plugin.
    assert!(
        host.validate("greeting", &json!({"title": "Hello again"}), cx())
            .await
            .unwrap()
            .is_empty()
    );

    // Three consecutive faults disable a plugin until it is reloaded.
    for _ in 0..2 {
        let _ = host.validate("hostile_panic", &entry, cx()).await;
    }
    assert!(matches!(
        host.validate("hostile_panic", &entry, cx()).await,
        Err(HookError::Unavailable { .. })
    ));
    let info = host
        .plugins()
        .into_iter()
        .find(|p| p.id == "panics")
        .unwrap();
    assert_eq!(info.state, PluginState::Disabled);
    assert_eq!(info.faults.get("panic"), Some(&3));
    let reloaded = host.reload("panics").await.unwrap();
    assert_eq!(reloaded.state, PluginState::Active);
    assert!(
        reloaded.from_cache,
        "a reload of an unchanged plugin uses the compile cache"
    );
    expect_failed(
        host.validate("hostile_panic", &entry, cx())
            .await
            .map(|_| ()),
        "validate",
        "panicked",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_study_plugin_checks_tidies_and_enriches() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = plugins_dir(tmp.path(), "target/plugins", &["studies"]);
    let host = PluginHost::new(settings(tmp.path(), dir.clone())).unwrap();
    let outcomes = host.load_all(&reserved()).await;
    assert!(
        matches!(&outcomes[..], [LoadOutcome::Loaded(info)] if !info.from_cache),
        "{outcomes:?}"
    );
    host.set_reader(Arc::new(FakeStore));
    let types = host.type_definitions();
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].id, "study");

    let bad = json!({
        "title": "x", "year": 1900, "sdgs": [11, 18], "outcomes": [],
        "metrics": [{"name": "CO2", "value": "a lot"}],
        "experts": ["john-marwel", "nobody"], "partners": ["acme"],
    });
    let issues = host.validate("study", &bad, cx()).await.unwrap();
    let codes: BTreeSet<&str> = issues.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "year_out_of_range",
            "sdg_out_of_range",
            "outcomes_missing",
            "metrics_shape",
            "unknown_reference"
        ]
        .into(),
        "{issues:?}"
    );

    let input = json!({
        "title": "  Smart   lighting ", "city": " Eindhoven\n", "country": "nl ",
        "challenge": "Street lights used **too much** energy. The city wanted less. And more.",
        "solution": "Connected LED lights.", "sdgs": [7, 11],
    });
    let saved = host.before_save("study", input, cx()).await.unwrap();
    assert_eq!(saved["title"], "Smart lighting");
    assert_eq!(saved["city"], "Eindhoven");
    assert_eq!(saved["country"], "NL");
    assert_eq!(
        saved["summary"],
        "Street lights used too much energy. The city wanted less. And more."
    );
    assert_eq!(saved["reading_time_minutes"], 1);
    let read = host.after_read("study", saved, cx()).await.unwrap();
    assert_eq!(
        read["sdg_labels"],
        json!([
            "Affordable and Clean Energy",
            "Sustainable Cities and Communities"
        ])
    );

    // A second host (a restart) loads from the compile cache.
    let again = PluginHost::new(settings(tmp.path(), dir)).unwrap();
    let outcomes = again.load_all(&reserved()).await;
    assert!(
        matches!(&outcomes[..], [LoadOutcome::Loaded(info)] if info.from_cache),
        "{outcomes:?}"
    );
}

/// A plugin's time limit counts the work it does, not the time a busy server keeps it
/// waiting. Another task blocks the only executor thread for 20 ms each time a runaway
/// call yields, four times: on the wall clock the call would be out of its 20 ms at the
/// first wait; it is stopped for having worked 20 ms, well after that.
#[tokio::test(flavor = "current_thread")]
async fn the_time_limit_counts_work_not_waiting() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = plugins_dir(tmp.path(), "target/test-plugins", &["infinite-loop"]);
    let mut settings = settings(tmp.path(), dir);
    settings.max_timeout_ms = 20;
    let host = PluginHost::new(settings).unwrap();
    let outcomes = host.load_all(&reserved()).await;
    assert!(
        outcomes.iter().all(|o| matches!(o, LoadOutcome::Loaded(_))),
        "infinite-loop loads"
    );
    let busy = tokio::spawn(async {
        for _ in 0..4 {
            tokio::task::yield_now().await;
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    let started = Instant::now();
    let result = host
        .validate("hostile_loop", &json!({"title": "x"}), cx())
        .await;
    let took = started.elapsed();
    busy.await.unwrap();
    match result {
        Err(HookError::Failed { reason, .. }) => {
            assert!(reason.contains("20 ms of work"), "{reason}")
        }
        other => panic!("expected the work limit, got {other:?}"),
    }
    assert!(
        took >= Duration::from_millis(60),
        "the call was kept waiting: {took:?}"
    );
}

/// Work no client waits for gets a longer clock: kept from its core for longer than ten
/// times its CPU limit, an `unhurried` call is still stopped for its work, not by the
/// clock, while the same call in a plain task is stopped by the clock.
#[tokio::test(flavor = "current_thread")]
async fn unhurried_work_is_not_failed_by_a_busy_clock() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = plugins_dir(tmp.path(), "target/test-plugins", &["infinite-loop"]);
    let mut settings = settings(tmp.path(), dir);
    settings.max_timeout_ms = 20;
    let host = PluginHost::new(settings).unwrap();
    host.load_all(&reserved()).await;
    let kept_waiting = |host: PluginHost| async move {
        let busy = tokio::spawn(async {
            tokio::task::yield_now().await;
            std::thread::sleep(Duration::from_millis(250));
        });
        let result = host
            .validate("hostile_loop", &json!({"title": "x"}), cx())
            .await;
        busy.await.unwrap();
        match result {
            Err(HookError::Failed { reason, .. }) => reason,
            other => panic!("expected a failure, got {other:?}"),
        }
    };
    let plain = kept_waiting(host.clone()).await;
    assert!(plain.contains("did not finish within 200 ms"), "{plain}");
    let unhurried = crate::unhurried(kept_waiting(host)).await;
    assert!(unhurried.contains("20 ms of work"), "{unhurried}");
}
