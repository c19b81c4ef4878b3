//! `GET` and `POST /api/v1/graphql`, and the schema as SDL: published content through the
//! GraphQL schema that `civitas-graphql` generates from the content types. Queries are
//! checked (length, depth, aliases, cost) before they run, run within a time limit, and
//! read through the same list and entry functions as the REST routes.

use std::sync::Arc;
use std::time::Duration;

use civitas_graphql::{
    ContentSource, CurrentSchema, Introspection, LimitError, Reading, SourceError,
    TrustedDocuments, check_document,
};
use poem::Request;
use poem::http::{StatusCode, header};
use poem_openapi::param::Query;
use poem_openapi::payload::{Json, PlainText, Response};
use poem_openapi::{OpenApi, Tags};
use serde_json::{Value, json};

use crate::auth::public_reads::may_read;
use crate::auth::{Access, Capability, Principal, optional_principal, unauthorized};
use crate::error::{ApiError, ErrorCode};
use crate::listing::{self, Audience, Found};
use crate::state::{AppState, SharedState};

#[derive(Tags)]
enum GraphqlTags {
    /// Published content through GraphQL: a read-only schema generated from the content
    /// types, with the REST list's filters, sorting, paging, search and locales. Writes
    /// stay on the REST routes. See the README's GraphQL section.
    Graphql,
}

pub struct GraphqlApi {
    pub state: SharedState,
}

/// Builds the schema from the content types and logs how long that took; a GraphQL name
/// claimed by two content types fails it, naming both.
pub fn build_schemas(
    registry: &civitas_core::TypeRegistry,
    default_page_size: u64,
) -> Result<CurrentSchema, civitas_graphql::BuildError> {
    let current = CurrentSchema::build(registry, default_page_size)?;
    log_built(&current.load());
    Ok(current)
}

/// Builds the schema again from the server's content types and puts it in use; requests
/// already running finish on the old one. A failed build keeps the old schema.
pub fn rebuild_schemas(state: &AppState) {
    match state.graphql.rebuild(state.registry()) {
        Ok(schemas) => log_built(&schemas),
        Err(error) => tracing::error!(%error, "GraphQL schema not rebuilt; the old one stays"),
    }
}

fn log_built(schemas: &civitas_graphql::Schemas) {
    tracing::info!(
        types = schemas.types,
        took_ms = format!("{:.1}", schemas.took.as_secs_f64() * 1000.0),
        "GraphQL schema built"
    );
}

/// Reads the trusted documents' manifest that `graphql.documents` names, if any.
pub fn load_documents(settings: &civitas_graphql::Settings) -> Result<TrustedDocuments, String> {
    if settings.documents.is_empty() {
        if settings.documents_only {
            return Err(
                "graphql.documents_only is set but graphql.documents names no manifest".into(),
            );
        }
        return Ok(TrustedDocuments::default());
    }
    let documents = TrustedDocuments::load(
        std::path::Path::new(&settings.documents),
        settings.documents_only,
    )?;
    tracing::info!(
        count = documents.count(),
        only = settings.documents_only,
        "GraphQL trusted documents loaded"
    );
    Ok(documents)
}

/// A GraphQL answer: JSON with a status, private when made for a credential.
type Answer = Response<Json<Value>>;

/// The status of a request refused before its query runs: well-formed HTTP whose GraphQL
/// (the document, its variables, the batch) cannot be run, as the REST routes answer an
/// entry that fails its rules.
const REFUSED: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A refusal in GraphQL's shape, with the code in `extensions`.
fn refusal(status: StatusCode, code: &str, message: &str) -> Answer {
    let body = json!({"errors": [{"message": message, "extensions": {"code": code}}]});
    Response::new(Json(body)).status(status)
}

fn api_refusal(error: ApiError) -> Answer {
    refusal(error.code.status(), error.code.as_str(), &error.message)
}

fn limit_refusal(error: LimitError) -> Answer {
    refusal(REFUSED, error.code, &error.message)
}

#[OpenApi(prefix_path = "/api/v1", tag = "GraphqlTags::Graphql")]
impl GraphqlApi {
    /// Run a GraphQL query (GET)
    ///
    /// For caching: anonymous GETs are answered from the response cache like the REST
    /// lists; `documentId` names a trusted document and keeps the URL short. Errors carry
    /// a stable `extensions.code`: the REST codes, and `invalid_query`, `query_too_long`,
    /// `query_too_deep`, `too_many_aliases`, `query_too_costly`,
    /// `introspection_disabled`, `batch_not_allowed`, `unknown_document`,
    /// `document_required` and `query_timeout` for queries refused before (or stopped
    /// while) running.
    #[oai(path = "/graphql", method = "get", operation_id = "graphqlGet")]
    async fn get(
        &self,
        request: &Request,
        /// The GraphQL document.
        query: Query<Option<String>>,
        /// The variables, as a JSON object.
        variables: Query<Option<String>>,
        /// Which operation of the document to run.
        #[oai(name = "operationName")]
        operation_name: Query<Option<String>>,
        /// The id of a trusted document to run instead of `query` (`graphql.documents`).
        #[oai(name = "documentId")]
        document_id: Query<Option<String>>,
        /// Extensions, as a JSON object: `{"persistedQuery": {"sha256Hash": …}}` names a
        /// trusted document as Apollo and urql clients do.
        extensions: Query<Option<String>>,
    ) -> Answer {
        if let Err(error) = crate::params::allow_only(
            request,
            &[
                "query",
                "variables",
                "operationName",
                "documentId",
                "extensions",
            ],
        ) {
            return api_refusal(error);
        }
        let (variables, extensions) = match (
            json_object_parameter("variables", variables.0.as_deref()),
            json_object_parameter("extensions", extensions.0.as_deref()),
        ) {
            (Ok(variables), Ok(extensions)) => (variables, extensions),
            (Err(message), _) | (_, Err(message)) => {
                return refusal(REFUSED, "invalid_parameter", &message);
            }
        };
        let body = json!({
            "query": query.0.unwrap_or_default(),
            "variables": variables,
            "operationName": operation_name.0,
            "documentId": document_id.0,
            "extensions": extensions,
        });
        answer(&self.state, request, body).await
    }

    /// Run a GraphQL query (POST)
    ///
    /// A JSON body `{"query", "variables", "operationName"}`, where `documentId` (or
    /// Apollo's `extensions.persistedQuery.sha256Hash`) may name a trusted document
    /// instead of `query`; one query per request (arrays of queries are refused). Never
    /// cached.
    #[oai(path = "/graphql", method = "post", operation_id = "graphqlPost")]
    async fn post(&self, request: &Request, body: Json<Value>) -> Answer {
        if body.0.is_array() {
            let message = "send one query per request; batches are not accepted";
            return refusal(REFUSED, "batch_not_allowed", message);
        }
        answer(&self.state, request, body.0).await
    }

    /// The GraphQL schema
    ///
    /// The schema in the GraphQL schema definition language, for code generators and
    /// editors.
    #[oai(
        path = "/graphql/schema.graphql",
        method = "get",
        operation_id = "graphqlSchema"
    )]
    async fn schema(&self, request: &Request) -> Result<PlainText<String>, ApiError> {
        crate::params::allow_only(request, &[])?;
        Ok(PlainText(self.state.graphql.load().closed.sdl()))
    }
}

/// A query parameter that holds a JSON object (`{}` when absent), or why it does not.
fn json_object_parameter(name: &str, given: Option<&str>) -> Result<Value, String> {
    match given.map(serde_json::from_str::<Value>) {
        None => Ok(json!({})),
        Some(Ok(object @ Value::Object(_))) => Ok(object),
        Some(_) => Err(format!("`{name}` must be a JSON object")),
    }
}

fn is_admin(principal: Option<&Principal>) -> bool {
    principal.is_some_and(|p| p.access(Capability::Admin, None) != Access::Denied)
}

fn may_introspect(state: &AppState, admin: bool) -> bool {
    match state.settings.graphql.introspection {
        Introspection::Everyone => true,
        Introspection::Admins => admin,
        Introspection::Off => false,
    }
}

async fn answer(state: &SharedState, request: &Request, mut body: Value) -> Answer {
    let settings = &state.settings.graphql;
    let principal = match optional_principal(state, request).await {
        Ok(principal) => principal,
        Err(error) => return api_refusal(error),
    };
    let admin = is_admin(principal.as_ref());
    if let Err(error) = state.graphql_documents.resolve(&mut body, admin) {
        return limit_refusal(error);
    }
    let mut query: civitas_graphql::Request = match serde_json::from_value(body) {
        Ok(query) => query,
        Err(error) => {
            let message = format!("the body is not a GraphQL request: {error}");
            return refusal(REFUSED, "invalid_body", &message);
        }
    };
    if query.query.len() > settings.max_query_bytes {
        let message = format!(
            "the query is longer than {} bytes",
            settings.max_query_bytes
        );
        return refusal(REFUSED, "query_too_long", &message);
    }
    let introspect = may_introspect(state, admin);
    let private = principal.is_some();
    let reader: Arc<dyn ContentSource> = Arc::new(Reader {
        state: state.clone(),
        principal,
    });
    query = query.data(reader);
    if !introspect {
        query = query.disable_introspection();
    }
    let schemas = state.graphql.load();
    let variables = query.variables.clone();
    let checked = match query.parsed_query() {
        Ok(document) => check_document(document, &variables, &schemas.model, settings, introspect),
        Err(error) => return refusal(REFUSED, "invalid_query", &error.message),
    };
    if let Err(error) = checked {
        return limit_refusal(error);
    }
    let schema = if introspect {
        &schemas.open
    } else {
        &schemas.closed
    };
    let limit = Duration::from_millis(settings.timeout_ms);
    let Ok(response) = tokio::time::timeout(limit, schema.execute(query)).await else {
        let message = format!("the query ran longer than {} ms", settings.timeout_ms);
        return refusal(StatusCode::SERVICE_UNAVAILABLE, "query_timeout", &message);
    };
    let mut body = serde_json::to_value(&response).unwrap_or(Value::Null);
    let status = coded(&mut body);
    let mut answer = Response::new(Json(body)).status(status);
    if private {
        answer = answer.header(header::CACHE_CONTROL, "private, no-store");
    }
    answer
}

/// Gives errors without a code (the query does not fit the schema) `invalid_query`, and
/// returns the status of the answer: 200; `REFUSED` when the query did not fit the schema
/// and so never ran; or a server error's status when one happened, so that it is not
/// cached.
fn coded(body: &mut Value) -> StatusCode {
    let ran = body.get("data").is_some_and(|data| !data.is_null());
    let mut status = StatusCode::OK;
    let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) else {
        return status;
    };
    for error in errors {
        let code = &mut error["extensions"]["code"];
        if code.is_null() {
            *code = json!("invalid_query");
            if !ran {
                status = REFUSED;
            }
        }
        let server_error = ErrorCode::ALL
            .iter()
            .find(|known| code.as_str() == Some(known.as_str()))
            .map(|known| known.status())
            .filter(StatusCode::is_server_error);
        if let Some(server_error) = server_error {
            status = server_error;
        }
    }
    status
}

/// Reads for one GraphQL request, as its caller may: published entries, and previews
/// where the caller's credential allows them on the type.
struct Reader {
    state: SharedState,
    principal: Option<Principal>,
}

impl Reader {
    fn may_read(&self, type_id: &str, params: &[(String, String)]) -> Result<(), ApiError> {
        if !params
            .iter()
            .any(|(key, value)| key == "preview" && value == "true")
        {
            return Ok(());
        }
        let principal = self.principal.as_ref().ok_or_else(unauthorized)?;
        may_read(principal, Capability::Preview, Some(type_id))
    }
}

fn source_error(error: ApiError) -> SourceError {
    SourceError {
        code: error.code.as_str().to_owned(),
        message: error.message,
        parameter: error.details.into_iter().next().map(|detail| detail.field),
    }
}

impl ContentSource for Reader {
    fn list(&self, type_id: String, params: Vec<(String, String)>) -> Reading<Value> {
        let allowed = self.may_read(&type_id, &params);
        let state = self.state.clone();
        Box::pin(async move {
            allowed.map_err(source_error)?;
            listing::list_with(&state, params, &type_id, Audience::Public)
                .await
                .map_err(source_error)
        })
    }

    fn one(
        &self,
        type_id: String,
        key: String,
        params: Vec<(String, String)>,
    ) -> Reading<Option<Value>> {
        let allowed = self.may_read(&type_id, &params);
        let state = self.state.clone();
        Box::pin(async move {
            allowed.map_err(source_error)?;
            match listing::one_with(&state, params, &type_id, &key, Audience::Public).await {
                Ok(Found::Entry(mut body)) => Ok(Some(body["data"].take())),
                Ok(Found::Moved(_)) => Ok(None),
                Err(error) if error.code == ErrorCode::EntryNotFound => Ok(None),
                Err(error) => Err(source_error(error)),
            }
        })
    }
}
