//! The `study` type as the plugin describes it to the host.

use civitas_plugin_sdk::prelude::*;

/// Regions a study can belong to.
pub const REGIONS: [&str; 7] = [
    "africa",
    "asia",
    "europe",
    "latin_america",
    "middle_east",
    "north_america",
    "oceania",
];

pub fn study() -> TypeDef {
    TypeDef::new("study", "Study", "Studies")
        .description("A best-practice smart-city case study: the challenge a city faced, its solution and the outcomes.")
        .title_field("title")
        .slug_from("title")
        .default_sort("-year")
        .field(Field::text("title").required().searchable().max_length(200).description("Name of the study."))
        .field(Field::text("city").max_length(120).description("The city where the project ran."))
        .field(Field::text("country").pattern("^[A-Z]{2}$").indexed().description("ISO 3166-1 alpha-2 country code, e.g. NL."))
        .field(Field::enumeration("region", &REGIONS).indexed().description("World region."))
        .field(Field::integer("year").indexed().description("Year the project started or was completed."))
        .field(Field::rich_text("challenge").searchable().description("The problem the city faced, in Markdown."))
        .field(Field::rich_text("solution").searchable().description("What was done, in Markdown."))
        .field(Field::list("outcomes", "text").description("Results, one per item; at least one."))
        .field(Field::json("metrics").description("Measured results: a list of {\"name\", \"value\", \"unit\"} objects."))
        .field(Field::list("sdgs", "integer").label("SDGs").description("Numbers (1 to 17) of the UN Sustainable Development Goals the study contributes to."))
        .field(Field::media("images", &["image/*"]).many().max_items(12).description("Photos of the project, from the media library."))
        .field(Field::reference("partners", "partner").many().description("Partners involved."))
        .field(Field::reference("experts", "expert").many().description("Experts who worked on or can speak about the study."))
        .field(Field::text("summary").max_length(300).description("Short summary; filled from the challenge's first sentences when empty."))
        .field(Field::integer("reading_time_minutes").min(1.0).description("Computed on save from the challenge and solution at 200 words per minute."))
}
