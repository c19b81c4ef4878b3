//! Builds the editors' web app (`app/`: Preact + TypeScript + Vite) with npm and embeds
//! its output, so `cargo build` gives a binary that serves it with no other step.
//!
//! - Copies the app's sources to `<target>/admin-ui/app` (`CARGO_TARGET_DIR` aware), so
//!   its `node_modules` live under the target dir and a developer's own `app/node_modules`
//!   and `app/dist` are never read.
//! - Runs `npm ci` there only when `package-lock.json` changed since the last install.
//! - Runs `npm run build -- --outDir $OUT_DIR/dist` (type-check, then `vite build`).
//! - Writes `$OUT_DIR/files.rs`: every built file with `include_bytes!`, its content type
//!   and an ETag.
//!
//! Node.js (20.19 or later) and npm must be installed; without them the build stops and
//! says so.

#[path = "build/embed.rs"]
mod embed;
#[path = "build/npm.rs"]
mod npm;

use std::path::PathBuf;

fn main() {
    if let Err(message) = run() {
        eprintln!("\nerror: building the editors' web app (crates/admin-ui/app): {message}\n");
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
    npm::build(&work, &dist)?;
    embed::write(&dist, &out_dir.join("files.rs"))
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("cargo did not set {name}"))
}
