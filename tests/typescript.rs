//! A client generated from the OpenAPI document, as a TypeScript user would make one:
//! `examples/typescript` gets its types from the live server's document
//! (openapi-typescript), is type-checked with `tsc --strict` (which must also refuse a
//! filter on a field posts do not have), and runs against the server with openapi-fetch.
//! npm packages come from the registry into `target/ts-client`, from the committed lock.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::plugins::with_plugins;
use crate::support::{Server, create_published, install_node_packages, run_tool};

const EXAMPLE_FILES: [&str; 5] = [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "src/main.ts",
    "src/query.ts",
];

/// The example, copied into `target/ts-client` with its packages installed (again only
/// when the lock file changed).
fn client_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/typescript");
    let dir = root.join("target/ts-client");
    fs::create_dir_all(dir.join("src")).expect("client dir");
    for file in EXAMPLE_FILES {
        fs::copy(example.join(file), dir.join(file)).expect("copy example file");
    }
    install_node_packages(&dir);
    dir
}

#[tokio::test]
async fn a_client_generated_from_the_document_type_checks_and_works() {
    let server = Server::start_with(with_plugins("plugins"), TempDir::new().expect("dir")).await;
    let post = json!({"title": "Streets for people", "body": "Fewer cars.", "authors": ["john-marwel"], "tags": ["mobility"]});
    create_published(&server, "post", post).await;
    let dir = client_dir();
    let document = server.url("/api/v1/openapi.json");
    let bin = |name: &str| {
        dir.join("node_modules/.bin")
            .join(name)
            .display()
            .to_string()
    };
    run_tool(
        &dir,
        &bin("openapi-typescript"),
        &[&document, "-o", "src/civitas.d.ts"],
    );
    run_tool(&dir, &bin("tsc"), &["--strict"]);
    let output = Command::new("node")
        .arg("dist/main.js")
        .env("CIVITAS_URL", &server.base)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert!(
        lines.contains(&json!({"post": "Streets for people", "authors": ["John Marwel"]})),
        "a typed filter with include=authors: {lines:?}"
    );
    assert!(
        lines.contains(&json!({"expert": "John Marwel", "role": "#BuildMyCity programme expert"})),
        "{lines:?}"
    );
    let studies = lines.iter().find(|l| l.get("studies").is_some());
    assert_eq!(
        studies.map(|s| s["total"].clone()),
        Some(json!(2)),
        "{lines:?}"
    );
}
