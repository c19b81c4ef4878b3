//! The `studies` plugin: adds the `study` type, a best-practice smart-city case study, and
//! hooks that check it (validate), tidy it (before-save) and enrich it (after-read).

mod schema;
mod text;
mod validate;

use civitas_plugin_sdk::prelude::*;
use serde_json::Value;

struct Studies;

/// The 17 UN Sustainable Development Goals, by number (index + 1).
const SDG_NAMES: [&str; 17] = [
    "No Poverty",
    "Zero Hunger",
    "Good Health and Well-being",
    "Quality Education",
    "Gender Equality",
    "Clean Water and Sanitation",
    "Affordable and Clean Energy",
    "Decent Work and Economic Growth",
    "Industry, Innovation and Infrastructure",
    "Reduced Inequalities",
    "Sustainable Cities and Communities",
    "Responsible Consumption and Production",
    "Climate Action",
    "Life Below Water",
    "Life on Land",
    "Peace, Justice and Strong Institutions",
    "Partnerships for the Goals",
];

/// Reading speed for `reading_time_minutes`, in words per minute.
const WORDS_PER_MINUTE: usize = 200;

impl Plugin for Studies {
    fn describe() -> Manifest {
        Manifest::new()
            .with_type(schema::study())
            .hooks(Hooks::VALIDATE | Hooks::BEFORE_SAVE | Hooks::AFTER_READ)
    }

    fn validate(cx: &CallContext, entry: &Entry) -> Result<(), Vec<Issue>> {
        let issues = validate::issues(cx, entry);
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    fn before_save(_cx: &CallContext, mut entry: Entry) -> Result<Entry, HookError> {
        for field in ["title", "city"] {
            if let Some(tidy) = entry.get_str(field).map(text::collapse_whitespace) {
                entry.set(field, tidy);
            }
        }
        if let Some(country) = entry.get_str("country").map(|c| c.trim().to_uppercase()) {
            entry.set("country", country);
        }
        let challenge = entry.get_markdown("challenge").map(text::plain);
        let has_summary = entry
            .get_str("summary")
            .is_some_and(|s| !s.trim().is_empty());
        if !has_summary && let Some(summary) = challenge.as_deref().and_then(|c| text::lead(c, 300))
        {
            entry.set("summary", summary);
        }
        let solution = entry.get_markdown("solution").map(text::plain);
        let words = [challenge, solution]
            .iter()
            .flatten()
            .map(|t| t.split_whitespace().count())
            .sum::<usize>();
        let minutes = words.div_ceil(WORDS_PER_MINUTE).max(1);
        entry.set("reading_time_minutes", minutes as u64);
        Ok(entry)
    }

    fn after_read(_cx: &CallContext, mut entry: Entry) -> Result<Entry, HookError> {
        let labels: Vec<Value> = entry
            .get_list("sdgs")
            .iter()
            .filter_map(Value::as_u64)
            .filter_map(|n| SDG_NAMES.get(usize::try_from(n).ok()?.checked_sub(1)?))
            .map(|name| Value::from(*name))
            .collect();
        entry.set("sdg_labels", labels);
        Ok(entry)
    }
}

export_plugin!(Studies);
