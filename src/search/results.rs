//! What a result shows of a page: its title, URL and, per record, heading, anchor and the start
//! of its text (`page_json`), kept while the page is analysed so that its full text can go.

use super::input::PageInput;

/// Text kept per record for snippets, in characters.
const SNIPPET_CHARS: usize = 160;
/// Records with a snippet of `SNIPPET_CHARS` (the introduction and the first sections); the others
/// get `SHORT_SNIPPET_CHARS`.
const FULL_SNIPPETS: usize = 3;
const SHORT_SNIPPET_CHARS: usize = 90;

/// One record: the introduction (no heading) or an H2/H3 section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record<'a> {
    pub(super) heading: Option<&'a str>,
    /// The heading's id (empty for the introduction).
    pub(super) anchor: &'a str,
    /// The record's text, in pieces (the section itself, then its H4+ subsections).
    pub(super) text: Vec<&'a str>,
}

/// Cuts a page into records: the introduction, then one per H2/H3 (H1 text joins the
/// introduction, H4+ text the record above).
pub(super) fn records<'p>(page: &'p PageInput<'_>) -> Vec<Record<'p>> {
    let mut records = vec![Record { heading: None, anchor: "", text: Vec::new() }];
    let mut record_of_heading = Vec::with_capacity(page.headings.len());
    for heading in page.headings {
        if matches!(heading.level, 2 | 3) {
            records.push(Record { heading: Some(&heading.text), anchor: &heading.id, text: Vec::new() });
        }
        record_of_heading.push(records.len() - 1);
    }
    for section in page.sections.iter() {
        let record = section.heading.and_then(|h| record_of_heading.get(h).copied()).unwrap_or(0);
        records[record].text.push(&section.text);
    }
    records
}

/// A page's data (in its bundle `b/N.js`): title, URL, and per record its heading, anchor and the
/// start of its text for snippets: `SNIPPET_CHARS` for the first `FULL_SNIPPETS` records, `SHORT_SNIPPET_CHARS`
/// for the others, so that a long guide does not weigh on every query that shows it.
pub(super) fn page_json(page: &PageInput<'_>, records: &[Record<'_>]) -> String {
    /// Fields in the order the engine reads them, as `json!` wrote them (sorted).
    #[derive(serde::Serialize)]
    struct PageData<'p> {
        r: Vec<(Option<&'p str>, &'p str, String)>,
        t: &'p str,
        u: &'p str,
    }
    let r = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let chars = if i < FULL_SNIPPETS { SNIPPET_CHARS } else { SHORT_SNIPPET_CHARS };
            (r.heading, r.anchor, snippet_text(&r.text, chars))
        })
        .collect();
    serde_json::to_string(&PageData { r, t: page.title, u: page.url }).unwrap_or_default()
}

/// The start of the record's text, at most `chars` characters, cut at a word boundary.
fn snippet_text(pieces: &[&str], chars: usize) -> String {
    let mut text = String::new();
    for piece in pieces {
        if text.len() > chars * 4 {
            break;
        }
        if !text.is_empty() {
            // The pieces are separate sections (an H2 and its H4s): kept apart as blocks are.
            let ends_sentence = text.ends_with(['.', '!', '?', ':', ';', '…']);
            text.push_str(if ends_sentence { " " } else { crate::markdown::BLOCK_SEPARATOR });
        }
        text.push_str(piece);
    }
    if text.chars().count() <= chars {
        return text;
    }
    let cut = text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i);
    let cut = text[..cut].rfind(' ').filter(|&i| i > cut / 2).unwrap_or(cut);
    format!("{}…", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Heading, Section};

    fn heading(level: u8, id: &str, text: &str) -> Heading {
        Heading { level, id: id.into(), aliases: Vec::new(), text: text.into() }
    }

    #[test]
    fn records_are_the_introduction_and_each_h2_h3_with_their_h4_text() {
        let headings =
            [heading(1, "t", "Titre"), heading(2, "a", "A"), heading(4, "a1", "A.1"), heading(3, "b", "B")];
        let sections = vec![
            Section { heading: None, text: "avant".into() },
            Section { heading: Some(0), text: "intro".into() },
            Section { heading: Some(1), text: "texte a".into() },
            Section { heading: Some(2), text: "texte a1".into() },
            Section { heading: Some(3), text: "texte b".into() },
        ];
        let page = PageInput { title: "Titre", url: "g/", headings: &headings, sections: sections.into() };
        let got = records(&page);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].text, ["avant", "intro"]);
        assert_eq!(
            (got[1].heading, got[1].anchor, got[1].text.clone()),
            (Some("A"), "a", vec!["texte a", "texte a1"])
        );
        assert_eq!(got[2].anchor, "b");
    }

    #[test]
    fn snippet_text_cuts_long_text_at_a_word() {
        let long = "mot ".repeat(200);
        let text = snippet_text(&[&long], SNIPPET_CHARS);
        assert!(text.ends_with("mot…") && text.chars().count() <= SNIPPET_CHARS + 1, "{text}");
        assert_eq!(snippet_text(&["court", "texte"], SNIPPET_CHARS), "court · texte");
        assert_eq!(snippet_text(&["Fin.", "Suite"], SNIPPET_CHARS), "Fin. Suite");
    }
}
