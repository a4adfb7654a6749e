//! Escaping for the templates: the same bytes as tera's own `escape_html` (`&`, `<`, `>`, `"`,
//! `'` and `/` spelt as entities), written a run at a time instead of a character at a time.
//!
//! tera escapes every `{{ value }}` of an `.html` template and every string an `{% if %}` tests;
//! on 10,000 generated guides its escaper was 3 % of a build's instructions (callgrind). carnet
//! hands this one to tera (`Tera::set_escape_fn`) and writes the lists it builds for the default
//! theme (`page.toc_html`, `page.backlinks_html`) with it, so pages stay byte for byte the same.

/// What each byte becomes, when it is escaped: all six are ASCII, so a run of other bytes (UTF-8
/// sequences included) is copied whole.
const fn entity(byte: u8) -> Option<&'static str> {
    match byte {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'/' => Some("&#x2F;"),
        _ => None,
    }
}

/// Whether each byte is one of the six.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = entity(byte as u8).is_some();
        byte += 1;
    }
    table
};

/// `text` escaped as tera escapes it.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as tera escapes it.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if ESCAPED[usize::from(byte)] {
            out.push_str(&text[copied..at]);
            out.push_str(entity(byte).unwrap_or_default());
            copied = at + 1;
        }
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_six_characters_become_what_tera_writes() {
        let text = r#"<a href="/x">l'été & co</a> ✓"#;
        assert_eq!(
            escape_html(text),
            "&lt;a href=&quot;&#x2F;x&quot;&gt;l&#x27;été &amp; co&lt;&#x2F;a&gt; ✓"
        );
        assert_eq!(escape_html(text), tera::escape_html(text));
        assert_eq!(escape_html(""), "");
    }

    proptest! {
        #[test]
        fn any_text_is_escaped_byte_for_byte_as_by_tera(text in "(?s).{0,64}", special in "[&<>\"'/a é🔧]{0,32}") {
            prop_assert_eq!(escape_html(&text), tera::escape_html(&text));
            prop_assert_eq!(escape_html(&special), tera::escape_html(&special));
        }
    }
}
