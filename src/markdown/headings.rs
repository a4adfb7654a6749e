//! Heading ids, forge aliases and permalinks.
//!
//! `assign_ids` runs in four steps: 1. collect the headings (plain text, explicit `{#id}`),
//! 2. reserve the explicit ids, then give every other heading a French slug (`crate::slug`),
//! deduplicated with `-1`, `-2`, 3. compute the GitHub and GitLab forms of each heading and keep
//! those that differ from every id of the page as `span.heading-alias`, 4. replace the heading's
//! start and end events with HTML carrying the id, the aliases and the `a.anchor` permalink. A
//! page's outline (`outline_ids`) takes the first three; its HTML, later, the last (`apply_ids`).

use rustc_hash::{FxHashMap, FxHashSet};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::escape::escape_html;
use super::rendered::Heading;
use crate::slug::slugify;

/// The id given to a heading whose slug is empty (only emoji or punctuation).
const FALLBACK_ID: &str = "section";

/// One heading found in the events, before its id is known.
struct Found<'a> {
    start: usize,
    end: usize,
    level: u8,
    explicit: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    text: String,
}

/// Gives every heading its id and aliases; returns the rewritten events, the headings, and the
/// explicit `{#id}`s written more than once (each later one got a `-1` suffix).
pub(crate) fn assign_ids(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Heading>, Vec<String>) {
    let found = collect(&events);
    let (headings, duplicates) = identify(&found);
    (write_tags(events, &found, &headings), headings, duplicates)
}

/// What `assign_ids` gives but the rewritten events: the outline of a page, whose HTML is
/// written later (`apply_ids`), needs no tags.
pub(crate) fn outline_ids(events: &[Event<'_>]) -> (Vec<Heading>, Vec<String>) {
    identify(&collect(events))
}

/// `assign_ids` for a page whose headings are already known (its outline): the same tags, without
/// working the ids out again. Headings that do not match the events are worked out anyway.
pub(crate) fn apply_ids<'e>(events: Vec<Event<'e>>, known: &[Heading]) -> Vec<Event<'e>> {
    let found = collect(&events);
    if found.len() != known.len() || found.iter().zip(known).any(|(f, k)| f.level != k.level) {
        return assign_ids(events).0;
    }
    write_tags(events, &found, known)
}

/// Steps 2 and 3: the headings with their ids and aliases, and the explicit ids already taken.
fn identify(found: &[Found<'_>]) -> (Vec<Heading>, Vec<String>) {
    let (ids, duplicates) = canonical_ids(found);
    let aliases = forge_aliases(found, &ids);
    let headings = (found.iter().zip(ids).zip(aliases))
        .map(|((heading, id), aliases)| Heading {
            level: heading.level,
            id,
            aliases,
            text: heading.text.clone(),
        })
        .collect();
    (headings, duplicates)
}

/// Step 4: each heading's start and end events replaced with its tags.
fn write_tags<'e>(mut events: Vec<Event<'e>>, found: &[Found<'_>], headings: &[Heading]) -> Vec<Event<'e>> {
    for (heading, known) in found.iter().zip(headings) {
        events[heading.start] = Event::Html(open_tag(heading, &known.id, &known.aliases).into());
        events[heading.end] = Event::Html(close_tag(heading.level, &known.id).into());
    }
    events
}

fn collect<'a>(events: &[Event<'a>]) -> Vec<Found<'a>> {
    let mut found = Vec::new();
    let mut current: Option<Found<'a>> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                current = Some(Found {
                    start: i,
                    end: i,
                    level: *level as u8,
                    explicit: id.clone().filter(|id| !id.trim().is_empty()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut heading) = current.take() {
                    heading.end = i;
                    heading.text = heading.text.trim().to_string();
                    found.push(heading);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if let Some(heading) = current.as_mut() {
                    heading.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(heading) = current.as_mut() {
                    heading.text.push(' ');
                }
            }
            _ => {}
        }
    }
    found
}

/// Hands out unique ids: the wanted one if free, else `wanted-1`, `wanted-2`…
#[derive(Default)]
struct IdSet {
    used: FxHashSet<String>,
    next_suffix: FxHashMap<String, usize>,
}

impl IdSet {
    fn unique(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let next = self.next_suffix.entry(wanted.to_string()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Explicit ids first (they win), then the slugs in document order. Also returns the explicit
/// ids that were already taken.
fn canonical_ids(found: &[Found<'_>]) -> (Vec<String>, Vec<String>) {
    let mut set = IdSet::default();
    let mut duplicates = Vec::new();
    let mut ids: Vec<Option<String>> = found
        .iter()
        .map(|h| {
            h.explicit.as_ref().map(|id| {
                let unique = set.unique(id.trim());
                if unique != id.trim() {
                    duplicates.push(id.trim().to_string());
                }
                unique
            })
        })
        .collect();
    for (heading, id) in found.iter().zip(ids.iter_mut()) {
        if id.is_none() {
            let slug = slugify(&heading.text);
            let wanted = if slug.is_empty() { FALLBACK_ID } else { slug.as_str() };
            *id = Some(set.unique(wanted));
        }
    }
    (ids.into_iter().map(Option::unwrap_or_default).collect(), duplicates)
}

/// The GitHub and GitLab ids of each heading, kept when they clash with no other id.
fn forge_aliases(found: &[Found<'_>], ids: &[String]) -> Vec<Vec<String>> {
    let taken: FxHashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut github = ForgeSlugger::default();
    let mut trimmed = ForgeSlugger::default();
    let mut gitlab = ForgeSlugger::default();
    let mut given: FxHashSet<String> = FxHashSet::default();
    found
        .iter()
        .map(|heading| {
            // The text is stripped (`collect`): GitLab's form follows from GitHub's.
            let github_form = github_slug(&heading.text);
            let trimmed_form = github_form.trim_matches('-').to_string();
            let gitlab_form = gitlab_from_github(&github_form);
            let forms = [github.slug(github_form), trimmed.slug(trimmed_form), gitlab.slug(gitlab_form)];
            let mut aliases = Vec::new();
            for form in forms {
                if !form.is_empty() && !taken.contains(form.as_str()) && given.insert(form.clone()) {
                    aliases.push(form);
                }
            }
            // Kept with the outline to the end of a build: one or two forms, not the room for four.
            aliases.shrink_to_fit();
            aliases
        })
        .collect()
}

/// Deduplicates like the forges do: the second `causes` becomes `causes-1`.
#[derive(Default)]
struct ForgeSlugger {
    seen: FxHashMap<String, usize>,
}

impl ForgeSlugger {
    fn slug(&mut self, base: String) -> String {
        if base.is_empty() {
            return base;
        }
        let mut slug = base.clone();
        if let Some(count) = self.seen.get(&base).copied() {
            let mut count = count;
            loop {
                count += 1;
                slug = format!("{base}-{count}");
                if !self.seen.contains_key(&slug) {
                    break;
                }
            }
            self.seen.insert(base, count);
        }
        self.seen.insert(slug.clone(), 0);
        slug
    }
}

/// GitHub's form (github-slugger): lower case, keep letters, digits, marks, `-` and `_`, drop
/// the rest, each ASCII space becomes `-`, nothing collapsed: `🔧 Résolution : Erreur` →
/// `-résolution--erreur`.
pub(crate) fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            match c.to_ascii_lowercase() {
                ' ' => slug.push('-'),
                c if c.is_ascii_alphanumeric() || c == '-' || c == '_' => slug.push(c),
                _ => {}
            }
        } else {
            // No character outside ASCII lowers to a space, `-` or `_` (some lower to ASCII
            // letters: `K` the kelvin sign, `İ`).
            slug.extend(c.to_lowercase().filter(|&c| c.is_alphanumeric() || is_mark(c)));
        }
    }
    slug
}

/// GitLab's form (`string_to_anchor`: text stripped, lower case, punctuation dropped, spaces to
/// `-`, runs of `-` squeezed: `🔧 Résolution : Erreur` → `-résolution-erreur`) of a stripped
/// text, from GitHub's: both keep the same characters, GitLab squeezes runs of `-` and names an
/// id of digits alone `anchor-N`.
fn gitlab_from_github(github: &str) -> String {
    let mut slug = String::with_capacity(github.len());
    for c in github.chars() {
        if c == '-' && slug.ends_with('-') {
            continue;
        }
        slug.push(c);
    }
    if !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_digit()) {
        slug.insert_str(0, "anchor-");
    }
    slug
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

fn open_tag(heading: &Found<'_>, id: &str, aliases: &[String]) -> String {
    let mut html = format!("<h{} id=\"{}\"", heading.level, escape_html(id));
    if !heading.classes.is_empty() {
        let classes: Vec<&str> = heading.classes.iter().map(|c| c.as_ref()).collect();
        html.push_str(&format!(" class=\"{}\"", escape_html(&classes.join(" "))));
    }
    for (key, value) in &heading.attrs {
        if key.as_ref() == "id" || key.as_ref() == "class" || !is_attr_name(key) {
            continue;
        }
        html.push(' ');
        html.push_str(key);
        if let Some(value) = value {
            html.push_str(&format!("=\"{}\"", escape_html(value)));
        }
    }
    html.push('>');
    for alias in aliases {
        html.push_str(&format!("<span class=\"heading-alias\" id=\"{}\"></span>", escape_html(alias)));
    }
    html
}

fn is_attr_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
}

fn close_tag(level: u8, id: &str) -> String {
    format!(
        "<a class=\"anchor\" href=\"#{}\" aria-label=\"Lien permanent vers cette section\">#</a></h{level}>\n",
        escape_html(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    /// The forges' forms as first written, character by character from the rules.
    fn forge_slugs_by_rules(text: &str) -> (String, String) {
        let keep = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || is_mark(c);
        let mut github = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            if c == ' ' {
                github.push('-');
            } else if keep(c) {
                github.push(c);
            }
        }
        let mut gitlab = String::new();
        for c in text.trim().chars().flat_map(char::to_lowercase) {
            let c = if c == ' ' { '-' } else { c };
            if !(c == '-' && gitlab.ends_with('-')) && keep(c) {
                gitlab.push(c);
            }
        }
        if !gitlab.is_empty() && gitlab.bytes().all(|b| b.is_ascii_digit()) {
            gitlab.insert_str(0, "anchor-");
        }
        (github, gitlab)
    }

    proptest::proptest! {
        #[test]
        fn forge_slugs_follow_their_rules(text in "[ a-zA-Z0-9_\\-:.éÉ\u{212a}\u{130}\u{301}]{0,12}|\\PC{0,20}") {
            let (github, gitlab) = forge_slugs_by_rules(&text);
            proptest::prop_assert_eq!(github_slug(&text), github);
            proptest::prop_assert_eq!(gitlab_slug(&text), gitlab);
        }
    }

    fn gitlab_slug(text: &str) -> String {
        gitlab_from_github(&github_slug(text.trim()))
    }

    fn ids(markdown: &str) -> Vec<String> {
        Renderer::new().render(markdown).headings.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn french_ids_from_the_issue() {
        assert_eq!(
            ids("## 🔍 Causes\n\n### Solution 1 : Désactiver le Script Startup au Démarrage\n"),
            ["causes", "solution-1-desactiver-le-script-startup-au-demarrage"]
        );
    }

    #[test]
    fn unicode_spaces_are_separators() {
        assert_eq!(
            ids("## Erreur\u{202F}: mémoire\u{00A0}pleine\u{2003}ici\n"),
            ["erreur-memoire-pleine-ici"]
        );
    }

    #[test]
    fn repeats_get_numbered_suffixes() {
        assert_eq!(ids("## Causes\n## Causes\n## Causes\n"), ["causes", "causes-1", "causes-2"]);
    }

    #[test]
    fn explicit_id_wins_and_is_not_reused() {
        assert_eq!(ids("## Causes\n## Autre {#causes}\n## Causes\n"), ["causes-1", "causes", "causes-2"]);
        let html = Renderer::new().render("## Titre {#mon-id .large}\n").html;
        assert!(html.starts_with("<h2 id=\"mon-id\" class=\"large\">"), "{html}");
    }

    #[test]
    fn emoji_only_headings_fall_back_to_section() {
        assert_eq!(ids("## 🚀\n## 🔥\n"), ["section", "section-1"]);
    }

    #[test]
    fn forge_forms_of_a_french_heading() {
        assert_eq!(github_slug("🔧 Résolution : Erreur"), "-résolution--erreur");
        assert_eq!(gitlab_slug("🔧 Résolution : Erreur"), "-résolution-erreur");
        assert_eq!(gitlab_slug("2024"), "anchor-2024");
    }

    #[test]
    fn heading_markup_has_aliases_and_permalink() {
        let rendered = Renderer::new().render("# 🔧 Résolution : Erreur\n");
        let heading = &rendered.headings[0];
        assert_eq!(heading.id, "resolution-erreur");
        assert_eq!(heading.text, "🔧 Résolution : Erreur");
        assert_eq!(heading.aliases, ["-résolution--erreur", "résolution--erreur", "-résolution-erreur"]);
        assert_eq!(
            rendered.html,
            "<h1 id=\"resolution-erreur\"><span class=\"heading-alias\" id=\"-résolution--erreur\"></span>\
             <span class=\"heading-alias\" id=\"résolution--erreur\"></span>\
             <span class=\"heading-alias\" id=\"-résolution-erreur\"></span>\
             🔧 Résolution : Erreur<a class=\"anchor\" href=\"#resolution-erreur\" \
             aria-label=\"Lien permanent vers cette section\">#</a></h1>\n"
        );
    }

    #[test]
    fn aliases_equal_to_an_id_are_dropped() {
        let rendered = Renderer::new().render("## Causes\n");
        assert!(rendered.headings[0].aliases.is_empty());
        assert!(!rendered.html.contains("heading-alias"));
    }

    #[test]
    fn heading_text_includes_inline_code() {
        let rendered = Renderer::new().render("### Le fichier `render.yaml`\n");
        assert_eq!(rendered.headings[0].text, "Le fichier render.yaml");
        assert_eq!(rendered.headings[0].id, "le-fichier-render-yaml");
    }

    #[test]
    fn a_hundred_thousand_headings() {
        let markdown = "## Même titre\n".repeat(100_000);
        let headings = Renderer::new().render(&markdown).headings;
        assert_eq!(headings.len(), 100_000);
        assert_eq!(headings[99_999].id, "meme-titre-99999");
    }
}
