//! The index's promises, on small documents.

use super::{Document, TextIndex};

fn document(type_id: &str, id: &str, title: &str, text: &str) -> Document {
    Document {
        type_id: type_id.to_owned(),
        id: id.to_owned(),
        title: title.to_owned(),
        text: vec![text.to_owned()],
    }
}

fn ids(index: &TextIndex, text: &str, type_id: Option<&str>) -> Vec<String> {
    let hits = index.search(text, type_id, 0, 10).expect("search");
    hits.hits.into_iter().map(|hit| hit.id).collect()
}

fn sample() -> TextIndex {
    let index = TextIndex::new().expect("index");
    index
        .put(vec![
            document("post", "a", "Parks", "A note on water in parks."),
            document("post", "b", "Water for growing cities", "Cities need it."),
            document("page", "c", "About", "Smart cities and their water."),
        ])
        .expect("put");
    index.commit().expect("commit");
    index
}

#[test]
fn ranks_title_matches_first_and_stems() {
    let index = sample();
    assert_eq!(ids(&index, "water", Some("post")), ["b", "a"]);
    assert_eq!(
        ids(&index, "city", Some("post")),
        ["b"],
        "city finds cities"
    );
    assert_eq!(
        ids(&index, "WÁTER", Some("page")),
        ["c"],
        "case and accents fold"
    );
}

#[test]
fn every_word_must_match_somewhere() {
    let index = sample();
    assert_eq!(
        ids(&index, "water growing", None),
        ["b"],
        "title and text together"
    );
    assert!(ids(&index, "water zebra", None).is_empty());
    assert!(
        ids(&index, "?! ...", None).is_empty(),
        "no words, no matches"
    );
}

#[test]
fn totals_offsets_and_counts() {
    let index = sample();
    let all = index.search("water", None, 0, 10).expect("search");
    assert_eq!((all.total, all.hits.len()), (3, 3));
    let page = index.search("water", None, 1, 1).expect("search");
    assert_eq!(
        (page.total, page.hits[0].id.as_str()),
        (3, all.hits[1].id.as_str())
    );
    assert!(index.size_bytes().expect("size") > 0);
    let beyond = index
        .search("water", None, usize::MAX / 4, 10)
        .expect("far page");
    assert_eq!((beyond.total, beyond.hits.len()), (3, 0));
    let count = index.search("water", None, 0, 0).expect("count");
    assert_eq!((count.total, count.hits.len()), (3, 0));
}

#[test]
fn replaces_and_removes_entries() {
    let index = sample();
    index
        .put(vec![document("post", "a", "Parks", "Trees only now.")])
        .expect("put");
    index.remove("page", &["c".to_owned()]).expect("remove");
    let mut before = ids(&index, "water", None);
    before.sort();
    assert_eq!(before, ["a", "b", "c"], "invisible before commit");
    index.commit().expect("commit");
    assert_eq!(ids(&index, "water", None), ["b"]);
    assert_eq!(ids(&index, "trees", None), ["a"]);
    index.clear("post").expect("clear");
    index.commit().expect("commit");
    assert!(ids(&index, "trees", None).is_empty());
}

#[test]
fn marks_the_matching_words() {
    let index = sample();
    let hits = index.search("city water", None, 0, 10).expect("search");
    let text = "Smart cities and their water.";
    let marked: Vec<&str> = hits.marks(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(marked, ["cities", "water"]);
    assert!(hits.marks("nothing to see").is_empty());
}
