//! Writes the Rust expression that embeds one build: one `File` per output file, with its
//! path under the build's mount (`/admin/`, `/graphiql/`), bytes, content type and ETag.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Writes `files_rs`: a `&[File]` expression listing every file under `dist`, which must
/// hold the build's HTML `page`.
pub fn write(dist: &Path, page: &str, files_rs: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect(dist, dist, &mut files)?;
    files.sort();
    if !files.iter().any(|(path, _)| path == page) {
        return Err(format!("the build left no {page} in {}", dist.display()));
    }
    let mut code = String::from("&[\n");
    for (path, absolute) in &files {
        let bytes = fs::read(absolute).map_err(|e| format!("cannot read {absolute}: {e}"))?;
        let _ = writeln!(
            code,
            "    File {{ path: {path:?}, bytes: include_bytes!({absolute:?}), content_type: {:?}, etag: {:?} }},",
            content_type(path),
            format!("\"{:016x}\"", fnv1a(&bytes)),
        );
    }
    code.push_str("]\n");
    fs::write(files_rs, code).map_err(|e| format!("cannot write {}: {e}", files_rs.display()))
}

/// Every file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(root, &path, files)?;
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .map_err(|e| format!("{} is outside {}: {e}", path.display(), root.display()))?;
        let segments: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let absolute = path
            .to_str()
            .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
        files.push((segments.join("/"), absolute.to_owned()));
    }
    Ok(())
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// 64-bit FNV-1a: a content hash for ETags that needs no dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
