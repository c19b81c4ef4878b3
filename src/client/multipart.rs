//! Uploads that stream: a `multipart/form-data` body (text parts, then one file) written
//! into a pipe by a thread of its own while the request reads the other end. A file is
//! never held in memory whole, the pipe's small buffer makes the writer keep pace with
//! the network, and every file byte written is reported, for a progress bar.

use std::collections::hash_map::RandomState;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, PipeWriter, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::client::http::ClientError;

/// Bytes read from the file and written to the pipe at a time.
const CHUNK: usize = 64 * 1024;

/// A form ready to send: the body streams from the pipe as the request reads it.
pub struct Form {
    pub body: reqwest::Body,
    pub content_type: String,
    /// The exact size of the body, sent as `Content-Length`.
    pub length: u64,
    /// Set when reading the file failed part way (the body then ends early).
    pub failure: Arc<Mutex<Option<String>>>,
}

/// A boundary no file is likely to hold: random per upload.
fn boundary() -> String {
    let random = |salt: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.finish()
    };
    format!("civitas-{:016x}{:016x}", random(1), random(2))
}

/// A file name as browsers put it in a part header: quotes and line breaks escaped.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Everything before the file's bytes: the text parts and the file part's header.
fn head(boundary: &str, texts: &[(&str, String)], filename: &str) -> Vec<u8> {
    let mut head = String::new();
    for (name, value) in texts {
        head += &format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        );
    }
    head += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n",
        quoted(filename)
    );
    head.into_bytes()
}

/// A form with `texts` and the file at `path`, sent as `filename`; `progress` is told the
/// number of the file's bytes written so far.
pub fn form(
    texts: &[(&str, String)],
    path: &Path,
    filename: &str,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<Form, ClientError> {
    let unreadable =
        |e: io::Error| ClientError::Usage(format!("cannot read {}: {e}", path.display()));
    let file = File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    let boundary = boundary();
    let head = head(&boundary, texts, filename);
    let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
    let length = head.len() as u64 + size + tail.len() as u64;
    let (reader, writer) =
        io::pipe().map_err(|e| ClientError::Usage(format!("cannot open a pipe: {e}")))?;
    let failure = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&failure);
    let shown = path.display().to_string();
    std::thread::spawn(move || {
        if let Err(Failure::Read(error)) =
            write_body(writer, &head, file.take(size), &tail, progress)
            && let Ok(mut slot) = slot.lock()
        {
            *slot = Some(format!("cannot read {shown}: {error}"));
        }
    });
    Ok(Form {
        body: reqwest::Body::from(tokio::fs::File::from_std(into_file(reader))),
        content_type: format!("multipart/form-data; boundary={boundary}"),
        length,
        failure,
    })
}

/// Why writing the body stopped: the file could not be read, or nobody reads the pipe
/// any more (the request ended; its own error says why).
enum Failure {
    Read(io::Error),
    Closed,
}

fn write_body(
    mut pipe: PipeWriter,
    head: &[u8],
    mut file: impl Read,
    tail: &[u8],
    progress: impl Fn(u64),
) -> Result<(), Failure> {
    pipe.write_all(head).map_err(|_| Failure::Closed)?;
    let mut buffer = vec![0u8; CHUNK];
    let mut sent = 0u64;
    loop {
        let read = file.read(&mut buffer).map_err(Failure::Read)?;
        if read == 0 {
            break;
        }
        pipe.write_all(&buffer[..read])
            .map_err(|_| Failure::Closed)?;
        sent += read as u64;
        progress(sent);
    }
    pipe.write_all(tail).map_err(|_| Failure::Closed)
}

/// The reading end of the pipe as a file, which a request body can stream from.
#[cfg(unix)]
fn into_file(reader: io::PipeReader) -> File {
    File::from(std::os::fd::OwnedFd::from(reader))
}

#[cfg(windows)]
fn into_file(reader: io::PipeReader) -> File {
    File::from(std::os::windows::io::OwnedHandle::from(reader))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_parts_then_the_file() {
        let head = head("B", &[("alt", "A cat".into())], "a\"b.png");
        let text = String::from_utf8(head).expect("text");
        assert_eq!(
            text,
            "--B\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA cat\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b.png\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        let (mut reader, writer) = io::pipe().expect("pipe");
        let counted = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&counted);
        let file: &[u8] = &[7u8; CHUNK + 10];
        let written = std::thread::spawn(move || {
            write_body(writer, b"H", file, b"T", move |n| {
                seen.lock().expect("lock").push(n)
            })
            .is_ok()
        });
        let mut body = Vec::new();
        reader.read_to_end(&mut body).expect("reads");
        assert!(written.join().expect("joins"));
        assert_eq!(body.len(), CHUNK + 12);
        assert_eq!((body[0], body[body.len() - 1]), (b'H', b'T'));
        assert_eq!(
            *counted.lock().expect("lock"),
            vec![CHUNK as u64, CHUNK as u64 + 10]
        );
        assert_ne!(boundary(), boundary());
    }
}
