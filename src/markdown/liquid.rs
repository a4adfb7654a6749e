//! Links written with Liquid, the template language of Jekyll (and Grav's Twig, alike): what a
//! link's template says of the site root, and links whose destination holds a tag.
//!
//! `root_path` reads the expressions that only say "from the site root" (`{{ site.baseurl }}/x`,
//! `{% link x.md %}`, `{{ '/x' | relative_url }}`) as that path. Jekyll replaces the tags before it
//! reads the Markdown, but a CommonMark parser meets `[x]({% link _api/intro.md %})`, a destination
//! with spaces, and leaves the whole link as text: `plain_destinations` gives the parser the
//! guide with each such destination written as its path, padded with `./` segments to the same
//! length, so that every offset stays the guide's.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

/// Template expressions of other generators that only say "from the site root", as the site
/// root: Jekyll's `{{ site.baseurl }}/x` (and `{{ site.url }}`), `{% link x.md %}` (after those
/// too, and before an anchor), `{{ '/x' | relative_url }}`, Grav's `{{ base_url }}/x`. `None`
/// for anything else.
pub fn root_path(href: &str) -> Option<String> {
    if !is_template(href) {
        return None;
    }
    if let Some(inner) = href.strip_prefix("{{").and_then(|rest| rest.strip_suffix("}}")) {
        if !inner.contains("}}") {
            return filtered_path(inner);
        }
    }
    const ROOTS: [&str; 5] =
        ["site.baseurl", "site.url", "base_url", "base_url_relative", "base_url_absolute"];
    let mut rest = href;
    while let Some(after) = rest.strip_prefix("{{") {
        let (expression, tail) = after.split_once("}}")?;
        if !ROOTS.contains(&expression.trim()) {
            return None;
        }
        rest = tail;
    }
    if let Some(after) = rest.strip_prefix("{%") {
        let (tag, tail) = after.split_once("%}")?;
        let path = tag.trim().strip_prefix("link ")?.trim();
        return (!is_template(tail)).then(|| format!("/{}{tail}", path.trim_start_matches('/')));
    }
    (rest.len() < href.len() && !is_template(rest)).then(|| format!("/{}", rest.trim_start_matches('/')))
}

/// `'/x' | relative_url` (the inside of `{{ }}`): a quoted path through filters that only put
/// the site root before it.
fn filtered_path(inner: &str) -> Option<String> {
    let mut parts = inner.split('|').map(str::trim);
    let quoted = parts.next()?;
    let path = quoted.strip_prefix(['\'', '"']).and_then(|q| q.strip_suffix(['\'', '"']))?;
    let root_filters = ["relative_url", "absolute_url", "prepend: site.baseurl"];
    (parts.all(|filter| root_filters.contains(&filter)) && !is_template(path))
        .then(|| format!("/{}", path.trim_start_matches('/')))
}

/// A link made by a template language (`{{ page.url }}`, `{% post_url x %}`): not a path.
pub fn is_template(href: &str) -> bool {
    href.contains("{{") || href.contains("{%")
}

/// `markdown` with each inline link destination that starts with a Liquid tag and says a path
/// from the root (`root_path`) written as that path, padded to its length; `None` when there is
/// none. Code and raw HTML (as `options` parse them) are left as they are.
pub(super) fn plain_destinations(markdown: &str, options: Options) -> Option<String> {
    const OPENING: &str = "]({";
    // A whole guide: memchr's vectorised search, several times faster than `str::contains`.
    memchr::memmem::find(markdown.as_bytes(), OPENING.as_bytes())?;
    let kept = code_and_html(markdown, options);
    let mut plain: Option<String> = None;
    let mut from = 0;
    while let Some(found) = markdown[from..].find(OPENING) {
        let start = from + found + 2;
        from = start + 1;
        if kept.iter().any(|range| range.contains(&start)) {
            continue;
        }
        let Some(len) = destination_len(&markdown[start..]) else { continue };
        let Some(path) = root_path(&markdown[start..start + len]).and_then(|path| padded(&path, len)) else {
            continue;
        };
        plain.get_or_insert_with(|| markdown.to_string()).replace_range(start..start + len, &path);
        from = start + len;
    }
    plain
}

/// Where code spans, code blocks and raw HTML are in `markdown`.
fn code_and_html(markdown: &str, options: Options) -> Vec<Range<usize>> {
    Parser::new_ext(markdown, options)
        .into_offset_iter()
        .filter(|(event, _)| {
            matches!(
                event,
                Event::Code(_)
                    | Event::Html(_)
                    | Event::InlineHtml(_)
                    | Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock)
            )
        })
        .map(|(_, range)| range)
        .collect()
}

/// The length of the destination that starts `text`: tags (`{{ … }}`, `{% … %}`, spaces allowed
/// inside) and other characters up to `)` or a space (before a title). `None` when a tag is not
/// closed on its line, or at parentheses or a line end, which this does not try to read.
fn destination_len(text: &str) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        if let Some(close) = ["{{", "{%"].iter().find(|open| rest.starts_with(**open)) {
            let closing = if *close == "{{" { "}}" } else { "%}" };
            let end = rest.find(closing)?;
            if rest[..end].contains('\n') {
                return None;
            }
            at += end + 2;
            continue;
        }
        match rest.chars().next()? {
            ')' | ' ' => return Some(at),
            '(' | '\n' | '\r' | '\t' => return None,
            c => at += c.len_utf8(),
        }
    }
    None
}

/// `path` (from the root, `/x`) written in exactly `len` bytes: `./` segments after the first
/// slash (and one more slash for an odd count), which a path from the root reads through.
fn padded(path: &str, len: usize) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let extra = len.checked_sub(path.len())?;
    if extra % 2 == 1 && extra < 3 {
        return None;
    }
    let mut padded = String::with_capacity(len);
    padded.push('/');
    padded.push_str(&"./".repeat(extra / 2));
    if extra % 2 == 1 {
        padded.push('/');
    }
    padded.push_str(rest);
    Some(padded)
}

/// A destination as `plain_destinations` padded it, without its padding (`/./././x` → `/x`), to
/// name it in a message; any other destination as it is.
pub fn unpadded(dest: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = dest.strip_prefix("/./") else { return dest.into() };
    let rest = rest.trim_start_matches("./");
    format!("/{}", rest.strip_prefix('/').unwrap_or(rest)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_tag_after_the_root_and_before_an_anchor_is_its_path() {
        for (href, path) in [
            ("{{ site.baseurl }}{% link _api/intro.md %}", Some("/_api/intro.md")),
            (
                "{{ site.baseurl }}{% link _moissonnage/intro.md %}#filtrage",
                Some("/_moissonnage/intro.md#filtrage"),
            ),
            ("{% link x.md %}#a", Some("/x.md#a")),
            ("{% link x.md %}{{ page.anchor }}", None),
            ("{{ site.baseurl }}{% post_url 2024-01-01-x %}", None),
        ] {
            assert_eq!(root_path(href).as_deref(), path, "{href}");
        }
    }

    #[test]
    fn a_destination_with_a_link_tag_becomes_its_path_at_the_same_offsets() {
        // etalab/doc.data.gouv.fr (MIT), articles/_jeux-de-donnees/demander-a-datagouvfr-de-moisonner-votre-site.md
        let line = "Consultez [la section dédié de la documentation de moissonnage]({{ site.baseurl }}{% link _moissonnage/intro.md %}#filtrage) ainsi que [le reste](autre.md).";
        let plain = plain_destinations(line, Options::all()).unwrap();
        assert_eq!(plain.len(), line.len());
        let start = line.find("{{").unwrap();
        let end = line.find("#filtrage").unwrap();
        assert_eq!(&plain[..start], &line[..start]);
        assert_eq!(&plain[end..], &line[end..]);
        let written = &plain[start..end];
        assert!(written.starts_with("/./") && written.ends_with("/_moissonnage/intro.md"), "{written}");
        let events: Vec<Event> = Parser::new(&plain).collect();
        let link = events.iter().find_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        });
        assert_eq!(link.as_deref(), Some(&plain[start..end + "#filtrage".len()]));
    }

    #[test]
    fn code_html_titles_and_other_templates_are_left_as_they_are() {
        let kept = [
            "Écrivez `[x]({% link a.md %})` dans la page.",
            "```\n[x]({% link a.md %})\n```\n",
            "<div>\n[x]({% link a.md %})\n</div>\n",
            "[x]({{ page.url }})",
            "[x]({% link a\nb.md %})",
        ];
        for text in kept {
            assert_eq!(plain_destinations(text, Options::all()), None, "{text}");
        }
        let titled = plain_destinations("[x]({% link a.md %} \"Titre\")", Options::all()).unwrap();
        assert!(titled.starts_with("[x](/././") && titled.ends_with("/a.md \"Titre\")"), "{titled}");
    }

    #[test]
    fn padding_keeps_the_length_and_the_path() {
        for extra in [0, 2, 3, 4, 9, 10] {
            let padded = padded("/a/b.md", 7 + extra).unwrap();
            assert_eq!(padded.len(), 7 + extra);
            let parts: Vec<&str> = padded.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
            assert_eq!(parts, ["a", "b.md"], "{padded}");
            assert!(!padded.starts_with("//"));
        }
        assert_eq!(padded("/a", 3), None);
        assert_eq!(unpadded(&padded("/a/b.md#c", 20).unwrap()), "/a/b.md#c");
        assert_eq!(unpadded(&padded("/a/b.md", 16).unwrap()), "/a/b.md");
        assert_eq!(unpadded("../x.md"), "../x.md");
        assert_eq!(padded("a", 5), None);
    }
}
