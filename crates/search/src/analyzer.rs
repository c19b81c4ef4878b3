//! How text becomes index terms: the same rules as the SurrealDB analyzer the store
//! defines (`civitas_text`), so both searches find the same words: split on anything
//! that is not a letter or digit, lowercase, fold accents to ASCII, English stems.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

/// The name the analyzer is registered under in the index.
pub(crate) const NAME: &str = "civitas_text";

/// Longer tokens are not words (encoded data, long URLs) and are left out.
const MAX_TOKEN_BYTES: usize = 64;

pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The distinct terms of a query, in the order they first appear.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut terms: Vec<String> = Vec::new();
    while let Some(token) = stream.next() {
        if !terms.contains(&token.text) {
            terms.push(token.text.clone());
        }
    }
    terms
}
