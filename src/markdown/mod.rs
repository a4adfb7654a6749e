//! Markdown → HTML (placeholder, replaced by the rendering work of issue 2).
//!
//! Pure: no I/O. `Renderer` holds what is loaded once (syntect sets); `render` runs the passes.

/// A heading of the rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    /// The canonical id written on the heading.
    pub id: String,
    /// Other ids that also land on the heading (GitHub/GitLab forms).
    pub aliases: Vec<String>,
    /// Plain text of the heading (emoji kept).
    pub text: String,
}

/// The result of rendering one guide's Markdown.
#[derive(Debug, Clone, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Plain text of the first H1, if any.
    pub title: Option<String>,
    /// Plain text of the first paragraph, if any.
    pub description: Option<String>,
}

/// Renders Markdown; built once per build and shared by the threads.
pub struct Renderer {}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        Renderer {}
    }

    pub fn render(&self, markdown: &str) -> RenderedMarkdown {
        let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::all());
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parser);
        RenderedMarkdown { html, ..Default::default() }
    }

    /// CSS for the highlighting classes, light and dark palettes.
    pub fn highlight_css(&self) -> String {
        String::new()
    }
}
