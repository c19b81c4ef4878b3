//! Talking to a Civitas server: bearer-authenticated JSON requests and streamed uploads,
//! downloads of its files checked against their SHA-256, and its error bodies turned into
//! messages that carry the stable error code.

use std::fmt;
use std::io::Write;
use std::path::Path;

use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use crate::client::multipart::Form;
use crate::client::sha256::Sha256;

/// Why a command failed, and so which exit code it ends with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error.
    #[error("{code} ({status}): {message}{}", details_suffix(.details))]
    Server {
        status: u16,
        code: String,
        message: String,
        details: Vec<Detail>,
    },
    /// Files the server's checks (or the import's own) refused.
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot reach the server: {0}")]
    Connection(String),
}

/// One problem an error answer names: a field (or, for `media_in_use`, an entry as
/// `type/id`), its code and a message.
#[derive(Debug, Clone)]
pub struct Detail {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn details_suffix(details: &[Detail]) -> String {
    details.iter().map(|d| format!("\n  {d}")).collect()
}

impl ClientError {
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Server { .. } | ClientError::Rejected(_) => 1,
            ClientError::Usage(_) | ClientError::Connection(_) => 2,
        }
    }

    /// Whether the server refused a write because the entry changed since it was read.
    pub fn is_stale(&self) -> bool {
        matches!(self, ClientError::Server { status: 412, .. })
    }
}

/// A successful answer.
pub struct Reply {
    pub body: Value,
    pub etag: Option<String>,
}

/// A server and the credential to use with it.
pub struct Api {
    pub base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, token: Option<String>) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http: reqwest::Client::new(),
        }
    }

    /// A request to `path` (below the server's root), with the credential.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends a request to `path` (below the server's root) and reads the JSON answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, ClientError> {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ClientError::Connection(format!("{}: {e}", self.base)))?;
        read_reply(response).await
    }

    /// Sends a multipart form as it streams from disk, and reads the JSON answer.
    pub async fn send_form(
        &self,
        method: Method,
        path: &str,
        form: Form,
    ) -> Result<Reply, ClientError> {
        let failure = std::sync::Arc::clone(&form.failure);
        let sent = self
            .request(method, path)
            .header("content-type", &form.content_type)
            .header("content-length", form.length)
            .body(form.body)
            .send()
            .await;
        let reply = match sent {
            Ok(response) => read_reply(response).await,
            Err(e) => Err(ClientError::Connection(format!("{}: {e}", self.base))),
        };
        // A file that could not be read ends the body early: that is the error to show.
        let cut_short = failure.lock().ok().and_then(|slot| slot.clone());
        match (reply, cut_short) {
            (Err(_), Some(reason)) => Err(ClientError::Usage(reason)),
            (reply, _) => reply,
        }
    }

    /// Downloads a file the server names by `url` (relative to the server, or absolute
    /// when it is served from elsewhere) into `destination`; answers with its SHA-256.
    /// The credential goes only to the server itself.
    pub async fn download(&self, url: &str, destination: &Path) -> Result<String, ClientError> {
        let request = if url.starts_with("http://") || url.starts_with("https://") {
            self.http.get(url)
        } else {
            self.request(Method::GET, url)
        };
        let failed = |e: reqwest::Error| ClientError::Connection(format!("{url}: {e}"));
        let mut response = request.send().await.map_err(failed)?;
        if !response.status().is_success() {
            return Err(read_reply(response)
                .await
                .err()
                .unwrap_or_else(|| ClientError::Connection(format!("{url}: unexpected answer"))));
        }
        let unwritable = |e: std::io::Error| {
            ClientError::Usage(format!("cannot write {}: {e}", destination.display()))
        };
        let mut file = std::fs::File::create(destination).map_err(unwritable)?;
        let mut digest = Sha256::default();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            digest.update(&chunk);
            file.write_all(&chunk).map_err(unwritable)?;
        }
        file.flush().map_err(unwritable)?;
        Ok(digest.hex())
    }

    pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
        Ok(self.send(Method::GET, path, None, None).await?.body)
    }
}

/// The JSON answer to a request, or the error it carries.
async fn read_reply(response: Response) -> Result<Reply, ClientError> {
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response
        .text()
        .await
        .map_err(|e| ClientError::Connection(e.to_string()))?;
    let body: Value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    if status >= 400 {
        return Err(server_error(status, &body));
    }
    Ok(Reply { body, etag })
}

/// The error in an error answer's body (`{"error": {code, message, details}}`).
pub fn server_error(status: u16, body: &Value) -> ClientError {
    let error = &body["error"];
    let text = |d: &Value, key: &str| d[key].as_str().unwrap_or_default().to_owned();
    let details = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| Detail {
            field: text(d, "field"),
            code: text(d, "code"),
            message: text(d, "message"),
        })
        .collect();
    ClientError::Server {
        status,
        code: error["code"].as_str().unwrap_or("unknown").to_owned(),
        message: error["message"]
            .as_str()
            .map_or_else(|| body.to_string(), str::to_owned),
        details,
    }
}

/// Percent-encodes a query value or path segment.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `path` with `parameters` (already encoded `name=value` pairs) as its query string.
pub fn with_query(path: &str, parameters: &[String]) -> String {
    match parameters.is_empty() {
        true => path.to_owned(),
        false => format!("{path}?{}", parameters.join("&")),
    }
}
