//! Escaping text for HTML, with pulldown-cmark's own escaper (`pulldown-cmark-escape`, what its
//! HTML writer uses): `escape_html` for content and attributes, which every Markdown pass that
//! writes HTML uses, and `escape_text` for code lines between tags.

/// Escapes text for HTML content and double- or single-quoted attributes (`& < > " '`).
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Text between tags (code lines): only `&`, `<` and `>` need escaping there, and code is full
/// of quotes that `escape_html` would spell out in five or six bytes each.
pub(crate) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_escape_quotes_and_text_between_tags_does_not() {
        assert_eq!(
            escape_html(r#"<a href="x">l'été & co</a>"#),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"
        );
        assert_eq!(
            escape_text(r#"<a href="x">l'été & co</a>"#),
            r#"&lt;a href="x"&gt;l'été &amp; co&lt;/a&gt;"#
        );
    }
}
