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
/// Between two blocks whose first does not end a sentence.
pub const BLOCK_SEPARATOR: &str = " · ";

/// The blocks of a gathered text (ended by `BLOCK_END`), whitespace collapsed, empty ones dropped,
/// joined by a space after a sentence's end and by `BLOCK_SEPARATOR` otherwise.
fn join_blocks(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    for block in text.split(BLOCK_END) {
        let mut words = block.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !joined.is_empty() {
            let ends_sentence = joined.ends_with(['.', '!', '?', ':', ';', '…']);
            joined.push_str(if ends_sentence { " " } else { BLOCK_SEPARATOR });
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                joined.push(' ');
            }
            joined.push_str(word);
        }
    }
    joined
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

    #[test]
    fn blocks_are_joined_with_their_whitespace_collapsed() {
        let text = format!("  Étape\u{a0}1 :\tfaire{BLOCK_END}{BLOCK_END} puis\n\nça.{BLOCK_END}Fin");
        assert_eq!(join_blocks(&text), format!("Étape 1 : faire{BLOCK_SEPARATOR}puis ça. Fin"));
    }
}
