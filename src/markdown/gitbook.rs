//! GitBook's block tags, as its Git Sync writes them into the Markdown of a space:
//!
//! ```text
//! {% hint style="warning" %}
//! Le jeton expire au bout d'une heure.
//! {% endhint %}
//! ```
//!
//! CommonMark reads them as paragraph text, and the line after the content (often the end of a
//! list item) as part of it. `rewrite` gives the parser another text instead, in the manner of
//! `admonitions`: each hint (`info`, `success`, `warning`, `danger`) and each tab of `{% tabs %}`
//! is a block quote made a callout (a tab is an open `<details>` titled with the tab's title),
//! its tag lines blank lines; `{% embed url="…" %}` is a link to the address, `{% file src="…" %}`
//! a link to the file, `{% openapi %}` a link to its specification; the tags that only lay out
//! (`{% tabs %}`, `{% stepper %}` and `{% step %}`, `{% content-ref %}`, `{% columns %}`…) are
//! blank lines, their content kept. Code blocks are left alone; an unknown tag stays as written.

use std::collections::HashMap;

use super::admonitions::{kind, next_fence, Admonition, Rewritten};

/// What one tag line becomes.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// Opens a callout.
    Open(Admonition),
    /// Closes the callout opened last.
    Close,
    /// A blank line: the tag only lays its content out.
    Blank,
    /// Markdown written instead of the tag.
    Markdown(String),
}

/// Tags that only lay out their content, opening and closing.
const LAYOUT: [&str; 17] = [
    "tabs",
    "endtabs",
    "stepper",
    "endstepper",
    "step",
    "endstep",
    "content-ref",
    "endcontent-ref",
    "columns",
    "endcolumns",
    "column",
    "endcolumn",
    "endembed",
    "endfile",
    "endopenapi",
    "endopenapi-operation",
    "swagger-description",
];

/// The text to parse instead of `markdown`, or `None` when it has no GitBook block tag.
pub(crate) fn rewrite(markdown: &str) -> Option<Rewritten> {
    // A whole guide: memchr's vectorised search, several times faster than `str::contains`.
    memchr::memmem::find(markdown.as_bytes(), b"{%")?;
    let mut out = Rewritten {
        text: String::with_capacity(markdown.len()),
        admonitions: HashMap::new(),
        lines: Vec::new(),
    };
    let (mut depth, mut fence, mut offset, mut changed) = (0usize, None, 0, false);
    for line in markdown.split_inclusive('\n') {
        let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
        let start = out.text.len();
        let tag = if fence.is_none() { tag_line(line.trim()) } else { None };
        let is_tag = tag.is_some();
        let blank_prefix = |depth: usize| vec![">"; depth].join(" ");
        let (prefix, content) = match tag {
            Some(Line::Open(admonition)) => {
                out.admonitions.insert(start, admonition);
                depth += 1;
                (format!("{}>", "> ".repeat(depth - 1)), "")
            }
            Some(Line::Close) if depth > 0 => {
                depth -= 1;
                (blank_prefix(depth), "")
            }
            Some(Line::Blank) => (blank_prefix(depth), ""),
            Some(Line::Markdown(markdown)) => {
                // The whole line stands for the tag: every offset in it maps to the tag's start
                // (a link written longer than the tag must not point past the guide's text).
                let prefix = "> ".repeat(depth);
                out.lines.push((start, prefix.len() + markdown.len(), offset));
                out.text.push_str(&prefix);
                out.text.push_str(&markdown);
                out.text.push_str(ending);
                offset += line.len();
                changed = true;
                continue;
            }
            _ => {
                fence = next_fence(fence, line);
                let content = &line[..line.len() - ending.len()];
                let prefix = if content.trim().is_empty() { blank_prefix(depth) } else { "> ".repeat(depth) };
                (prefix, content)
            }
        };
        changed |= is_tag && content.is_empty();
        out.lines.push((start, prefix.len(), offset));
        out.text.push_str(&prefix);
        out.text.push_str(content);
        out.text.push_str(ending);
        offset += line.len();
    }
    changed.then_some(out)
}

/// What a line that is one block tag (`{% hint style="info" %}`) becomes; `None` for any other
/// line and for tags of other kinds.
fn tag_line(line: &str) -> Option<Line> {
    let inner = line.strip_prefix("{%")?.strip_suffix("%}")?.trim();
    if inner.contains("%}") {
        return None;
    }
    let (name, attributes) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let attribute = |key: &str| attribute(attributes, key);
    Some(match name {
        "hint" => {
            let (class, title) = kind(&attribute("style").unwrap_or_else(|| "info".into()));
            Line::Open(Admonition::new(class, Some(title.to_string()), None))
        }
        "tab" => {
            Line::Open(Admonition::new("note", Some(attribute("title").unwrap_or_default()), Some(true)))
        }
        "endhint" | "endtab" => Line::Close,
        "embed" => match attribute("url").filter(|url| is_address(url)) {
            Some(url) => Line::Markdown(format!("<{url}>")),
            None => Line::Blank,
        },
        "file" => {
            let src = attribute("src")?;
            let name = src.rsplit('/').next().unwrap_or(&src);
            let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy().replace(['[', ']'], "");
            Line::Markdown(format!("[{name}](<{src}>)"))
        }
        "openapi" => {
            let src = attribute("src").filter(|src| !src.contains(['<', '>']))?;
            let text = operation(attributes).unwrap_or_else(|| src.clone());
            Line::Markdown(format!("[{}](<{src}>)", text.replace(['[', ']'], "")))
        }
        // The operation of a specification named elsewhere: the line after it links to that.
        "openapi-operation" => match operation(attributes).filter(|text| !text.contains('`')) {
            Some(text) => Line::Markdown(format!("`{text}`")),
            None => Line::Blank,
        },
        name if LAYOUT.contains(&name) => Line::Blank,
        _ => return None,
    })
}

/// The operation an OpenAPI tag names, `GET /siret`, from its `method` and `path`.
fn operation(attributes: &str) -> Option<String> {
    let parts = [attribute(attributes, "method").map(|m| m.to_uppercase()), attribute(attributes, "path")];
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The value of `key="value"` (or single quotes) among a tag's attributes.
fn attribute(attributes: &str, key: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(at) = rest.find(key) {
        let before_ok = at == 0 || rest[..at].ends_with(char::is_whitespace);
        let after = rest[at + key.len()..].trim_start();
        if let (true, Some(value)) = (before_ok, after.strip_prefix('=')) {
            let value = value.trim_start();
            let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let end = value[1..].find(quote)?;
            return Some(value[1..1 + end].to_string());
        }
        rest = &rest[at + key.len()..];
    }
    None
}

/// An address a link can name as written: a scheme, no space nor angle bracket.
fn is_address(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && !url.contains([' ', '<', '>'])
}

#[cfg(test)]
mod tests {
    use crate::markdown::Renderer;

    fn html(markdown: &str) -> String {
        Renderer::new().render(markdown).html
    }

    #[test]
    fn a_hint_after_a_list_is_a_callout_around_the_list() {
        // After guides.data.gouv.fr, passemarche/parcours-acheteur (a GitBook space).
        let out = html(
            "{% hint style=\"info\" %}\nLorsque vous cliquez sur **« Finaliser »** :\n\n* la \
             configuration est enregistrée,\n* elle ne peut plus être modifiée.\n{% endhint %}\n\nAprès.\n",
        );
        assert!(!out.contains("{%"), "{out}");
        assert!(
            out.starts_with(
                "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Info</p>"
            ),
            "{out}"
        );
        let list_end = out.find("</ul>").unwrap();
        let callout_end = out.find("</div>").unwrap();
        assert!(list_end < callout_end && out[callout_end..].contains("<p>Après.</p>"), "{out}");
    }

    #[test]
    fn tabs_are_open_details_titled_with_their_titles() {
        let out = html(
            "{% tabs fullWidth=\"true\" %}\n{% tab title=\"Commande & marchés publics\" %}\nListe A\n{% endtab %}\n\n\
             {% tab title=\"Subventions\" %}\nListe B\n{% endtab %}\n{% endtabs %}\n",
        );
        assert!(!out.contains("{%"), "{out}");
        assert_eq!(out.matches("<details").count(), 2, "{out}");
        assert!(out.contains("Commande &amp; marchés publics</summary>"), "{out}");
        assert!(out.contains("<p>Liste B</p>"), "{out}");
    }

    #[test]
    fn embeds_files_and_openapi_are_links_layout_tags_go_code_stays() {
        let out = html(
            "{% embed url=\"https://www.youtube.com/watch?v=x\" %}\nLégende\n{% endembed %}\n\n\
             {% file src=\".gitbook/assets/Guide%20PDF.pdf\" %}\n\n\
             {% openapi src=\"https://x.org/api.yaml\" path=\"/siret\" method=\"get\" %}\n\
             [https://x.org/api.yaml](https://x.org/api.yaml)\n{% endopenapi %}\n\n\
             {% openapi-operation spec=\"datagouv-api\" path=\"/site/\" method=\"get\" %}\n\
             [OpenAPI datagouv-api](https://www.data.gouv.fr/api/1/swagger.json)\n{% endopenapi-operation %}\n\n\
             {% stepper %}\n{% step %}\n### Étape 1\n{% endstep %}\n{% endstepper %}\n\n\
             ```\n{% hint style=\"info\" %}\n```\n\n{% unknown %}\n",
        );
        assert!(
            out.contains(
                "<a href=\"https://www.youtube.com/watch?v=x\">https://www.youtube.com/watch?v=x</a>"
            ),
            "{out}"
        );
        assert!(out.contains("<a href=\".gitbook/assets/Guide%20PDF.pdf\">Guide PDF.pdf</a>"), "{out}");
        assert!(out.contains("<a href=\"https://x.org/api.yaml\">GET /siret</a>"), "{out}");
        assert!(
            out.contains(
                "<p><code>GET /site/</code>\n<a href=\"https://www.data.gouv.fr/api/1/swagger.json\">"
            ),
            "{out}"
        );
        assert!(out.contains("<h3 id=\"etape-1\">"), "{out}");
        assert!(out.contains("<span class=\"line\">{% hint style=\"info\" %}"), "code stays: {out}");
        assert!(out.contains("<p>{% unknown %}</p>"), "unknown tags stay: {out}");
    }
}
