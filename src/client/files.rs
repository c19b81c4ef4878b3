//! Entries as files editors like: Markdown with YAML front matter (the front matter holds
//! the fields, the body is the type's main rich-text field) or JSON.

use std::path::Path;

use serde_json::{Map, Value};

use crate::client::http::ClientError;

/// The type's main rich-text field: the first one, which a Markdown file's body fills.
pub fn main_rich_text(definition: &Value) -> Option<String> {
    definition["fields"]
        .as_array()?
        .iter()
        .find(|f| f["kind"] == "rich_text")
        .and_then(|f| f["name"].as_str())
        .map(str::to_owned)
}

fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

/// Reads an entry file: JSON, or Markdown with front matter (by extension).
pub fn read_entry(path: &Path, definition: &Value) -> Result<Map<String, Value>, ClientError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClientError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let bad = |problem: String| ClientError::Usage(format!("{}: {problem}", path.display()));
    if !is_markdown(path) {
        return match serde_json::from_str(&text) {
            Ok(Value::Object(entry)) => Ok(entry),
            Ok(_) => Err(bad("expected a JSON object of fields".into())),
            Err(e) => Err(bad(format!("not valid JSON: {e}"))),
        };
    }
    parse_markdown(&text, definition).map_err(bad)
}

/// Splits `---\nYAML\n---\nbody`; the body goes to the main rich-text field.
pub fn parse_markdown(text: &str, definition: &Value) -> Result<Map<String, Value>, String> {
    let text = text.replace("\r\n", "\n");
    let (front, body) = match text.strip_prefix("---\n") {
        Some(rest) => match rest.split_once("\n---\n") {
            Some((front, body)) => (front.to_owned(), body.to_owned()),
            None => match rest.strip_suffix("\n---") {
                Some(front) => (front.to_owned(), String::new()),
                None => return Err("the front matter has no closing `---` line".into()),
            },
        },
        None => (String::new(), text.clone()),
    };
    let mut entry = if front.trim().is_empty() {
        Map::new()
    } else {
        match serde_norway::from_str::<Value>(&front) {
            Ok(Value::Object(entry)) => entry,
            Ok(_) => return Err("the front matter must be a mapping of fields".into()),
            Err(e) => return Err(format!("the front matter is not valid YAML: {e}")),
        }
    };
    if !body.trim().is_empty() {
        let field = main_rich_text(definition)
            .ok_or("the type has no rich-text field for the Markdown body")?;
        entry.insert(field, Value::String(body));
    }
    Ok(entry)
}

/// Rich text is written back as its Markdown; the HTML is the server's to make.
pub fn writable(value: &Value) -> Value {
    match value.get("markdown") {
        Some(markdown) if value.get("html").is_some() => markdown.clone(),
        _ => value.clone(),
    }
}

/// An entry as Markdown: its fields as front matter, the main rich-text field as body.
pub fn to_markdown(entry: &Map<String, Value>, definition: &Value) -> Result<String, ClientError> {
    let main = main_rich_text(definition);
    let mut front = Map::new();
    let mut body = String::new();
    for (name, value) in entry {
        if Some(name) == main.as_ref() {
            body = writable(value).as_str().unwrap_or_default().to_owned();
        } else {
            front.insert(name.clone(), writable(value));
        }
    }
    let yaml = serde_norway::to_string(&Value::Object(front))
        .map_err(|e| ClientError::Usage(format!("cannot write YAML: {e}")))?;
    Ok(format!("---\n{yaml}---\n{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn post_type() -> Value {
        json!({"fields": [{"name": "title", "kind": "text"}, {"name": "body", "kind": "rich_text"}]})
    }

    #[test]
    fn markdown_round_trips_through_front_matter() {
        let entry = json!({"title": "Cities: a guide", "tags": ["mobility"], "body": {"markdown": "# Hi\n\nText.\n", "html": "<h1>Hi</h1>"}});
        let text = to_markdown(entry.as_object().expect("object"), &post_type()).expect("writes");
        assert!(
            text.starts_with("---\n") && text.ends_with("# Hi\n\nText.\n"),
            "{text}"
        );
        let back = parse_markdown(&text, &post_type()).expect("parses");
        assert_eq!(back["title"], "Cities: a guide");
        assert_eq!(back["tags"], json!(["mobility"]));
        assert_eq!(back["body"], "# Hi\n\nText.\n");
        assert!(parse_markdown("---\ntitle: [unclosed\n---\n", &post_type()).is_err());
    }
}
