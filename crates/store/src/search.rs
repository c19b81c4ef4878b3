//! Search across every content type: each hit with its type, id, slug, title, score and
//! a highlighted snippet.

use std::ops::Range;

use civitas_core::ContentType;
use serde_json::Value as Json;
use surrealdb::types::Value;

use crate::compile::{score_expr, searchable_paths};
use crate::convert::from_db;
use crate::entries::Store;
use crate::error::StoreError;
use crate::schema::ident;

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub type_id: String,
    pub id: String,
    pub slug: String,
    pub title: String,
    pub score: f64,
    /// HTML-escaped text around the first match, matches wrapped in `<mark>`.
    pub snippet: String,
}

/// Marks SurrealDB puts around matches; control characters cannot be in the stored text
/// as typed by editors, so they are told apart from it before the text is escaped.
const OPEN: &str = "\u{2}";
const CLOSE: &str = "\u{3}";
/// Characters of context kept before the first match in a snippet.
const LEAD: usize = 60;
const SNIPPET_LEN: usize = 200;

impl Store {
    /// The best `limit` published hits for `text` over all searchable types, best first.
    pub async fn search_all(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let types: Vec<&ContentType> = self
            .registry()
            .iter()
            .map(|t| t.as_ref())
            .filter(|t| t.is_searchable())
            .collect();
        if types.is_empty() {
            return Ok(Vec::new());
        }
        self.generations
            .note_reads(types.iter().map(|t| t.id.as_str()));
        if let Some(hits) = self.ranked_search(text, limit).await? {
            return Ok(hits);
        }
        let statements: Vec<String> = types.iter().map(|t| search_statement(t)).collect();
        let mut response = self
            .query(statements.join("\n"))
            .bind(("q", text.to_owned()))
            .bind(("limit", limit as i64))
            .bind(("open", OPEN))
            .bind(("close", CLOSE))
            .await?
            .check()?;
        let mut hits = Vec::new();
        for (index, content_type) in types.iter().enumerate() {
            let rows: Vec<Value> = response.take(index)?;
            hits.extend(rows.into_iter().map(|row| hit(content_type, from_db(row))));
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(limit);
        Ok(hits)
    }
}

fn search_statement(content_type: &ContentType) -> String {
    let paths = searchable_paths(content_type);
    let matches: Vec<String> = paths
        .iter()
        .enumerate()
        .map(|(n, p)| format!("{p} @{n}@ $q"))
        .collect();
    let highlights: Vec<String> = (0..paths.len())
        .map(|n| format!("search::highlight($open, $close, {n}) AS _h{n}"))
        .collect();
    format!(
        "SELECT id, slug, {} AS _title, {} AS _score, {} FROM {} WHERE status = 'published' AND ({}) ORDER BY _score DESC LIMIT $limit;",
        ident(&content_type.title_field),
        score_expr(content_type),
        highlights.join(", "),
        ident(&content_type.id),
        matches.join(" OR ")
    )
}

fn hit(content_type: &ContentType, row: Json) -> SearchHit {
    let text = |key: &str| {
        row.get(key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let highlighted = (0..)
        .map_while(|n| row.get(format!("_h{n}")))
        .find_map(first_marked);
    SearchHit {
        type_id: content_type.id.clone(),
        id: text("id"),
        slug: text("slug"),
        title: text("_title"),
        score: row.get("_score").and_then(Json::as_f64).unwrap_or(0.0),
        snippet: highlighted.map(|h| snippet(&h)).unwrap_or_default(),
    }
}

/// A snippet of `text` with the byte ranges `marks` marked, as [`snippet`] makes it.
pub(crate) fn marked_snippet(text: &str, marks: &[Range<usize>]) -> String {
    let mut marked = String::with_capacity(text.len() + marks.len() * 2);
    let mut from = 0;
    for mark in marks {
        let fits = mark.start >= from && mark.end <= text.len();
        if !fits || !text.is_char_boundary(mark.start) || !text.is_char_boundary(mark.end) {
            continue;
        }
        marked.push_str(&text[from..mark.start]);
        marked.push_str(OPEN);
        marked.push_str(&text[mark.clone()]);
        marked.push_str(CLOSE);
        from = mark.end;
    }
    marked.push_str(&text[from..]);
    snippet(&marked)
}

/// The first highlighted text in a field's highlight (a string, or a list for list fields).
fn first_marked(value: &Json) -> Option<String> {
    match value {
        Json::String(text) if text.contains(OPEN) => Some(text.clone()),
        Json::Array(items) => items.iter().find_map(first_marked),
        _ => None,
    }
}

/// Cuts the text around its first match and escapes it, then turns the marks into
/// `<mark>` tags: safe to insert as HTML whatever the stored text contains.
fn snippet(highlighted: &str) -> String {
    let chars: Vec<char> = highlighted.chars().collect();
    let first = highlighted[..highlighted.find(OPEN).unwrap_or(0)]
        .chars()
        .count();
    let start = first.saturating_sub(LEAD);
    let end = (start + SNIPPET_LEN).min(chars.len());
    let mut cut: String = chars[start..end].iter().collect();
    if cut.matches(OPEN).count() > cut.matches(CLOSE).count() {
        cut.push_str(CLOSE);
    }
    let escaped = cut
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let marked = escaped.replace(OPEN, "<mark>").replace(CLOSE, "</mark>");
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < chars.len() { "…" } else { "" };
    format!(
        "{prefix}{}{suffix}",
        marked.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn snippets_are_escaped_and_marked() {
        let text = format!("<b>Smart</b> {}cities{} grow", super::OPEN, super::CLOSE);
        assert_eq!(
            snippet(&text),
            "&lt;b&gt;Smart&lt;/b&gt; <mark>cities</mark> grow"
        );
        let long = format!(
            "{} {}match{} end",
            "word ".repeat(100),
            super::OPEN,
            super::CLOSE
        );
        let cut = snippet(&long);
        assert!(
            cut.starts_with('…') && cut.contains("<mark>match</mark>"),
            "{cut}"
        );
    }
}
