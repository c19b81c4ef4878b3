//! `civitas webhooks`: the server's webhooks from the terminal. Creating one (or rotating
//! its secret) prints the signing secret, the only time it is shown; `test` and
//! `redeliver` send at once and fail (exit 1) when the receiver did not take the event.

use clap::Subcommand;
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::events::to_seconds;
use crate::client::http::{Api, ClientError, encode, with_query};
use crate::client::output::{cell, pretty, print_list, table};

const WEBHOOKS: &str = "/api/v1/admin/webhooks";

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// List the webhooks: URL, state, what they send, how far they are.
    ///
    /// Example: civitas webhooks list
    List,
    /// Create a webhook; prints its signing secret, this once
    ///
    /// Examples: civitas webhooks create https://example.org/rebuild --type entry.published --type entry.unpublished
    ///           civitas webhooks create https://example.org/index --type 'entry.*' --content-type post
    #[command(verbatim_doc_comment)]
    Create {
        url: String,
        /// What the webhook is for.
        #[arg(long)]
        description: Option<String>,
        /// Only events of this type or family (`entry.published`, `media.*`); repeat or
        /// comma-separate. Every type when absent.
        #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
        types: Vec<String>,
        /// Only events about entries of this content type; repeat or comma-separate.
        #[arg(long = "content-type", value_name = "TYPE", value_delimiter = ',')]
        content_types: Vec<String>,
        /// Create it disabled: nothing is sent until `civitas webhooks enable`.
        #[arg(long)]
        disabled: bool,
    },
    /// Show one webhook.
    ///
    /// Example: civitas webhooks show 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Show { id: String },
    /// Resume delivery, with the event the webhook stopped at.
    ///
    /// Example: civitas webhooks enable 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Enable { id: String },
    /// Stop delivery (events keep accruing, for `enable` or `replay`).
    ///
    /// Example: civitas webhooks disable 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Disable { id: String },
    /// Delete a webhook and its delivery log.
    ///
    /// Example: civitas webhooks delete 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Delete { id: String },
    /// Send a `webhook.ping` now and show the attempt; exit 1 if it was not delivered.
    ///
    /// Example: civitas webhooks test 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    Test { id: String },
    /// List a webhook's delivery attempts, newest first
    ///
    /// Examples: civitas webhooks deliveries 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    ///           civitas webhooks deliveries 01JD8Z6K3V2X5Q7R9T1W3Y5A7C --limit 100 --before 01JD9...
    #[command(verbatim_doc_comment)]
    Deliveries {
        id: String,
        /// Attempts per page, 1 to 100 (20 when absent).
        #[arg(long)]
        limit: Option<u64>,
        /// The cursor a previous page printed: older attempts.
        #[arg(long)]
        before: Option<String>,
    },
    /// Send an attempt's event again now (same `webhook-id`); exit 1 if not delivered.
    ///
    /// Example: civitas webhooks redeliver 01JD8Z6K3V2X5Q7R9T1W3Y5A7C 01JDA0...
    Redeliver {
        id: String,
        #[arg(value_name = "DELIVERY_ID")]
        delivery: String,
    },
    /// Replace the signing secret; prints the new one, this once
    ///
    /// Until the time it prints, deliveries are signed with the old secret as well.
    ///
    /// Example: civitas webhooks rotate-secret 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    RotateSecret { id: String },
    /// Send every kept event after SEQ again, in order, then carry on with new ones.
    ///
    /// Example: civitas webhooks replay 01JD8Z6K3V2X5Q7R9T1W3Y5A7C --after 1200
    Replay {
        id: String,
        /// The `seq` (as `civitas events` prints it, `#1200`) to replay after; 0 for
        /// every kept event.
        #[arg(long, value_name = "SEQ")]
        after: u64,
    },
}

fn path(id: &str) -> String {
    format!("{WEBHOOKS}/{}", encode(id))
}

/// A list of filters as people read it: `all` when empty.
fn filters(value: &Value) -> String {
    match value.as_array().is_none_or(Vec::is_empty) {
        true => "all".into(),
        false => cell(value),
    }
}

/// Whether the webhook delivers, retries or stopped (and why).
fn state(webhook: &Value) -> String {
    let failures = webhook["failures"].as_u64().unwrap_or_default();
    match (
        webhook["enabled"].as_bool(),
        webhook["disabled_reason"].as_str(),
    ) {
        (Some(true), _) if failures > 0 => format!("retrying ({failures} failed)"),
        (Some(true), _) => "enabled".into(),
        (_, Some(reason)) => format!("disabled: {reason}"),
        _ => "disabled".into(),
    }
}

/// A webhook as `name  value` lines, without the empty ones.
fn details(webhook: &Value) -> String {
    let time = |key: &str| to_seconds(&cell(&webhook[key]));
    let created = match cell(&webhook["created_by"]) {
        by if by.is_empty() => time("created_at"),
        by => format!("{} by {by}", time("created_at")),
    };
    let rows = [
        ("id", cell(&webhook["id"])),
        ("url", cell(&webhook["url"])),
        ("description", cell(&webhook["description"])),
        ("state", state(webhook)),
        ("event types", filters(&webhook["event_types"])),
        ("content types", filters(&webhook["content_types"])),
        ("delivered up to", format!("#{}", cell(&webhook["cursor"]))),
        ("next attempt", time("next_attempt_at")),
        ("last attempt", time("last_attempt_at")),
        ("last success", time("last_success_at")),
        ("old secret until", time("previous_secret_until")),
        ("created", created),
        ("updated", time("updated_at")),
        ("secret", cell(&webhook["secret"])),
    ];
    let shown: Vec<Vec<String>> = rows
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| vec![name.to_owned(), value])
        .collect();
    // A table without its header line.
    let text = table(&["", ""], &shown);
    text.split_once('\n')
        .map_or(String::new(), |(_, rows)| rows.to_owned())
}

/// One attempt as a line: `01JDA...  entry.published #42  attempt 1 (auto)  delivered
/// 200  12 ms`.
fn attempt(delivery: &Value) -> String {
    let mut parts = vec![
        cell(&delivery["id"]),
        match delivery["seq"].as_u64() {
            Some(seq) => format!("{} #{seq}", cell(&delivery["event_type"])),
            None => cell(&delivery["event_type"]),
        },
        format!(
            "attempt {} ({})",
            cell(&delivery["attempt"]),
            cell(&delivery["trigger"])
        ),
        format!(
            "{} {}",
            cell(&delivery["outcome"]),
            cell(&delivery["status"])
        )
        .trim_end()
        .to_owned(),
        format!("{} ms", cell(&delivery["duration_ms"])),
    ];
    if let Some(error) = delivery["error"].as_str() {
        parts.push(error.to_owned());
    }
    parts.join("  ")
}

/// Prints an attempt just made; not delivered is a failure (exit 1).
fn sent(body: &Value, json_output: bool) -> Result<(), ClientError> {
    let delivery = &body["data"];
    match json_output {
        true => println!("{}", pretty(body)),
        false => println!("{}", attempt(delivery)),
    }
    match delivery["outcome"].as_str() {
        Some("delivered") => Ok(()),
        _ => Err(ClientError::Rejected(format!(
            "the receiver did not take the event: {}",
            [
                &delivery["outcome"],
                &delivery["status"],
                &delivery["error"]
            ]
            .into_iter()
            .map(cell)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
        ))),
    }
}

/// Prints a webhook with its secret, and says it is the only time.
fn with_secret(body: &Value, json_output: bool) {
    match json_output {
        true => println!("{}", pretty(body)),
        false => println!("{}", details(&body["data"])),
    }
    eprintln!("Keep the secret now: it will not be shown again.");
}

fn print_webhook(body: &Value, json_output: bool) {
    match json_output {
        true => println!("{}", pretty(body)),
        false => println!("{}", details(&body["data"])),
    }
}

/// Shows each problem's code with its message (`blocked_target`, `unknown_type`), and
/// how to allow an internal address.
fn explained(error: ClientError) -> ClientError {
    match error {
        ClientError::Server {
            status,
            code,
            message,
            details,
        } => {
            let details = details
                .into_iter()
                .map(|mut detail| {
                    detail.message = format!("{} ({})", detail.message, detail.code);
                    if detail.code == "blocked_target" {
                        detail.message += "; the server's `webhooks.allowed_networks` can allow it";
                    }
                    detail
                })
                .collect();
            ClientError::Server {
                status,
                code,
                message,
                details,
            }
        }
        other => other,
    }
}

async fn list(api: &Api, json_output: bool) -> Result<(), ClientError> {
    let body = api.get(WEBHOOKS).await?;
    let headers = [
        "id",
        "url",
        "state",
        "events",
        "content types",
        "up to",
        "last success",
    ];
    let shown = print_list(&body, json_output, &headers, |w| {
        vec![
            cell(&w["id"]),
            cell(&w["url"]),
            state(w),
            filters(&w["event_types"]),
            filters(&w["content_types"]),
            format!("#{}", cell(&w["cursor"])),
            to_seconds(&cell(&w["last_success_at"])),
        ]
    });
    if let Some(count) = shown {
        eprintln!("{count} webhook{}", if count == 1 { "" } else { "s" });
    }
    Ok(())
}

async fn deliveries(
    api: &Api,
    id: &str,
    limit: Option<u64>,
    before: Option<String>,
    json_output: bool,
) -> Result<(), ClientError> {
    let query: Vec<String> = [("limit", limit.map(|n| n.to_string())), ("before", before)]
        .into_iter()
        .filter_map(|(name, value)| Some(format!("{name}={}", encode(&value?))))
        .collect();
    let asked = with_query(&format!("{}/deliveries", path(id)), &query);
    let body = api.get(&asked).await?;
    let headers = [
        "id", "at", "event", "seq", "attempt", "trigger", "outcome", "status", "ms", "error",
    ];
    let shown = print_list(&body, json_output, &headers, |d| {
        let seq = d["seq"]
            .as_u64()
            .map(|n| format!("#{n}"))
            .unwrap_or_default();
        vec![
            cell(&d["id"]),
            to_seconds(&cell(&d["at"])),
            cell(&d["event_type"]),
            seq,
            cell(&d["attempt"]),
            cell(&d["trigger"]),
            cell(&d["outcome"]),
            cell(&d["status"]),
            cell(&d["duration_ms"]),
            cell(&d["error"]),
        ]
    });
    if let Some(count) = shown {
        let older = body["next"]
            .as_str()
            .map(|next| format!("; older: --before {next}"))
            .unwrap_or_default();
        eprintln!("{count} attempts{older}");
    }
    Ok(())
}

/// Enables or disables a webhook.
async fn switch(api: &Api, id: &str, enabled: bool, json_output: bool) -> Result<(), ClientError> {
    let change = json!({"enabled": enabled});
    let reply = api
        .send(Method::PATCH, &path(id), Some(&change), None)
        .await?;
    print_webhook(&reply.body, json_output);
    Ok(())
}

/// Runs a `civitas webhooks` command.
pub async fn run(api: &Api, command: WebhookCommand, json_output: bool) -> Result<(), ClientError> {
    match command {
        WebhookCommand::List => list(api, json_output).await,
        WebhookCommand::Create {
            url,
            description,
            types,
            content_types,
            disabled,
        } => {
            let mut body = Map::new();
            body.insert("url".into(), json!(url));
            if let Some(description) = description {
                body.insert("description".into(), json!(description));
            }
            body.insert("event_types".into(), json!(types));
            body.insert("content_types".into(), json!(content_types));
            body.insert("enabled".into(), json!(!disabled));
            let reply = api
                .send(Method::POST, WEBHOOKS, Some(&Value::Object(body)), None)
                .await
                .map_err(explained)?;
            with_secret(&reply.body, json_output);
            Ok(())
        }
        WebhookCommand::Show { id } => {
            print_webhook(&api.get(&path(&id)).await?, json_output);
            Ok(())
        }
        WebhookCommand::Enable { id } => switch(api, &id, true, json_output).await,
        WebhookCommand::Disable { id } => switch(api, &id, false, json_output).await,
        WebhookCommand::Delete { id } => {
            api.send(Method::DELETE, &path(&id), None, None).await?;
            println!("deleted webhook {id}");
            Ok(())
        }
        WebhookCommand::Test { id } => {
            let test = format!("{}/test", path(&id));
            let reply = api.send(Method::POST, &test, None, None).await?;
            sent(&reply.body, json_output)
        }
        WebhookCommand::Deliveries { id, limit, before } => {
            deliveries(api, &id, limit, before, json_output).await
        }
        WebhookCommand::Redeliver { id, delivery } => {
            let again = format!("{}/deliveries/{}/redeliver", path(&id), encode(&delivery));
            let reply = api.send(Method::POST, &again, None, None).await?;
            sent(&reply.body, json_output)
        }
        WebhookCommand::RotateSecret { id } => {
            let rotate = format!("{}/rotate-secret", path(&id));
            let reply = api.send(Method::POST, &rotate, None, None).await?;
            with_secret(&reply.body, json_output);
            Ok(())
        }
        WebhookCommand::Replay { id, after } => {
            let replay = format!("{}/replay", path(&id));
            let reply = api
                .send(Method::POST, &replay, Some(&json!({"after": after})), None)
                .await
                .map_err(explained)?;
            if json_output {
                println!("{}", pretty(&reply.body));
            } else {
                println!("webhook {id} sends again every kept event after #{after}");
            }
            Ok(())
        }
    }
}
