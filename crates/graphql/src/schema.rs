//! Building the schema from the type registry: the types of every content type, and the
//! root fields that read through the [`ContentSource`] of the request.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputValue, Object, ResolverContext, Schema, TypeRef,
};
use civitas_core::query::sortable_fields;
use civitas_core::{ContentType, TypeRegistry};

use crate::arguments::{entry_params, given, list_params, text};
use crate::filters::{FilterTypes, owner};
use crate::model::{Model, list_field};
use crate::names::Claims;
use crate::objects::{connection_objects, entry_object, json_scalar, shared_objects};
use crate::selection::{entry_include, list_include};
use crate::source::{ContentSource, SourceError};
use civitas_core::content_type::pascal_case;

const QUERY: &str = "Query";

/// Why the schema could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Collision(String),
    #[error("the GraphQL schema is invalid: {0}")]
    Invalid(String),
}

/// The schema in its two forms: `open` suggests field names in errors (for admins and in
/// development), `closed` does not; and what the query checks need to know.
pub struct Schemas {
    pub open: Schema,
    pub closed: Schema,
    pub model: Arc<Model>,
    /// Content types in the schema.
    pub types: usize,
    /// How long building both took.
    pub took: Duration,
}

/// Builds the schema of every content type in `registry`; two types whose GraphQL names
/// clash fail the build, naming both.
pub fn build(registry: &TypeRegistry, default_page_size: u64) -> Result<Schemas, BuildError> {
    let started = Instant::now();
    let model = Arc::new(Model::new(registry, default_page_size));
    let open = build_one(registry, &model, true)?;
    let closed = build_one(registry, &model, false)?;
    Ok(Schemas {
        open,
        closed,
        model,
        types: registry.iter().count(),
        took: started.elapsed(),
    })
}

fn build_one(
    registry: &TypeRegistry,
    model: &Arc<Model>,
    suggestions: bool,
) -> Result<Schema, BuildError> {
    let mut claims = Claims::new(registry);
    let mut root_names = Claims::new(registry);
    for name in [
        QUERY,
        crate::objects::PAGE_INFO,
        crate::objects::RICH_TEXT,
        crate::objects::MEDIA,
        crate::objects::JSON,
    ] {
        claims
            .claim(name, "the built-in schema")
            .map_err(BuildError::Collision)?;
    }
    let mut query = Object::new(QUERY).description("Published content, read-only.");
    let mut filters = FilterTypes::new(registry);
    let mut builder_types: Vec<Object> = shared_objects();
    let mut enums = Vec::new();
    for content_type in registry.iter() {
        let who = owner(content_type);
        root_names
            .claim(&content_type.id, &who)
            .map_err(BuildError::Collision)?;
        root_names
            .claim(&list_field(&content_type.id), &who)
            .map_err(BuildError::Collision)?;
        builder_types.push(entry_object(content_type, &mut claims).map_err(BuildError::Collision)?);
        builder_types
            .extend(connection_objects(content_type, &mut claims).map_err(BuildError::Collision)?);
        let filter = filters
            .filter(content_type, &mut claims)
            .map_err(BuildError::Collision)?;
        let sort = sort_enum(content_type, &mut claims).map_err(BuildError::Collision)?;
        query = query.field(entry_root(content_type)).field(list_root(
            content_type,
            &filter,
            sort.type_name(),
        ));
        enums.push(sort);
    }
    let mut builder = Schema::build(QUERY, None, None)
        .register(json_scalar())
        .data(model.clone());
    if !suggestions {
        builder = builder.disable_suggestions();
    }
    for object in builder_types {
        builder = builder.register(object);
    }
    for sort in enums {
        builder = builder.register(sort);
    }
    for input in filters.into_inputs() {
        builder = builder.register(input);
    }
    builder
        .register(query)
        .finish()
        .map_err(|error| BuildError::Invalid(error.to_string()))
}

/// `{Type}Sort`: `TITLE_ASC`, `TITLE_DESC`, ... for the sortable fields.
fn sort_enum(content_type: &ContentType, claims: &mut Claims) -> Result<Enum, String> {
    let name = format!("{}Sort", pascal_case(&content_type.id));
    claims.claim(&name, &owner(content_type))?;
    let items = sortable_fields(content_type, true).flat_map(|field| {
        let upper = field.name().to_uppercase();
        [format!("{upper}_ASC"), format!("{upper}_DESC")]
    });
    Ok(Enum::new(name)
        .description("An order: a sortable field, ascending or descending.")
        .items(items))
}

fn source<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Arc<dyn ContentSource>> {
    ctx.data::<Arc<dyn ContentSource>>()
}

fn common_arguments(field: Field) -> Field {
    field
        .argument(InputValue::new("locale", TypeRef::named(TypeRef::STRING)).description(
            "A configured locale: localized fields in it where translated, else in the default locale.",
        ))
        .argument(InputValue::new("preview", TypeRef::named(TypeRef::BOOLEAN)).description(
            "true: entries as being edited; needs a token with `preview` on the type.",
        ))
}

/// `{type}(id: ..., slug: ...)`: one published entry, or null.
fn entry_root(content_type: &ContentType) -> Field {
    let type_id = content_type.id.clone();
    let field = Field::new(
        &content_type.id,
        TypeRef::named(pascal_case(&content_type.id)),
        move |ctx| {
            let type_id = type_id.clone();
            FieldFuture::new(async move {
                let key = match (given(&ctx.args, "id"), given(&ctx.args, "slug")) {
                    (Some(key), None) | (None, Some(key)) => text(key),
                    _ => {
                        let message = "give either `id` or `slug`";
                        return Err(SourceError::new("invalid_parameter", message).into_graphql());
                    }
                };
                let model = ctx.data::<Arc<Model>>()?;
                let include = entry_include(model, &type_id, ctx.field());
                let params = entry_params(&ctx.args, &include);
                let entry = source(&ctx)?
                    .one(type_id, key, params)
                    .await
                    .map_err(SourceError::into_graphql)?;
                Ok(entry.map(FieldValue::owned_any))
            })
        },
    )
    .description(format!(
        "One published {} by id or slug.",
        content_type.label
    ))
    .argument(InputValue::new("id", TypeRef::named(TypeRef::ID)))
    .argument(InputValue::new("slug", TypeRef::named(TypeRef::STRING)));
    common_arguments(field)
}

/// `{type}_list(...)`: a page of published entries, with the REST list's arguments.
fn list_root(content_type: &ContentType, filter: &str, sort: &str) -> Field {
    let type_id = content_type.id.clone();
    let connection = format!("{}Connection", pascal_case(&content_type.id));
    let field = Field::new(
        list_field(&content_type.id),
        TypeRef::named_nn(connection),
        move |ctx| {
            let type_id = type_id.clone();
            FieldFuture::new(async move {
                let model = ctx.data::<Arc<Model>>()?;
                let include = list_include(model, &type_id, ctx.field());
                let params = list_params(&ctx.args, &include);
                let page = source(&ctx)?
                    .list(type_id, params)
                    .await
                    .map_err(SourceError::into_graphql)?;
                Ok(Some(FieldValue::owned_any(page)))
            })
        },
    )
    .description(format!(
        "{}: a page at a time, filtered, sorted and searched as the REST list.",
        content_type.plural_label
    ))
    .argument(InputValue::new("filter", TypeRef::named(filter)))
    .argument(InputValue::new("sort", TypeRef::named_nn_list(sort)))
    .argument(
        InputValue::new("first", TypeRef::named(TypeRef::INT))
            .description("Entries per page (REST `page[size]`)."),
    )
    .argument(
        InputValue::new("after", TypeRef::named(TypeRef::STRING))
            .description("A cursor from `pageInfo.endCursor`: the page after it."),
    )
    .argument(
        InputValue::new("page", TypeRef::named(TypeRef::INT))
            .description("A page number, from 1 (not with `after`)."),
    )
    .argument(
        InputValue::new("q", TypeRef::named(TypeRef::STRING))
            .description("Full-text search, ranked by relevance."),
    );
    common_arguments(field)
}
