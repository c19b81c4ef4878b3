//! Serving a build's text files compressed: brotli or gzip, whichever the browser takes
//! (brotli first), each file compressed once at the best ratio, on first request.

use std::io::Write as _;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use poem::http::{HeaderMap, header};

use crate::files::File;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn slot(self) -> usize {
        match self {
            Encoding::Brotli => 0,
            Encoding::Gzip => 1,
        }
    }

    fn compress(self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Encoding::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 11,
                    lgwin: 22,
                    ..Default::default()
                };
                let mut out = Vec::new();
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
                Ok(out)
            }
            Encoding::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(bytes)?;
                encoder.finish()
            }
        }
    }
}

/// The encoding to answer with, from `Accept-Encoding`; `None` for the file as it is.
pub fn preferred(headers: &HeaderMap) -> Option<Encoding> {
    let accepted: Vec<&str> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter(|item| !refused(item))
        .map(|item| item.split(';').next().unwrap_or_default().trim())
        .collect();
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .find(|encoding| {
            accepted
                .iter()
                .any(|token| token.eq_ignore_ascii_case(encoding.token()))
        })
}

/// `gzip;q=0` says "not gzip".
fn refused(item: &str) -> bool {
    item.split(';').skip(1).any(|parameter| {
        parameter
            .trim()
            .strip_prefix("q=")
            .and_then(|q| q.trim().parse::<f32>().ok())
            .is_some_and(|q| q <= 0.0)
    })
}

/// Each file's compressed forms, made when first asked for. `None` when compressing
/// does not make it smaller.
pub struct Compressed {
    slots: Vec<[OnceLock<Option<Bytes>>; 2]>,
}

impl Compressed {
    pub fn new(files: usize) -> Compressed {
        Compressed {
            slots: (0..files).map(|_| Default::default()).collect(),
        }
    }

    /// File `index` (of its build's files) in `encoding`, or `None` to send it as it is.
    pub async fn get(
        self: &Arc<Self>,
        index: usize,
        file: &'static File,
        encoding: Encoding,
    ) -> Option<Bytes> {
        if !file.is_compressible() {
            return None;
        }
        let slot = self.slots.get(index)?.get(encoding.slot())?;
        if let Some(done) = slot.get() {
            return done.clone();
        }
        // Brotli at its best ratio takes a while on a large bundle: off the async threads.
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let slot = this.slots.get(index)?.get(encoding.slot())?;
            slot.get_or_init(|| {
                encoding
                    .compress(file.bytes)
                    .ok()
                    .filter(|compressed| compressed.len() < file.bytes.len())
                    .map(Bytes::from)
            })
            .clone()
        })
        .await
        .ok()
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use poem::http::{HeaderMap, HeaderValue, header};

    use super::{Encoding, preferred};

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn brotli_is_preferred_then_gzip_unless_refused() {
        assert_eq!(
            preferred(&accepting("gzip, deflate, br, zstd")),
            Some(Encoding::Brotli)
        );
        assert_eq!(preferred(&accepting("gzip, br;q=0")), Some(Encoding::Gzip));
        assert_eq!(preferred(&accepting("identity")), None);
        assert_eq!(preferred(&HeaderMap::new()), None);
    }
}
