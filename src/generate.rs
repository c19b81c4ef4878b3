//! `civitas generate`: realistic bulk content for benchmarks. N posts by experts (one
//! expert per ten posts), partners (one per twenty), with tags, bodies of about 1.5 KB
//! of Markdown, and publication dates over five years. Deterministic: the same N gives
//! the same content.

use std::time::Instant;

use civitas_core::validate::{Document, validate};
use civitas_core::{ContentType, Status, WriteMode};
use civitas_store::{Actor, Store};
use serde_json::{Value, json};

const BATCH: usize = 1_000;

const FIRST: [&str; 12] = [
    "Ana", "Bilal", "Chen", "Dara", "Elena", "Femi", "Giulia", "Hiro", "Ines", "Jonas", "Kavya",
    "Lucas",
];
const LAST: [&str; 12] = [
    "Silva", "Okafor", "Wang", "Novak", "Haddad", "Moreau", "Tanaka", "Costa", "Berg", "Mehta",
    "Rossi", "Khan",
];
const CITIES: [&str; 16] = [
    "Lisbon",
    "Nairobi",
    "Seoul",
    "Bogota",
    "Tallinn",
    "Kigali",
    "Medellin",
    "Barcelona",
    "Singapore",
    "Accra",
    "Lima",
    "Helsinki",
    "Pune",
    "Curitiba",
    "Vienna",
    "Dakar",
];
const COUNTRIES: [&str; 16] = [
    "PT", "KE", "KR", "CO", "EE", "RW", "CO", "ES", "SG", "GH", "PE", "FI", "IN", "BR", "AT", "SN",
];
const TAGS: [&str; 30] = [
    "mobility",
    "water",
    "energy",
    "housing",
    "governance",
    "open-data",
    "health",
    "education",
    "waste",
    "climate",
    "safety",
    "lighting",
    "5g",
    "iot",
    "ppp",
    "finance",
    "tourism",
    "culture",
    "parks",
    "transport",
    "cycling",
    "air-quality",
    "flooding",
    "heat",
    "digital-twin",
    "participation",
    "smart-grid",
    "broadband",
    "logistics",
    "food",
];
const TOPICS: [&str; 10] = [
    "smart mobility",
    "water networks",
    "public lighting",
    "open data",
    "citizen services",
    "energy efficiency",
    "waste collection",
    "urban planning",
    "digital twins",
    "air quality",
];
const SENTENCES: [&str; 8] = [
    "The city started with a pilot in two districts and measured the results for a full year.",
    "Residents were involved from the first workshop, which changed the design in important ways.",
    "Financing came from a public-private partnership with clear performance targets.",
    "Sensors feed an open data portal that local startups already build on.",
    "The project team documented every lesson so that other cities can replicate the approach.",
    "Costs fell by a fifth once maintenance was planned from the data instead of on a fixed schedule.",
    "Legislation had to change before the second phase could start, which took eighteen months.",
    "Today the service reaches most households and the model is being adopted across the region.",
];

/// A small deterministic generator (xorshift64*), so benchmark data is reproducible.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// What a run created.
pub struct Generated {
    pub posts: usize,
    pub experts: usize,
    pub partners: usize,
}

pub async fn generate(
    store: &Store,
    posts: usize,
) -> Result<Generated, Box<dyn std::error::Error>> {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let experts = (posts / 10).max(10);
    let partners = (posts / 20).max(5);
    let expert_ids = insert(store, "expert", experts, |i| expert(&mut dice, i)).await?;
    insert(store, "partner", partners, |i| partner(&mut dice, i)).await?;
    let mut dice = Dice(0xD1B5_4A32_D192_ED03);
    insert(store, "post", posts, |i| post(&mut dice, i, &expert_ids)).await?;
    Ok(Generated {
        posts,
        experts,
        partners,
    })
}

async fn insert(
    store: &Store,
    type_id: &str,
    count: usize,
    mut make: impl FnMut(usize) -> Value,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let content_type = store
        .registry()
        .get(type_id)
        .cloned()
        .ok_or(format!("no type `{type_id}`"))?;
    let started = Instant::now();
    let mut ids = Vec::with_capacity(count);
    let mut batch: Vec<Document> = Vec::with_capacity(BATCH);
    for i in 0..count {
        batch.push(document(&content_type, make(i))?);
        if batch.len() == BATCH || i + 1 == count {
            ids.extend(
                store
                    .insert_bulk(
                        &content_type,
                        &batch,
                        Status::Published,
                        &Actor::system("generate"),
                    )
                    .await?,
            );
            batch.clear();
            tracing::info!(type_id, done = ids.len(), of = count, "generating");
        }
    }
    tracing::info!(
        type_id,
        count,
        seconds = started.elapsed().as_secs_f64(),
        "generated"
    );
    Ok(ids)
}

/// Runs the same validation as every other write, so generated data is valid data.
fn document(content_type: &ContentType, body: Value) -> Result<Document, String> {
    let object = body.as_object().cloned().unwrap_or_default();
    validate(content_type, &object, WriteMode::Create)
        .map_err(|errors| format!("{}: generated invalid data: {errors:?}", content_type.id))
}

fn paragraph(dice: &mut Dice, sentences: usize) -> String {
    (0..sentences)
        .map(|_| dice.pick(&SENTENCES))
        .collect::<Vec<_>>()
        .join(" ")
}

fn date_in_last_five_years(dice: &mut Dice) -> String {
    let days = dice.below(5 * 365) as i64;
    let seconds = dice.below(86_400) as i64;
    let at = chrono::DateTime::from_timestamp(1_735_689_600 - days * 86_400 - seconds, 0)
        .unwrap_or_default();
    civitas_core::validate::canonical_datetime(at)
}

fn expert(dice: &mut Dice, i: usize) -> Value {
    let name = format!("{} {}", dice.pick(&FIRST), dice.pick(&LAST));
    let city = dice.below(CITIES.len());
    json!({
        "slug": format!("{}-{i}", civitas_core::slug::slugify(&name)),
        "name": name,
        "role": format!("Advisor on {}", dice.pick(&TOPICS)),
        "bio": paragraph(dice, 3),
        "years_of_experience": 5 + dice.below(30),
        "expertise_areas": [dice.pick(&TAGS), dice.pick(&TAGS)],
        "country": COUNTRIES[city],
        "city": CITIES[city],
    })
}

fn partner(dice: &mut Dice, i: usize) -> Value {
    let kinds = [
        "government",
        "city",
        "university",
        "company",
        "international_organization",
        "other",
    ];
    let city = dice.below(CITIES.len());
    let name = format!(
        "{} {} {i}",
        CITIES[city],
        dice.pick(&["Partners", "Institute", "City Hall", "Labs", "Agency"])
    );
    json!({
        "slug": civitas_core::slug::slugify(&name),
        "name": name,
        "kind": dice.pick(&kinds),
        "description": paragraph(dice, 2),
        "country": COUNTRIES[city],
        "trusted": dice.below(2) == 0,
        "member_since": format!("20{:02}-{:02}-{:02}", 10 + dice.below(15), 1 + dice.below(12), 1 + dice.below(28)),
    })
}

fn post(dice: &mut Dice, i: usize, experts: &[String]) -> Value {
    let title = format!(
        "{} in {}: lessons from year {}",
        capitalise(dice.pick(&TOPICS)),
        dice.pick(&CITIES),
        1 + dice.below(9)
    );
    let body = (0..4)
        .map(|n| format!("## Part {}\n\n{}", n + 1, paragraph(dice, 4)))
        .collect::<Vec<_>>()
        .join("\n\n");
    let tags: Vec<&str> = (0..1 + dice.below(3))
        .map(|_| dice.pick(&TAGS))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let authors: Vec<&String> = (0..1 + dice.below(2))
        .map(|_| &experts[dice.below(experts.len())])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    json!({
        "slug": format!("{}-{i}", civitas_core::slug::slugify(&title)),
        "title": title,
        "excerpt": paragraph(dice, 1),
        "body": body,
        "tags": tags,
        "authors": authors,
        "published_at": date_in_last_five_years(dice),
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
