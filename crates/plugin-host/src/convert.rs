//! Conversions between the WIT records and the host's types: a plugin's `type-def` into
//! core's [`TypeDefinition`] (so plugin types are checked by the same code as built-ins),
//! and issues both ways.

use civitas_core::definition::{FieldDefinition, TypeDefinition};

use crate::Issue;
use crate::bindings::imports::types as wit;

/// Converts a described type; the only failure is a `default` that is not JSON.
pub(crate) fn type_definition(t: wit::TypeDef) -> Result<TypeDefinition, String> {
    let fields = t
        .fields
        .into_iter()
        .map(|f| field_definition(&t.id, f))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TypeDefinition {
        id: t.id,
        label: t.label,
        plural_label: t.plural_label,
        description: t.description,
        title_field: t.title_field,
        slug_from: t.slug_from,
        default_sort: t.default_sort,
        fields,
    })
}

fn field_definition(type_id: &str, f: wit::FieldDef) -> Result<FieldDefinition, String> {
    let default = match &f.default {
        Some(text) => Some(serde_json::from_str(text).map_err(|e| {
            format!(
                "content type `{type_id}`, field `{}`: the default is not JSON: {e}",
                f.name
            )
        })?),
        None => None,
    };
    let size = |n: Option<u32>| n.map(|n| n as usize);
    // Contract 0.1 has no `accept`: a media field's MIME patterns travel in `options`.
    let (options, accept) = match f.kind.as_str() {
        "media" => (None, f.options),
        _ => (f.options, None),
    };
    Ok(FieldDefinition {
        name: f.name,
        label: f.label,
        description: f.description,
        kind: f.kind,
        required: f.required,
        unique: f.unique,
        indexed: f.indexed,
        searchable: f.searchable,
        private: f.private,
        // The plugin contract 0.1 has no localized fields.
        localized: false,
        default,
        min_length: size(f.min_length),
        max_length: size(f.max_length),
        pattern: f.pattern,
        min: f.min,
        max: f.max,
        options,
        to: f.to,
        many: f.many,
        of: f.of,
        accept,
        min_items: size(f.min_items),
        max_items: size(f.max_items),
    })
}

impl From<wit::Issue> for Issue {
    fn from(issue: wit::Issue) -> Issue {
        Issue {
            field: issue.field,
            code: issue.code,
            message: issue.message,
        }
    }
}

/// Builds the WIT call context for a type.
pub(crate) fn call_context(cx: &crate::CallContext, type_id: &str) -> wit::CallContext {
    wit::CallContext {
        request_id: cx.request_id.clone(),
        type_id: type_id.to_owned(),
        locale: cx.locale.clone(),
        now_ms: cx.now_ms,
    }
}
