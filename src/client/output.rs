//! What commands print: aligned tables for people, JSON for scripts (`--json`).

use serde_json::Value;

/// A cell's text: strings as they are, nothing for null, JSON for the rest.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// Columns padded to their widest cell, a header line first.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, text) in widths.iter_mut().zip(row) {
            *width = (*width).max(text.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(text, width)| format!("{text:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_uppercase()).collect())];
    out.extend(rows.iter().map(|row| line(row.clone())));
    out.join("\n")
}

/// Prints a list answer: with `--json` the whole body, otherwise its `data` as a table,
/// a row per item. Returns how many rows the table showed, for the caller's summary
/// line, or `None` when JSON was printed.
pub fn print_list(
    body: &Value,
    json_output: bool,
    headers: &[&str],
    row: impl Fn(&Value) -> Vec<String>,
) -> Option<usize> {
    if json_output {
        println!("{}", pretty(body));
        return None;
    }
    let rows: Vec<Vec<String>> = body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(row)
        .collect();
    println!("{}", table(headers, &rows));
    Some(rows.len())
}

pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A size in bytes as people read it: `512 B`, `153.3 KiB`, `4.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(156_953), "153.3 KiB");
        assert_eq!(human_size(4 * 1024 * 1024), "4.0 MiB");
    }
}
