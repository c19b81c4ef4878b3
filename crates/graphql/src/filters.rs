//! Filter input types: per field the operators the REST filter allows for its kind,
//! `or` groups, and through references the fields of the entries they point to.

use std::collections::BTreeMap;

use async_graphql::dynamic::{InputObject, InputValue, TypeRef};
use civitas_core::query::filter::is_text;
use civitas_core::query::{Operator, filter_paths, operators_for};
use civitas_core::{ContentType, FieldKind, TypeRegistry};

use crate::names::Claims;
use civitas_core::content_type::pascal_case;

/// The GraphQL scalar a value of this kind is given as.
pub fn scalar(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer(_) => TypeRef::INT,
        FieldKind::Number(_) => TypeRef::FLOAT,
        FieldKind::Boolean => TypeRef::BOOLEAN,
        FieldKind::List { item, .. } => scalar(item),
        _ => TypeRef::STRING,
    }
}

fn operand(kind: &FieldKind, op: Operator) -> TypeRef {
    match op {
        Operator::Null => TypeRef::named(TypeRef::BOOLEAN),
        Operator::In | Operator::Nin => TypeRef::named_nn_list(scalar(kind)),
        Operator::Contains | Operator::StartsWith if is_text(kind) => {
            TypeRef::named(TypeRef::STRING)
        }
        _ => TypeRef::named(scalar(kind)),
    }
}

/// The name of the operators input of a kind: kinds with the same operators and scalar
/// share one.
fn operators_name(kind: &FieldKind) -> String {
    let ops = operators_for(kind);
    let scalar = scalar(kind);
    let has = |op| ops.contains(&op);
    if has(Operator::StartsWith) {
        "TextOperators".to_owned()
    } else if has(Operator::Lt) {
        format!("{scalar}RangeOperators")
    } else if has(Operator::Contains) && has(Operator::Eq) {
        format!("{scalar}ListOperators")
    } else if has(Operator::Contains) {
        "RichTextOperators".to_owned()
    } else if has(Operator::In) {
        "ReferenceOperators".to_owned()
    } else if has(Operator::Eq) {
        format!("{scalar}Operators")
    } else {
        "PresenceOperators".to_owned()
    }
}

fn operator_fields(mut input: InputObject, kind: &FieldKind) -> InputObject {
    for op in operators_for(kind) {
        input = input.field(InputValue::new(op.name(), operand(kind, *op)));
    }
    input
}

/// The input objects of the filters, collected once each.
pub struct FilterTypes<'a> {
    registry: &'a TypeRegistry,
    inputs: BTreeMap<String, InputObject>,
}

const BUILT_IN: &str = "the built-in schema";

impl<'a> FilterTypes<'a> {
    pub fn new(registry: &'a TypeRegistry) -> FilterTypes<'a> {
        FilterTypes {
            registry,
            inputs: BTreeMap::new(),
        }
    }

    pub fn into_inputs(self) -> impl Iterator<Item = InputObject> {
        self.inputs.into_values()
    }

    fn operators(&mut self, kind: &FieldKind, claims: &mut Claims) -> Result<String, String> {
        let name = operators_name(kind);
        claims.claim(&name, BUILT_IN)?;
        if !self.inputs.contains_key(&name) {
            let input = operator_fields(InputObject::new(&name), kind);
            self.inputs.insert(name.clone(), input);
        }
        Ok(name)
    }

    /// `{Target}ReferenceFilter` (or `ReferencesFilter`, for lists of references): the
    /// reference's own operators, and the target's fields.
    fn reference(
        &mut self,
        kind: &FieldKind,
        target: &ContentType,
        claims: &mut Claims,
    ) -> Result<String, String> {
        let many = matches!(kind, FieldKind::Reference { many: true, .. });
        let name = format!(
            "{}{}Filter",
            pascal_case(&target.id),
            if many { "References" } else { "Reference" }
        );
        claims.claim(&name, &owner(target))?;
        if self.inputs.contains_key(&name) {
            return Ok(name);
        }
        let mut input = operator_fields(InputObject::new(&name), kind);
        for (path, target_kind) in own_paths(self.registry, target) {
            if Operator::parse(&path).is_some() {
                return Err(format!(
                    "the field `{path}` of content type `{}` has the name of a filter operator, which GraphQL filters cannot tell apart",
                    target.id
                ));
            }
            let operators = self.operators(&target_kind, claims)?;
            input = input.field(InputValue::new(path, TypeRef::named(operators)));
        }
        self.inputs.insert(name.clone(), input);
        Ok(name)
    }

    /// `{Type}Filter` and `{Type}FilterGroup`; returns the filter's name.
    pub fn filter(
        &mut self,
        content_type: &ContentType,
        claims: &mut Claims,
    ) -> Result<String, String> {
        let pascal = pascal_case(&content_type.id);
        let (name, group_name) = (format!("{pascal}Filter"), format!("{pascal}FilterGroup"));
        let who = owner(content_type);
        claims.claim(&name, &who)?;
        claims.claim(&group_name, &who)?;
        let mut fields = Vec::new();
        for (path, kind) in own_paths(self.registry, content_type) {
            let input = match &kind {
                FieldKind::Reference { to, .. } => match self.registry.get(to) {
                    Some(target) => {
                        let target = target.clone();
                        self.reference(&kind, &target, claims)?
                    }
                    None => self.operators(&kind, claims)?,
                },
                _ => self.operators(&kind, claims)?,
            };
            fields.push((path, input));
        }
        let mut group = InputObject::new(&group_name);
        let mut filter = InputObject::new(&name).description(
            "Conditions, all of which an entry must meet; `or`: groups of which it must meet at least one.",
        );
        for (path, input) in fields {
            group = group.field(InputValue::new(&path, TypeRef::named(&input)));
            filter = filter.field(InputValue::new(path, TypeRef::named(input)));
        }
        filter = filter.field(InputValue::new("or", TypeRef::named_nn_list(&group_name)));
        self.inputs.insert(group_name, group);
        self.inputs.insert(name.clone(), filter);
        Ok(name)
    }
}

pub fn owner(content_type: &ContentType) -> String {
    format!("content type `{}`", content_type.id)
}

/// What a filter may name on the type itself (not through its references).
fn own_paths(registry: &TypeRegistry, content_type: &ContentType) -> Vec<(String, FieldKind)> {
    filter_paths(registry, content_type, true)
        .into_iter()
        .filter(|(path, _)| !path.contains('.'))
        .collect()
}
