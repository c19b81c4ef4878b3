//! The npm side of the build: which app files it reads, copying them next to the
//! installed packages, `npm ci` when the lock changed, and `npm run build`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Build output and installed packages a developer may have in `app/`; never inputs.
const NOT_SOURCES: [&str; 2] = ["node_modules", "dist"];

/// Records which lock file the installed packages came from.
const INSTALL_MARKER: &str = "node_modules/.civitas-lock";

/// What the build reads from `app/`: every entry but `node_modules` and `dist`.
pub fn inputs(app: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(app).map_err(|e| format!("cannot read {}: {e}", app.display()))?;
    let mut inputs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", app.display()))?;
        let name = entry.file_name();
        if !NOT_SOURCES.iter().any(|skip| name == *skip) {
            inputs.push(entry.path());
        }
    }
    inputs.sort();
    Ok(inputs)
}

/// Mirrors the app's sources into `work`, leaving its `node_modules` in place. Folders
/// are replaced whole, so a file deleted from `app/` is gone from the build too.
pub fn copy_sources(app: &Path, work: &Path) -> Result<(), String> {
    fs::create_dir_all(work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    for input in inputs(app)? {
        let Some(name) = input.file_name() else {
            continue;
        };
        let target = work.join(name);
        if input.is_dir() {
            if target.exists() {
                fs::remove_dir_all(&target)
                    .map_err(|e| format!("cannot remove {}: {e}", target.display()))?;
            }
            copy_dir(&input, &target)?;
        } else {
            copy_file(&input, &target)?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", from.display()))?
            .path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.is_dir() {
            copy_dir(&path, &to.join(name))?;
        } else {
            copy_file(&path, &to.join(name))?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// `npm ci` from the committed lock, unless the packages installed came from this lock.
pub fn install(work: &Path) -> Result<(), String> {
    let lock_path = work.join("package-lock.json");
    let lock = fs::read(&lock_path).map_err(|e| {
        format!(
            "cannot read {} (the app's lock file must be committed): {e}",
            lock_path.display()
        )
    })?;
    let marker = work.join(INSTALL_MARKER);
    if fs::read(&marker).is_ok_and(|installed| installed == lock) {
        return Ok(());
    }
    npm(work, &["ci", "--no-audit", "--no-fund"])?;
    fs::write(&marker, lock).map_err(|e| format!("cannot write {}: {e}", marker.display()))
}

/// Runs `script` (a type-check, then `vite build`) with its output going to `dist`.
pub fn build(work: &Path, script: &str, dist: &Path) -> Result<(), String> {
    let dist = dist
        .to_str()
        .ok_or_else(|| format!("the output path {} is not UTF-8", dist.display()))?;
    npm(
        work,
        &["run", script, "--", "--outDir", dist, "--emptyOutDir"],
    )
}

fn npm(dir: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| {
            format!(
                "cannot run npm ({e}). Install Node.js 20.19 or later with npm \
                 (Debian/Ubuntu: `apt-get install nodejs npm`, or https://nodejs.org), \
                 then build again."
            )
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`npm {}` in {} failed ({}):\n{}\n{}",
        args.join(" "),
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}
