//! Talking to a Civitas server: bearer-authenticated JSON requests, and its error bodies
//! turned into messages that carry the stable error code.

use reqwest::Method;
use serde_json::Value;

/// Why a command failed, and so which exit code it ends with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error.
    #[error("{code} ({status}): {message}{}", details_suffix(.details))]
    Server {
        status: u16,
        code: String,
        message: String,
        details: Vec<String>,
    },
    /// Files the server's checks (or the import's own) refused.
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot reach the server: {0}")]
    Connection(String),
}

fn details_suffix(details: &[String]) -> String {
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

    /// Sends a request to `path` (below the server's root) and reads the JSON answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, ClientError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
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

    pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
        Ok(self.send(Method::GET, path, None, None).await?.body)
    }
}

fn server_error(status: u16, body: &Value) -> ClientError {
    let error = &body["error"];
    let details = error["details"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            format!(
                "{}: {}",
                d["field"].as_str().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default()
            )
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
