//! `PUT` and `DELETE .../{id}/translations/{locale}`: one locale of an entry at a time,
//! through the same write path as every other change (validation, plugin hooks, drafts
//! of published entries, revisions).

use civitas_store::Edit;
use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use serde_json::{Map, Value};

use crate::auth::schemes::WriteAuth;
use crate::content::{self, body_object};
use crate::entry_routes::{TaggedEntry, existing, expected_revision, respond};
use crate::error::ApiError;
use crate::params::allow_only;
use crate::public::ApiTags;
use crate::state::SharedState;

pub struct TranslationsApi {
    pub state: SharedState,
}

impl TranslationsApi {
    /// Writes the entry back with `change` applied to its translations.
    async fn change(
        &self,
        auth: WriteAuth,
        request: &Request,
        type_id: &str,
        key: &str,
        change: impl FnOnce(&mut Map<String, Value>),
        action: &str,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        let (content_type, existing) = existing(&self.state, type_id, key).await?;
        auth.0.may_change(&existing)?;
        let mut input = existing.clone();
        let mut translations = match input.remove("translations") {
            Some(Value::Object(translations)) => translations,
            _ => Map::new(),
        };
        change(&mut translations);
        input.insert("translations".into(), Value::Object(translations));
        let actor = auth.0.principal.actor();
        let edit = Edit {
            expected_revision: expected_revision(request)?,
            ..Edit::new(&actor, action)
        };
        let entry = content::replace(&self.state, &content_type, &existing, input, edit).await?;
        respond(&self.state, &content_type, entry).await
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl TranslationsApi {
    /// Translate an entry
    ///
    /// Sets the entry's localized fields in one locale (`api.locales`, not the default):
    /// the body is `{field: value}` for localized fields only. Replaces that locale's
    /// translation; fields left out show the default locale's value. On a published entry
    /// this is an unpublished change, like any edit.
    #[oai(
        path = "/content/:type_id/:id/translations/:locale",
        method = "put",
        operation_id = "putTranslation"
    )]
    async fn put(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `page`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// The locale, e.g. `fr`.
        locale: Path<String>,
        body: Json<Value>,
    ) -> Result<TaggedEntry, ApiError> {
        let values = body_object(body.0)?;
        let locale = locale.0;
        self.change(
            auth,
            request,
            &type_id,
            &id,
            |translations| {
                translations.insert(locale, Value::Object(values));
            },
            "entry.translate",
        )
        .await
    }

    /// Remove a translation
    ///
    /// The entry shows the default locale's values in that locale from then on.
    #[oai(
        path = "/content/:type_id/:id/translations/:locale",
        method = "delete",
        operation_id = "deleteTranslation"
    )]
    async fn delete(
        &self,
        auth: WriteAuth,
        request: &Request,
        /// Content type id, e.g. `page`.
        type_id: Path<String>,
        /// The entry's id or slug.
        id: Path<String>,
        /// The locale, e.g. `fr`.
        locale: Path<String>,
    ) -> Result<TaggedEntry, ApiError> {
        let locale = locale.0;
        self.change(
            auth,
            request,
            &type_id,
            &id,
            |translations| {
                translations.remove(&locale);
            },
            "entry.untranslate",
        )
        .await
    }
}
