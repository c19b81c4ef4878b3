//! The `validate` hook's checks, each adding issues rather than stopping at the first, so
//! an editor sees everything wrong with a study at once.

use civitas_plugin_sdk::prelude::*;
use serde_json::Value;

/// Every problem with a study.
pub fn issues(cx: &CallContext, entry: &Entry) -> Vec<Issue> {
    let mut issues = Vec::new();
    check_year(cx, entry, &mut issues);
    check_sdgs(entry, &mut issues);
    check_outcomes(entry, &mut issues);
    check_metrics(entry, &mut issues);
    check_references(entry, "experts", "expert", &mut issues);
    check_references(entry, "partners", "partner", &mut issues);
    issues
}

const FIRST_YEAR: i64 = 1950;

fn check_year(cx: &CallContext, entry: &Entry, issues: &mut Vec<Issue>) {
    let Some(year) = entry.get("year") else {
        return;
    };
    let last = year_of(cx.now_ms) + 1;
    match year.as_i64() {
        Some(y) if (FIRST_YEAR..=last).contains(&y) => {}
        _ => issues.push(Issue::new(
            "year",
            "year_out_of_range",
            format!("the year must be between {FIRST_YEAR} and {last}"),
        )),
    }
}

/// The calendar year of a Unix time in milliseconds (proleptic Gregorian, UTC).
fn year_of(ms: u64) -> i64 {
    // Howard Hinnant's days-to-civil algorithm.
    let days = (ms / 86_400_000) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400;
    if month_index >= 10 { year + 1 } else { year }
}

fn check_sdgs(entry: &Entry, issues: &mut Vec<Issue>) {
    for (i, sdg) in entry.get_list("sdgs").iter().enumerate() {
        if !sdg.as_i64().is_some_and(|n| (1..=17).contains(&n)) {
            issues.push(Issue::new(
                "sdgs",
                "sdg_out_of_range",
                format!("item {i}: SDG numbers go from 1 to 17, not {sdg}"),
            ));
        }
    }
}

fn check_outcomes(entry: &Entry, issues: &mut Vec<Issue>) {
    let any = entry
        .get_list("outcomes")
        .iter()
        .any(|o| o.as_str().is_some_and(|s| !s.trim().is_empty()));
    if !any {
        issues.push(Issue::new(
            "outcomes",
            "outcomes_missing",
            "a study needs at least one outcome",
        ));
    }
}

fn check_metrics(entry: &Entry, issues: &mut Vec<Issue>) {
    let Some(metrics) = entry.get("metrics") else {
        return;
    };
    let Some(items) = metrics.as_array() else {
        issues.push(Issue::new(
            "metrics",
            "metrics_shape",
            "metrics must be a list of {name, value, unit} objects",
        ));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let name_ok = item
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.trim().is_empty());
        let value_ok = item.get("value").is_some_and(Value::is_number);
        let unit_ok = item
            .get("unit")
            .is_none_or(|u| u.is_string() || u.is_null());
        let only_known = item.as_object().is_some_and(|o| {
            o.keys()
                .all(|k| matches!(k.as_str(), "name" | "value" | "unit"))
        });
        if !(name_ok && value_ok && unit_ok && only_known) {
            issues.push(Issue::new(
                "metrics",
                "metrics_shape",
                format!("item {i} must be {{\"name\": text, \"value\": number, \"unit\": text}}"),
            ));
        }
    }
}

fn check_references(entry: &Entry, field: &str, type_id: &str, issues: &mut Vec<Issue>) {
    for reference in entry.get_references(field) {
        match content::exists(type_id, reference) {
            Ok(true) => {}
            Ok(false) => issues.push(Issue::new(
                field,
                "unknown_reference",
                format!("there is no {type_id} `{reference}`"),
            )),
            Err(e) => issues.push(Issue::new(
                field,
                "reference_unchecked",
                format!("could not check {type_id} `{reference}`: {e:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn years() {
        assert_eq!(super::year_of(0), 1970);
        assert_eq!(super::year_of(1_767_225_599_000), 2025); // 2025-12-31T23:59:59Z
        assert_eq!(super::year_of(1_767_225_600_000), 2026);
    }
}
