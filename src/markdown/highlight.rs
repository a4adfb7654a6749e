//! Syntax highlighting with syntect, into `hl-` classes (never inline styles).
//!
//! `Highlighter::new` loads two-face's syntax set and builds the palette CSS once; `lines` then
//! highlights one line at a time (`LineHighlighter`), closing every open scope span at the end of
//! a line and reopening it at the start of the next, so that no span crosses a line. Lines
//! already highlighted from the same state come from the `LineCache`.
//! `css` is the light palette plus the dark one, following the theme's dark-mode convention.

use std::collections::HashMap;
use std::fmt::Write as _;

use syntect::highlighting::{Color, Highlighter as StyleResolver, Theme};
use syntect::html::{line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use two_face::theme::EmbeddedThemeName;

use super::escape::escape_html;
use super::line_cache::{Highlighted, LineCache, State};

/// How token classes are written: `hl-` then each atom of the scope (`hl-string hl-quoted`).
pub(crate) const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Lines longer than this are not highlighted (regex backtracking on pathological input).
const MAX_LINE_BYTES: usize = 4096;

/// The syntax set and the palette CSS, loaded once per build.
pub(crate) struct Highlighter {
    syntaxes: SyntaxSet,
    css: String,
    lines: LineCache,
}

impl Highlighter {
    pub(crate) fn new() -> Self {
        Highlighter::with_line_cache(LineCache::new())
    }

    fn with_line_cache(lines: LineCache) -> Self {
        let themes = two_face::theme::extra();
        let light = themes.get(EmbeddedThemeName::Github);
        let dark = themes.get(EmbeddedThemeName::OneHalfDark);
        let css = palette_css(light, dark);
        Highlighter { syntaxes: two_face::syntax::extra_newlines(), css, lines }
    }

    pub(crate) fn css(&self) -> &str {
        &self.css
    }

    /// The syntax for a fence token (`yaml`, `py`, `Dockerfile`), if syntect knows it.
    pub(crate) fn syntax_for_token(&self, token: &str) -> Option<&SyntaxReference> {
        self.syntaxes.find_syntax_by_token(token)
    }

    /// The syntax for a file extension or a whole file name (`yml`, `requirements.txt`).
    pub(crate) fn syntax_for_extension(&self, ext: &str) -> Option<&SyntaxReference> {
        self.syntaxes.find_syntax_by_extension(ext)
    }

    /// A highlighter for consecutive lines of one block in the language named `syntax`.
    pub(crate) fn lines(&self, syntax: &str) -> LineHighlighter<'_> {
        let reference = self.syntaxes.find_syntax_by_name(syntax);
        LineHighlighter {
            set: &self.syntaxes,
            cache: &self.lines,
            // The reference's address names the syntax for as long as the set lives.
            syntax: reference.map_or(0, |r| r as *const SyntaxReference as usize),
            state: reference.map(|r| State { parse: ParseState::new(r), scopes: ScopeStack::new() }),
            buffer: String::new(),
            classes: HashMap::new(),
        }
    }
}

/// Highlights the lines of one block, in order; falls back to escaped text after any error.
pub(crate) struct LineHighlighter<'s> {
    set: &'s SyntaxSet,
    cache: &'s LineCache,
    syntax: usize,
    state: Option<State>,
    buffer: String,
    /// Opening tags of the scopes reopened at line starts (saves syntect's global scope lock).
    classes: HashMap<Scope, String>,
}

impl LineHighlighter<'_> {
    /// The HTML of one line given without its newline; every span opened here is closed here.
    pub(crate) fn line(&mut self, text: &str) -> String {
        if text.len() > MAX_LINE_BYTES {
            self.state = None;
        }
        let LineHighlighter { set, cache, syntax, state, buffer, classes } = self;
        let Some(before) = state.as_ref() else {
            return escape_html(text);
        };
        let highlighted = cache.get_or_insert(*syntax, text, before, || {
            highlight_line(set, before.clone(), text, buffer, classes)
        });
        match highlighted {
            Some(Highlighted { html, after }) => {
                *state = Some(after);
                html
            }
            None => {
                *state = None;
                escape_html(text)
            }
        }
    }
}

/// One line through syntect from the state `before`: its HTML and the state after it, or `None`
/// when syntect fails (the block then goes on as plain text).
fn highlight_line(
    set: &SyntaxSet,
    mut state: State,
    text: &str,
    buffer: &mut String,
    classes: &mut HashMap<Scope, String>,
) -> Option<Highlighted> {
    buffer.clear();
    buffer.push_str(text);
    buffer.push('\n');
    let ops = state.parse.parse_line(buffer, set).ok()?;
    // The newline is written by the caller, outside the token spans.
    let ops: Vec<_> = ops.into_iter().map(|(i, op)| (i.min(text.len()), op)).collect();
    let mut html = String::with_capacity(text.len() * 3);
    for scope in state.scopes.as_slice() {
        html.push_str(classes.entry(*scope).or_insert_with(|| open_span(*scope)));
    }
    let (spans, _) = line_tokens_to_classed_spans(text, &ops, CLASS_STYLE, &mut state.scopes).ok()?;
    html.push_str(&spans);
    for _ in 0..state.scopes.len() {
        html.push_str("</span>");
    }
    Some(Highlighted { html, after: state })
}

/// `<span class="hl-meta hl-string">` for the scope `meta.string`.
fn open_span(scope: Scope) -> String {
    let mut html = String::from("<span class=\"");
    let name = scope.build_string();
    for (i, atom) in name.split('.').enumerate() {
        if i > 0 {
            html.push(' ');
        }
        html.push_str("hl-");
        html.push_str(&escape_html(atom));
    }
    html.push_str("\">");
    html
}

/// The two palettes, each under conditions that exclude the other (so a light rule can never
/// leak into dark mode through a more specific selector): light when `data-theme="light"`, or
/// when it is absent and the system is not dark; dark per the theme's convention (CONTRACT.md).
/// Token colours are nudged until they reach a 4.5:1 contrast on their background.
fn palette_css(light: &Theme, dark: &Theme) -> String {
    let mut css = String::from("/* carnet: syntax highlighting (syntect, hl- classes) */\n");
    theme_rules(&mut css, light, "html[data-theme=\"light\"] ", Color::BLACK);
    css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    theme_rules(&mut css, light, "html:not([data-theme=\"dark\"]) ", Color::BLACK);
    css.push_str("}\n");
    theme_rules(&mut css, dark, "html[data-theme=\"dark\"] ", Color::WHITE);
    css.push_str("@media (prefers-color-scheme: dark) {\n");
    theme_rules(&mut css, dark, "html:not([data-theme=\"light\"]) ", Color::WHITE);
    css.push_str("}\n");
    css.push_str(".code-block .prompt { user-select: none; }\n");
    css
}

fn theme_rules(css: &mut String, theme: &Theme, prefix: &str, toward: Color) {
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    let foreground = theme.settings.foreground.unwrap_or(toward);
    let _ = writeln!(
        css,
        "{prefix}.code-block pre.code {{ color: {}; background-color: {}; }}",
        hex(readable(foreground, background, toward)),
        hex(background)
    );
    for item in &theme.scopes {
        let selectors: Vec<String> = item
            .scope
            .selectors
            .iter()
            .map(|selector| {
                let classes: Vec<String> =
                    selector.extract_scopes().into_iter().map(scope_selector).collect();
                format!("{prefix}{}", classes.join(" "))
            })
            .filter(|s| s.len() > prefix.len())
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let mut body = String::new();
        if let Some(fg) = item.style.foreground {
            let _ = write!(body, " color: {};", hex(readable(fg, background, toward)));
        }
        if let Some(fs) = item.style.font_style {
            use syntect::highlighting::FontStyle;
            if fs.contains(FontStyle::BOLD) {
                body.push_str(" font-weight: bold;");
            }
            if fs.contains(FontStyle::ITALIC) {
                body.push_str(" font-style: italic;");
            }
            if fs.contains(FontStyle::UNDERLINE) {
                body.push_str(" text-decoration: underline;");
            }
        }
        if !body.is_empty() {
            let _ = writeln!(css, "{} {{{body} }}", selectors.join(", "));
        }
    }
    procfile_rules(css, theme, prefix, background, toward);
}

/// `.hl-procfile-process` takes the theme's colour for function names, `.prompt` the comments'.
fn procfile_rules(css: &mut String, theme: &Theme, prefix: &str, bg: Color, toward: Color) {
    let resolver = StyleResolver::new(theme);
    let scopes: Vec<Scope> =
        ["source.shell", "entity.name.function"].iter().filter_map(|s| Scope::new(s).ok()).collect();
    let style = resolver.style_for_stack(&scopes);
    let _ = writeln!(
        css,
        "{prefix}.hl-procfile-process {{ color: {}; font-weight: bold; }}",
        hex(readable(style.foreground, bg, toward))
    );
    let comment: Vec<Scope> = Scope::new("comment").ok().into_iter().collect();
    let prompt = resolver.style_for_stack(&comment).foreground;
    let _ = writeln!(css, "{prefix}.code-block .prompt {{ color: {}; }}", hex(readable(prompt, bg, toward)));
}

/// `.hl-keyword.hl-control` for the scope `keyword.control`.
fn scope_selector(scope: Scope) -> String {
    let name = scope.build_string();
    name.split('.').map(|atom| format!(".hl-{}", css_ident(atom))).collect()
}

fn css_ident(atom: &str) -> String {
    atom.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// Mixes `fg` toward `toward` until its contrast on `bg` is at least 4.5:1 (WCAG AA).
fn readable(fg: Color, bg: Color, toward: Color) -> Color {
    let mut color = Color { a: 0xff, ..fg };
    for step in 1..=20u16 {
        if contrast(color, bg) >= 4.5 {
            break;
        }
        let mix = |a: u8, b: u8| ((a as u16 * (20 - step) + b as u16 * step) / 20) as u8;
        color = Color { r: mix(fg.r, toward.r), g: mix(fg.g, toward.g), b: mix(fg.b, toward.b), a: 0xff };
    }
    color
}

pub(crate) fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// One line of a block: its inner HTML and whether it is console output.
pub(crate) struct Line {
    pub(crate) html: String,
    pub(crate) output: bool,
}

impl Line {
    pub(crate) fn code(html: String) -> Line {
        Line { html, output: false }
    }

    pub(crate) fn output(html: String) -> Line {
        Line { html, output: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_has_light_and_dark_rules_without_low_contrast() {
        let hl = Highlighter::new();
        let css = hl.css();
        assert!(css.contains("@media (prefers-color-scheme: dark) {\nhtml:not([data-theme=\"light\"]) "));
        assert!(css.contains("html[data-theme=\"dark\"] .hl-comment"));
        assert!(css.contains("html[data-theme=\"light\"] .hl-comment"));
        assert!(css.contains("html:not([data-theme=\"dark\"]) .hl-procfile-process"));
        assert!(!css.contains("\n.hl-"), "every token rule belongs to one palette");
    }

    #[test]
    fn readable_reaches_aa_contrast() {
        let grey = Color { r: 0x96, g: 0x98, b: 0x96, a: 0xff };
        let fixed = readable(grey, Color::WHITE, Color::BLACK);
        assert!(contrast(fixed, Color::WHITE) >= 4.5);
    }

    #[test]
    fn spans_never_cross_lines() {
        let hl = Highlighter::new();
        let mut lines = hl.lines("Python");
        let a = lines.line("x = \"\"\"multi");
        let b = lines.line("line\"\"\"");
        for html in [&a, &b] {
            assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "{html}");
        }
        assert!(b.starts_with("<span class=\"hl-source hl-python\">"), "{b}");
    }

    fn highlight_block(hl: &Highlighter, syntax: &str, code: &str) -> Vec<String> {
        let mut lines = hl.lines(syntax);
        code.lines().map(|l| lines.line(l)).collect()
    }

    #[test]
    fn remembered_lines_are_the_lines_syntect_gives() {
        // Lines met again in the same state and in other states: a heredoc (a parse state with
        // captures), strings spanning lines, the same line inside and outside a string.
        let blocks = [
            (
                "Bourne Again Shell (bash)",
                "cat <<EOF > Procfile\nweb: gunicorn app:app\nEOF\necho EOF\nweb: gunicorn app:app\n",
            ),
            ("Bourne Again Shell (bash)", "echo EOF\ncat <<END\nEOF\nEND\necho EOF\n"),
            ("Python", "x = 1\ns = \"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
            ("Python", "s = '''\nx = 1\n'''\n"),
            ("YAML", "services:\n  - type: web\n    name: app\n  - type: web\n"),
            ("TOML", "[build]\ncommand = \"make\"\n[build]\n"),
        ];
        let uncached = Highlighter::with_line_cache(LineCache::with_capacity(0));
        let cached = Highlighter::new();
        let expected: Vec<_> = blocks.iter().map(|(s, code)| highlight_block(&uncached, s, code)).collect();
        // Twice, from two threads at once, so that the second pass comes from the cache.
        for _ in 0..2 {
            std::thread::scope(|scope| {
                for reversed in [false, true] {
                    let (cached, expected) = (&cached, &expected);
                    scope.spawn(move || {
                        let mut order: Vec<usize> = (0..blocks.len()).collect();
                        if reversed {
                            order.reverse();
                        }
                        for i in order {
                            let (syntax, code) = blocks[i];
                            assert_eq!(highlight_block(cached, syntax, code), expected[i], "{code}");
                        }
                    });
                }
            });
        }
        let python = &expected[2];
        assert_ne!(python[0], python[2], "the same line inside a string is highlighted as a string");
        assert_eq!(python[0], python[4]);
    }
}
