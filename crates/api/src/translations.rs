//! `PUT` and `DELETE .../{id}/translations/{locale}`: one locale of an entry at a time,
//! through the same write path as every other change (validation, plugin hooks, drafts
//! of published entries, revisions).

use poem::Request;
use poem_openapi::OpenApi;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use serde_json::{Map, Value};

use crate::auth::schemes::WriteAuth;
use crate::content::body_object;
use crate::entry_routes::{TaggedEntry, rewrite};
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
        (type_id, key): (&str, &str),
        change: impl Fn(&mut Map<String, Value>),
        action: &str,
    ) -> Result<TaggedEntry, ApiError> {
        allow_only(request, &[])?;
        rewrite(
            &self.state,
            request,
            &auth.0,
            (type_id, key),
            action,
            |current| {
                let mut input = current.clone();
                let mut translations = match input.remove("translations") {
                    Some(Value::Object(translations)) => translations,
                    _ => Map::new(),
                };
                change(&mut translations);
                input.insert("translations".into(), Value::Object(translations));
                Ok(input)
            },
        )
        .await
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
        let locale = self.state.settings.locales.translatable(&locale)?;
        self.change(
            auth,
            request,
            (&type_id, &id),
            |translations| {
                translations.insert(locale.clone(), Value::Object(values.clone()));
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
        let locale = self.state.settings.locales.translatable(&locale)?;
        self.change(
            auth,
            request,
            (&type_id, &id),
            |translations| {
                translations.remove(&locale);
            },
            "entry.untranslate",
        )
        .await
    }
}
