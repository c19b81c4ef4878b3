//! Lists: one compiled query for the page, totals from the count cache, keyset cursors.
//! The entries `include` names are fetched by the caller (`Store::include`).

use civitas_core::query::{
    Condition, Cursor, FilterValue, ListQuery, PagePosition, Target, format_sort,
};
use civitas_core::{ContentType, FieldKind};
use serde_json::Value as Json;
use surrealdb::types::{ToSql, Value};

use crate::compile::{Binder, after_cursor, order_by, score_expr, where_clause};
use crate::convert::from_db;
use crate::counts::Total;
use crate::entries::{Entry, StatusFilter, Store, Version, entry_from_row, is_entry_id};
use crate::error::StoreError;
use crate::page_starts::{NumberedList, page_key};
use crate::projection;
use crate::schema::ident;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub entries: Vec<Entry>,
    /// Entries in the whole list (all pages).
    pub total: u64,
    /// Where the next page starts, when there is one and the order allows cursors.
    pub next: Option<Cursor>,
}

/// Stands in for a reference that names no entry: it can never match a real id (ids are
/// uppercase ULIDs), so a filter on a missing slug matches nothing instead of failing.
const NO_ENTRY: &str = "no-such-entry";

impl Store {
    /// A page of entries in the given statuses, in the given version (the published one
    /// also hides unpublished entries reached through relations).
    pub async fn list(
        &self,
        content_type: &ContentType,
        statuses: StatusFilter,
        query: &ListQuery,
        version: Version,
    ) -> Result<ListPage, StoreError> {
        if let Some(page) = self
            .ranked_page(content_type, statuses, query, version)
            .await?
        {
            return Ok(page);
        }
        let mut query = query.clone();
        self.resolve_filter_references(&mut query).await?;
        let mut binder = Binder::default();
        let filter = where_clause(
            content_type,
            statuses,
            version,
            &query.filter,
            query.search.as_deref(),
            &mut binder,
        );
        let count_key = format!("{}|{filter}|{}", content_type.id, binder.vars.to_sql());
        let reads = self
            .generations
            .note_reads(std::iter::once(content_type.id.as_str()).chain(related_types(&query)));
        let list_key = format!(
            "{count_key}|{}|{}",
            format_sort(&query.sort),
            query.page.size
        );
        let projection = projection::serves(content_type, statuses, version, &query)
            .then(|| projection::table_name(content_type));
        let long_walks = projection.as_deref().unwrap_or(&content_type.id);
        // A numbered page whose start is known (or found) is read from there, as a cursor page.
        let start = match &query.page.position {
            PagePosition::After(cursor) => Some(cursor.clone()),
            PagePosition::Number(number) if *number > 1 && !query.sort.is_empty() => {
                let list = NumberedList {
                    content_type,
                    query: &query,
                    filter: &filter,
                    binder: &binder,
                    reads: &reads,
                    key: &list_key,
                    source: long_walks,
                };
                self.numbered_page_start(&list, *number, version).await?
            }
            PagePosition::Number(_) => None,
        };
        let offset = if start.is_some() {
            0
        } else {
            query.page.offset()
        };
        // The projection pays off where a walk passes many rows (an offset, or a filter
        // tested row by row); a short walk straight to the page is cheaper on the table,
        // as it needs no second lookup by id.
        let source = match &projection {
            Some(projection) if offset > 0 || !query.filter.is_empty() => projection.as_str(),
            _ => content_type.id.as_str(),
        };
        let from_projection = source != content_type.id;
        // Each part of the page is one statement; their rows follow one another.
        let parts: Vec<String> = match &start {
            Some(cursor) => after_cursor(content_type, &query.sort, cursor, source, &mut binder)
                .into_iter()
                .map(|after| format!("({filter}) AND {after}"))
                .collect(),
            None => vec![filter.clone()],
        };
        let relevance = query.search.is_some() && query.sort.is_empty();
        let score = if query.search.is_some() {
            format!(", {} AS _score", score_expr(content_type))
        } else {
            String::new()
        };
        let table = ident(source);
        let order = order_by(content_type, &query.sort, relevance);
        let mut sql: String = parts
            .iter()
            .map(|part| {
                let walk = format!("FROM {table} WHERE {part} ORDER BY {order} LIMIT $limit START $start");
                if from_projection {
                    format!("SELECT * FROM (SELECT VALUE type::record($entry_table, record::id(id)) {walk});\n")
                } else {
                    format!("SELECT *{score} {walk};\n")
                }
            })
            .collect();
        let total = self.counts.total(&count_key, &self.generations).await;
        if let Total::Count(_) = total {
            let counted = ident(long_walks);
            sql += &format!("\nSELECT count() AS total FROM {counted} WHERE {filter} GROUP ALL;");
        }
        let mut response = self
            .query(sql)
            .bind(binder.vars)
            .bind(("entry_table", content_type.id.clone()))
            .bind(("limit", (query.page.size + 1) as i64))
            .bind(("start", offset as i64))
            .await?
            .check()?;
        let mut rows: Vec<Value> = Vec::new();
        for part in 0..parts.len() {
            rows.extend(response.take::<Vec<Value>>(part)?);
        }
        let total = match total {
            Total::Known(total) => total,
            Total::Count(guard) => {
                let totals: Vec<Value> = response.take(parts.len())?;
                let total = totals
                    .into_iter()
                    .next()
                    .and_then(|row| from_db(row).get("total").and_then(Json::as_u64))
                    .unwrap_or(0);
                let _ = guard.insert((reads.clone(), total));
                total
            }
        };
        let mut entries: Vec<Entry> = rows
            .into_iter()
            .map(|row| entry_from_row(content_type, row, version))
            .collect();
        let more = entries.len() as u64 > query.page.size;
        entries.truncate(query.page.size as usize);
        let next = match entries.last() {
            Some(last) if more && !relevance => Some(cursor_after(&query, last)),
            _ => None,
        };
        if let (Some(next), PagePosition::Number(number)) = (&next, &query.page.position) {
            self.counts
                .put_page_start(page_key(&list_key, number + 1), reads, next.clone());
        }
        Ok(ListPage {
            entries,
            total,
            next,
        })
    }

    /// Filters may name referenced entries by slug; the compiled query compares ids.
    async fn resolve_filter_references(&self, query: &mut ListQuery) -> Result<(), StoreError> {
        let conditions = query
            .filter
            .all
            .iter_mut()
            .chain(query.filter.any.iter_mut().flatten());
        for condition in conditions {
            let Some(to) = reference_target(condition) else {
                continue;
            };
            let values: Vec<&mut Json> = match &mut condition.value {
                FilterValue::One(value) => vec![value],
                FilterValue::Many(values) => values.iter_mut().collect(),
                FilterValue::Flag(_) => continue,
            };
            let slugs: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str())
                .filter(|k| !is_entry_id(k))
                .map(str::to_owned)
                .collect();
            if slugs.is_empty() {
                continue;
            }
            let known = self.lookup_keys(&to, &slugs).await?;
            for value in values {
                if let Some(key) = value.as_str().filter(|k| !is_entry_id(k)) {
                    *value = Json::String(
                        known
                            .get(key)
                            .cloned()
                            .unwrap_or_else(|| NO_ENTRY.to_owned()),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The types a list's filters reach into (`filter[authors.slug]`).
fn related_types(query: &ListQuery) -> impl Iterator<Item = &str> {
    let conditions = query
        .filter
        .all
        .iter()
        .chain(query.filter.any.iter().flatten());
    conditions.filter_map(|condition| match &condition.target {
        Target::Related { to, .. } => Some(to.as_str()),
        Target::Own(_) => None,
    })
}

fn reference_target(condition: &Condition) -> Option<String> {
    match &condition.kind {
        FieldKind::Reference { to, .. } => Some(to.clone()),
        _ => None,
    }
}

pub(crate) fn cursor_after(query: &ListQuery, last: &Entry) -> Cursor {
    let mut values: Vec<Json> = query
        .sort
        .iter()
        .map(|key| last.get(key.field.name()).cloned().unwrap_or(Json::Null))
        .collect();
    values.push(last.get("id").cloned().unwrap_or(Json::Null));
    Cursor {
        sort: format_sort(&query.sort),
        values,
    }
}
