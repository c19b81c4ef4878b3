//! The editors' web app in a real browser: every scenario under tests/browser/scenarios
//! (Playwright driving the system's Chromium; tests/browser/run.mjs) against a real
//! seeded server with plugins. The runner's packages come from the registry into
//! `target/browser-tests`, from the committed lock; Chromium from scripts/chromium.sh,
//! which installs Debian's package when there is none.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use tempfile::TempDir;

use crate::plugins::with_plugins;
use crate::support::{Server, TOKEN, install_node_packages, run_tool};

/// The runner's own files; `scenarios/` and `fixtures/` are copied whole.
const RUNNER_FILES: [&str; 4] = ["package.json", "package-lock.json", "run.mjs", "lib.mjs"];
const RUNNER_DIRS: [&str; 2] = ["scenarios", "fixtures"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// tests/browser, copied into `target/browser-tests` with its packages installed (again
/// only when the lock file changed).
fn runner_dir() -> PathBuf {
    let source = root().join("tests/browser");
    let dir = root().join("target/browser-tests");
    fs::create_dir_all(&dir).expect("runner dir");
    for file in RUNNER_FILES {
        fs::copy(source.join(file), dir.join(file)).expect("copy runner file");
    }
    for folder in RUNNER_DIRS {
        let target = dir.join(folder);
        if target.exists() {
            fs::remove_dir_all(&target).expect("remove old copy");
        }
        copy_dir(&source.join(folder), &target);
    }
    install_node_packages(&dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// The browser to drive: scripts/chromium.sh finds it, or installs Debian's.
fn chromium() -> String {
    let script = root().join("scripts/chromium.sh");
    run_tool(root(), &script.display().to_string(), &[])
        .trim()
        .to_owned()
}

#[tokio::test]
async fn the_editors_app_passes_every_browser_scenario() {
    let chromium = chromium();
    let dir = runner_dir();
    let mut options = with_plugins("plugins");
    // Every scenario signs in through the form, all from 127.0.0.1.
    options.env.push((
        "CIVITAS_AUTH__LOGIN_MAX_ATTEMPTS_PER_ADDRESS".into(),
        "10000".into(),
    ));
    let server = Server::start_with(options, TempDir::new().expect("dir")).await;
    let started = Instant::now();
    let output = Command::new("node")
        .arg("run.mjs")
        .current_dir(&dir)
        .env("CIVITAS_URL", &server.base)
        .env("CIVITAS_ADMIN_TOKEN", TOKEN)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", root().join("target/browser/screenshots"))
        .output()
        .expect("node runs (Node.js is needed)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The runner's lines and the figures scenarios print: shown on failure, and with
    // --nocapture.
    println!(
        "{stdout}browser scenarios took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        output.status.success(),
        "browser scenarios failed (see their lines above)\n{stderr}\nserver log (tail):\n{}",
        tail(&server.log(), 40)
    );
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
