//! The process's own resource use, read when metrics are scraped.

/// Resident memory in bytes (Linux: `VmRSS` in `/proc/self/status`, which, unlike
/// `statm`, needs no page size); `None` elsewhere.
pub(crate) fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_running_process_has_resident_memory() {
        if cfg!(target_os = "linux") {
            let bytes = super::resident_bytes().unwrap_or_default();
            assert!(bytes > 1024 * 1024, "resident: {bytes} bytes");
        }
    }
}
