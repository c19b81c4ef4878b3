//! What every handler shares: the store, the plugins, the settings and the caches.

use std::sync::Arc;

use civitas_core::{ContentType, TypeRegistry};
use civitas_plugin_host::PluginHost;
use civitas_store::Store;

use crate::auth::Auth;
use crate::cache::ResponseCache;
use crate::cors::CorsPolicy;
use crate::error::ApiError;
use crate::locales::Locales;

/// API behaviour that comes from configuration.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    pub default_page_size: u64,
    pub max_page_size: u64,
    /// How many reference levels `include` may follow.
    pub max_include_depth: usize,
    pub max_body_bytes: usize,
    /// Origins browsers may call the API from.
    pub cors: CorsPolicy,
    /// Strict-Transport-Security max-age; 0 sends none.
    pub hsts_max_age_secs: u64,
    /// Whether the editors' web app is served at /admin.
    pub admin_ui: bool,
    /// Whether GraphiQL is served at /graphiql.
    pub graphiql: bool,
    /// The site's locales.
    pub locales: Locales,
    /// How often the scheduler looks for due publish and unpublish times.
    pub scheduler_interval: std::time::Duration,
    /// Plugin time one request may spend across all its hook calls.
    pub plugin_request_budget: std::time::Duration,
    /// GraphQL's limits and introspection rule.
    pub graphql: civitas_graphql::Settings,
}

pub struct AppState {
    pub store: Store,
    pub plugins: PluginHost,
    pub settings: ApiSettings,
    pub auth: Auth,
    pub cache: ResponseCache,
    pub media: crate::media::MediaLibrary,
    pub events: crate::events::EventHub,
    pub webhooks: crate::webhooks::Webhooks,
    /// The GraphQL schema, built from the content types at start.
    pub graphql: civitas_graphql::CurrentSchema,
    /// The GraphQL queries registered ahead of time (`graphql.documents`).
    pub graphql_documents: civitas_graphql::TrustedDocuments,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    pub fn registry(&self) -> &TypeRegistry {
        self.store.registry()
    }

    pub fn content_type(&self, type_id: &str) -> Result<Arc<ContentType>, ApiError> {
        self.registry()
            .get(type_id)
            .cloned()
            .ok_or_else(|| ApiError::type_not_found(type_id))
    }
}
