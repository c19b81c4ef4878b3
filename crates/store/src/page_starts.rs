//! Where numbered pages of a public list start. A page by number costs a walk over every
//! entry before it (SurrealDB fetches each row an index walk passes: about 20 ms for 1,000
//! posts at 100,000), and every write to the type makes the known starts stale. So a page
//! whose start is unknown walks once, from the nearest earlier page whose start is known,
//! reading only sort keys and ids, and keeps the start of every page it passes. Right after
//! a write, the readers of an archive's hundred pages then pay for one walk between them,
//! not one each. Walks of one list take turns, so a reader that waited finds its start.

use civitas_core::ContentType;
use civitas_core::query::{Cursor, ListQuery};
use surrealdb::types::Value;

use crate::compile::{Binder, after_cursor, order_by};
use crate::entries::{Store, Version, entry_from_row};
use crate::error::StoreError;
use crate::freshness::ReadSet;
use crate::list::cursor_after;
use crate::schema::ident;

/// The most rows one walk reads (5,000 is about 0.1 s at 100,000 posts); a page further
/// from every known start is read by offset, as before.
const MAX_WALK_ROWS: u64 = 5_000;

/// A public list whose numbered pages are being located.
pub(crate) struct NumberedList<'a> {
    pub(crate) content_type: &'a ContentType,
    pub(crate) query: &'a ListQuery,
    /// The compiled condition and the binder holding its parameters.
    pub(crate) filter: &'a str,
    pub(crate) binder: &'a Binder,
    pub(crate) reads: &'a ReadSet,
    /// Names the list (type, filter, sort, page size); page starts are kept under it.
    pub(crate) key: &'a str,
    /// The table walked: the type's, or its list projection (`projection`).
    pub(crate) source: &'a str,
}

/// Where the start of page `number` of the list `list_key` is kept.
pub(crate) fn page_key(list_key: &str, number: u64) -> String {
    format!("{list_key}|{number}")
}

impl Store {
    /// The cursor page `number` (at least 2) starts after, walking to it if needed;
    /// `None` when the page is too far from every known start, or past the end.
    pub(crate) async fn numbered_page_start(
        &self,
        list: &NumberedList<'_>,
        number: u64,
        version: Version,
    ) -> Result<Option<Cursor>, StoreError> {
        let known = |n: u64| {
            self.counts
                .page_start(&page_key(list.key, n), &self.generations)
        };
        if let Some(start) = known(number) {
            return Ok(Some(start));
        }
        if version != Version::Published {
            return Ok(None);
        }
        let _turn = self.counts.walk_turn(list.key).await;
        if let Some(start) = known(number) {
            return Ok(Some(start));
        }
        let size = list.query.page.size.max(1);
        let reach = MAX_WALK_ROWS / size;
        let nearest = (number.saturating_sub(reach).max(2)..number)
            .rev()
            .find_map(|n| known(n).map(|start| (n, Some(start))));
        let (from, start) = match nearest {
            Some(found) => found,
            None if number - 1 <= reach => (1, None),
            None => return Ok(None),
        };
        let walked = self
            .walk(list, start.as_ref(), (number - from) * size)
            .await?;
        let mut found = None;
        for (page, chunk) in (from + 1..).zip(walked.chunks_exact(size as usize)) {
            let Some(last) = chunk.last() else { break };
            let entry = entry_from_row(list.content_type, last.clone(), Version::Published);
            let cursor = cursor_after(list.query, &entry);
            self.counts.put_page_start(
                page_key(list.key, page),
                list.reads.clone(),
                cursor.clone(),
            );
            if page == number {
                found = Some(cursor);
            }
        }
        Ok(found)
    }

    /// The sort keys and ids of the next `rows` entries after `start`, in list order.
    async fn walk(
        &self,
        list: &NumberedList<'_>,
        start: Option<&Cursor>,
        rows: u64,
    ) -> Result<Vec<Value>, StoreError> {
        let content_type = list.content_type;
        let mut binder = list.binder.clone();
        let parts: Vec<String> = match start {
            Some(cursor) => after_cursor(
                content_type,
                &list.query.sort,
                cursor,
                list.source,
                &mut binder,
            )
            .into_iter()
            .map(|after| format!("({}) AND {after}", list.filter))
            .collect(),
            None => vec![list.filter.to_owned()],
        };
        let fields: String = list
            .query
            .sort
            .iter()
            .map(|key| format!(", {}", ident(key.field.name())))
            .collect();
        let table = ident(list.source);
        let order = order_by(content_type, &list.query.sort, false);
        let sql: String = parts
            .iter()
            .map(|part| {
                format!(
                    "SELECT id{fields} FROM {table} WHERE {part} ORDER BY {order} LIMIT $rows;\n"
                )
            })
            .collect();
        let mut response = self
            .query(sql)
            .bind(binder.vars)
            .bind(("rows", rows as i64))
            .await?
            .check()?;
        let mut walked: Vec<Value> = Vec::new();
        for part in 0..parts.len() {
            walked.extend(response.take::<Vec<Value>>(part)?);
        }
        walked.truncate(rows as usize);
        Ok(walked)
    }
}
