//! A real SurrealDB server for the tests that need one: built once per test run by
//! `scripts/surrealdb.sh` (the surrealdb-server crate at the SDK's version), started
//! on a free loopback port the way SurrealDB documents, with its data in a temporary
//! SurrealKV directory so it can be stopped and started again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::Options;

pub const USER: &str = "root";
pub const PASS: &str = "surreal-test-pass";
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The server binary: `SURREAL_BIN` when set (any SurrealDB 3.3 server), otherwise the
/// one `scripts/surrealdb.sh` builds on first use (minutes on a cold machine; CI skips
/// these tests rather than build it, see `.ci/run`).
fn binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(given) = std::env::var_os("SURREAL_BIN") {
            return PathBuf::from(given);
        }
        let root = env!("CARGO_MANIFEST_DIR");
        if let Some(built) = built_before(Path::new(root)) {
            return built;
        }
        let mut script = Command::new("bash");
        // What `cargo test` sets for this process is not the build's business.
        for (key, _) in std::env::vars() {
            if (key.starts_with("CARGO_") && key != "CARGO_HOME") || key == "LD_LIBRARY_PATH" {
                script.env_remove(key);
            }
        }
        let output = script
            .arg(format!("{root}/scripts/surrealdb.sh"))
            .stderr(Stdio::inherit())
            .output()
            .expect("scripts/surrealdb.sh runs");
        assert!(output.status.success(), "scripts/surrealdb.sh failed");
        let path = String::from_utf8(output.stdout).expect("a path");
        PathBuf::from(path.trim())
    })
}

/// The server `scripts/surrealdb.sh` built before, when none of its sources changed
/// since. Started from inside `cargo test`, the script's own `cargo build` was seen to
/// rebuild the whole server after a complete build outside it, so it is not asked.
fn built_before(root: &Path) -> Option<PathBuf> {
    let binary = root.join("target/surrealdb-server/debug/surreal");
    let built = std::fs::metadata(&binary).and_then(|m| m.modified()).ok()?;
    let sources = ["Cargo.toml", "Cargo.lock", "src/main.rs"];
    let unchanged = sources.iter().all(|source| {
        std::fs::metadata(root.join("tools/surrealdb-server").join(source))
            .and_then(|m| m.modified())
            .is_ok_and(|changed| changed < built)
    });
    unchanged.then_some(binary)
}

pub struct SurrealServer {
    child: Option<Child>,
    pub port: u16,
    data: TempDir,
    log: PathBuf,
}

impl SurrealServer {
    pub async fn start() -> SurrealServer {
        SurrealServer::start_on(free_port()).await
    }

    pub async fn start_on(port: u16) -> SurrealServer {
        let data = TempDir::new().expect("temp dir");
        let log = data.path().join("surreal.log");
        let mut server = SurrealServer {
            child: None,
            port,
            data,
            log,
        };
        server.run().await;
        server
    }

    /// Options for a Civitas node on this server.
    pub fn node_options(&self, seed: bool) -> Options {
        SurrealServer::options_for(self.port, seed)
    }

    /// Options for a Civitas node on a server at `port` (which may not be up yet).
    pub fn options_for(port: u16, seed: bool) -> Options {
        Options {
            storage: format!("ws://127.0.0.1:{port}"),
            seed,
            env: vec![
                ("CIVITAS_STORAGE__USERNAME".into(), USER.into()),
                ("CIVITAS_STORAGE__PASSWORD".into(), PASS.into()),
            ],
            ..Options::default()
        }
    }

    /// Starts the server (again, on the same port and data) and waits until it answers.
    pub async fn run(&mut self) {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = Command::new(binary())
            .args(["start", "--bind"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["--user", USER, "--pass", PASS, "--log", "warn"])
            .arg(format!(
                "surrealkv://{}",
                self.data.path().join("db").display()
            ))
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("surreal starts");
        self.child = Some(child);
        let health = format!("http://127.0.0.1:{}/health", self.port);
        let started = Instant::now();
        loop {
            if reqwest::get(&health)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "SurrealDB did not start:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the server at once (as a crash or a pulled plug would).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}
