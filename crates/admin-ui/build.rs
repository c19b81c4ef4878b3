//! Builds the editors' web app and GraphiQL (both in `app/`: TypeScript + Vite, one npm
//! lock) with npm and embeds their output, so `cargo build` gives a binary that serves
//! them with no other step.
//!
//! - Copies the app's sources to `<target>/admin-ui/app` (`CARGO_TARGET_DIR` aware), so
//!   its `node_modules` live under the target dir and a developer's own `app/node_modules`
//!   and `app/dist` are never read.
//! - Runs `npm ci` there only when `package-lock.json` changed since the last install.
//! - Runs `npm run build` (the app) and `npm run build:graphiql` side by side, each a
//!   type-check then `vite build`, into `$OUT_DIR/dist/app` and `$OUT_DIR/dist/graphiql`.
//! - Writes `$OUT_DIR/app.rs` and `$OUT_DIR/graphiql.rs`: every built file with
//!   `include_bytes!`, its content type and an ETag.
//!
//! Node.js (20.19 or later) and npm must be installed; without them the build stops and
//! says so.

#[path = "build/embed.rs"]
mod embed;
#[path = "build/npm.rs"]
mod npm;

use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        eprintln!(
            "\nerror: building the editors' web app and GraphiQL (crates/admin-ui/app): {message}\n"
        );
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env("OUT_DIR")?);
    let app = manifest_dir.join("app");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    for input in npm::inputs(&app)? {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    let workspace_root = manifest_dir.join("../..");
    let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root.join(dir),
        None => workspace_root.join("target"),
    };
    let work = target_dir.join("admin-ui/app");
    npm::copy_sources(&app, &work)?;
    npm::install(&work)?;
    let dist = out_dir.join("dist");
    // Two builds of one install: side by side, as each spends much of its time in a
    // single-threaded type-check.
    std::thread::scope(|scope| {
        let graphiql = scope.spawn(|| build(&work, &dist, &out_dir, &GRAPHIQL));
        let app = build(&work, &dist, &out_dir, &APP);
        graphiql
            .join()
            .map_err(|_| "the GraphiQL build panicked".to_owned())??;
        app
    })
}

/// One Vite build of `app/` and the page it must produce.
struct Build {
    /// The npm script that type-checks and bundles it.
    script: &'static str,
    /// Its folder under `$OUT_DIR/dist`, and `$OUT_DIR/<name>.rs`.
    name: &'static str,
    page: &'static str,
}

const APP: Build = Build {
    script: "build",
    name: "app",
    page: "index.html",
};

const GRAPHIQL: Build = Build {
    script: "build:graphiql",
    name: "graphiql",
    page: "graphiql.html",
};

fn build(work: &Path, dist: &Path, out_dir: &Path, build: &Build) -> Result<(), String> {
    let dist = dist.join(build.name);
    npm::build(work, build.script, &dist)?;
    embed::write(
        &dist,
        build.page,
        &out_dir.join(format!("{}.rs", build.name)),
    )
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo did not set {name}"))
}
