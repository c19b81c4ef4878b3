//! Output types: an object per content type with its public fields as REST shows them
//! (rich text as Markdown and HTML, media as objects, references as the entries they
//! point to), its connection and edge, and the shared `PageInfo`, `RichText` and
//! `Media`. Every resolver here only reads the JSON the root field fetched.

use std::any::Any;

use async_graphql::Value as GraphqlValue;
use async_graphql::dynamic::{Field, FieldFuture, FieldValue, Object, Scalar, TypeRef};
use civitas_core::{ContentType, FieldKind};
use serde_json::Value;

use crate::filters::{owner, scalar};
use crate::names::Claims;
use civitas_core::content_type::pascal_case;

pub const PAGE_INFO: &str = "PageInfo";
pub const RICH_TEXT: &str = "RichText";
pub const MEDIA: &str = "Media";
pub const JSON: &str = "JSON";

/// An edge of a connection: the entry, and (on the last edge of a page that has a next
/// one) the cursor to pass as `after`.
struct Edge {
    node: Value,
    cursor: Option<String>,
}

fn parent_json<'a>(parent: &'a FieldValue<'a>) -> Option<&'a Value> {
    parent.downcast_ref::<Value>()
}

fn as_object(value: &Value) -> FieldValue<'_> {
    FieldValue::borrowed_any(value as &(dyn Any + Send + Sync))
}

/// A field read from the parent's JSON at `path`, as a GraphQL value.
fn value_field(name: &str, path: &'static [&'static str], ty: TypeRef) -> Field {
    let key = name.to_owned();
    Field::new(name, ty, move |ctx| {
        let mut found = parent_json(ctx.parent_value);
        if path.is_empty() {
            found = found.and_then(|json| json.get(&key));
        }
        for step in path {
            found = found.and_then(|json| json.get(step));
        }
        let value = found
            .filter(|json| !json.is_null())
            .and_then(|json| GraphqlValue::from_json(json.clone()).ok());
        FieldFuture::from_value(value)
    })
}

/// A field of the parent's own JSON, by its name.
fn own_value(name: &str, ty: TypeRef) -> Field {
    value_field(name, &[], ty)
}

/// A field holding an object (rich text, a medium, a referenced entry).
fn object_field(name: &str, ty: TypeRef) -> Field {
    let key = name.to_owned();
    Field::new(name, ty, move |ctx| {
        let found = parent_json(ctx.parent_value)
            .and_then(|json| json.get(&key))
            .filter(|json| json.is_object());
        FieldFuture::Value(found.map(as_object))
    })
}

/// A field holding a list of objects; items that are no objects (a reference to an
/// entry the reader may not see) are left out.
fn objects_field(name: &str, ty: TypeRef) -> Field {
    let key = name.to_owned();
    Field::new(name, ty, move |ctx| {
        let found = parent_json(ctx.parent_value)
            .and_then(|json| json.get(&key))
            .and_then(Value::as_array)
            .map(|items| FieldValue::list(items.iter().filter(|i| i.is_object()).map(as_object)));
        FieldFuture::Value(found)
    })
}

fn content_field(name: &str, kind: &FieldKind) -> Field {
    match kind {
        FieldKind::RichText(_) => object_field(name, TypeRef::named(RICH_TEXT)),
        FieldKind::Media { many: false, .. } => object_field(name, TypeRef::named(MEDIA)),
        FieldKind::Media { many: true, .. } => objects_field(name, TypeRef::named_nn_list(MEDIA)),
        FieldKind::Reference {
            to, many: false, ..
        } => object_field(name, TypeRef::named(pascal_case(to))),
        FieldKind::Reference { to, many: true, .. } => {
            objects_field(name, TypeRef::named_nn_list(pascal_case(to)))
        }
        FieldKind::Json => own_value(name, TypeRef::named(JSON)),
        FieldKind::List { item, .. } => own_value(name, TypeRef::named_nn_list(scalar(item))),
        other => own_value(name, TypeRef::named(scalar(other))),
    }
}

/// The object of a content type's entries.
pub fn entry_object(content_type: &ContentType, claims: &mut Claims) -> Result<Object, String> {
    let name = pascal_case(&content_type.id);
    claims.claim(&name, &owner(content_type))?;
    let description = content_type
        .description
        .clone()
        .unwrap_or_else(|| content_type.label.clone());
    let mut object = Object::new(&name)
        .description(description)
        .field(own_value("id", TypeRef::named_nn(TypeRef::ID)))
        .field(own_value("type", TypeRef::named_nn(TypeRef::STRING)));
    for system in [
        "slug",
        "status",
        "created_at",
        "updated_at",
        "published_at",
        "locale",
    ] {
        object = object.field(own_value(system, TypeRef::named(TypeRef::STRING)));
    }
    object = object
        .field(own_value("revision", TypeRef::named(TypeRef::INT)))
        .field(own_value(
            "locales",
            TypeRef::named_nn_list(TypeRef::STRING),
        ));
    for field in content_type.visible_fields(true) {
        let mut graphql = content_field(&field.name, &field.kind);
        if let Some(description) = &field.description {
            graphql = graphql.description(description);
        }
        object = object.field(graphql);
    }
    Ok(object)
}

/// `{Type}Connection` and `{Type}Edge`, over a REST list answer.
pub fn connection_objects(
    content_type: &ContentType,
    claims: &mut Claims,
) -> Result<[Object; 2], String> {
    let entry = pascal_case(&content_type.id);
    let (connection, edge) = (format!("{entry}Connection"), format!("{entry}Edge"));
    claims.claim(&connection, &owner(content_type))?;
    claims.claim(&edge, &owner(content_type))?;
    let connection = Object::new(&connection)
        .description(format!("A page of {}.", content_type.plural_label))
        .field(objects_field_at(
            "nodes",
            "data",
            TypeRef::named_nn_list_nn(&entry),
        ))
        .field(Field::new(
            "edges",
            TypeRef::named_nn_list_nn(&edge),
            |ctx| FieldFuture::Value(parent_json(ctx.parent_value).map(edges)),
        ))
        .field(Field::new(
            "pageInfo",
            TypeRef::named_nn(PAGE_INFO),
            |ctx| {
                let meta = parent_json(ctx.parent_value).and_then(|json| json.get("meta"));
                FieldFuture::Value(meta.map(as_object))
            },
        ))
        .field(value_field(
            "totalCount",
            &["meta", "total"],
            TypeRef::named_nn(TypeRef::INT),
        ));
    let edge = Object::new(&edge)
        .field(Field::new("node", TypeRef::named_nn(&entry), |ctx| {
            let edge = ctx.parent_value.downcast_ref::<Edge>();
            FieldFuture::Value(edge.map(|edge| as_object(&edge.node)))
        }))
        .field(Field::new(
            "cursor",
            TypeRef::named(TypeRef::STRING),
            |ctx| {
                let edge = ctx.parent_value.downcast_ref::<Edge>();
                let cursor = edge.and_then(|edge| edge.cursor.clone());
                FieldFuture::from_value(cursor.map(GraphqlValue::String))
            },
        ));
    Ok([connection, edge])
}

/// Like [`objects_field`], but reading the list from another key than the field's name.
fn objects_field_at(name: &str, key: &'static str, ty: TypeRef) -> Field {
    Field::new(name, ty, move |ctx| {
        let found = parent_json(ctx.parent_value)
            .and_then(|json| json.get(key))
            .and_then(Value::as_array)
            .map(|items| FieldValue::list(items.iter().map(as_object)));
        FieldFuture::Value(found)
    })
}

fn edges(page: &Value) -> FieldValue<'static> {
    let entries = page["data"].as_array().cloned().unwrap_or_default();
    let next = page["meta"]["page"]["next"].as_str().map(str::to_owned);
    let last = entries.len().saturating_sub(1);
    FieldValue::list(entries.into_iter().enumerate().map(|(index, node)| {
        let cursor = if index == last { next.clone() } else { None };
        FieldValue::owned_any(Edge { node, cursor })
    }))
}

/// The shared objects: `PageInfo` (over a REST list's `meta`), `RichText` and `Media`.
pub fn shared_objects() -> Vec<Object> {
    let page_info = Object::new(PAGE_INFO)
        .description("Where a page sits in the whole list.")
        .field(Field::new(
            "hasNextPage",
            TypeRef::named_nn(TypeRef::BOOLEAN),
            |ctx| {
                let next =
                    parent_json(ctx.parent_value).map(|meta| !meta["page"]["next"].is_null());
                FieldFuture::from_value(next.map(GraphqlValue::Boolean))
            },
        ))
        .field(value_field(
            "endCursor",
            &["page", "next"],
            TypeRef::named(TypeRef::STRING),
        ))
        .field(value_field(
            "page",
            &["page", "number"],
            TypeRef::named(TypeRef::INT),
        ))
        .field(value_field(
            "pageSize",
            &["page", "size"],
            TypeRef::named_nn(TypeRef::INT),
        ))
        .field(value_field(
            "totalPages",
            &["page", "total_pages"],
            TypeRef::named_nn(TypeRef::INT),
        ));
    let rich_text = Object::new(RICH_TEXT)
        .description("Rich text: the Markdown an editor wrote, and its sanitised HTML.")
        .field(own_value("markdown", TypeRef::named_nn(TypeRef::STRING)))
        .field(own_value("html", TypeRef::named_nn(TypeRef::STRING)));
    let mut media = Object::new(MEDIA)
        .description("A file of the media library.")
        .field(own_value("id", TypeRef::named_nn(TypeRef::ID)))
        .field(own_value("url", TypeRef::named_nn(TypeRef::STRING)));
    for text in ["filename", "mime", "alt", "title", "thumbhash"] {
        media = media.field(own_value(text, TypeRef::named(TypeRef::STRING)));
    }
    for number in ["size", "width", "height"] {
        media = media.field(own_value(number, TypeRef::named(TypeRef::INT)));
    }
    media = media.field(own_value("focal", TypeRef::named(JSON)));
    vec![page_info, rich_text, media]
}

pub fn json_scalar() -> Scalar {
    Scalar::new(JSON).description("Any JSON value, as stored.")
}
