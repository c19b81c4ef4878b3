//! Embedding referenced entries (`include=authors`, `include=parent.parent`): one query
//! per relation level for the whole page, whatever its size, never one per row.

use std::collections::{BTreeMap, HashMap};

use civitas_core::query::IncludePath;
use civitas_core::{ContentType, FieldKind};
use serde_json::Value as Json;
use surrealdb::types::{RecordId, Value};

use crate::entries::{Entry, Store, Version, entry_from_row};
use crate::error::StoreError;

/// An entry taking part in embedding: the page's own entries, then those fetched for
/// each level. `path` is the include path that reached it (empty for the page's own).
struct Node {
    type_id: String,
    entry: Entry,
    path: Vec<String>,
}

/// Which children replace the reference ids in one field of one node.
struct Slot {
    parent: usize,
    field: String,
    many: bool,
    children: Vec<usize>,
}

/// A page's entries with every entry their include paths reach, fetched but not yet put
/// in place: the caller may change each one (show it in a locale, run its plugin's
/// `after-read`) before [`Included::assemble`] nests them.
pub struct Included {
    nodes: Vec<Node>,
    slots: Vec<Slot>,
    roots: usize,
}

impl Included {
    /// Every entry, the page's own and the embedded ones, with its type id.
    pub fn entries_mut(&mut self) -> impl Iterator<Item = (&str, &mut Entry)> {
        self.nodes
            .iter_mut()
            .map(|node| (node.type_id.as_str(), &mut node.entry))
    }

    /// The page's entries, each reference on an include path replaced by the entries it
    /// names (children first, so each holds its own embedded entries when it is placed).
    pub fn assemble(mut self) -> Vec<Entry> {
        let mut by_parent: BTreeMap<usize, Vec<Slot>> = BTreeMap::new();
        for slot in self.slots {
            by_parent.entry(slot.parent).or_default().push(slot);
        }
        for (parent, slots) in by_parent.into_iter().rev() {
            for slot in slots {
                let children: Vec<Json> = slot
                    .children
                    .iter()
                    .map(|&c| Json::Object(std::mem::take(&mut self.nodes[c].entry)))
                    .collect();
                let value = if slot.many {
                    Json::Array(children)
                } else {
                    children.into_iter().next().unwrap_or(Json::Null)
                };
                self.nodes[parent].entry.insert(slot.field, value);
            }
        }
        self.nodes
            .into_iter()
            .take(self.roots)
            .map(|node| node.entry)
            .collect()
    }
}

impl Store {
    /// Fetches the entries along every include path. With the published version, only
    /// published entries are embedded (others vanish, as they would from a public list).
    pub async fn include(
        &self,
        content_type: &ContentType,
        entries: Vec<Entry>,
        include: &[IncludePath],
        version: Version,
    ) -> Result<Included, StoreError> {
        let mut nodes: Vec<Node> = entries
            .into_iter()
            .map(|entry| Node {
                type_id: content_type.id.clone(),
                entry,
                path: Vec::new(),
            })
            .collect();
        let roots = nodes.len();
        let mut slots: Vec<Slot> = Vec::new();
        let depth = include.iter().map(Vec::len).max().unwrap_or(0);
        let mut level = 0..roots;
        for step in 0..depth {
            let requests = self.level_requests(&nodes, level.clone(), include, step);
            let wanted: Vec<RecordId> = requests
                .iter()
                .flat_map(|(_, _, to, _, ids)| {
                    ids.iter().map(|id| RecordId::new(to.as_str(), id.as_str()))
                })
                .collect();
            let found = self.fetch_many(wanted, version).await?;
            let level_end = nodes.len();
            for (parent, field, to, many, ids) in requests {
                let mut slot = Slot {
                    parent,
                    field: field.clone(),
                    many,
                    children: Vec::new(),
                };
                for id in ids {
                    if let Some(entry) = found.get(&(to.clone(), id)) {
                        let mut path = nodes[parent].path.clone();
                        path.push(field.clone());
                        slot.children.push(nodes.len());
                        nodes.push(Node {
                            type_id: to.clone(),
                            entry: entry.clone(),
                            path,
                        });
                    }
                }
                slots.push(slot);
            }
            level = level_end..nodes.len();
        }
        Ok(Included {
            nodes,
            slots,
            roots,
        })
    }

    /// For each node of one level and each include path continuing from it: the field,
    /// its target type, whether it holds many references, and the ids it holds.
    fn level_requests(
        &self,
        nodes: &[Node],
        level: std::ops::Range<usize>,
        include: &[IncludePath],
        step: usize,
    ) -> Vec<(usize, String, String, bool, Vec<String>)> {
        let mut requests = Vec::new();
        for index in level {
            let node = &nodes[index];
            let Some(node_type) = self.registry().get(&node.type_id) else {
                continue;
            };
            for path in include
                .iter()
                .filter(|p| p.len() == step + 1 && p[..step] == node.path[..])
            {
                let field = &path[step];
                let Some(FieldKind::Reference { to, many, .. }) =
                    node_type.field(field).map(|f| &f.kind)
                else {
                    continue;
                };
                let ids = crate::media::ids_in(node.entry.get(field));
                requests.push((index, field.clone(), to.clone(), *many, ids));
            }
        }
        requests
    }

    /// Fetches entries of any types by record id, in one query.
    pub(crate) async fn fetch_many(
        &self,
        mut wanted: Vec<RecordId>,
        version: Version,
    ) -> Result<HashMap<(String, String), Entry>, StoreError> {
        let public = version == Version::Published;
        wanted.sort();
        wanted.dedup();
        self.generations
            .note_reads(wanted.iter().map(|id| id.table.as_str()));
        let mut found = HashMap::new();
        if wanted.is_empty() {
            return Ok(found);
        }
        let sql = if public {
            "SELECT * FROM $rids WHERE status = 'published'"
        } else {
            "SELECT * FROM $rids"
        };
        let rows: Vec<Value> = self
            .query(sql)
            .bind(("rids", wanted))
            .await?
            .check()?
            .take(0)?;
        for row in rows {
            let Some(type_id) = row_table(&row) else {
                continue;
            };
            let Some(content_type) = self.registry().get(&type_id) else {
                continue;
            };
            let entry = entry_from_row(content_type, row, version);
            if let Some(id) = entry.get("id").and_then(Json::as_str).map(str::to_owned) {
                found.insert((type_id, id), entry);
            }
        }
        Ok(found)
    }
}

fn row_table(row: &Value) -> Option<String> {
    match row {
        Value::Object(object) => match object.get("id") {
            Some(Value::RecordId(id)) => Some(id.table.as_str().to_owned()),
            _ => None,
        },
        _ => None,
    }
}
