//! The schema built from the built-in types, and clashing names refused with both sources;
//! `with_type` gives other tests a registry with one more type.

use civitas_core::TypeRegistry;
use civitas_core::definition::TypeDefinition;

use crate::schema::{BuildError, build};

pub fn with_type(id: &str) -> TypeRegistry {
    let mut registry = TypeRegistry::builtin().expect("built-in types");
    let text = format!(
        "id = \"{id}\"\nlabel = \"X\"\nplural_label = \"Xs\"\ntitle_field = \"title\"\nslug_from = \"title\"\n\n[[fields]]\nname = \"title\"\nlabel = \"Title\"\nkind = \"text\"\nrequired = true\n"
    );
    let definition = TypeDefinition::from_toml(&text).expect("definition");
    registry
        .add("plugin `clash`", definition)
        .expect("type added");
    registry
}

#[test]
fn builds_a_type_list_filter_and_sort_per_content_type() {
    let registry = TypeRegistry::builtin().expect("built-in types");
    let schemas = build(&registry, 20).expect("schema");
    let sdl = schemas.closed.sdl();
    for expected in [
        "type Post {",
        "\tpost(",
        "\tpost_list(",
        "filter: PostFilter,",
        "sort: [PostSort!],",
        "type PostConnection {",
        "input ExpertReferencesFilter {",
        "PUBLISHED_AT_DESC",
        "input TextOperators {",
    ] {
        assert!(sdl.contains(expected), "{expected} in:\n{sdl}");
    }
    assert_eq!(schemas.types, 4);
}

#[test]
fn a_clashing_type_name_fails_naming_both_sources() {
    for (id, first, second) in [
        (
            "page_info",
            "the built-in schema",
            "content type `page_info` (plugin `clash`)",
        ),
        (
            "post_connection",
            "content type `post` (schema/types/post.toml)",
            "content type `post_connection` (plugin `clash`)",
        ),
        (
            "post_list",
            "content type `post` (schema/types/post.toml)",
            "content type `post_list` (plugin `clash`)",
        ),
    ] {
        match build(&with_type(id), 20) {
            Err(BuildError::Collision(message)) => {
                assert!(
                    message.contains(first) && message.contains(second),
                    "{message}"
                );
            }
            Err(other) => panic!("{id}: {other}"),
            Ok(_) => panic!("{id}: built"),
        }
    }
}
