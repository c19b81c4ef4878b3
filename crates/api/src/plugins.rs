//! Admin routes for plugins: what is loaded, in what state, and atomic reloads.

use civitas_plugin_host::HostError;
use civitas_store::AuditEvent;
use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use serde_json::{Value, json};

use crate::auth::schemes::AdminAuth;
use crate::envelope;
use crate::error::{ApiError, ErrorCode};
use crate::public::ApiTags;
use crate::state::SharedState;

pub struct PluginAdminApi {
    pub state: SharedState,
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl PluginAdminApi {
    /// List plugins
    ///
    /// Every loaded plugin: id, version, API version, the types it adds, the hooks it
    /// implements, its capabilities and limits, its state (`active` or `disabled`) and its
    /// fault counts by kind.
    #[oai(path = "/plugins", method = "get", operation_id = "listPlugins")]
    async fn list_plugins(&self, _auth: AdminAuth) -> Json<Value> {
        Json(envelope::one(json!(self.state.plugins.plugins())))
    }

    /// Reload a plugin
    ///
    /// Reads the plugin's folder again, verifies and compiles it, and swaps it in
    /// atomically: calls in flight finish on the old version. Clears its fault record,
    /// so a disabled plugin is enabled again. The set of types it adds must not change
    /// (restart the server for that); a refused reload leaves the old version active.
    #[oai(
        path = "/plugins/:id/reload",
        method = "post",
        operation_id = "reloadPlugin"
    )]
    async fn reload_plugin(
        &self,
        auth: AdminAuth,
        /// The plugin's id.
        id: Path<String>,
    ) -> Result<Json<Value>, ApiError> {
        match self.state.plugins.reload(&id).await {
            Ok(info) => {
                // Answers made with the old version's `after-read` are stale now.
                for type_id in &info.types {
                    self.state.store.changed(type_id);
                }
                // The host refuses a reload that changes types today; rebuilding (a few
                // ms) anyway keeps GraphQL from lagging behind the registry once it may.
                crate::graphql::rebuild_schemas(&self.state);
                let event = AuditEvent::new("plugin.reload", Some(&id));
                self.state
                    .store
                    .record(event, &auth.0.principal.actor())
                    .await?;
                Ok(Json(envelope::one(json!(info))))
            }
            Err(HostError::NotFound(id)) => Err(ApiError::new(
                ErrorCode::PluginNotFound,
                format!("no plugin `{id}` is loaded"),
            )),
            Err(error) => Err(ApiError::new(ErrorCode::PluginRefused, error.to_string())),
        }
    }
}
