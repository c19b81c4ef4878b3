//! Public routes: content types and published entries, no token needed.

use civitas_core::ContentType;
use civitas_core::definition::TypeDefinition;
use civitas_core::query::list::MAX_SEARCH_LEN;
use civitas_core::query::search_words;

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};
use serde_json::{Value, json};

use crate::envelope;
use crate::error::{ApiError, ErrorCode};
use crate::listing::{self, Audience, Found};
use crate::params::{self, allow_only};
use crate::state::SharedState;

#[derive(Tags)]
pub enum ApiTags {
    /// Published content, for websites and apps. No token needed, unless
    /// `auth.public_read_requires_token` is on: then a token with the `read` scope.
    Public,
    /// Logging in and out, and who you are.
    Auth,
    /// Editing content. Every route needs `Authorization: Bearer <token>` with the
    /// capability its security scheme names.
    Admin,
    /// Users, API tokens and the audit log: the `admin` capability only.
    Accounts,
    /// The media library: uploading and managing files (`preview` to read, `write` to
    /// change). The files themselves are served at `/assets/{id}/{filename}`.
    Media,
    /// The change log, live: Server-Sent Events of every content change.
    Events,
    /// Webhooks: signed HTTP calls to other systems on every content change, with
    /// retries and a delivery log. The `admin` capability only.
    Webhooks,
    /// Running the service: backups. The `admin` capability only.
    Operations,
}

pub struct PublicApi {
    pub state: SharedState,
}

/// A content type as the public sees it: private fields are not listed.
pub fn public_type(content_type: &ContentType) -> Value {
    let mut definition = TypeDefinition::from(content_type);
    definition.fields.retain(|f| !f.private);
    serde_json::to_value(definition).unwrap_or(Value::Null)
}

// List handlers take each documented query parameter as an argument: that is how
// poem-openapi describes them in the spec.
#[allow(clippy::too_many_arguments)]
#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Public")]
impl PublicApi {
    /// List content types
    ///
    /// Every content type the server serves, built-in and plugin-provided alike, with
    /// its fields and their rules.
    #[oai(path = "/types", method = "get", operation_id = "listTypes")]
    async fn list_types(&self, request: &Request) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let types: Vec<Value> = self
            .state
            .registry()
            .iter()
            .map(|t| public_type(t))
            .collect();
        Ok(Json(envelope::one(types)))
    }

    /// Get a content type
    #[oai(path = "/types/:type_id", method = "get", operation_id = "getType")]
    async fn get_type(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &[])?;
        let content_type = self.state.content_type(&type_id)?;
        Ok(Json(envelope::one(public_type(&content_type))))
    }

    /// List published entries
    ///
    /// Published entries of one type, a page at a time, filtered, sorted, searched and
    /// with relations embedded; see the README's query language section. `meta.total`
    /// counts the whole list; `meta.page.next` is the cursor of the next page (`null` on
    /// the last page, and for relevance-ordered search results).
    #[oai(
        path = "/content/:type_id",
        method = "get",
        operation_id = "listEntries"
    )]
    async fn list_entries(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// Conditions, as `filter[field][op]=value` (deepObject style): `op` is one of eq, ne,
        /// lt, lte, gt, gte, in, nin (comma-separated values), contains (text, case-insensitive;
        /// lists: holds the value), starts_with (text, case-insensitive), null (true/false).
        /// `filter[field]=value` means eq. Several filters are ANDed; `filter[or][N][field][op]`
        /// groups are ORed. `filter[reference.field][op]` tests referenced entries, e.g.
        /// `filter[authors.slug][eq]=john-marwel`. Values are parsed by the field's kind.
        #[oai(name = "filter", style = "deep_object", explode = true)]
        _filter: Query<Option<String>>,
        /// Order, as comma-separated field names; `-` before a name sorts descending, e.g.
        /// `-published_at,title`. Allowed: `slug`, `created_at`, `updated_at`,
        /// `published_at` and the type's indexed fields. Default: the type's `default_sort`,
        /// or relevance with `q`. Ties are broken by id, so the order is stable.
        #[oai(name = "sort")]
        _sort: Query<Option<String>>,
        /// Page to return, from 1.
        #[oai(name = "page[number]")]
        _page_number: Query<Option<u64>>,
        /// Entries per page, from 1 to `api.max_page_size` (default `api.default_page_size`).
        #[oai(name = "page[size]")]
        _page_size: Query<Option<u64>>,
        /// Cursor from `meta.page.next`: the page after it. Stays exact while entries are
        /// added or removed, and costs the same at any depth. Not with `page[number]`.
        #[oai(name = "page[after]")]
        _page_after: Query<Option<String>>,
        /// Only these fields, comma-separated (system fields are always included).
        #[oai(name = "fields")]
        _fields: Query<Option<String>>,
        /// References to embed, comma-separated dotted paths, e.g. `authors` or
        /// `parent.parent`; at most `api.max_include_depth` levels. Only published entries
        /// are embedded. Each level costs one database query for the whole page.
        #[oai(name = "include")]
        _include: Query<Option<String>>,
        /// Full-text search over the type's searchable fields, ranked by relevance.
        #[oai(name = "q")]
        _q: Query<Option<String>>,
        /// `true`: entries as being edited (drafts, scheduled and unpublished changes
        /// included; not archived), exactly as they will look when published. Needs a
        /// token or session with `preview` on the type; never cached.
        #[oai(name = "preview")]
        _preview: Query<Option<bool>>,
        /// A configured locale (`api.locales`): localized fields in that language where the
        /// entry has a translation, else in the default locale. `locale` and `locales` in
        /// each entry say what was shown and what exists.
        #[oai(name = "locale")]
        _locale: Query<Option<String>>,
    ) -> Result<Json<Value>, ApiError> {
        Ok(Json(
            listing::list(&self.state, request, &type_id, Audience::Public).await?,
        ))
    }

    /// Search all content
    ///
    /// Full-text search across every type with searchable fields; published entries only,
    /// best first. Each hit has its type, id, slug, title, score and a snippet: HTML-escaped
    /// text around the first match, matches wrapped in `<mark>`.
    #[oai(path = "/search", method = "get", operation_id = "searchAll")]
    async fn search(
        &self,
        request: &Request,
        /// The words to look for.
        q: Query<String>,
        /// Most hits to return, 1 to `api.max_page_size` (default `api.default_page_size`).
        limit: Query<Option<u64>>,
    ) -> Result<Json<Value>, ApiError> {
        allow_only(request, &["q", "limit"])?;
        let settings = &self.state.settings;
        let limit = params::page_size(settings, "limit", limit.0)?;
        let text = search_words(&q.0).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidSearch,
                format!("`q` must hold 1 to {MAX_SEARCH_LEN} characters, not all blank"),
            )
        })?;
        let hits = self.state.store.search_all(text, limit as usize).await?;
        let data: Vec<Value> = hits
            .into_iter()
            .map(|hit| json!({"type": hit.type_id, "id": hit.id, "slug": hit.slug, "title": hit.title, "score": hit.score, "snippet": hit.snippet}))
            .collect();
        Ok(Json(envelope::one(data)))
    }

    /// Get a published entry
    ///
    /// By id or by slug. Drafts answer 404 `entry_not_found`, as if they did not exist.
    /// A slug the entry had before answers 301 with `Location` at its current slug, so
    /// old links keep working.
    #[oai(
        path = "/content/:type_id/:id_or_slug",
        method = "get",
        operation_id = "getEntry"
    )]
    async fn get_entry(
        &self,
        request: &Request,
        /// Content type id, e.g. `post`.
        type_id: Path<String>,
        /// The entry's id or its slug.
        id_or_slug: Path<String>,
        /// Only these fields, comma-separated (system fields are always included).
        #[oai(name = "fields")]
        _fields: Query<Option<String>>,
        /// References to embed, e.g. `authors`; published entries only.
        #[oai(name = "include")]
        _include: Query<Option<String>>,
        /// `true`: the entry as being edited, as on the list. Needs `preview` on the type.
        #[oai(name = "preview")]
        _preview: Query<Option<bool>>,
        /// A configured locale, as on the list, with fallback to the default locale.
        #[oai(name = "locale")]
        _locale: Query<Option<String>>,
    ) -> Result<PublicEntry, ApiError> {
        let found = listing::one(
            &self.state,
            request,
            &type_id,
            &id_or_slug,
            Audience::Public,
        )
        .await?;
        Ok(match found {
            Found::Entry(body) => PublicEntry::Found(Json(body)),
            Found::Moved(slug) => {
                let mut location = format!("/api/v1/content/{}/{slug}", type_id.0);
                if let Some(query) = request.uri().query() {
                    location = format!("{location}?{query}");
                }
                PublicEntry::Moved(
                    Json(json!({"moved_to": {"slug": slug, "location": location}})),
                    location,
                )
            }
        })
    }
}

#[derive(ApiResponse)]
pub enum PublicEntry {
    /// The entry.
    #[oai(status = 200)]
    Found(Json<Value>),
    /// The slug is an old one: the entry is at `Location` now.
    #[oai(status = 301)]
    Moved(Json<Value>, #[oai(header = "Location")] String),
}
