//! Admonitions as MkDocs (Python-Markdown, Material for MkDocs) writes them:
//!
//! ```text
//! !!! example "Exercice 1"
//!     Écrire une fonction récursive.
//!
//!     ??? success "Correction"
//!         ```python
//!         def f(n): ...
//!         ```
//! ```
//!
//! CommonMark reads the indented body as a code block. `rewrite` gives the parser another text
//! instead, where each admonition is a block quote (its body unindented, each line prefixed with
//! `> `) and remembers which block quotes are admonitions (`Rewritten::admonitions`, by offset
//! in the new text) and how each offset of the new text maps back to the guide's own text
//! (`Rewritten::original`), so that links and code still point at the right line and column.
//! `??? kind` is a closed `<details>`, `???+ kind` an open one; `"title"` replaces the kind's
//! French name, `""` leaves the title out.

use std::collections::HashMap;

use super::blocks::{callout_close, callout_open};
use super::escape::escape_html;

/// One admonition: the class of its callout, its title, and how it folds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admonition {
    class: &'static str,
    title: Option<String>,
    /// `None`: always open (`!!!`); `Some(open)`: a `<details>` (`???`, `???+`).
    folds: Option<bool>,
}

impl Admonition {
    /// A callout of `class` (`note`, `tip`…) with `title`, always open (`folds: None`) or a
    /// `<details>` open or not.
    pub(super) fn new(class: &'static str, title: Option<String>, folds: Option<bool>) -> Self {
        Admonition { class, title, folds }
    }

    pub(crate) fn open_html(&self) -> String {
        let title = self.title.as_deref().map(escape_keeping_tags);
        callout_open(self.class, title.as_deref(), self.folds)
    }

    pub(crate) fn close_html(&self) -> &'static str {
        callout_close(self.folds)
    }
}

/// A title as MkDocs shows it: its text escaped, its HTML tags kept (an anchor such as
/// `<i id="ex3"></i>` in a title is a link target).
fn escape_keeping_tags(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut rest = title;
    while let Some(open) = rest.find('<') {
        let tag_end = rest[open..].find('>').map(|i| open + i + 1);
        let is_tag = rest[open + 1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match tag_end.filter(|_| is_tag) {
            Some(end) => {
                out.push_str(&escape_html(&rest[..open]));
                out.push_str(&rest[open..end]);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&escape_html(&rest[..=open]));
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(&escape_html(rest));
    out
}

/// The text the parser reads instead of a guide that has admonitions.
#[derive(Debug)]
pub(crate) struct Rewritten {
    pub text: String,
    /// Block quotes that are admonitions, by the offset of the line in `text` that opens them.
    pub admonitions: HashMap<usize, Admonition>,
    /// Per line of `text`: (its offset, length of the prefix carnet added, offset in the
    /// guide of what follows the prefix).
    pub(super) lines: Vec<(usize, usize, usize)>,
}

impl Rewritten {
    /// The offset in the guide's own text of `offset` in `text`.
    pub(crate) fn original(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|&(start, _, _)| start <= offset).saturating_sub(1);
        let Some(&(start, prefix, original)) = self.lines.get(i) else { return offset };
        original + offset.saturating_sub(start + prefix)
    }
}

/// The kind's class and French title (Material for MkDocs' kinds and their aliases).
pub(super) fn kind(name: &str) -> (&'static str, &'static str) {
    match name.to_ascii_lowercase().as_str() {
        "abstract" | "summary" | "tldr" => ("note", "Résumé"),
        "info" | "todo" => ("note", "Info"),
        "tip" | "hint" => ("tip", "Astuce"),
        "success" | "check" | "done" => ("tip", "Réussite"),
        "question" | "help" | "faq" => ("note", "Question"),
        "warning" | "attention" => ("warning", "Attention"),
        "caution" => ("caution", "Prudence"),
        "failure" | "fail" | "missing" => ("caution", "Échec"),
        "danger" | "error" => ("caution", "Danger"),
        "bug" => ("caution", "Bogue"),
        "example" => ("note", "Exemple"),
        "quote" | "cite" => ("note", "Citation"),
        "important" => ("important", "Important"),
        _ => ("note", "Remarque"),
    }
}

/// Reads an admonition's first line (unindented): `!!! note`, `??? tip "Titre"`, `???+ danger ""`.
fn admonition(line: &str) -> Option<Admonition> {
    let (folds, rest) = if let Some(rest) = line.strip_prefix("!!!") {
        (None, rest)
    } else if let Some(rest) = line.strip_prefix("???+") {
        (Some(true), rest)
    } else {
        (Some(false), line.strip_prefix("???")?)
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    let name_end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
    let name = &rest[..name_end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let after = rest[name_end..].trim();
    let (class, french) = kind(name);
    let title = if after.is_empty() {
        Some(french.to_string())
    } else {
        let quoted = after.strip_prefix('"').and_then(|t| t.strip_suffix('"'))?;
        (!quoted.is_empty()).then(|| quoted.to_string())
    };
    Some(Admonition { class, title, folds })
}

/// Leading spaces of `line`, a tab counting to the next multiple of four.
fn indent(line: &str) -> (usize, usize) {
    let mut width = 0;
    for (bytes, c) in line.char_indices() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => return (width, bytes),
        }
    }
    (width, line.len())
}

/// The byte length of the indentation of `line` that makes up `width` columns.
fn bytes_of_indent(line: &str, width: usize) -> usize {
    let mut seen = 0;
    for (bytes, c) in line.char_indices() {
        if seen >= width {
            return bytes;
        }
        match c {
            ' ' => seen += 1,
            '\t' => seen += 4 - seen % 4,
            _ => return bytes,
        }
    }
    line.len()
}

/// Whether `text` has `!!!` or `???` (an admonition may start there): one pass that looks at
/// each `!` and `?` only, found many bytes at a time, where `contains("!!!")` walks the text with
/// a general substring search, on every guide twice.
fn has_marks(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'!', b'?', bytes).any(|at| bytes[at..].starts_with(&[bytes[at]; 3]))
}

/// The text to parse instead of `markdown`, or `None` when it has no admonition.
pub(crate) fn rewrite(markdown: &str) -> Option<Rewritten> {
    if !has_marks(markdown) {
        return None;
    }
    let lines: Vec<&str> = markdown.split_inclusive('\n').collect();
    let mut out = Rewritten {
        text: String::with_capacity(markdown.len() + 64),
        admonitions: HashMap::new(),
        lines: Vec::new(),
    };
    let mut depth = 0usize;
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        let (width, _) = indent(line);
        let blank = line.trim().is_empty();
        if blank {
            // A blank line stays inside when the admonition goes on after it.
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            let continues = next.map_or(0, |l| indent(l).0 / 4);
            depth = depth.min(continues);
        } else if fence.is_none() {
            depth = depth.min(width / 4);
        }
        let removed = bytes_of_indent(line, depth * 4);
        let content = &line[removed..];
        let prefix = if blank { vec![">"; depth].join(" ") } else { "> ".repeat(depth) };
        let start = out.text.len();
        if blank {
            out.lines.push((start, prefix.len(), offset + line.trim_end_matches(['\n', '\r']).len()));
            out.text.push_str(&prefix);
            out.text.push_str(&line[line.trim_end_matches(['\n', '\r']).len()..]);
        } else {
            let at_depth = indent(content).0 == 0;
            let opened = (fence.is_none() && at_depth).then(|| admonition(content.trim_end())).flatten();
            match opened {
                Some(admonition) => {
                    out.admonitions.insert(start, admonition);
                    let prefix = format!("{}>", "> ".repeat(depth));
                    out.lines.push((start, prefix.len(), offset + removed));
                    out.text.push_str(&prefix);
                    out.text.push_str(&content[content.trim_end_matches(['\n', '\r']).len()..]);
                    depth += 1;
                }
                None => {
                    fence = next_fence(fence, content);
                    out.lines.push((start, prefix.len(), offset + removed));
                    out.text.push_str(&prefix);
                    out.text.push_str(content);
                }
            }
        }
        offset += line.len();
    }
    (!out.admonitions.is_empty()).then_some(out)
}

/// The code fence open after `line`: opened by ```` ``` ```` or `~~~`, closed by the same
/// character at least as many times.
pub(super) fn next_fence(open: Option<(char, usize)>, line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start();
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
    let count = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
    // CommonMark: the info string of a backtick fence holds no backtick (```` ```a``` ```` is code).
    let info = marker.map_or("", |m| &trimmed[count * m.len_utf8()..]);
    match (open, marker) {
        (None, Some(m)) if count >= 3 && !(m == '`' && info.contains('`')) => Some((m, count)),
        (Some((m, n)), Some(c)) if c == m && count >= n && trimmed.trim_end().chars().all(|x| x == m) => None,
        (open, _) => open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Renderer;

    #[test]
    fn three_marks_in_a_row_are_found_anywhere() {
        assert!(has_marks("!!! note"));
        assert!(has_marks("a ! b !! c !!!"));
        assert!(has_marks("é??? "));
        assert!(has_marks("?? ! ?!? ???"));
        assert!(!has_marks("a ! b !! c ?!! !?!"));
        assert!(!has_marks("??"));
        assert!(!has_marks("!!?"));
        assert!(!has_marks(""));
    }

    fn html(markdown: &str) -> String {
        Renderer::new().render(markdown).html
    }

    #[test]
    fn first_lines() {
        let a = admonition("!!! example \"Exercice 1\"").unwrap();
        assert_eq!((a.class, a.title.as_deref(), a.folds), ("note", Some("Exercice 1"), None));
        let a = admonition("??? success \"Correction\"").unwrap();
        assert_eq!((a.class, a.folds), ("tip", Some(false)));
        assert_eq!(admonition("???+ warning").unwrap().title.as_deref(), Some("Attention"));
        assert_eq!(admonition("!!! note \"\"").unwrap().title, None);
        assert_eq!(admonition("!!!important"), None);
        assert_eq!(admonition("??? pourquoi pas ?"), None);
        assert_eq!(admonition("!!! note Titre sans guillemets"), None);
    }

    #[test]
    fn an_admonition_is_a_callout_with_its_body_as_markdown() {
        let out = html("!!! example \"Exercice 1\"\n    Écrire une fonction **récursive**.\n\n    - un\n    - deux\n\nAprès.\n");
        assert_eq!(
            out,
            "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Exercice 1</p>\n\
             <p>Écrire une fonction <strong>récursive</strong>.</p>\n<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n\
             </div>\n<p>Après.</p>\n"
        );
    }

    #[test]
    fn nested_foldable_admonitions_keep_their_code() {
        let out = html(
            "!!! example \"Exercice\"\n    Énoncé.\n\n    ??? success \"Correction\"\n        ```python\n        def f(n):\n            return n\n        ```\n",
        );
        assert!(out.contains("<details class=\"callout callout-tip\">\n<summary class=\"callout-title\">Correction</summary>"), "{out}");
        assert!(out.contains("<span class=\"line\">    <span class=\"k\">return</span> n"), "{out}");
        assert!(out.trim_end().ends_with("</details>\n</div>"), "{out}");
        assert!(!out.contains("!!!") && !out.contains("???"), "{out}");
    }

    #[test]
    fn titles_keep_their_tags_and_escape_their_text() {
        assert_eq!(
            escape_keeping_tags("Exercice <i id=\"ex3\"></i> & a < b"),
            "Exercice <i id=\"ex3\"></i> &amp; a &lt; b"
        );
        let rendered = Renderer::new().render("!!! example \"Exercice <i id=\"ex3\"></i>\"\n    x\n");
        assert!(
            rendered.html.contains("<p class=\"callout-title\">Exercice <i id=\"ex3\"></i></p>"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn admonition_markers_in_code_or_text_stay() {
        let out = html("```\n!!! note\n    x\n```\n\nQuoi ??? Rien !!! vraiment.\n");
        assert!(!out.contains("callout"), "{out}");
        // Inline code written with three backticks opens no fence: what follows is read.
        let out = html("```(a, b)```\n\n!!! note\n    x\n");
        assert!(out.contains("callout-note"), "{out}");
        assert!(rewrite("Rien ici.\n").is_none());
    }

    #[test]
    fn offsets_map_back_to_the_guide() {
        let markdown = "# T\n\n!!! note\n    Voir [le guide](autre.md).\n\n    Suite `code`.\n";
        let rewritten = rewrite(markdown).unwrap();
        for needle in ["[le guide]", "`code`"] {
            let at = rewritten.text.find(needle).unwrap();
            assert_eq!(&markdown[rewritten.original(at)..][..needle.len()], needle);
        }
    }
}
