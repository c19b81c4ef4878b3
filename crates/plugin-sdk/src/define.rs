//! Builders for the manifest a plugin returns from `describe`, so a type and its fields
//! take a line each instead of a struct literal with twenty members.

use crate::{FieldDef, Hooks, Manifest, TypeDef};

impl Manifest {
    /// A manifest with no types and no hooks.
    pub fn new() -> Manifest {
        Manifest {
            types: Vec::new(),
            hooks: Hooks::empty(),
        }
    }

    /// Adds a content type.
    pub fn with_type(mut self, type_def: TypeDef) -> Manifest {
        self.types.push(type_def);
        self
    }

    /// Declares the hooks the plugin implements; the host calls no others.
    pub fn hooks(mut self, hooks: Hooks) -> Manifest {
        self.hooks = hooks;
        self
    }
}

impl Default for Manifest {
    fn default() -> Manifest {
        Manifest::new()
    }
}

impl TypeDef {
    /// A type with an id and labels. The title and slug come from a field named `title`
    /// unless [`TypeDef::title_field`] and [`TypeDef::slug_from`] say otherwise.
    pub fn new(id: &str, label: &str, plural_label: &str) -> TypeDef {
        TypeDef {
            id: id.into(),
            label: label.into(),
            plural_label: plural_label.into(),
            description: None,
            title_field: "title".into(),
            slug_from: "title".into(),
            default_sort: None,
            fields: Vec::new(),
        }
    }

    /// What the type is for.
    pub fn description(mut self, text: &str) -> TypeDef {
        self.description = Some(text.into());
        self
    }

    /// The text field that names an entry.
    pub fn title_field(mut self, name: &str) -> TypeDef {
        self.title_field = name.into();
        self
    }

    /// The text field the slug is made from.
    pub fn slug_from(mut self, name: &str) -> TypeDef {
        self.slug_from = name.into();
        self
    }

    /// Default list order, e.g. `"-year"`.
    pub fn default_sort(mut self, sort: &str) -> TypeDef {
        self.default_sort = Some(sort.into());
        self
    }

    /// Adds a field (fields are shown in the order they are added).
    pub fn field(mut self, field: FieldDef) -> TypeDef {
        self.fields.push(field);
        self
    }
}

/// Constructors for each field kind; the result is a [`FieldDef`] refined with its
/// chainable methods (`.required()`, `.max_length(300)`, ...).
pub struct Field;

impl Field {
    /// A field of any kind by name; prefer the typed constructors.
    pub fn of_kind(name: &str, kind: &str) -> FieldDef {
        FieldDef {
            name: name.into(),
            label: None,
            description: None,
            kind: kind.into(),
            required: false,
            unique: false,
            indexed: false,
            searchable: false,
            private: false,
            default: None,
            min_length: None,
            max_length: None,
            pattern: None,
            min: None,
            max: None,
            options: None,
            to: None,
            many: false,
            of: None,
            min_items: None,
            max_items: None,
        }
    }

    /// Plain text on one or more lines.
    pub fn text(name: &str) -> FieldDef {
        Field::of_kind(name, "text")
    }

    /// Markdown, served as `{"markdown", "html"}`.
    pub fn rich_text(name: &str) -> FieldDef {
        Field::of_kind(name, "rich_text")
    }

    /// A whole number.
    pub fn integer(name: &str) -> FieldDef {
        Field::of_kind(name, "integer")
    }

    /// A decimal number.
    pub fn number(name: &str) -> FieldDef {
        Field::of_kind(name, "number")
    }

    /// True or false.
    pub fn boolean(name: &str) -> FieldDef {
        Field::of_kind(name, "boolean")
    }

    /// Any JSON value; check its shape in `validate`.
    pub fn json(name: &str) -> FieldDef {
        Field::of_kind(name, "json")
    }

    /// One of a fixed set of strings.
    pub fn enumeration(name: &str, options: &[&str]) -> FieldDef {
        FieldDef {
            options: Some(options.iter().map(|o| (*o).to_owned()).collect()),
            ..Field::of_kind(name, "enum")
        }
    }

    /// A reference to an entry of type `to` (several with `.many()`).
    pub fn reference(name: &str, to: &str) -> FieldDef {
        FieldDef {
            to: Some(to.into()),
            ..Field::of_kind(name, "reference")
        }
    }

    /// Files from the media library, of the MIME types or patterns in `accept` (`image/*`;
    /// empty takes any); several with `.many()`. Reads show each as a media object.
    pub fn media(name: &str, accept: &[&str]) -> FieldDef {
        FieldDef {
            options: Some(accept.iter().map(|a| (*a).to_owned()).collect()),
            ..Field::of_kind(name, "media")
        }
    }

    /// A list of items of kind `of` (text, integer, number, url, email, enum or date).
    pub fn list(name: &str, of: &str) -> FieldDef {
        FieldDef {
            of: Some(of.into()),
            ..Field::of_kind(name, "list")
        }
    }
}

impl FieldDef {
    /// Sets the human label.
    pub fn label(mut self, label: &str) -> FieldDef {
        self.label = Some(label.into());
        self
    }

    /// Sets the help text.
    pub fn description(mut self, text: &str) -> FieldDef {
        self.description = Some(text.into());
        self
    }

    /// The field must be present and not null.
    pub fn required(mut self) -> FieldDef {
        self.required = true;
        self
    }

    /// No two entries may share the value.
    pub fn unique(mut self) -> FieldDef {
        self.unique = true;
        self
    }

    /// The field can be sorted and filtered on efficiently.
    pub fn indexed(mut self) -> FieldDef {
        self.indexed = true;
        self
    }

    /// The field takes part in full-text search.
    pub fn searchable(mut self) -> FieldDef {
        self.searchable = true;
        self
    }

    /// The field is shown on admin routes only.
    pub fn private(mut self) -> FieldDef {
        self.private = true;
        self
    }

    /// Default value, as JSON text (e.g. `"0"` or `"\"draft\""`).
    pub fn default_json(mut self, json: &str) -> FieldDef {
        self.default = Some(json.into());
        self
    }

    /// Minimum length in characters.
    pub fn min_length(mut self, n: u32) -> FieldDef {
        self.min_length = Some(n);
        self
    }

    /// Maximum length in characters.
    pub fn max_length(mut self, n: u32) -> FieldDef {
        self.max_length = Some(n);
        self
    }

    /// A regular expression the whole value must match.
    pub fn pattern(mut self, regex: &str) -> FieldDef {
        self.pattern = Some(regex.into());
        self
    }

    /// Smallest allowed value.
    pub fn min(mut self, n: f64) -> FieldDef {
        self.min = Some(n);
        self
    }

    /// Largest allowed value.
    pub fn max(mut self, n: f64) -> FieldDef {
        self.max = Some(n);
        self
    }

    /// A reference holding several entries.
    pub fn many(mut self) -> FieldDef {
        self.many = true;
        self
    }

    /// Fewest items of a list or many reference.
    pub fn min_items(mut self, n: u32) -> FieldDef {
        self.min_items = Some(n);
        self
    }

    /// Most items of a list or many reference.
    pub fn max_items(mut self, n: u32) -> FieldDef {
        self.max_items = Some(n);
        self
    }
}
