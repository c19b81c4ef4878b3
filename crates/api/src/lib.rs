//! The Civitas HTTP API: public content routes, admin routes, accounts and tokens, the
//! error table, and the OpenAPI document with a schema per content type.

mod admin;
mod allow;
mod audit_log;
pub mod auth;
mod backup;
mod cache;
mod content;
mod cors;
mod entry_routes;
mod envelope;
pub mod error;
pub mod events;
mod graphql;
mod health;
mod http_metrics;
mod listing;
mod locales;
pub mod media;
mod middleware;
pub mod openapi;
mod params;
mod plugins;
mod public;
mod query_schema;
mod reader;
mod request_id;
mod revisions;
mod schedule;
mod scheduler;
pub mod schemas;
mod server;
mod state;
pub mod text;
mod tokens;
mod translations;
pub mod users;
mod value_patterns;
pub mod webhooks;

use std::sync::Arc;

use poem::endpoint::make_sync;
use poem::web::{Html, Redirect};
use poem::{Endpoint, EndpointExt, IntoResponse, Route, get};
use poem_openapi::OpenApiService;

pub use cache::ResponseCache;
pub use civitas_graphql::Settings as GraphqlSettings;
pub use content::{body_object, create as create_entry};
pub use cors::CorsPolicy;
pub use graphql::build_schemas as build_graphql_schemas;
pub use graphql::load_documents as load_graphql_documents;
pub use locales::Locales;
pub use reader::StoreReader;
pub use server::{ServeError, serve};
pub use state::{ApiSettings, AppState, SharedState};

use crate::admin::AdminApi;
use crate::audit_log::AuditApi;
use crate::auth::routes::AuthApi;
use crate::backup::BackupApi;
use crate::events::EventsApi;
use crate::graphql::GraphqlApi;
use crate::health::HealthApi;
use crate::media::MediaApi;
use crate::plugins::PluginAdminApi;
use crate::public::PublicApi;
use crate::revisions::RevisionsApi;
use crate::schedule::ScheduleApi;
use crate::tokens::TokensApi;
use crate::translations::TranslationsApi;
use crate::users::UsersApi;
use crate::webhooks::WebhooksApi;

type Apis = (
    HealthApi,
    PublicApi,
    AuthApi,
    AdminApi,
    RevisionsApi,
    ScheduleApi,
    TranslationsApi,
    PluginAdminApi,
    UsersApi,
    TokensApi,
    AuditApi,
    MediaApi,
    EventsApi,
    WebhooksApi,
    BackupApi,
    GraphqlApi,
);

fn service(state: &SharedState) -> OpenApiService<Apis, ()> {
    let state = || state.clone();
    OpenApiService::new(
        (
            HealthApi { state: state() },
            PublicApi { state: state() },
            AuthApi { state: state() },
            AdminApi { state: state() },
            RevisionsApi { state: state() },
            ScheduleApi { state: state() },
            TranslationsApi { state: state() },
            PluginAdminApi { state: state() },
            UsersApi { state: state() },
            TokensApi { state: state() },
            AuditApi { state: state() },
            MediaApi { state: state() },
            EventsApi { state: state() },
            WebhooksApi { state: state() },
            BackupApi { state: state() },
            GraphqlApi { state: state() },
        ),
        "Civitas",
        env!("CARGO_PKG_VERSION"),
    )
    .server("/")
}

/// The OpenAPI document, with a schema and paths per content type, as pretty JSON.
pub fn openapi_document(state: &SharedState) -> Result<String, serde_json::Error> {
    let document = openapi::document(&service(state).spec(), state)?;
    serde_json::to_string_pretty(&document)
}

/// The editors' web app, when `server.admin_ui` is on. Its images may come from the
/// origin of `media.base_url` (a CDN) besides this server.
fn admin_ui(state: &SharedState) -> civitas_admin_ui::Site {
    let media_origin = url::Url::parse(&state.media.settings.base_url)
        .ok()
        .filter(|base| matches!(base.scheme(), "http" | "https"))
        .map(|base| base.origin().ascii_serialization());
    civitas_admin_ui::admin_ui(state.settings.admin_ui, media_origin.as_deref())
}

/// Builds the whole HTTP application: routes, OpenAPI document, docs UI and middleware.
pub fn app(state: SharedState) -> Result<impl Endpoint, serde_json::Error> {
    let max_body_bytes = state.settings.max_body_bytes;
    let hsts_max_age_secs = state.settings.hsts_max_age_secs;
    let plugin_budget = state.settings.plugin_request_budget;
    let cors_policy = Arc::new(state.settings.cors.clone());
    let service = service(&state);
    let generated = service.spec();
    let document = openapi::document(&generated, &state)?;
    let routes = Arc::new(allow::Routes::from_document(&document));
    let spec = Arc::new(serde_json::to_string_pretty(&document)?);
    // The UI embeds the spec it was built with; give it the per-type document instead.
    let docs = Arc::new(service.swagger_ui_html().replace(&generated, &spec));
    let spec_json = spec.clone();
    Ok(Route::new()
        .nest("/", service)
        .at(
            "/api/v1/openapi.json",
            get(make_sync(move |_| {
                spec_json
                    .as_str()
                    .to_owned()
                    .with_content_type("application/json; charset=utf-8")
                    .into_response()
            })),
        )
        .at(
            "/docs",
            get(make_sync(move |_| Html(docs.as_str().to_owned()))),
        )
        .at("/", get(make_sync(|_| Redirect::see_other("/docs"))))
        .nest_no_strip("/admin", admin_ui(&state))
        .nest_no_strip(
            "/graphiql",
            civitas_admin_ui::graphiql(state.settings.graphiql),
        )
        .at("/assets/:id/:filename", get(media::asset))
        .around(middleware::limit_body(max_body_bytes))
        .around(health::storage_gate)
        .around(cache::cached)
        .around(auth::public_reads::guard)
        .around(middleware::conditional_get)
        // Outside the middleware above, so each of them can see the state.
        .data(state)
        .catch_all_error(|error| async move { error::from_framework_error(error).into_response() })
        .around(allow::allow_header(routes.clone()))
        .around(http_metrics::record(routes))
        // Outside the error conversion, so error answers carry these headers too.
        .around(cors::cors(cors_policy))
        .around(middleware::security_headers(hsts_max_age_secs))
        .around(middleware::plugin_budget(plugin_budget))
        .around(middleware::log_request)
        .around(request_id::assign))
}
