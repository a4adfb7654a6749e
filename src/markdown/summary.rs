//! Plain text the later stages need: the description and the text of each section.
//!
//! `summarize` walks the raw events once: the first non-empty top-level paragraph becomes the
//! description; text outside headings is gathered per section (a section starts at a heading).

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
        if matches!(event, Event::End(tag) if is_block_end(tag)) && !in_heading {
            current.text.push(' ');
        }
    }
    finish(&mut sections, &mut current, None);
    Summary { description, sections }
}

/// Closes the current section (kept when it has text) and opens the next one.
fn finish(sections: &mut Vec<Section>, current: &mut Section, next: Option<usize>) {
    let text = collapse(&current.text);
    let heading = current.heading;
    *current = Section { heading: next, text: String::new() };
    if !text.is_empty() {
        sections.push(Section { heading, text });
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
