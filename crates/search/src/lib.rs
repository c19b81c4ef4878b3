//! Full-text ranking for Civitas: an in-memory Tantivy index of the searchable text of
//! published entries. It answers "the best `n` entries for these words, and how many
//! match" from posting lists (BM25, the title weighted above the rest) without reading
//! the entries, which is what SurrealDB's own full-text index cannot do: it fetches and
//! scores every match. The index knows nothing of the database; the store feeds it.

mod analyzer;

use std::ops::Range;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, Term};

/// How much more a word in the title counts than the same word elsewhere.
const TITLE_BOOST: f32 = 2.0;
/// The indexing buffer: Tantivy's minimum; documents are small and few at a time.
const WRITER_MEMORY_BYTES: usize = 15_000_000;
/// Characters of text a snippet is chosen from.
const SNIPPET_CHARS: usize = 200;

/// Something the index could not do (Tantivy's error, as text).
#[derive(Debug, thiserror::Error)]
#[error("full-text index: {0}")]
pub struct SearchError(String);

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError(error.to_string())
    }
}

/// The searchable text of one published entry.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub type_id: String,
    pub id: String,
    /// The entry's title, when its title field is searchable.
    pub title: String,
    /// Every other searchable field's text.
    pub text: Vec<String>,
}

/// One ranked match.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub type_id: String,
    pub id: String,
    pub score: f32,
}

/// A page of ranked matches and how many there are in all.
pub struct Hits {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// One per field: a word only ever seen in titles is known to the title's only.
    snippets: [SnippetGenerator; 2],
}

impl Hits {
    /// Byte ranges of the words in `text` that match the query, within the best passage
    /// of about 200 characters (empty when nothing in `text` matches).
    pub fn marks(&self, text: &str) -> Vec<Range<usize>> {
        let Some(snippet) = self
            .snippets
            .iter()
            .map(|generator| generator.snippet(text))
            .find(|snippet| !snippet.is_empty())
        else {
            return Vec::new();
        };
        let start = snippet.fragment_range().start;
        snippet
            .highlighted()
            .iter()
            .map(|range| range.start + start..range.end + start)
            .collect()
    }
}

#[derive(Clone, Copy)]
struct Fields {
    /// `type_id/id`: what an update or removal names.
    key: Field,
    type_id: Field,
    id: Field,
    title: Field,
    text: Field,
}

/// The index. Changes become visible to searches at [`TextIndex::commit`].
pub struct TextIndex {
    fields: Fields,
    writer: Mutex<IndexWriter>,
    reader: IndexReader,
}

impl TextIndex {
    /// An empty index in memory.
    pub fn new() -> Result<Self, SearchError> {
        let mut schema = Schema::builder();
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            key: schema.add_text_field("key", STRING),
            type_id: schema.add_text_field("type", STRING | STORED),
            id: schema.add_text_field("id", STORED),
            title: schema.add_text_field("title", words.clone()),
            text: schema.add_text_field("text", words),
        };
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register(analyzer::NAME, analyzer::analyzer());
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(TextIndex {
            fields,
            writer: Mutex::new(writer),
            reader,
        })
    }

    /// Adds documents, replacing what the index held for the same entries.
    pub fn put(&self, documents: Vec<Document>) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for document in documents {
            writer.delete_term(self.key(&document.type_id, &document.id));
            let mut indexed = TantivyDocument::default();
            indexed.add_text(self.fields.key, key(&document.type_id, &document.id));
            indexed.add_text(self.fields.type_id, &document.type_id);
            indexed.add_text(self.fields.id, &document.id);
            indexed.add_text(self.fields.title, &document.title);
            for text in &document.text {
                indexed.add_text(self.fields.text, text);
            }
            writer.add_document(indexed)?;
        }
        Ok(())
    }

    /// Removes entries (no longer published, or deleted).
    pub fn remove(&self, type_id: &str, ids: &[String]) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for id in ids {
            writer.delete_term(self.key(type_id, id));
        }
        Ok(())
    }

    /// Removes every entry of a type.
    pub fn clear(&self, type_id: &str) -> Result<(), SearchError> {
        let term = Term::from_field_text(self.fields.type_id, type_id);
        self.writer()?.delete_term(term);
        Ok(())
    }

    /// Makes every change so far visible to searches.
    pub fn commit(&self) -> Result<(), SearchError> {
        self.writer()?.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// The memory the committed index takes, in bytes.
    pub fn size_bytes(&self) -> Result<u64, SearchError> {
        let usage = self
            .reader
            .searcher()
            .space_usage()
            .map_err(|error| SearchError(error.to_string()))?;
        Ok(usage.total().get_bytes())
    }

    /// The matches of `text` (every word must appear, in the title or elsewhere), best
    /// first, `limit` of them after skipping `offset`; only of `type_id` when given.
    pub fn search(
        &self,
        text: &str,
        type_id: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Hits, SearchError> {
        let query = self.query(text, type_id);
        let searcher = self.reader.searcher();
        // Tantivy sets aside room for `offset + limit` hits: past the last document there
        // is nothing to find, and a client's page number must not size an allocation.
        let offset = offset.min(searcher.num_docs() as usize);
        let (total, top) = if limit == 0 {
            (searcher.search(&query, &Count)?, Vec::new())
        } else {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_score();
            searcher.search(&query, &(Count, top))?
        };
        let hits = top
            .into_iter()
            .map(|(score, address)| {
                let stored: TantivyDocument = searcher.doc(address)?;
                Ok(self.hit(&stored, score))
            })
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok(Hits {
            total,
            hits,
            snippets: [
                self.snippets(&searcher, &query, self.fields.text)?,
                self.snippets(&searcher, &query, self.fields.title)?,
            ],
        })
    }

    fn query(&self, text: &str, type_id: Option<&str>) -> BooleanQuery {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = analyzer::terms(text)
            .into_iter()
            .map(|word| (Occur::Must, self.word_query(&word)))
            .collect();
        if parts.is_empty() {
            // No word survives analysis (only punctuation): nothing can match.
            return BooleanQuery::new(Vec::new());
        }
        if let Some(type_id) = type_id {
            let only_type = TermQuery::new(
                Term::from_field_text(self.fields.type_id, type_id),
                IndexRecordOption::Basic,
            );
            parts.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(only_type), 0.0)),
            ));
        }
        BooleanQuery::new(parts)
    }

    /// One word, in the title (weighted) or in the rest.
    fn word_query(&self, word: &str) -> Box<dyn Query> {
        let in_field = |field: Field| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(in_field(self.fields.title), TITLE_BOOST)),
            ),
            (Occur::Should, in_field(self.fields.text)),
        ]))
    }

    fn snippets(
        &self,
        searcher: &Searcher,
        query: &BooleanQuery,
        field: Field,
    ) -> Result<SnippetGenerator, SearchError> {
        let mut generator = SnippetGenerator::create(searcher, query, field)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(generator)
    }

    fn hit(&self, stored: &TantivyDocument, score: f32) -> Hit {
        let text = |field: Field| {
            stored
                .get_first(field)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        Hit {
            type_id: text(self.fields.type_id),
            id: text(self.fields.id),
            score,
        }
    }

    fn key(&self, type_id: &str, id: &str) -> Term {
        Term::from_field_text(self.fields.key, &key(type_id, id))
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer
            .lock()
            .map_err(|_| SearchError("an earlier change panicked".to_owned()))
    }
}

fn key(type_id: &str, id: &str) -> String {
    format!("{type_id}/{id}")
}

#[cfg(test)]
mod tests;
