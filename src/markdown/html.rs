//! Raw HTML written in a guide: the link targets it declares (`id="x"` on any element,
//! `<a name="x">`) and the links it holds (`<a href>`, `<img src>`…), read with html5gum's
//! tokenizer (WHATWG rules: quotes, entities, comments and `<script>` contents are handled as
//! browsers do).
//!
//! `scan` lists them in the order they are written, each link with the byte range of its value,
//! so that `rewrite` can put a new destination in its place and leave the rest untouched.

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use super::escape::escape_html;

/// Something found in raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// An id others may link to (`#x`).
    Anchor(String),
    /// A link destination (`is_image`: a file the page shows or plays, not a page to open).
    Link { value: String, is_image: bool, span: Range<usize> },
}

/// Which attribute of which element is a link, and whether it points to a shown file.
fn link_kind(tag: &str, attribute: &str) -> Option<bool> {
    match (tag, attribute) {
        ("a" | "area", "href") => Some(false),
        ("img" | "source" | "video" | "audio" | "track", "src") | ("video", "poster") => Some(true),
        _ => None,
    }
}

/// Every anchor and link of `html`, in order.
pub(crate) fn scan(html: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut tag = String::new();
    let mut attribute = String::new();
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name } => {
                tag = String::from_utf8_lossy(name).to_ascii_lowercase();
                attribute.clear();
            }
            CallbackEvent::AttributeName { name } => {
                attribute = String::from_utf8_lossy(name).to_ascii_lowercase();
            }
            CallbackEvent::AttributeValue { value } => {
                let value = String::from_utf8_lossy(value).into_owned();
                if attribute == "id" || (tag == "a" && attribute == "name") {
                    found.push(Found::Anchor(value));
                } else if let Some(is_image) = link_kind(&tag, &attribute) {
                    found.push(Found::Link { value, is_image, span: span.start..span.end });
                }
            }
            CallbackEvent::CloseStartTag { .. } | CallbackEvent::EndTag { .. } => attribute.clear(),
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    // `<script>`, `<style>`, `<textarea>`… hold text, not tags.
    emitter.naively_switch_states(true);
    // The emitter never fails; the tokenizer recovers from any input.
    let _ = Tokenizer::new_with_emitter(html, emitter).finish();
    found
}

/// `html` with the value of each link replaced by `new(value, is_image)` when it gives one.
/// Returns `None` when nothing changed.
pub(crate) fn rewrite(
    html: &str,
    found: &[Found],
    mut new: impl FnMut(&str, bool) -> Option<String>,
) -> Option<String> {
    let mut out = String::with_capacity(html.len() + 16);
    let mut copied = 0;
    let mut changed = false;
    for item in found {
        let Found::Link { value, is_image, span } = item else { continue };
        let Some(replacement) = new(value, *is_image) else { continue };
        if span.start < copied || span.end > html.len() {
            continue;
        }
        out.push_str(&html[copied..span.start]);
        out.push_str(&escape_html(&replacement));
        copied = span.end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(value: &str, is_image: bool, html: &str) -> Found {
        let start = html.find(value).unwrap();
        Found::Link { value: value.to_string(), is_image, span: start..start + value.len() }
    }

    #[test]
    fn anchors_and_links_in_order() {
        let html =
            r#"<h3 id="prix">Prix <a name='tarifs'></a></h3><a href=autre.md>x</a> <IMG SRC="img/a.png">"#;
        assert_eq!(
            scan(html),
            [
                Found::Anchor("prix".into()),
                Found::Anchor("tarifs".into()),
                link("autre.md", false, html),
                link("img/a.png", true, html),
            ]
        );
    }

    #[test]
    fn comments_scripts_and_other_attributes_are_not_links() {
        let html = "<!-- <a href=\"x.md\"> --><script>var a = '<a href=\"y.md\">';</script>\
                    <div name=\"n\" data-href=\"z.md\"><link href=\"s.css\"></div>";
        assert_eq!(scan(html), []);
    }

    #[test]
    fn entities_are_decoded_and_rewritten_values_escaped() {
        let html = r#"<a href="a&amp;b.md" title="t">x</a> <img src="c.png" alt="c">"#;
        let found = scan(html);
        assert!(matches!(&found[0], Found::Link { value, .. } if value == "a&b.md"), "{found:?}");
        let out = rewrite(html, &found, |value, _| (value == "a&b.md").then(|| "../a&b/".to_string()));
        assert_eq!(out.unwrap(), r#"<a href="../a&amp;b/" title="t">x</a> <img src="c.png" alt="c">"#);
        assert_eq!(rewrite(html, &found, |_, _| None), None);
    }

    #[test]
    fn unquoted_values_are_replaced_whole() {
        let html = "<a href=autre.md#x>voir</a>";
        let out = rewrite(html, &scan(html), |_, _| Some("../autre/#x".into()));
        assert_eq!(out.unwrap(), "<a href=../autre/#x>voir</a>");
    }
}
