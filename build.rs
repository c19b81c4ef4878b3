//! Builds the WebAssembly plugins from source and packages them, so `cargo build` (and the
//! README's run command) gives the server plugins to load with no other step.
//!
//! - Makes sure the `wasm32-wasip2` target is installed (`rustup target add`).
//! - Builds each guest workspace (`plugins/studies`, `tests/plugins`) in release for
//!   `wasm32-wasip2` into one shared target dir (`$CARGO_TARGET_DIR/wasm`, else
//!   `target/wasm`), so the SDK and wit-bindgen compile once. The outer build's `CARGO_*`,
//!   `RUSTFLAGS` and target variables are removed so they do not leak into the guest build.
//! - Packages each plugin as `<root>/target/plugins/<id>/` (from `plugins/`) or
//!   `<root>/target/test-plugins/<id>/` (from `tests/plugins/`): `plugin.wasm` plus its
//!   `plugin.toml` with the computed sha256 (`bad-hash` gets a wrong one on purpose). The
//!   root is this package's directory, not `OUT_DIR`, so the server's default
//!   `plugins.dir = "target/plugins"` finds them.
//!
//! Cargo reruns this script only when the guest sources, the SDK and its WIT, or the
//! manifests change. If `target/plugins` is deleted by hand, `touch build.rs` to repackage.

#[path = "build/sha256.rs"]
mod sha256;

use std::path::{Path, PathBuf};
use std::process::Command;

const WASM_TARGET: &str = "wasm32-wasip2";

/// Guest workspaces and where their plugins are packaged.
const GUESTS: [(&str, &str); 2] = [
    ("plugins/studies", "target/plugins"),
    ("tests/plugins", "target/test-plugins"),
];

/// Plugins packaged with a deliberately wrong hash, for the tests.
const WRONG_HASH: &[&str] = &["bad-hash"];

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/sha256.rs");
    println!("cargo:rerun-if-changed=crates/plugin-sdk");
    for (workspace, _) in GUESTS {
        // Cargo scans a directory recursively; the guest workspaces hold no build output
        // (they build into the shared wasm target dir).
        println!("cargo:rerun-if-changed={workspace}");
    }
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");

    if let Err(message) = run(&root) {
        eprintln!("\nerror: {message}\n");
        panic!("building the WebAssembly plugins failed: {message}");
    }
}

fn run(root: &Path) -> Result<(), String> {
    ensure_target()?;
    let wasm_dir = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir).join("wasm"),
        None => root.join("target/wasm"),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for (workspace, out) in GUESTS {
        build_guests(&cargo, &root.join(workspace), &wasm_dir)?;
        let built = wasm_dir.join(WASM_TARGET).join("release");
        for crate_dir in plugin_crates(&root.join(workspace))? {
            package(&crate_dir, &built, &root.join(out))?;
        }
    }
    Ok(())
}

/// Installs the wasm target when rustup is there and lacks it. Without rustup (a
/// distribution toolchain), the guest build itself reports a missing target.
fn ensure_target() -> Result<(), String> {
    let Ok(listed) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        println!("cargo:warning=rustup not found; assuming the {WASM_TARGET} target is installed");
        return Ok(());
    };
    if String::from_utf8_lossy(&listed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .map_err(|e| format!("cannot run `rustup target add {WASM_TARGET}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`rustup target add {WASM_TARGET}` failed ({status})"
        ))
    }
}

fn build_guests(cargo: &std::ffi::OsStr, workspace: &Path, wasm_dir: &Path) -> Result<(), String> {
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args([
            "build",
            "--release",
            "--workspace",
            "--target",
            WASM_TARGET,
            "--target-dir",
        ])
        .arg(wasm_dir);
    // The outer build's settings are for the native host; the guest build takes its own.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let outer = (key.starts_with("CARGO_") && key != "CARGO_HOME")
            || key.starts_with("RUSTC")
            || matches!(
                key.as_ref(),
                "RUSTFLAGS"
                    | "RUSTDOCFLAGS"
                    | "TARGET"
                    | "HOST"
                    | "OUT_DIR"
                    | "OPT_LEVEL"
                    | "PROFILE"
                    | "DEBUG"
                    | "NUM_JOBS"
            );
        if outer {
            command.env_remove(key.as_ref());
        }
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo for {}: {e}", workspace.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo build --release --target {WASM_TARGET}` in {} failed ({status}); its errors are above",
            workspace.display()
        ))
    }
}

/// The crates of a guest workspace that are plugins (those with a `plugin.toml`).
fn plugin_crates(workspace: &Path) -> Result<Vec<PathBuf>, String> {
    if workspace.join("plugin.toml").is_file() {
        return Ok(vec![workspace.to_path_buf()]);
    }
    let entries = std::fs::read_dir(workspace)
        .map_err(|e| format!("cannot list {}: {e}", workspace.display()))?;
    let mut crates: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("plugin.toml").is_file())
        .collect();
    crates.sort();
    Ok(crates)
}

/// Copies the component next to a `plugin.toml` that carries its hash.
fn package(crate_dir: &Path, built: &Path, out_root: &Path) -> Result<(), String> {
    let manifest_path = crate_dir.join("plugin.toml");
    let template = read(&manifest_path)?;
    let id = toml_string(&template, "id")
        .ok_or_else(|| format!("{} has no `id`", manifest_path.display()))?;
    let crate_name = toml_string(&read(&crate_dir.join("Cargo.toml"))?, "name")
        .ok_or_else(|| format!("{} has no package name", crate_dir.display()))?;
    let wasm_path = built.join(format!("{}.wasm", crate_name.replace('-', "_")));
    let wasm = std::fs::read(&wasm_path)
        .map_err(|e| format!("cannot read {}: {e}", wasm_path.display()))?;
    let sha = if WRONG_HASH.contains(&id.as_str()) {
        sha256::hex_digest(b"not the component: this plugin's hash is wrong on purpose")
    } else {
        sha256::hex_digest(&wasm)
    };
    let out = out_root.join(&id);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    write_if_changed(&out.join("plugin.wasm"), &wasm)?;
    write_if_changed(
        &out.join("plugin.toml"),
        with_sha256(&template, &sha).as_bytes(),
    )
}

/// The template with `sha256 = "..."` set in its `[wasm]` table.
fn with_sha256(template: &str, sha: &str) -> String {
    let mut out = String::with_capacity(template.len() + 80);
    let mut in_wasm = false;
    for line in template.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_wasm = trimmed == "[wasm]";
        }
        if in_wasm && trimmed.starts_with("sha256") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if trimmed == "[wasm]" {
            out.push_str(&format!("sha256 = \"{sha}\"\n"));
        }
    }
    out
}

/// The value of a top-level `key = "value"` line (enough for `id` and `name`).
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Leaves unchanged files alone, so their modification times stay meaningful.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
