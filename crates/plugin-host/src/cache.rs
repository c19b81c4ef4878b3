//! The on-disk compile cache: `<cache_dir>/<sha256 of the wasm>-<engine hash>.cwasm`, so a
//! restart deserializes native code instead of recompiling it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

/// A compiled component and whether it came from the cache.
pub(crate) struct Compiled {
    pub component: Component,
    pub from_cache: bool,
}

/// The cache file for a component: keyed by the wasm's hash and by everything in the
/// engine's configuration that affects compiled code.
fn cache_path(engine: &Engine, cache_dir: &Path, sha256: &str) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    cache_dir.join(format!("{sha256}-{:016x}.cwasm", hasher.finish()))
}

/// Loads the compiled component from the cache, or compiles it and stores it. Blocking:
/// run it off the async executor.
pub(crate) fn load_or_compile(
    engine: &Engine,
    cache_dir: &Path,
    sha256: &str,
    wasm: &[u8],
) -> Result<Compiled, String> {
    let path = cache_path(engine, cache_dir, sha256);
    if path.is_file() {
        // SAFETY: `deserialize_file` trusts the file to be native code that wasmtime
        // produced. Only this host writes into `cache_dir`, under a name that includes the
        // sha256 of the verified wasm and the engine's compatibility hash; wasmtime also
        // checks the file's header against the engine and refuses a mismatch.
        match unsafe { Component::deserialize_file(engine, &path) } {
            Ok(component) => {
                return Ok(Compiled {
                    component,
                    from_cache: true,
                });
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "plugins: ignoring unreadable compile cache entry");
            }
        }
    }
    let component = Component::new(engine, wasm)
        .map_err(|e| format!("the component does not compile: {e:#}"))?;
    if let Err(e) = store(&component, cache_dir, &path) {
        // A cache that cannot be written costs start-up time, not correctness.
        tracing::warn!(dir = %cache_dir.display(), error = %e, "plugins: cannot write the compile cache");
    }
    Ok(Compiled {
        component,
        from_cache: false,
    })
}

/// Writes through a temporary file and a rename, so a crash never leaves a truncated
/// `.cwasm` that a later start would try to load.
fn store(component: &Component, cache_dir: &Path, path: &Path) -> Result<(), String> {
    let bytes = component.serialize().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(cache_dir).map_err(|e| e.to_string())?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}
