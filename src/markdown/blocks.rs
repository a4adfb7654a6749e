//! Block markup the theme relies on: callouts, table wrappers, footnotes.
//!
//! `rewrite` maps events one by one: a GitHub alert (`> [!NOTE]`) becomes
//! `div.callout.callout-note` with its French title, a table is wrapped in `div.table-wrapper`,
//! footnote references and definitions get `fn-`/`fnref-` ids (so they never clash with heading
//! ids) and numbers in order of first reference.

use std::collections::HashMap;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::escape::escape_html;

/// The class suffix and French title of each alert kind.
pub(crate) fn callout_label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Remarque"),
        BlockQuoteKind::Tip => ("tip", "Astuce"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Attention"),
        BlockQuoteKind::Caution => ("caution", "Prudence"),
    }
}

/// The opening HTML of a callout of `class`: a box titled `title_html` (none when `None`), or
/// with `folds`, a `<details>` (open when `Some(true)`) whose summary is the title.
pub(crate) fn callout_open(class: &str, title_html: Option<&str>, folds: Option<bool>) -> String {
    match (folds, title_html) {
        (Some(open), title) => {
            let open = if open { " open" } else { "" };
            let title = title.unwrap_or("Détails");
            format!(
                "<details class=\"callout callout-{class}\"{open}>\n<summary class=\"callout-title\">{title}</summary>\n"
            )
        }
        (None, Some(title)) => format!(
            "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
        ),
        (None, None) => format!("<div class=\"callout callout-{class}\" role=\"note\">\n"),
    }
}

/// The closing HTML of a callout opened by `callout_open` with `folds`.
pub(crate) fn callout_close(folds: Option<bool>) -> &'static str {
    if folds.is_some() {
        "</details>\n"
    } else {
        "</div>\n"
    }
}

pub(crate) fn rewrite(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let numbers = footnote_numbers(&events);
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut referenced: HashMap<String, bool> = HashMap::new();
    for event in events {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = callout_label(kind);
                out.push(html(callout_open(class, Some(title), None)));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => out.push(html(callout_close(None).to_string())),
            Event::Start(Tag::Table(alignments)) => {
                out.push(html("<div class=\"table-wrapper\">\n".to_string()));
                out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(html("</div>\n".to_string()));
            }
            Event::FootnoteReference(label) => {
                let first = referenced.insert(label.to_string(), true).is_none();
                out.push(footnote_reference(&label, number(&numbers, &label), first));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(footnote_definition_start(&label, number(&numbers, &label)));
            }
            Event::End(TagEnd::FootnoteDefinition) => out.push(html("</div>\n".to_string())),
            other => out.push(other),
        }
    }
    out
}

fn html(text: String) -> Event<'static> {
    Event::Html(CowStr::from(text))
}

/// Footnotes are numbered by first reference, then unreferenced definitions in order.
fn footnote_numbers(events: &[Event<'_>]) -> HashMap<String, usize> {
    let mut numbers = HashMap::new();
    let references = events.iter().filter_map(|event| match event {
        Event::FootnoteReference(label) => Some(label),
        _ => None,
    });
    let definitions = events.iter().filter_map(|event| match event {
        Event::Start(Tag::FootnoteDefinition(label)) => Some(label),
        _ => None,
    });
    for label in references.chain(definitions) {
        let next = numbers.len() + 1;
        numbers.entry(label.to_string()).or_insert(next);
    }
    numbers
}

fn number(numbers: &HashMap<String, usize>, label: &str) -> usize {
    numbers.get(label).copied().unwrap_or(0)
}

/// `fn-` + the label with whitespace turned into dashes (ids cannot hold spaces).
/// The id of a footnote's label, before the `fn-`/`fnref-` prefix, as GitHub makes it (but its
/// `user-content-` prefix): spaces become dashes.
pub(crate) fn footnote_anchor(label: &str) -> String {
    label.chars().map(|c| if c.is_whitespace() { '-' } else { c }).collect()
}

fn footnote_id(label: &str) -> String {
    escape_html(&footnote_anchor(label))
}

fn footnote_reference(label: &str, number: usize, first: bool) -> Event<'static> {
    let id = footnote_id(label);
    let back = if first { format!(" id=\"fnref-{id}\"") } else { String::new() };
    html(format!("<sup class=\"footnote-reference\"><a href=\"#fn-{id}\"{back}>{number}</a></sup>"))
}

fn footnote_definition_start(label: &str, number: usize) -> Event<'static> {
    let id = footnote_id(label);
    html(format!(
        "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">\
         <a href=\"#fnref-{id}\" aria-label=\"Retour au texte\">{number}</a></sup>\n"
    ))
}

#[cfg(test)]
mod tests {
    use crate::markdown::Renderer;

    #[test]
    fn callouts_for_all_five_kinds_with_french_labels() {
        let renderer = Renderer::new();
        for (marker, class, title) in [
            ("NOTE", "note", "Remarque"),
            ("TIP", "tip", "Astuce"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Attention"),
            ("CAUTION", "caution", "Prudence"),
        ] {
            let html = renderer.render(&format!("> [!{marker}]\n> Le **texte**.\n")).html;
            assert_eq!(
                html,
                format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n\
                     <p>Le <strong>texte</strong>.</p>\n</div>\n"
                )
            );
        }
    }

    #[test]
    fn plain_blockquote_stays_a_blockquote() {
        let html = Renderer::new().render("> citation\n").html;
        assert_eq!(html, "<blockquote>\n<p>citation</p>\n</blockquote>\n");
    }

    #[test]
    fn tables_are_wrapped() {
        let html = Renderer::new().render("| a | b |\n|---|---|\n| 1 | 2 |\n").html;
        assert!(html.starts_with("<div class=\"table-wrapper\">\n<table>"), "{html}");
        assert!(html.ends_with("</table>\n</div>\n"), "{html}");
    }

    #[test]
    fn footnotes_get_prefixed_ids_and_numbers() {
        let html = Renderer::new().render("Texte[^note] et[^b].\n\n[^b]: Deux.\n[^note]: Une.\n").html;
        assert!(html.contains("<a href=\"#fn-note\" id=\"fnref-note\">1</a>"), "{html}");
        assert!(html.contains("<a href=\"#fn-b\" id=\"fnref-b\">2</a>"), "{html}");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-note\">"), "{html}");
        assert!(html.contains("aria-label=\"Retour au texte\">1</a>"), "{html}");
    }

    #[test]
    fn footnotes_are_link_targets() {
        let rendered = Renderer::new().render(
            "Texte[^une note].

[^une note]: Une.
",
        );
        assert_eq!(rendered.anchors, ["fnref-une-note", "fn-une-note"]);
    }
}
