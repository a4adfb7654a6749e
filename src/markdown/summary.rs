//! Plain text the later stages need: the description and the text of each section.
//!
//! `summarize` walks the raw events once: the first non-empty top-level paragraph becomes the
//! description; text outside headings is gathered per section (a section starts at a heading).
//! The texts of separate blocks (paragraphs, list items, table cells, code) are kept apart in a
//! section's text: joined by ` · ` unless the first ends a sentence, so that a snippet of the
//! search never runs two list items together.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::rendered::Section;

pub(crate) struct Summary {
    pub description: Option<String>,
    pub sections: Vec<Section>,
}

pub(crate) fn summarize(events: &[Event<'_>]) -> Summary {
    let mut description: Option<String> = None;
    let mut paragraph: Option<String> = None;
    let mut depth = 0usize;
    let mut in_heading = false;
    let mut sections = Vec::new();
    let mut current = Section { heading: None, text: String::new() };
    let mut heading_count = 0;
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                finish(&mut sections, &mut current, Some(heading_count));
                heading_count += 1;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Paragraph) if depth == 0 && description.is_none() => {
                paragraph = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = paragraph.take().map(|t| collapse(&t)) {
                    description = Some(text).filter(|t| !t.is_empty());
                }
            }
            Event::Start(tag) if is_container(tag) => depth += 1,
            Event::End(tag) if is_container_end(tag) => depth = depth.saturating_sub(1),
            Event::Text(text) | Event::Code(text) => {
                if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push_str(text);
                }
                if !in_heading {
                    current.text.push_str(text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(paragraph) = paragraph.as_mut() {
                    paragraph.push(' ');
                }
                current.text.push(' ');
            }
            _ => {}
        }
        let block_edge = match event {
            Event::Start(tag) => !is_inline(tag),
            Event::End(tag) => is_block_end(tag),
            _ => false,
        };
        if block_edge && !in_heading {
            current.text.push(BLOCK_END);
        }
    }
    finish(&mut sections, &mut current, None);
    Summary { description, sections }
}

/// Closes the current section (kept when it has text) and opens the next one.
fn finish(sections: &mut Vec<Section>, current: &mut Section, next: Option<usize>) {
    let text = join_blocks(&current.text);
    let heading = current.heading;
    *current = Section { heading: next, text: String::new() };
    if !text.is_empty() {
        sections.push(Section { heading, text });
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Marks the end of a block in a section's text while it is gathered (a control character, never
/// in the text itself: pulldown-cmark gives it as U+FFFD).
const BLOCK_END: char = '\u{1f}';
const BLOCK_END_BYTE: u8 = BLOCK_END as u8;
/// Between two blocks whose first does not end a sentence.
pub const BLOCK_SEPARATOR: &str = " · ";

/// The blocks of a gathered text (ended by `BLOCK_END`), whitespace collapsed, empty ones dropped,
/// joined by a space after a sentence's end and by `BLOCK_SEPARATOR` otherwise.
///
/// What `split(BLOCK_END)` then `split_whitespace` per block would give, in one pass over the
/// bytes: runs of words with one plain space between them are copied whole, and only the lead
/// bytes of the few non-ASCII spaces are decoded (every section of every guide goes through here).
fn join_blocks(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    let mut block_has_words = false;
    let mut word_start = None;
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        // Along a word, quickly: most bytes cannot start a gap.
        let mut end = at;
        while end < bytes.len() && !MAY_START_GAP[usize::from(bytes[end])] {
            end += 1;
        }
        if end > at {
            word_start.get_or_insert(at);
        }
        if end == bytes.len() {
            break;
        }
        // One plain space between two words is kept as it is: the run is copied whole.
        let next = bytes.get(end + 1).copied();
        if bytes[end] == b' ' && word_start.is_some() && next.is_some_and(|b| !MAY_START_GAP[usize::from(b)])
        {
            at = end + 1;
            continue;
        }
        let (gap, len) = gap_at(text, end);
        if gap == Gap::None {
            word_start.get_or_insert(end);
        } else {
            if let Some(start) = word_start.take() {
                push_word(&mut joined, &text[start..end], &mut block_has_words);
            }
            if gap == Gap::BlockEnd {
                block_has_words = false;
            }
        }
        at = end + len;
    }
    if let Some(start) = word_start {
        push_word(&mut joined, &text[start..], &mut block_has_words);
    }
    joined
}

/// The bytes `gap_at` looks at: ASCII spaces, `BLOCK_END`, and the lead bytes of the other spaces.
const MAY_START_GAP: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | BLOCK_END_BYTE | 0xc2 | 0xe1..=0xe3
        );
        byte += 1;
    }
    table
};

/// Appends a word: after a space within its block, after a block separator when it opens one.
fn push_word(joined: &mut String, word: &str, block_has_words: &mut bool) {
    if *block_has_words {
        joined.push(' ');
    } else if !joined.is_empty() {
        let ends_sentence = joined.ends_with(['.', '!', '?', ':', ';', '…']);
        joined.push_str(if ends_sentence { " " } else { BLOCK_SEPARATOR });
    }
    joined.push_str(word);
    *block_has_words = true;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    None,
    Space,
    BlockEnd,
}

/// What the byte at `at` starts (a char boundary): a space (`char::is_whitespace`), a block's
/// end, or neither, with its length in bytes (a byte within a word is taken alone).
fn gap_at(text: &str, at: usize) -> (Gap, usize) {
    let byte = text.as_bytes()[at];
    match byte {
        b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => (Gap::Space, 1),
        BLOCK_END_BYTE => (Gap::BlockEnd, 1),
        // U+0085 and U+00A0; U+1680, U+2000 to U+205F and U+3000: the other Unicode spaces.
        0xc2 | 0xe1..=0xe3 => match text[at..].chars().next() {
            Some(c) if c.is_whitespace() => (Gap::Space, c.len_utf8()),
            _ => (Gap::None, 1),
        },
        _ => (Gap::None, 1),
    }
}

fn is_container(tag: &Tag<'_>) -> bool {
    matches!(tag, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_) | Tag::Table(_))
}

fn is_container_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition | TagEnd::Table
    )
}

/// Inline starts (emphasis, links) do not begin a block.
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Block ends separate words; inline ends (emphasis, links) do not.
fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `join_blocks` as it was written first: blocks split, then words.
    fn join_blocks_by_splitting(text: &str) -> String {
        let mut joined = String::new();
        for block in text.split(BLOCK_END) {
            let mut words = block.split_whitespace().peekable();
            if words.peek().is_none() {
                continue;
            }
            if !joined.is_empty() {
                let ends_sentence = joined.ends_with(['.', '!', '?', ':', ';', '…']);
                joined.push_str(if ends_sentence { " " } else { BLOCK_SEPARATOR });
            }
            joined.push_str(&words.collect::<Vec<_>>().join(" "));
        }
        joined
    }

    #[test]
    fn joins_as_splitting_blocks_then_words_does() {
        for text in [
            "",
            "\u{1f}",
            " a\u{1f}\u{1f}b ",
            "é\u{2003}\u{3000}ü\u{1680}x\u{85}y\u{202f}:",
            "ĉ\u{e1}\u{2060}z\u{0b}w",
        ] {
            assert_eq!(join_blocks(text), join_blocks_by_splitting(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn joins_any_text_as_splitting_does(
            parts in proptest::collection::vec("[a-zé.:!?…]{0,4}|[ \\t\\n\u{0b}\u{1f}\u{a0}\u{85}\u{2000}-\u{200b}\u{202f}\u{2060}\u{3000}\u{1680}]|\\PC", 0..30)
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(join_blocks(&text), join_blocks_by_splitting(&text));
        }
    }

    #[test]
    fn blocks_are_joined_with_their_whitespace_collapsed() {
        let text = format!("  Étape\u{a0}1 :\tfaire{BLOCK_END}{BLOCK_END} puis\n\nça.{BLOCK_END}Fin");
        assert_eq!(join_blocks(&text), format!("Étape 1 : faire{BLOCK_SEPARATOR}puis ça. Fin"));
    }
}
