//! Trusted documents: queries registered ahead of time under an id, so that a site's
//! frontend sends `documentId` instead of query text (short, cacheable GET URLs) and a
//! server may refuse every query it does not know. The manifest is the JSON file the
//! client tools write: GraphQL Codegen's and Relay's `{"<id>": "<query>"}`, or Apollo's
//! persisted-query manifest (`{"operations": [{"id", "body"}]}`).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::limits::LimitError;

/// The registered documents by id, and whether they are the only queries that run.
#[derive(Debug, Default)]
pub struct TrustedDocuments {
    by_id: HashMap<String, String>,
    only: bool,
}

/// Apollo's `generate-persisted-query-manifest` output.
#[derive(Deserialize)]
struct ApolloManifest {
    operations: Vec<ApolloOperation>,
}

#[derive(Deserialize)]
struct ApolloOperation {
    id: String,
    body: String,
}

/// The forms a manifest comes in.
#[derive(Deserialize)]
#[serde(untagged)]
enum Manifest {
    Apollo(ApolloManifest),
    ById(HashMap<String, String>),
}

/// An id as clients send it, with or without the `sha256:` prefix of the GraphQL over
/// HTTP draft.
fn bare(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

impl TrustedDocuments {
    /// Reads the manifest at `path`; `only` makes its documents the only queries that run
    /// (for callers other than admins). An unreadable or malformed file is an error that
    /// names it, so a server does not start without the documents it was told to trust.
    pub fn load(path: &Path, only: bool) -> Result<TrustedDocuments, String> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("graphql.documents: cannot read {shown}: {error}"))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|_| {
            format!(
                "graphql.documents: {shown} is neither a JSON object of query texts by id nor an Apollo persisted-query manifest"
            )
        })?;
        let pairs: Vec<(String, String)> = match manifest {
            Manifest::Apollo(manifest) => manifest
                .operations
                .into_iter()
                .map(|operation| (operation.id, operation.body))
                .collect(),
            Manifest::ById(by_id) => by_id.into_iter().collect(),
        };
        let by_id = pairs
            .into_iter()
            .map(|(id, query)| (bare(&id).to_owned(), query))
            .collect();
        Ok(TrustedDocuments { by_id, only })
    }

    /// How many documents are registered.
    pub fn count(&self) -> usize {
        self.by_id.len()
    }

    /// Puts the registered text of the document `body` names (by `documentId`, or by
    /// `extensions.persistedQuery.sha256Hash` as Apollo and urql clients send it) in its
    /// `query`. Refuses an unknown id, and, when only documents may run, query text from a
    /// caller who may not send it.
    pub fn resolve(&self, body: &mut Value, may_send_text: bool) -> Result<(), LimitError> {
        let named = document_id(body).map(str::to_owned);
        let Some(id) = named else {
            if self.only && !may_send_text {
                return Err(LimitError {
                    code: "document_required",
                    message: "this server runs only its trusted documents: send `documentId` instead of query text".into(),
                });
            }
            return Ok(());
        };
        let Some(query) = self.by_id.get(bare(&id)) else {
            return Err(LimitError {
                code: "unknown_document",
                message: format!("no trusted document has the id `{id}`"),
            });
        };
        if let Value::Object(fields) = body {
            fields.insert("query".into(), Value::String(query.clone()));
        }
        Ok(())
    }
}

/// The id `body` names; a `documentId` of null (as a GET without one is read) names none.
fn document_id(body: &Value) -> Option<&str> {
    body.get("documentId").and_then(Value::as_str).or_else(|| {
        body.pointer("/extensions/persistedQuery/sha256Hash")
            .and_then(Value::as_str)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TITLES: &str = "{ post_list { nodes { title } } }";

    fn documents(manifest: &Value, only: bool) -> TrustedDocuments {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("documents.json");
        std::fs::write(&path, manifest.to_string()).expect("manifest written");
        TrustedDocuments::load(&path, only).expect("manifest read")
    }

    #[test]
    fn reads_codegen_relay_and_apollo_manifests() {
        let by_id = documents(
            &json!({"sha256:abc": TITLES, "def": "{ __typename }"}),
            false,
        );
        let apollo = documents(
            &json!({"format": "apollo-persisted-query-manifest", "version": 1,
                    "operations": [{"id": "abc", "name": "Titles", "type": "query", "body": TITLES}]}),
            false,
        );
        for (manifest, count) in [(by_id, 2), (apollo, 1)] {
            assert_eq!(manifest.count(), count);
            for named in [
                json!({"documentId": "sha256:abc"}),
                json!({"documentId": "abc"}),
                json!({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}),
                json!({"documentId": null, "extensions": {"persistedQuery": {"sha256Hash": "abc"}}}),
            ] {
                let mut body = named.clone();
                manifest.resolve(&mut body, false).expect("known id");
                assert_eq!(body["query"], TITLES, "{named}");
            }
        }
    }

    #[test]
    fn refuses_unknown_ids_and_text_when_only_documents_run() {
        let only = documents(&json!({"abc": TITLES}), true);
        let refused = |documents: &TrustedDocuments, mut body: Value, admin: bool| {
            documents.resolve(&mut body, admin).err().map(|e| e.code)
        };
        let text = json!({"query": "{ page_list { totalCount } }"});
        assert_eq!(
            refused(&only, text.clone(), false),
            Some("document_required")
        );
        assert_eq!(
            refused(&only, text.clone(), true),
            None,
            "admins may send text"
        );
        let unknown = json!({"documentId": "nope", "query": TITLES});
        assert_eq!(
            refused(&only, unknown.clone(), true),
            Some("unknown_document")
        );
        let open = documents(&json!({"abc": TITLES}), false);
        assert_eq!(refused(&open, text, false), None);
        assert_eq!(refused(&open, unknown, false), Some("unknown_document"));
        let mut registered_over_sent = json!({"documentId": "abc", "query": "{ __typename }"});
        open.resolve(&mut registered_over_sent, false)
            .expect("known id");
        assert_eq!(registered_over_sent["query"], TITLES);
    }

    #[test]
    fn a_manifest_that_is_not_one_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("documents.json");
        for text in ["not json", "[1, 2]", r#"{"abc": 1}"#] {
            std::fs::write(&path, text).expect("written");
            let error = TrustedDocuments::load(&path, false).expect_err(text);
            assert!(error.contains("documents.json"), "{error}");
        }
        let missing = TrustedDocuments::load(&dir.path().join("none.json"), false);
        assert!(missing.expect_err("missing").contains("cannot read"));
    }
}
