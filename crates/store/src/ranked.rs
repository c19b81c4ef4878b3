//! Public searches answered from the local full-text index (`text_index`): the index
//! ranks and counts, the database is asked only for the page's entries by id. Searches
//! the index cannot answer (with a filter or a sort, an admin's, before the index is
//! built) return `None` and run in SurrealDB.

use civitas_core::query::{ListQuery, PagePosition};
use civitas_core::{ContentType, Status};
use civitas_search::{Hit, Hits, SearchError};
use serde_json::Value as Json;

use crate::entries::{Entry, StatusFilter, Store, Version, record_id};
use crate::error::StoreError;
use crate::list::ListPage;
use crate::search::{SearchHit, marked_snippet};
use crate::text_index::searchable_text;

impl Store {
    /// A page of the published entries matching `query.search`, best first, when the
    /// local index can answer it.
    pub(crate) async fn ranked_page(
        &self,
        content_type: &ContentType,
        statuses: StatusFilter,
        query: &ListQuery,
        version: Version,
    ) -> Result<Option<ListPage>, StoreError> {
        let Some(text) = query.search.as_deref() else {
            return Ok(None);
        };
        let by_relevance_only = version == Version::Published
            && statuses == StatusFilter::Only(Status::Published)
            && query.sort.is_empty()
            && query.filter.is_empty()
            && matches!(query.page.position, PagePosition::Number(_));
        if !by_relevance_only {
            return Ok(None);
        }
        // The generation is noted before the index is read: a write that lands after
        // the read changes it, so nothing computed here outlives that write.
        self.generations.note_reads([content_type.id.as_str()]);
        let Some(hits) = self.ranked(
            text,
            Some(&content_type.id),
            query.page.offset(),
            query.page.size,
        ) else {
            return Ok(None);
        };
        let entries = self
            .hit_entries(&hits)
            .await?
            .into_iter()
            .map(|(_, _, entry)| entry)
            .collect();
        Ok(Some(ListPage {
            entries,
            total: hits.total as u64,
            next: None,
        }))
    }

    /// The best `limit` published hits over every searchable type, when the local index
    /// can answer. The caller has noted the reads of those types.
    pub(crate) async fn ranked_search(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Option<Vec<SearchHit>>, StoreError> {
        let Some(hits) = self.ranked(text, None, 0, limit as u64) else {
            return Ok(None);
        };
        let found = self.hit_entries(&hits).await?;
        Ok(Some(
            found
                .into_iter()
                .map(|(ranked, content_type, entry)| {
                    search_hit(content_type, &entry, f64::from(ranked.score), &hits)
                })
                .collect(),
        ))
    }

    fn ranked(&self, text: &str, type_id: Option<&str>, offset: u64, limit: u64) -> Option<Hits> {
        let index = self.text_index()?;
        index
            .search(text, type_id, offset as usize, limit as usize)
            .inspect_err(|error: &SearchError| {
                tracing::warn!(%error, "full-text index failed a search; searching in the database");
            })
            .ok()
    }

    /// The entries of `hits`, in rank order, each with its hit and type; a hit whose
    /// entry is gone is left out.
    async fn hit_entries<'a>(
        &'a self,
        hits: &'a Hits,
    ) -> Result<Vec<(&'a Hit, &'a ContentType, Entry)>, StoreError> {
        let typed: Vec<(&Hit, &ContentType)> = hits
            .hits
            .iter()
            .filter_map(|hit| Some((hit, self.registry().get(&hit.type_id)?.as_ref())))
            .collect();
        let wanted = typed
            .iter()
            .map(|(hit, content_type)| record_id(content_type, &hit.id))
            .collect();
        let mut found = self.fetch_many(wanted, Version::Published).await?;
        Ok(typed
            .into_iter()
            .filter_map(|(hit, content_type)| {
                let entry = found.remove(&(content_type.id.clone(), hit.id.clone()))?;
                Some((hit, content_type, entry))
            })
            .collect())
    }
}

fn search_hit(content_type: &ContentType, entry: &Entry, score: f64, hits: &Hits) -> SearchHit {
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let snippet = content_type
        .fields
        .iter()
        .filter(|f| f.searchable)
        .filter_map(|field| {
            let text = searchable_text(&field.kind, entry.get(&field.name)?);
            let marks = hits.marks(&text);
            (!marks.is_empty()).then(|| marked_snippet(&text, &marks))
        })
        .next()
        .unwrap_or_default();
    SearchHit {
        type_id: content_type.id.clone(),
        id: text("id"),
        slug: text("slug"),
        title: text(&content_type.title_field),
        score,
        snippet,
    }
}
