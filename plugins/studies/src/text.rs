//! Small text helpers: whitespace, Markdown to plain text, and a summary from the lead.

/// "  Amsterdam \n  Noord " -> "Amsterdam Noord".
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text from Markdown, good enough for counting words and writing a summary:
/// drops emphasis and code marks, heading and quote markers, and keeps link text.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line
            .trim_start()
            .trim_start_matches(['#', '>'])
            .trim_start();
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' | '_' | '`' => {}
                // `[text](url)` -> `text`
                ']' if chars.peek() == Some(&'(') => {
                    for skipped in chars.by_ref() {
                        if skipped == ')' {
                            break;
                        }
                    }
                }
                '[' => {}
                '!' if chars.peek() == Some(&'[') => {}
                other => out.push(other),
            }
        }
        out.push(' ');
    }
    collapse_whitespace(&out)
}

/// The first sentences of `text` that fit in `max` characters; when even the first does
/// not fit, its first words and an ellipsis. None for empty text.
pub fn lead(text: &str, max: usize) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut summary = String::new();
    for sentence in sentences(text) {
        let candidate_len =
            summary.chars().count() + usize::from(!summary.is_empty()) + sentence.chars().count();
        if candidate_len > max {
            break;
        }
        if !summary.is_empty() {
            summary.push(' ');
        }
        summary.push_str(sentence);
    }
    if summary.is_empty() {
        let mut cut = String::new();
        for word in text.split_whitespace() {
            if cut.chars().count() + word.chars().count() + 2 > max {
                break;
            }
            if !cut.is_empty() {
                cut.push(' ');
            }
            cut.push_str(word);
        }
        cut.push('…');
        summary = cut;
    }
    Some(summary)
}

/// Splits after `.`, `!` or `?` followed by whitespace.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = (0..bytes.len())
            .find(|&i| {
                matches!(bytes[i], b'.' | b'!' | b'?')
                    && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
            })
            .map_or(rest.len(), |i| i + 1);
        let (sentence, tail) = rest.split_at(end);
        rest = tail.trim_start();
        Some(sentence.trim())
    })
}
