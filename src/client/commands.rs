//! The client's commands: connecting, and the daily work on content.

use std::io::BufRead;
use std::path::PathBuf;

use clap::Subcommand;
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::client::backup;
use crate::client::credentials::{self, Saved};
use crate::client::events::{self, EventsArgs};
use crate::client::files;
use crate::client::http::{Api, ClientError, encode, with_query};
use crate::client::media::{self, MediaCommand};
use crate::client::output::{cell, pretty, print_list, table};
use crate::client::transfer;
use crate::client::webhooks::{self, WebhookCommand};

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Connect to a server and save the credentials (owner-only file)
    ///
    /// Examples: civitas login --url https://cms.example.org (asks for email and password)
    ///           civitas login --url https://cms.example.org --token cvt_...
    #[command(verbatim_doc_comment)]
    Login {
        #[arg(long)]
        url: String,
        /// An API token instead of an email and password.
        #[arg(long)]
        token: Option<String>,
        /// The account's email (asked for when missing).
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input instead of asking.
        #[arg(long)]
        password_stdin: bool,
    },
    /// End the session and forget the saved credentials.
    ///
    /// Example: civitas logout
    Logout,
    /// Who the saved (or CIVITAS_TOKEN) credential belongs to, and what it may do.
    ///
    /// Example: civitas whoami
    Whoami,
    /// List the content types.
    ///
    /// Example: civitas types --json
    Types,
    /// List entries of a type (any status), with the query language.
    ///
    /// Example: civitas list post --filter tags[contains]=mobility --sort -published_at --include authors
    List {
        #[arg(value_name = "TYPE")]
        type_id: String,
        /// `field[op]=value` or `field=value`; repeat for several (ANDed).
        #[arg(long)]
        filter: Vec<String>,
        /// Comma-separated fields, `-` for descending: `-published_at,title`.
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        /// References to embed: `authors`, `parent.parent`.
        #[arg(long)]
        include: Option<String>,
        /// Full-text search.
        #[arg(long)]
        q: Option<String>,
        /// Only entries with this status: draft, published, scheduled or archived.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        page: Option<u64>,
        #[arg(long)]
        size: Option<u64>,
        /// The cursor a previous page printed as `next`.
        #[arg(long)]
        after: Option<String>,
    },
    /// Show one entry, as JSON or (`--markdown`) as Markdown with front matter.
    ///
    /// Example: civitas get page who-we-are --markdown > who-we-are.md
    Get {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
        #[arg(long)]
        markdown: bool,
    },
    /// Create an entry (a draft) from a JSON or Markdown file.
    ///
    /// Example: civitas create post --file mobility.md
    Create {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Change an entry: replace it from a file, or set single fields
    ///
    /// Examples: civitas update post mobility --file mobility.md
    ///           civitas update post mobility --set excerpt="Short" --set 'tags=["a","b"]'
    #[command(verbatim_doc_comment)]
    Update {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
        #[arg(long, conflicts_with = "set")]
        file: Option<PathBuf>,
        /// `field=value`; the value is read as JSON when it is JSON, else as text.
        #[arg(long)]
        set: Vec<String>,
    },
    /// Open an entry in $EDITOR as Markdown; saves on close, and refuses the save if
    /// someone else changed the entry meanwhile.
    ///
    /// Example: EDITOR=nano civitas edit page who-we-are
    Edit {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
    },
    /// Delete an entry for good.
    ///
    /// Example: civitas delete post mobility-in-lisbon
    Delete {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
    },
    /// Publish an entry (with its unpublished changes).
    ///
    /// Example: civitas publish post mobility-in-lisbon
    Publish {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
    },
    /// Take an entry off the public API.
    ///
    /// Example: civitas unpublish post mobility-in-lisbon
    Unpublish {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
    },
    /// Publish and/or unpublish an entry at a time (RFC 3339), or cancel its schedule.
    ///
    /// Example: civitas schedule post mobility --publish-at 2027-01-31T09:00:00Z
    Schedule {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
        #[arg(long)]
        publish_at: Option<String>,
        #[arg(long)]
        unpublish_at: Option<String>,
        #[arg(long, conflicts_with_all = ["publish_at", "unpublish_at"])]
        cancel: bool,
    },
    /// List an entry's revisions: number, time, who, changed fields.
    ///
    /// Example: civitas revisions page who-we-are
    Revisions {
        #[arg(value_name = "TYPE")]
        type_id: String,
        #[arg(value_name = "ID_OR_SLUG")]
        id: String,
    },
    /// Upload, list and delete files of the media library
    ///
    /// Examples: civitas media upload lisbon.jpg --alt "Trams in Lisbon"
    ///           civitas media list --mime 'image/*'
    ///           civitas media delete 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    #[command(verbatim_doc_comment)]
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// Manage webhooks: create, list, show, enable, disable, delete, test, see and
    /// redeliver their deliveries, rotate their secret, replay events
    ///
    /// Examples: civitas webhooks create https://example.org/rebuild --type entry.published
    ///           civitas webhooks deliveries 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    ///           civitas webhooks test 01JD8Z6K3V2X5Q7R9T1W3Y5A7C
    #[command(verbatim_doc_comment)]
    Webhooks {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Print the change log's events, one line each (`--json`: one JSON object a line)
    ///
    /// Without --since, follows live events; with --since SEQ, prints the kept events
    /// after SEQ and exits once caught up, unless --follow.
    ///
    /// Examples: civitas events --type entry.published --content-type post
    ///           civitas events --since 0 --json > changes.jsonl
    ///           civitas events --follow --since 1200
    #[command(verbatim_doc_comment)]
    Events(EventsArgs),
    /// Write the whole site (types, every entry in every status and locale, and the media
    /// library with its files) under DIR, one file per entry.
    ///
    /// Example: civitas export site/
    Export { dir: PathBuf },
    /// Load a tree written by `export` into this server: uploads the media it lacks,
    /// creates the entries it lacks, updates what differs, leaves the rest. Every file is
    /// checked first; a bad one stops the import before anything is written.
    ///
    /// Example: civitas import site/ --dry-run
    Import {
        dir: PathBuf,
        /// Only say what would be created and updated.
        #[arg(long)]
        dry_run: bool,
    },
    /// Save a backup of the whole database (admins only): every record, as one
    /// consistent snapshot taken while the server runs. Media files are not included.
    ///
    /// Example: civitas backup civitas-2026-12-01.backup
    Backup { file: PathBuf },
    /// Restores a revision of an entry (as a new revision): `civitas restore TYPE ID
    /// NUMBER`, parsed with the server-side `civitas restore FILE` (main.rs).
    #[command(skip)]
    Restore {
        type_id: String,
        id: String,
        number: i64,
    },
}

fn connect() -> Result<Api, ClientError> {
    let (url, token) = credentials::connection()?;
    Ok(Api::new(&url, token))
}

fn entry_path(type_id: &str, id: &str) -> String {
    format!("/api/v1/admin/content/{}/{}", encode(type_id), encode(id))
}

/// A `field=value` argument; the value is JSON when it parses as JSON, else text.
fn assignment(text: &str) -> Result<(String, Value), ClientError> {
    let (field, value) = text
        .split_once('=')
        .ok_or_else(|| ClientError::Usage(format!("`{text}` is not field=value")))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    Ok((field.to_owned(), value))
}

/// `--filter tags[contains]=x` becomes `filter[tags][contains]=x`.
fn filter_parameter(text: &str) -> Result<String, ClientError> {
    let (subject, value) = text
        .split_once('=')
        .ok_or_else(|| ClientError::Usage(format!("`{text}` is not field[op]=value")))?;
    let (field, op) = match subject.split_once('[') {
        Some((field, op)) => (field, Some(op.trim_end_matches(']'))),
        None => (subject, None),
    };
    let mut name = format!("filter[{field}]");
    if let Some(op) = op {
        name += &format!("[{op}]");
    }
    Ok(format!("{}={}", encode(&name), encode(value)))
}

fn print_entry(body: &Value, json_output: bool) {
    let entry = &body["data"];
    if json_output {
        println!("{}", pretty(body));
    } else {
        println!(
            "{} {} {} (revision {})",
            cell(&entry["type"]),
            cell(&entry["slug"]),
            cell(&entry["status"]),
            cell(&entry["revision"])
        );
    }
}

/// A type's definition (its fields), as `GET /api/v1/types/{type}` gives it.
async fn type_definition(api: &Api, type_id: &str) -> Result<Value, ClientError> {
    let body = api
        .get(&format!("/api/v1/types/{}", encode(type_id)))
        .await?;
    Ok(body["data"].clone())
}

fn prompt(label: &str) -> Result<String, ClientError> {
    eprint!("{label}");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| ClientError::Usage(format!("cannot read {label}: {e}")))?;
    Ok(line.trim().to_owned())
}

async fn login(
    url: &str,
    token: Option<String>,
    email: Option<String>,
    password_stdin: bool,
) -> Result<String, ClientError> {
    let token = match token {
        Some(token) => token,
        None => {
            let email = match email {
                Some(email) => email,
                None => prompt("Email: ")?,
            };
            let password = if password_stdin {
                prompt("")?
            } else {
                rpassword::prompt_password("Password: ")
                    .map_err(|e| ClientError::Usage(format!("cannot read the password: {e}")))?
            };
            let reply = Api::new(url, None)
                .send(
                    Method::POST,
                    "/api/v1/auth/login",
                    Some(&json!({"email": email, "password": password})),
                    None,
                )
                .await?;
            cell(&reply.body["data"]["token"])
        }
    };
    let me = Api::new(url, Some(token.clone()))
        .get("/api/v1/auth/me")
        .await?;
    let path = credentials::save(&Saved {
        url: url.to_owned(),
        token,
    })?;
    Ok(format!(
        "logged in to {url} as {} (saved in {})",
        cell(&me["data"]["name"]),
        path.display()
    ))
}

async fn list(
    api: &Api,
    type_id: &str,
    query: Vec<String>,
    json_output: bool,
) -> Result<(), ClientError> {
    let path = with_query(
        &format!("/api/v1/admin/content/{}", encode(type_id)),
        &query,
    );
    let body = api.get(&path).await?;
    let headers = ["id", "slug", "status", "title", "updated"];
    let shown = print_list(&body, json_output, &headers, |e| {
        let title = e
            .get("title")
            .or_else(|| e.get("name"))
            .unwrap_or(&Value::Null);
        [&e["id"], &e["slug"], &e["status"], title, &e["updated_at"]]
            .into_iter()
            .map(cell)
            .collect()
    });
    if let Some(count) = shown {
        let meta = &body["meta"];
        let next = meta["page"]["next"]
            .as_str()
            .map(|next| format!("; next page: --after {next}"))
            .unwrap_or_default();
        eprintln!("{count} of {} entries{next}", cell(&meta["total"]));
    }
    Ok(())
}

async fn edit(api: &Api, type_id: &str, id: &str, json_output: bool) -> Result<(), ClientError> {
    let path = entry_path(type_id, id);
    let read = api.send(Method::GET, &path, None, None).await?;
    let definition = type_definition(api, type_id).await?;
    let entry = read.body["data"].as_object().cloned().unwrap_or_default();
    let file = std::env::temp_dir().join(format!(
        "civitas-{type_id}-{}.md",
        cell(&read.body["data"]["id"])
    ));
    let original = files::to_markdown(&entry, &definition)?;
    std::fs::write(&file, &original)
        .map_err(|e| ClientError::Usage(format!("cannot write {}: {e}", file.display())))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&file)
        .status()
        .map_err(|e| ClientError::Usage(format!("cannot start the editor `{editor}`: {e}")))?;
    if !status.success() {
        return Err(ClientError::Usage(format!(
            "the editor exited with {status}; nothing saved"
        )));
    }
    let edited = std::fs::read_to_string(&file).unwrap_or_default();
    if edited == original {
        eprintln!("no changes");
        return Ok(());
    }
    let input = files::read_entry(&file, &definition)?;
    let saved = api
        .send(
            Method::PUT,
            &path,
            Some(&Value::Object(input)),
            read.etag.as_deref(),
        )
        .await;
    match saved {
        Ok(reply) => {
            let _ = std::fs::remove_file(&file);
            print_entry(&reply.body, json_output);
            Ok(())
        }
        Err(error) if error.is_stale() => Err(ClientError::Server {
            status: 412,
            code: "precondition_failed".into(),
            message: format!(
                "someone else changed the entry while you edited it; nothing saved, your version is in {}",
                file.display()
            ),
            details: Vec::new(),
        }),
        Err(error) => Err(error),
    }
}

/// A POST to one of an entry's action routes: `publish`, `unpublish`, a restore.
async fn transition(
    type_id: &str,
    id: &str,
    action: &str,
    json_output: bool,
) -> Result<(), ClientError> {
    let path = format!("{}/{action}", entry_path(type_id, id));
    let reply = connect()?.send(Method::POST, &path, None, None).await?;
    print_entry(&reply.body, json_output);
    Ok(())
}

/// Runs a client command; `json_output` prints the server's JSON instead of tables.
pub async fn run(command: ClientCommand, json_output: bool) -> Result<(), ClientError> {
    match command {
        ClientCommand::Login {
            url,
            token,
            email,
            password_stdin,
        } => {
            println!("{}", login(&url, token, email, password_stdin).await?);
        }
        ClientCommand::Logout => {
            if let Some(saved) = credentials::forget()? {
                let api = Api::new(&saved.url, Some(saved.token.clone()));
                if saved.token.starts_with("cvs_") {
                    // The session may be over already; forgetting it is what matters.
                    let _ = api
                        .send(Method::POST, "/api/v1/auth/logout", None, None)
                        .await;
                }
            }
            println!("logged out");
        }
        ClientCommand::Whoami => {
            let me = connect()?.get("/api/v1/auth/me").await?;
            if json_output {
                println!("{}", pretty(&me));
            } else {
                let data = &me["data"];
                let grants: Vec<String> = data["grants"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|g| match g["types"].as_array() {
                        Some(types) => format!(
                            "{} on {}",
                            cell(&g["capability"]),
                            cell(&Value::Array(types.clone()))
                        ),
                        None => cell(&g["capability"]),
                    })
                    .collect();
                println!(
                    "{} ({}{}): {}",
                    cell(&data["name"]),
                    cell(&data["kind"]),
                    data["role"]
                        .as_str()
                        .map(|r| format!(", role {r}"))
                        .unwrap_or_default(),
                    grants.join("; ")
                );
            }
        }
        ClientCommand::Types => {
            let types = connect()?.get("/api/v1/types").await?;
            if json_output {
                println!("{}", pretty(&types));
            } else {
                let rows: Vec<Vec<String>> = types["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|t| {
                        let fields = t["fields"].as_array().map_or(0, Vec::len);
                        vec![cell(&t["id"]), cell(&t["label"]), fields.to_string()]
                    })
                    .collect();
                println!("{}", table(&["type", "label", "fields"], &rows));
            }
        }
        ClientCommand::List {
            type_id,
            filter,
            sort,
            include,
            q,
            status,
            page,
            size,
            after,
        } => {
            let mut query = filter
                .iter()
                .map(|f| filter_parameter(f))
                .collect::<Result<Vec<_>, _>>()?;
            let named = [
                ("sort", sort),
                ("include", include),
                ("q", q),
                ("status", status),
                ("page[number]", page.map(|n| n.to_string())),
                ("page[size]", size.map(|n| n.to_string())),
                ("page[after]", after),
            ];
            for (name, value) in named {
                if let Some(value) = value {
                    query.push(format!("{}={}", encode(name), encode(&value)));
                }
            }
            list(&connect()?, &type_id, query, json_output).await?;
        }
        ClientCommand::Get {
            type_id,
            id,
            markdown,
        } => {
            let api = connect()?;
            let body = api.get(&entry_path(&type_id, &id)).await?;
            if markdown {
                let definition = type_definition(&api, &type_id).await?;
                let entry = body["data"].as_object().cloned().unwrap_or_default();
                print!("{}", files::to_markdown(&entry, &definition)?);
            } else {
                println!("{}", pretty(&body));
            }
        }
        ClientCommand::Create { type_id, file } => {
            let api = connect()?;
            let definition = type_definition(&api, &type_id).await?;
            let entry = files::read_entry(&file, &definition)?;
            let path = format!("/api/v1/admin/content/{}", encode(&type_id));
            let reply = api
                .send(Method::POST, &path, Some(&Value::Object(entry)), None)
                .await?;
            print_entry(&reply.body, json_output);
        }
        ClientCommand::Update {
            type_id,
            id,
            file,
            set,
        } => {
            let api = connect()?;
            let path = entry_path(&type_id, &id);
            let reply = match file {
                Some(file) => {
                    let definition = type_definition(&api, &type_id).await?;
                    let entry = files::read_entry(&file, &definition)?;
                    api.send(Method::PUT, &path, Some(&Value::Object(entry)), None)
                        .await?
                }
                None if set.is_empty() => {
                    return Err(ClientError::Usage(
                        "give --file or at least one --set".into(),
                    ));
                }
                None => {
                    let patch: Map<String, Value> = set
                        .iter()
                        .map(|s| assignment(s))
                        .collect::<Result<_, _>>()?;
                    api.send(Method::PATCH, &path, Some(&Value::Object(patch)), None)
                        .await?
                }
            };
            print_entry(&reply.body, json_output);
        }
        ClientCommand::Edit { type_id, id } => {
            edit(&connect()?, &type_id, &id, json_output).await?
        }
        ClientCommand::Delete { type_id, id } => {
            connect()?
                .send(Method::DELETE, &entry_path(&type_id, &id), None, None)
                .await?;
            println!("deleted {type_id} {id}");
        }
        ClientCommand::Publish { type_id, id } => {
            transition(&type_id, &id, "publish", json_output).await?
        }
        ClientCommand::Unpublish { type_id, id } => {
            transition(&type_id, &id, "unpublish", json_output).await?
        }
        ClientCommand::Schedule {
            type_id,
            id,
            publish_at,
            unpublish_at,
            cancel,
        } => {
            let path = format!("{}/schedule", entry_path(&type_id, &id));
            let api = connect()?;
            let reply = if cancel {
                api.send(Method::DELETE, &path, None, None).await?
            } else {
                let mut body = Map::new();
                if let Some(at) = publish_at {
                    body.insert("publish_at".into(), Value::String(at));
                }
                if let Some(at) = unpublish_at {
                    body.insert("unpublish_at".into(), Value::String(at));
                }
                api.send(Method::POST, &path, Some(&Value::Object(body)), None)
                    .await?
            };
            print_entry(&reply.body, json_output);
        }
        ClientCommand::Revisions { type_id, id } => {
            let path = format!("{}/revisions", entry_path(&type_id, &id));
            let body = connect()?.get(&path).await?;
            if json_output {
                println!("{}", pretty(&body));
            } else {
                let rows: Vec<Vec<String>> = body["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        [&r["number"], &r["at"], &r["actor"], &r["changed"]]
                            .into_iter()
                            .map(cell)
                            .collect()
                    })
                    .collect();
                println!("{}", table(&["revision", "at", "by", "changed"], &rows));
            }
        }
        ClientCommand::Media { command } => media::run(&connect()?, command, json_output).await?,
        ClientCommand::Webhooks { command } => {
            webhooks::run(&connect()?, command, json_output).await?
        }
        ClientCommand::Events(args) => {
            let (url, token) = credentials::connection()?;
            events::run(&url, token, args, json_output).await?
        }
        ClientCommand::Export { dir } => {
            println!("{}", transfer::export(&connect()?, &dir).await?);
        }
        ClientCommand::Import { dir, dry_run } => {
            println!("{}", transfer::import(&connect()?, &dir, dry_run).await?);
        }
        ClientCommand::Backup { file } => {
            println!("{}", backup::backup(&connect()?, &file).await?);
        }
        ClientCommand::Restore {
            type_id,
            id,
            number,
        } => {
            let action = format!("revisions/{number}/restore");
            transition(&type_id, &id, &action, json_output).await?
        }
    }
    Ok(())
}
