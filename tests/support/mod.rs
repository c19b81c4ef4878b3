//! Starting and stopping real servers for the tests.

pub mod media;
pub mod nodes;
pub mod receiver;
pub mod sse;
pub mod surreal;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;
use tempfile::TempDir;

pub const TOKEN: &str = "test-admin-token-0123456789";
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The `civitas` binary with a clean environment: no CIVITAS_* variables leak in from
/// the developer's shell, and the working directory is a fresh temporary one.
pub fn civitas(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_civitas"));
    command.current_dir(dir).env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("CIVITAS_") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `civitas` to completion.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    civitas(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("civitas runs")
}

pub struct Server {
    child: Option<Child>,
    pub base: String,
    pub client: Client,
    pub dir: TempDir,
    log: PathBuf,
    stdout: PathBuf,
}

/// The password every test account gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// How to start a server: the storage URL and extra environment.
pub struct Options {
    pub storage: String,
    pub seed: bool,
    pub env: Vec<(String, String)>,
    /// A configuration file's text, passed with CIVITAS_CONFIG.
    pub config: Option<String>,
    /// More arguments for `serve` (`--nodes 2`).
    pub args: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            storage: "mem://".into(),
            seed: true,
            env: Vec::new(),
            config: None,
            args: Vec::new(),
        }
    }
}

impl Options {
    pub fn with_config(config: &str) -> Options {
        Options {
            config: Some(config.to_owned()),
            ..Options::default()
        }
    }
}

impl Server {
    /// A seeded in-memory server.
    pub async fn start() -> Server {
        Server::start_with(Options::default(), TempDir::new().expect("temp dir")).await
    }

    pub async fn start_with(options: Options, dir: TempDir) -> Server {
        let log = dir
            .path()
            .join(format!("server-{}.log", std::process::id()));
        let log_file = fs::File::create(&log).expect("log file");
        let stdout = dir.path().join("server-stdout.log");
        let stdout_file = fs::File::create(&stdout).expect("stdout file");
        let mut command = civitas(dir.path());
        if let Some(config) = &options.config {
            let path = dir.path().join("civitas.toml");
            fs::write(&path, config).expect("config file");
            command.env("CIVITAS_CONFIG", path);
        }
        command.arg("serve");
        if options.seed {
            command.arg("--seed");
        }
        command.args(&options.args);
        command
            .env("CIVITAS_SERVER__BIND", "127.0.0.1:0")
            .env("CIVITAS_STORAGE__URL", &options.storage)
            .env("CIVITAS_AUTH__ADMIN_TOKEN", TOKEN)
            .env("CIVITAS_LOG__LEVEL", "info,surrealdb=warn,surrealkv=warn")
            .envs(options.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(stdout_file)
            .stderr(log_file);
        let child = command.spawn().expect("civitas serve starts");
        let mut server = Server {
            child: Some(child),
            base: String::new(),
            client: Client::new(),
            dir,
            log,
            stdout,
        };
        server.base = server.wait_for_address().await;
        server
    }

    async fn wait_for_address(&mut self) -> String {
        let started = Instant::now();
        loop {
            let text = fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(rest) = text.split("listening on http://").nth(1) {
                let address: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                return format!("http://{}", strip_ansi(&address));
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("server exited with {status} before listening:\n{text}");
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "server did not start:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    /// A request to the admin API with the right token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(&format!("/api/v1/admin{path}")))
            .bearer_auth(TOKEN)
    }

    pub fn log(&self) -> String {
        strip_ansi(&fs::read_to_string(&self.log).unwrap_or_default())
    }

    /// What the server printed on standard output.
    pub fn stdout(&self) -> String {
        fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    /// A request with a bearer token of one's choice.
    pub fn with_token(&self, method: reqwest::Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// Creates an account (through the emergency token) with `PASSWORD`; returns its id.
    pub async fn create_user(&self, email: &str, role: &str) -> String {
        let (status, body) = json(
            self.admin(reqwest::Method::POST, "/users")
                .json(&serde_json::json!({"email": email, "role": role, "password": PASSWORD}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body["data"]["id"].as_str().expect("user id").to_owned()
    }

    /// Logs in with `PASSWORD`; returns the session token.
    pub async fn login(&self, email: &str) -> String {
        let (status, body) = json(
            self.client
                .post(self.url("/api/v1/auth/login"))
                .json(&serde_json::json!({"email": email, "password": PASSWORD}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["data"]["token"]
            .as_str()
            .expect("session token")
            .to_owned()
    }

    /// Creates an API token with these scopes; returns its secret.
    pub async fn create_token(&self, scopes: &[&str]) -> String {
        let (status, body) = json(
            self.admin(reqwest::Method::POST, "/tokens")
                .json(&serde_json::json!({"name": format!("test {}", scopes.join(" ")), "scopes": scopes}))
                .send()
                .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body["data"]["secret"]
            .as_str()
            .expect("token secret")
            .to_owned()
    }

    /// Sends SIGTERM and waits for a graceful exit.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server still running");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        assert!(killed.is_ok_and(|s| s.success()), "kill -TERM works");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait on server") {
                return status;
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                panic!("server ignored SIGTERM:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops this server and hands back its directory, to start another on the same data.
    pub fn into_dir(mut self) -> TempDir {
        self.stop();
        let dir = TempDir::new().expect("placeholder dir");
        std::mem::replace(&mut self.dir, dir)
    }
}

/// Runs `sql` with `vars` on the `surrealkv://` database a stopped server left in
/// `dir/data` (to age records, or to make it look like an older release's), then waits
/// until the database is closed so a server can open it again.
pub async fn edit_stopped_database(dir: &TempDir, sql: &str, vars: Value) {
    let url = format!("surrealkv://{}", dir.path().join("data").display());
    {
        let db = surrealdb::engine::any::connect(url.as_str())
            .await
            .expect("open");
        db.use_ns("civitas").use_db("main").await.expect("use");
        db.query(sql)
            .bind(vars)
            .await
            .expect("query")
            .check()
            .expect("edited");
    }
    assert!(
        civitas_store::wait_until_closed(&url, Duration::from_secs(20)).await,
        "the database closed"
    );
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The status and JSON body of a response.
pub async fn json(response: reqwest::Result<Response>) -> (u16, Value) {
    let response = response.expect("request reaches the server");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body reads");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Asserts an error answer: its status and stable code.
pub async fn expect_error(response: reqwest::Result<Response>, status: u16, code: &str) -> Value {
    let (actual, body) = json(response).await;
    assert_eq!(actual, status, "status for {code}: {body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// Sends `request` and asserts it is refused: 401 `unauthorized` (no valid credential)
/// or 403 `forbidden` (a credential that may not do this).
pub async fn expect_refused(request: RequestBuilder, status: u16) {
    let code = if status == 401 {
        "unauthorized"
    } else {
        "forbidden"
    };
    expect_error(request.send().await, status, code).await;
}

/// Sends `request` and asserts a 422 `validation_failed`; answers with its body.
pub async fn expect_invalid(request: RequestBuilder) -> Value {
    expect_error(request.send().await, 422, "validation_failed").await
}

/// Sends `request` and asserts a 422 `validation_failed` whose first detail names `field`.
pub async fn expect_invalid_field(request: RequestBuilder, field: &str) {
    let body = expect_invalid(request).await;
    assert_eq!(body["error"]["details"][0]["field"], field, "{body}");
}

/// The `(field, code)` pairs of an error answer's `details`, in order (`""` for a
/// missing one).
pub fn details(body: &Value) -> Vec<(&str, &str)> {
    body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| {
            (
                d["field"].as_str().unwrap_or(""),
                d["code"].as_str().unwrap_or(""),
            )
        })
        .collect()
}

/// A JSON string's text; panics on anything else.
pub fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
}

/// A response header's value, when it is there and is text.
pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The slugs of a list response, in order.
pub fn slugs(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|e| e["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Percent-encodes everything but ASCII letters and digits, for query values.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A Python command-line tool from PyPI, installed on first use into its own virtualenv
/// under `target/` (`python3` is needed; nothing is installed outside the project).
/// Runs a tool (`npm`, one from `node_modules/.bin`, a script) in `dir`, failing the test
/// with its output when it fails; returns what it printed.
pub fn run_tool(dir: &Path, program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} could not start (npm and node need Node.js): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Installs the npm packages of `dir` from its lock file, again only when the lock changed
/// since the last install (a marker in `node_modules` remembers it).
pub fn install_node_packages(dir: &Path) {
    let lock = std::fs::read(dir.join("package-lock.json")).expect("lock file");
    let marker = dir.join("node_modules/.civitas-lock");
    if std::fs::read(&marker).unwrap_or_default() != lock {
        run_tool(dir, "npm", &["ci", "--no-audit", "--no-fund"]);
        std::fs::write(marker, lock).expect("install marker");
    }
}

pub fn python_tool(venv: &str, requirement: &str, executable: &str) -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(venv);
    let tool = venv.join("bin").join(executable);
    if !tool.exists() {
        let created = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        assert!(created.is_ok_and(|s| s.success()), "python3 -m venv works");
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", requirement])
            .status();
        assert!(
            installed.is_ok_and(|s| s.success()),
            "pip installs {requirement}"
        );
    }
    tool
}

/// Creates an entry through the admin API and publishes it; returns it as published.
pub async fn create_published(server: &Server, type_id: &str, body: Value) -> Value {
    let (status, created) = json(
        server
            .admin(reqwest::Method::POST, &format!("/content/{type_id}"))
            .json(&body)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().expect("id").to_owned();
    let (status, published) = json(
        server
            .admin(
                reqwest::Method::POST,
                &format!("/content/{type_id}/{id}/publish"),
            )
            .send()
            .await,
    )
    .await;
    assert_eq!(status, 200, "{published}");
    published["data"].clone()
}

impl Server {
    /// The server process's id while it runs, to read its memory use in `/proc`.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }
}
