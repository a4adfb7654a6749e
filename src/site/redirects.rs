//! Redirects for renamed guides: each old name (front matter `aliases`, or the `[redirects]`
//! table of `carnet.toml`) gets a small page at its old URL that sends the reader on (meta
//! refresh, canonical link, and a plain link for readers without automatic redirects).
//!
//! `plan` turns old names into (old path → target path) pairs and reports collisions with real
//! pages; `page_html` writes one redirect page.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::tree::SiteTree;
use super::urls::relative_url;
use crate::error::{Diagnostic, Kind, Location};
use crate::slug::slugify;

/// One redirect: from an old path to a page of the site (both from the site root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub title: String,
}

/// The URL path an old name stood for: an old guide file (`GUIDE_ANCIEN.md`,
/// `dossier/Ancien.md`) maps the way guides map; anything else is an old URL path, a folder
/// (`ancien/`, `ancien/index.html`) or, ending in `.html`, a file (`2017/ancien.html`, as
/// Jekyll's `redirect_from` writes them: the redirect page is that file, not a folder of it).
pub fn old_path(name: &str) -> Option<String> {
    let name = name.trim().trim_start_matches('/');
    let file = !name.ends_with("index.html") && name.to_ascii_lowercase().ends_with(".html");
    let segments: Vec<String> = match name.strip_suffix(".md").or_else(|| name.strip_suffix(".MD")) {
        Some(file) => file.split('/').map(slugify).collect(),
        None => name
            .trim_end_matches("index.html")
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    };
    if segments.is_empty() || segments.iter().any(|s| s.is_empty() || s == ".." || s == ".") {
        return None;
    }
    Some(if file { segments.join("/") } else { format!("{}/", segments.join("/")) })
}

/// Source of a redirect, for messages: the guide declaring the alias, or carnet.toml.
pub struct Declared<'a> {
    pub alias: &'a str,
    pub target: String,
    pub title: String,
    pub declared_in: PathBuf,
    /// Written for another generator (`redirect_from`, Grav's `routes.aliases`): an old address
    /// that is the page's own, or that another guide claims too (the translations of a Grav page
    /// share theirs), is skipped; one that is another page's is only a warning.
    pub lenient: bool,
}

/// Checks and orders the redirects; old paths that are real pages or claimed twice are errors
/// (warnings for those written for another generator, see `Declared::lenient`).
pub fn plan(declared: Vec<Declared>, tree: &SiteTree) -> (Vec<Redirect>, Vec<Diagnostic>) {
    let pages: std::collections::HashSet<&str> =
        tree.reading_order.iter().map(|&p| tree.page_path(p)).collect();
    let mut planned: BTreeMap<String, (Redirect, PathBuf)> = BTreeMap::new();
    let mut errors = Vec::new();
    for d in declared {
        let problem = |message: String| {
            let location = Location::file(&d.declared_in);
            let found = if d.lenient {
                Diagnostic::warning(location, message)
            } else {
                Diagnostic::error(location, message)
            };
            found.of_kind(Kind::Redirect)
        };
        let Some(from) = old_path(d.alias) else {
            if !d.lenient {
                errors.push(problem(format!("alias `{}` is not a path or a guide file name", d.alias)));
            }
            continue;
        };
        if d.lenient && from == d.target {
            continue;
        }
        if pages.contains(from.as_str()) {
            errors.push(problem(format!("alias `{}` is the address of an existing page (/{from})", d.alias)));
            continue;
        }
        if let Some((other, first)) = planned.get(&from) {
            if other.to != d.target && !d.lenient {
                let message = format!(
                    "/{from} is redirected twice: to /{} (in {}) and to /{}",
                    other.to,
                    first.display(),
                    d.target
                );
                errors.push(problem(message));
            }
            continue;
        }
        planned.insert(from.clone(), (Redirect { from, to: d.target, title: d.title }, d.declared_in));
    }
    (planned.into_values().map(|(r, _)| r).collect(), errors)
}

/// The page left at an old address.
pub fn page_html(redirect: &Redirect, base_url: Option<&str>) -> String {
    let target = relative_url(&redirect.from, &redirect.to);
    let canonical = base_url.map_or_else(|| target.clone(), |base| format!("{base}{}", redirect.to));
    let title = escape(&redirect.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n\
         <p>Ce guide a changé d'adresse : <a href=\"{target}\">{title}</a>.</p>\n</body>\n</html>\n",
        canonical = escape(&canonical),
        target = escape(&target),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_names_map_like_guides_or_stay_paths() {
        assert_eq!(old_path("GUIDE_ANCIEN.md").as_deref(), Some("guide-ancien/"));
        assert_eq!(old_path("dossier/Été Chaud.md").as_deref(), Some("dossier/ete-chaud/"));
        assert_eq!(old_path("/ancien/chemin/").as_deref(), Some("ancien/chemin/"));
        assert_eq!(old_path("ancien/index.html").as_deref(), Some("ancien/"));
        assert_eq!(old_path("/2017/12/08/alpha1.html").as_deref(), Some("2017/12/08/alpha1.html"));
        assert_eq!(old_path("startups/portail.rse.HTML").as_deref(), Some("startups/portail.rse.HTML"));
        assert_eq!(old_path("../hors/"), None);
        assert_eq!(old_path("/"), None);
    }

    #[test]
    fn old_addresses_of_other_generators_give_way_and_only_warn() {
        let guides: crate::content::PerGuide<_> = ["a.md", "b.md"]
            .iter()
            .map(|rel| super::super::tree::GuideInfo { rel: (*rel).into(), weight: 0, slug: None })
            .collect();
        let mut tree = SiteTree::build(&guides, "Docs").unwrap();
        tree.order(&guides, |g| ["A", "B"][g.index()]);
        let declared = |alias: &'static str, target: &str, lenient: bool| Declared {
            alias,
            target: target.into(),
            title: String::new(),
            declared_in: "x.md".into(),
            lenient,
        };
        let (planned, problems) = plan(
            vec![
                declared("/ancien/", "a/", false),
                declared("/ancien/", "b/", true),
                declared("/a/", "a/", true),
                declared("/b/", "a/", true),
                declared("/", "a/", true),
                declared("/vieux/", "b/", true),
            ],
            &tree,
        );
        let planned: Vec<(&str, &str)> = planned.iter().map(|r| (r.from.as_str(), r.to.as_str())).collect();
        assert_eq!(planned, [("ancien/", "a/"), ("vieux/", "b/")]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            !problems[0].is_error()
                && problems[0].message.contains("`/b/` is the address of an existing page")
        );
        let (_, problems) = plan(vec![declared("/b/", "a/", false), declared("/", "a/", false)], &tree);
        assert!(problems.iter().all(Diagnostic::is_error) && problems.len() == 2);
    }

    #[test]
    fn redirect_page_refreshes_to_the_target_relatively() {
        let redirect =
            Redirect { from: "ancien/guide/".into(), to: "nouveau/".into(), title: "Nouveau <guide>".into() };
        let html = page_html(&redirect, None);
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=../../nouveau/\">"), "{html}");
        assert!(html.contains("<a href=\"../../nouveau/\">Nouveau &lt;guide&gt;</a>"));
        let html = page_html(&redirect, Some("https://docs.example.org/"));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://docs.example.org/nouveau/\">"));
    }
}
