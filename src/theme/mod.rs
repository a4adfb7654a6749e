//! The theme: tera templates and static files, and the typed contexts pages are rendered with.
//!
//! The default theme is embedded in the binary, so a site needs no theme folder of its own.
//! `Theme::load` takes, in order of precedence: the site's `templates/`, then the theme folder
//! `themes/<name>/` of the site when it has one, then the embedded default. Files on disk are
//! read only where the publishing rule of `content::walk` lets them through.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub(crate) mod escape;
pub(crate) mod minify;

/// The default theme's search engine, and the two classic scripts terser made of it ahead of the
/// build (`scripts/minify-engine.sh`; `search::engine_scripts` uses them for that source only).
pub(crate) const DEFAULT_ENGINE_SOURCE: &str =
    include_str!("../../themes/default/static/assets/search-engine.mjs");
pub(crate) const MINIFIED_ENGINE: &str = include_str!("../../themes/default/minified/search-engine.js");
pub(crate) const MINIFIED_ON_DEMAND: &str = include_str!("../../themes/default/minified/search-on-demand.js");

use crate::content::walk::{self, SiteRoot};
use crate::error::{Diagnostic, Location};

/// The templates every theme provides, rendered by name.
pub const GUIDE_TEMPLATE: &str = "guide.html";
pub const SECTION_TEMPLATE: &str = "section.html";
pub const HOME_TEMPLATE: &str = "home.html";
pub const NOT_FOUND_TEMPLATE: &str = "404.html";

/// The embedded default theme: (path inside the theme folder, contents).
const DEFAULT_THEME: &[(&str, &str)] = &[
    ("templates/base.html", include_str!("../../themes/default/templates/base.html")),
    ("templates/guide.html", include_str!("../../themes/default/templates/guide.html")),
    ("templates/section.html", include_str!("../../themes/default/templates/section.html")),
    ("templates/home.html", include_str!("../../themes/default/templates/home.html")),
    ("templates/404.html", include_str!("../../themes/default/templates/404.html")),
    ("templates/_breadcrumb.html", include_str!("../../themes/default/templates/_breadcrumb.html")),
    ("templates/_children.html", include_str!("../../themes/default/templates/_children.html")),
    ("templates/_toc.html", include_str!("../../themes/default/templates/_toc.html")),
    ("templates/_toc_entries.html", include_str!("../../themes/default/templates/_toc_entries.html")),
    ("templates/_backlinks.html", include_str!("../../themes/default/templates/_backlinks.html")),
    ("templates/_page_meta.html", include_str!("../../themes/default/templates/_page_meta.html")),
    ("templates/_live_reload.html", include_str!("../../themes/default/templates/_live_reload.html")),
    ("static/assets/carnet.css", include_str!("../../themes/default/static/assets/carnet.css")),
    ("static/assets/carnet.js", include_str!("../../themes/default/static/assets/carnet.js")),
    ("static/assets/search.js", include_str!("../../themes/default/static/assets/search.js")),
    ("static/assets/search-engine.mjs", DEFAULT_ENGINE_SOURCE),
    ("static/assets/diagrams.js", include_str!("../../themes/default/static/assets/diagrams.js")),
    ("static/assets/favicon.svg", include_str!("../../themes/default/static/assets/favicon.svg")),
    (
        "static/assets/mermaid/mermaid.min.js",
        include_str!("../../themes/default/static/assets/mermaid/mermaid.min.js"),
    ),
    ("static/assets/mermaid/LICENSE", include_str!("../../themes/default/static/assets/mermaid/LICENSE")),
];

/// Everything a page template sees.
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteView,
    pub page: PageView,
    /// True only under `carnet serve`: the template adds the live-reload script.
    pub live_reload: bool,
}

/// Site-wide values, the same for every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Absolute base URL with a trailing slash, when configured.
    pub base_url: Option<String>,
    /// Asset paths relative to the site root (prefix them with `page.root`).
    pub assets: AssetPaths,
    /// The icon every page declares, from the site root: the site's `static/favicon.*`, else
    /// the theme's.
    pub favicon: String,
    /// The preview image of links shared elsewhere (`og_image` of carnet.toml): an absolute URL,
    /// or a path from the site root.
    pub og_image: Option<String>,
}

/// Paths from the site root of the files every page loads. All but the manifest are
/// fingerprinted (`site::assets`): their names change with their contents.
#[derive(Debug, Clone, Serialize)]
pub struct AssetPaths {
    pub stylesheet: String,
    pub script: String,
    /// Script defining `window.CARNET_NAV`, the sidebar tree, shared by every page.
    pub nav_script: String,
    /// The search box's script; it loads the engine and the index on demand.
    pub search_script: String,
    /// The query engine as a classic script (`window.CarnetSearch`).
    pub search_engine: String,
    /// The index manifest, at a fixed address: it names the folder of the index shards.
    pub search_manifest: String,
    /// The diagram library (mermaid), loaded only by pages with a diagram.
    pub diagram_library: String,
    /// The script drawing a page's diagrams with it.
    pub diagram_script: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Home,
    Section,
    Guide,
    NotFound,
}

/// One page. Every URL in it is already relative to the page itself (or absolute for 404.html).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageView {
    pub kind: PageKind,
    pub title: String,
    pub description: String,
    /// The page's path from the site root: `""` for the home page, `dossier/mon-guide/`.
    pub path: String,
    /// Prefix that leads from this page back to the site root: `""`, `../`, `../../`,
    /// or the absolute base path (`/`, `/docs/`) for 404.html, which hosts serve at any depth.
    pub root: String,
    /// Absolute URL of the page when `base_url` is set.
    pub canonical: Option<String>,
    /// The rendered Markdown.
    pub content: String,
    /// Whether `content` starts with its own H1 (else the template writes the title).
    pub has_h1: bool,
    /// Whether `content` has diagrams: the page loads the diagram library and script.
    pub has_diagram: bool,
    /// "Sur cette page": the page's headings, each with the headings under it (`pages::toc`).
    pub toc: Vec<TocEntry>,
    /// The same as the items of a `<ul>` (`TocEntry::list_html`), which the default theme writes
    /// as it is: a list built by a template macro costs tera several lookups per heading.
    pub toc_html: String,
    /// From the home page down to the parent of this page.
    pub breadcrumb: Vec<Link>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// Home and section pages: the guides and sub-sections they list.
    pub children: Vec<ListItem>,
    /// "Pages qui renvoient ici": the guides linking to this one.
    pub backlinks: Vec<Backlink>,
    /// The same as the items of a `<ul>` (`Backlink::list_html`), which the default theme writes
    /// as it is: a guide linked from many others cost tera four lookups per link.
    pub backlinks_html: String,
    /// The source file, relative to the content folder (empty for generated pages).
    pub source: String,
    /// The date of the guide's front matter, `YYYY-MM-DD`: its last update (`lastmod`,
    /// `last_modified_at`…) when written, else its `date`. The default theme does not show it.
    pub date: Option<String>,
    /// The guide's front matter keys carnet does not read, with their values: `page.extra.tags`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// What git says about the guide (`site::history`).
    pub git: PageGit,
}

/// A guide's last update and its links on the forge, from git; empty outside a repository.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PageGit {
    /// `3 novembre 2025`.
    pub updated: Option<String>,
    /// `2025-11-03`.
    pub updated_iso: Option<String>,
    /// "Modifier cette page": the forge's editor for the guide's file.
    pub edit_url: Option<String>,
    /// "Signaler un problème": a new issue, titled after the guide.
    pub report_url: Option<String>,
}

/// A guide that links to the page, with the heading of the section the link stands in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Backlink {
    pub title: String,
    /// Relative URL of the linking guide, at that section.
    pub url: String,
    pub section: Option<String>,
}

impl Backlink {
    /// The `<li>` items of `backlinks`, escaped as tera escapes: what the loop of the default
    /// theme's `_backlinks.html` wrote, byte for byte (an empty section is no section, as in tera).
    pub fn list_html(backlinks: &[Backlink]) -> String {
        let mut html = String::new();
        for link in backlinks {
            html.push_str("\n    <li><a href=\"");
            html.push_str(&link.url);
            html.push_str("\">");
            escape::push_escaped(&mut html, &link.title);
            html.push_str("</a>");
            if let Some(section) = link.section.as_deref().filter(|s| !s.is_empty()) {
                html.push_str(" <span class=\"backlink-section\">— ");
                escape::push_escaped(&mut html, section);
                html.push_str("</span>");
            }
            html.push_str("</li>");
        }
        html
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
    pub level: u8,
    pub children: Vec<TocEntry>,
}

impl TocEntry {
    /// The `<li>` items of `entries`, each heading's own under it in a `<ul>`, escaped as tera
    /// escapes: what the macro of `_toc_entries.html` writes, byte for byte.
    pub fn list_html(entries: &[TocEntry]) -> String {
        let mut html = String::new();
        push_items(entries, &mut html);
        html
    }
}

fn push_items(entries: &[TocEntry], html: &mut String) {
    for entry in entries {
        html.push_str("\n  <li><a href=\"#");
        escape::push_escaped(html, &entry.id);
        html.push_str("\">");
        escape::push_escaped(html, &entry.text);
        html.push_str("</a>");
        if !entry.children.is_empty() {
            html.push_str("\n    <ul>");
            push_items(&entry.children, html);
            html.push_str("\n    </ul>");
        }
        html.push_str("</li>");
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ListItem {
    pub title: String,
    pub url: String,
    pub description: String,
    pub is_section: bool,
    /// A folder's guides, listed in its card on a small site (`pages::FOLDER_CARD_GUIDES`).
    pub guides: Vec<Link>,
    /// How many more guides the folder has than `guides` lists.
    pub more: usize,
}

/// Compiled templates and the theme's static files.
pub struct Theme {
    tera: tera::Tera,
    /// Static files to copy to the output root: (relative path, contents). The embedded default
    /// theme's are borrowed from the binary: the diagram library alone is 5 MB, and most sites
    /// never publish it.
    pub static_files: Vec<(PathBuf, Cow<'static, [u8]>)>,
}

impl Theme {
    /// Loads and compiles the theme of the site at `root`. Every template error is returned at
    /// once (no theme then), with the warnings of the walk (files the publishing rule refused).
    pub fn load(root: &SiteRoot, theme_name: &str) -> (Option<Theme>, Vec<Diagnostic>) {
        let theme_dir = root.path().join("themes").join(theme_name);
        let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        let mut static_files = Vec::new();
        let mut notes = Vec::new();

        if theme_dir.is_dir() {
            if let Err(refused) = root.check_folder(&theme_dir) {
                return (None, vec![Diagnostic::error(Location::file(&theme_dir), refused.to_string())]);
            }
            read_templates(root, &theme_dir.join("templates"), &mut templates, &mut notes);
            read_static(root, &theme_dir.join("static"), &mut static_files, &mut notes);
        } else if theme_name == "default" {
            for (path, contents) in DEFAULT_THEME {
                if let Some(name) = path.strip_prefix("templates/") {
                    let shown = PathBuf::from("themes/default").join(path);
                    templates.insert(name.to_string(), (shown, contents.to_string()));
                } else if let Some(rel) = path.strip_prefix("static/") {
                    static_files.push((PathBuf::from(rel), Cow::Borrowed(contents.as_bytes())));
                }
            }
        } else {
            let message = format!("theme `{theme_name}` not found (looked for {})", theme_dir.display());
            return (None, vec![Diagnostic::error(Location::file(&theme_dir), message)]);
        }
        // The site's own templates override the theme's, name for name.
        read_templates(root, &root.path().join("templates"), &mut templates, &mut notes);
        if notes.iter().any(Diagnostic::is_error) {
            return (None, notes);
        }
        match compile(&templates) {
            Ok(tera) => (Some(Theme { tera, static_files }), notes),
            Err(mut errors) => {
                notes.append(&mut errors);
                (None, notes)
            }
        }
    }

    /// The page as UTF-8 bytes, as written to its file: tera's `render` would check the whole
    /// page is UTF-8 again to make a `String` of it, which the file does not need.
    pub fn render(&self, template: &str, context: &PageContext) -> Result<Vec<u8>, TemplateError> {
        let failed =
            |e: tera::Error| TemplateError { template: template.to_string(), chain: error_chain(&e) };
        // The page's content, and as much again for the theme around it.
        let mut page = Vec::with_capacity(2 * context.page.content.len() + 8192);
        let context = tera::Context::from_serialize(context).map_err(failed)?;
        self.tera.render_to(template, &context, &mut page).map_err(failed)?;
        Ok(page)
    }
}

/// A template that failed on a page: its name and tera's chain of causes, on one line.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{chain}")]
pub struct TemplateError {
    pub template: String,
    pub chain: String,
}

/// The `*.html` files of `dir` itself (not of its sub-folders) that the publishing rule lets
/// through, by name.
fn read_templates(
    root: &SiteRoot,
    dir: &Path,
    templates: &mut BTreeMap<String, (PathBuf, String)>,
    notes: &mut Vec<Diagnostic>,
) {
    let listing = walk::list(root, dir, Some(1));
    notes.extend(listing.diagnostics);
    for found in listing.files {
        if found.path.extension().is_some_and(|ext| ext == "html") {
            match std::fs::read_to_string(&found.path) {
                Ok(text) => {
                    let name = found.rel.to_string_lossy().into_owned();
                    templates.insert(name, (found.path, text));
                }
                Err(err) => notes.push(Diagnostic::error(Location::file(&found.path), err.to_string())),
            }
        }
    }
}

/// The theme's static files that the publishing rule lets through: (path in `dir`, contents).
fn read_static(
    root: &SiteRoot,
    dir: &Path,
    files: &mut Vec<(PathBuf, Cow<'static, [u8]>)>,
    notes: &mut Vec<Diagnostic>,
) {
    let listing = walk::list(root, dir, None);
    notes.extend(listing.diagnostics);
    for found in listing.files {
        match std::fs::read(&found.path) {
            Ok(bytes) => files.push((found.rel, Cow::Owned(bytes))),
            Err(err) => notes.push(Diagnostic::error(Location::file(&found.path), err.to_string())),
        }
    }
}

/// Compiles all templates, reporting each broken one with its file, line and column.
fn compile(templates: &BTreeMap<String, (PathBuf, String)>) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // Parse each template alone first, so that every syntax error is reported with its file;
    // parents and imported macros are checked below, once every template is loaded.
    for (name, (path, text)) in templates {
        if let Err(err) = tera::Template::new(name, None, text) {
            let err = tera::Error::chain(format!("Failed to parse '{name}'"), err);
            errors.push(template_diagnostic(path, text, &err));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape::escape_html);
    let all = templates.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()));
    if let Err(err) = tera.add_raw_templates(all) {
        // Errors across templates (a missing parent, a macro import): name the template.
        let message = error_chain(&err);
        let path = templates
            .iter()
            .find(|(name, _)| message.contains(name.as_str()))
            .map(|(_, (path, _))| path.clone())
            .unwrap_or_else(|| PathBuf::from("templates"));
        return Err(vec![Diagnostic::error(Location::file(path), message)]);
    }
    Ok(tera)
}

/// Tera's parse errors carry ` --> line:col` and `= expected …` lines; turn them into a location
/// with the source line and a one-line message.
fn template_diagnostic(path: &Path, text: &str, err: &tera::Error) -> Diagnostic {
    let chain = error_chain(err);
    let position = chain.find("--> ").and_then(|start| {
        let rest = &chain[start + 4..];
        let end = rest.find(|c: char| !c.is_ascii_digit() && c != ':').unwrap_or(rest.len());
        let (line, col) = rest[..end].split_once(':')?;
        Some((line.parse::<usize>().ok()?, col.parse::<usize>().ok()?))
    });
    let head = chain.split(" --> ").next().unwrap_or(&chain).trim().trim_end_matches(':');
    let detail = chain.lines().find_map(|l| l.trim().strip_prefix("= ")).unwrap_or("");
    let message = if detail.is_empty() { head.to_string() } else { format!("{head}: {detail}") };
    let location = match position {
        Some((line, col)) if line > 0 => Location {
            path: path.to_path_buf(),
            line: Some(line),
            col: Some(col),
            source_line: text.lines().nth(line - 1).map(str::to_string),
        },
        _ => Location::file(path),
    };
    Diagnostic::error(location, message)
}

/// Tera nests the useful message in `source()`; join the chain.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Backlink::list_html` against the loop the default theme had, rendered by tera: escapes,
    /// a link without section and one with an empty section (falsy in tera).
    #[test]
    fn backlinks_html_is_what_the_template_loop_wrote() {
        let link = |title: &str, url: &str, section: Option<&str>| Backlink {
            title: title.into(),
            url: url.into(),
            section: section.map(str::to_string),
        };
        let links = [
            link("Erreur <OOM> & \"mémoire\" d'été", "../a/#x-1", Some("Étape 1 : « <b> »")),
            link("Sans section", "b/", None),
            link("Section vide", "../../c/", Some("")),
        ];
        let loop_template = "{%- for link in backlinks %}\n    <li><a href=\"{{ link.url | safe }}\">\
            {{ link.title }}</a>{% if link.section %} <span class=\"backlink-section\">— \
            {{ link.section }}</span>{% endif %}</li>\n  {%- endfor %}";
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template("loop.html", loop_template).unwrap();
        let mut context = tera::Context::new();
        context.insert("backlinks", &links);
        assert_eq!(Backlink::list_html(&links), tera.render("loop.html", &context).unwrap());
    }
}
