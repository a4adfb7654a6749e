//! What rendering one guide gives back: its HTML, headings, title, description and the plain
//! text of each section (for the search index).

/// A heading of the rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The canonical id written on the heading.
    pub id: String,
    /// Other ids that also land on the heading (GitHub/GitLab forms).
    pub aliases: Vec<String>,
    /// Plain text of the heading (inline code included, emoji kept).
    pub text: String,
}

/// The plain text of one part of the page, for the search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Index in `RenderedMarkdown::headings` of the heading opening the part; `None` for the
    /// text before the first heading.
    pub heading: Option<usize>,
    /// Plain text of the part, headings excluded, code included, whitespace collapsed.
    pub text: String,
}

/// The result of rendering one guide's Markdown.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Plain text of the first H1, if any (emoji kept).
    pub title: Option<String>,
    /// Plain text of the first top-level paragraph, if any.
    pub description: Option<String>,
    /// Plain text per section, in page order (empty sections left out).
    pub sections: Vec<Section>,
    /// Explicit `{#id}`s used twice in the page (the later ones were renamed `id-1`, …).
    pub duplicate_ids: Vec<String>,
    /// Ids declared in raw HTML (`<a name="x">`, `<h3 id="x">`): link targets too.
    pub anchors: Vec<String>,
    /// How many diagrams (```` ```mermaid ```` blocks) the page draws.
    pub diagrams: usize,
}
