//! SHA-256 of media files, fed in pieces: how the client checks media files against the
//! digests the server gives, as they stream to or from disk, never whole in memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::Digest;

/// A digest being computed.
#[derive(Default)]
pub struct Sha256(sha2::Sha256);

impl Sha256 {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest as 64 lowercase hex digits.
    pub fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The digest of a file, read in blocks.
pub fn of_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut digest = Sha256::default();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(digest.hex());
        }
        digest.update(&buffer[..read]);
    }
}

/// Whether `text` looks like a digest: 64 lowercase hex digits (so it is safe as a file
/// name too).
pub fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_give_the_digest_of_the_whole_and_digests_are_recognised() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut whole = Sha256::default();
        whole.update(&data);
        let whole = whole.hex();
        for split in [0, 1, 64, 999] {
            let mut sha = Sha256::default();
            sha.update(&data[..split]);
            sha.update(&data[split..]);
            assert_eq!(sha.hex(), whole, "split at {split}");
        }
        assert!(is_digest(&whole));
        assert!(!is_digest("../etc/passwd"));
    }
}
