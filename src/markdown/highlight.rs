//! Syntax highlighting with syntect, into short token classes (never inline styles).
//!
//! `Highlighter::new` loads two-face's syntax set once and builds the palette CSS; `lines` then
//! highlights one line at a time (`LineHighlighter`). Each token's scope stack is reduced to one
//! short class naming what the token is (`s` a string, `k` a keyword, `c` a comment: `TOKENS`),
//! the innermost scope that names one deciding; runs of tokens of the same class share one span,
//! tokens the palettes leave in the text colour get none, and no span crosses a line. Lines
//! already highlighted from the same state come from the `LineCache`.
//! `css` colours each class from the light theme and the dark one, following the theme's
//! dark-mode convention (CONTRACT.md), with the colour of a representative scope of the class.

use std::collections::HashMap;
use std::fmt::Write as _;

use syntect::highlighting::{Color, FontStyle, Highlighter as StyleResolver, Style, Theme};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use two_face::theme::EmbeddedThemeName;

use super::escape::escape_text;
use super::line_cache::{Highlighted, LineCache, State};

/// Lines longer than this are not highlighted (regex backtracking on pathological input).
const MAX_LINE_BYTES: usize = 4096;

/// The token classes: a scope (and the scopes under it) → the class, and the scope whose colour
/// the themes give the class. The longest prefix of a scope's name that is listed decides;
/// scopes matching none (`source.python`, `meta.function-call`) leave it to the scope around them.
const TOKENS: &[(&str, &str, &str)] = &[
    ("comment", "c", "comment.line"),
    ("string", "s", "string.quoted.double"),
    ("string.regexp", "sr", "string.regexp"),
    ("constant", "cn", "constant.other"),
    ("constant.numeric", "m", "constant.numeric"),
    ("constant.character", "se", "constant.character.escape"),
    ("constant.language", "kc", "constant.language"),
    ("keyword", "k", "keyword.control"),
    ("keyword.operator", "o", "keyword.operator"),
    ("storage", "ks", "storage.modifier"),
    ("storage.type", "kt", "storage.type"),
    ("entity.name", "nc", "entity.name.class"),
    ("entity.name.function", "nf", "entity.name.function"),
    ("entity.name.tag", "nt", "entity.name.tag"),
    ("entity.name.section", "gh", "entity.name.section"),
    ("entity.other.attribute-name", "na", "entity.other.attribute-name"),
    ("entity.other.inherited-class", "nc", "entity.name.class"),
    ("support", "nb", "support.function"),
    ("support.type", "bt", "support.type"),
    ("support.class", "bt", "support.class"),
    ("support.constant", "kc", "constant.language"),
    ("variable", "v", "variable.other"),
    ("variable.function", "nf", "entity.name.function"),
    ("variable.parameter", "vp", "variable.parameter"),
    ("variable.language", "vl", "variable.language"),
    ("variable.other.constant", "cn", "constant.other"),
    ("punctuation", "p", "punctuation.separator"),
    ("markup.heading", "gh", "markup.heading"),
    ("markup.bold", "gs", "markup.bold"),
    ("markup.italic", "ge", "markup.italic"),
    ("markup.inserted", "gi", "markup.inserted"),
    ("markup.deleted", "gd", "markup.deleted"),
    ("markup.changed", "gc", "markup.changed"),
    ("markup.raw", "gr", "markup.raw"),
    ("markup.quote", "gq", "markup.quote"),
    ("markup.underline.link", "gl", "markup.underline.link"),
    ("invalid", "err", "invalid.illegal"),
];

/// The syntax set, the token classes worth a span and the palette CSS, made once per build.
pub(crate) struct Highlighter {
    syntaxes: SyntaxSet,
    lookup: SyntaxLookup,
    css: String,
    /// The classes either palette colours otherwise than the text.
    coloured: Vec<&'static str>,
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
        let (light, dark) = (Palette::new(light, Color::BLACK), Palette::new(dark, Color::WHITE));
        let mut coloured: Vec<&'static str> = Vec::new();
        for (_, class, _) in TOKENS {
            if !coloured.contains(class) && (light.styles(class).is_some() || dark.styles(class).is_some()) {
                coloured.push(class);
            }
        }
        let css = palette_css(&light, &dark, &coloured);
        let syntaxes = two_face::syntax::extra_newlines();
        let lookup = SyntaxLookup::new(&syntaxes);
        Highlighter { syntaxes, lookup, css, coloured, lines }
    }

    pub(crate) fn css(&self) -> &str {
        &self.css
    }

    /// The syntax for a fence token (`yaml`, `py`, `Dockerfile`), if syntect knows it: as
    /// syntect's `find_syntax_by_token`, an extension first, then a name in any ASCII case.
    pub(crate) fn syntax_for_token(&self, token: &str) -> Option<&SyntaxReference> {
        let folded = token.to_ascii_lowercase();
        let found = self.lookup.by_extension.get(&folded).or_else(|| self.lookup.by_folded_name.get(&folded));
        found.map(|&i| &self.syntaxes.syntaxes()[i])
    }

    /// The syntax for a file extension or a whole file name (`yml`, `requirements.txt`).
    pub(crate) fn syntax_for_extension(&self, ext: &str) -> Option<&SyntaxReference> {
        let found = self.lookup.by_extension.get(&ext.to_ascii_lowercase());
        found.map(|&i| &self.syntaxes.syntaxes()[i])
    }

    /// A highlighter for consecutive lines of one block in the language named `syntax`.
    pub(crate) fn lines(&self, syntax: &str) -> LineHighlighter<'_> {
        let reference = self.lookup.by_name.get(syntax).map(|&i| &self.syntaxes.syntaxes()[i]);
        LineHighlighter {
            highlighter: self,
            // The reference's address names the syntax for as long as the set lives.
            syntax: reference.map_or(0, |r| r as *const SyntaxReference as usize),
            state: reference.map(|r| State { parse: ParseState::new(r), scopes: ScopeStack::new() }),
            buffer: String::new(),
            classes: HashMap::new(),
        }
    }

    /// The class of a scope on its own, if it names one that is coloured.
    fn class_of_scope(&self, scope: Scope) -> Option<&'static str> {
        let name = scope.build_string();
        let class = token_class(&name)?;
        self.coloured.contains(&class).then_some(class)
    }
}

/// Syntaxes by extension and by name, in tables rather than syntect's scans of the whole set
/// (about 200 syntaxes) for every code block. Where several syntaxes claim a key, the last one in
/// the set wins, as syntect's `find_syntax_by_*` (which search the set backwards) decide.
struct SyntaxLookup {
    /// By file extension or whole file name, in ASCII lower case.
    by_extension: HashMap<String, usize>,
    /// By name, in ASCII lower case.
    by_folded_name: HashMap<String, usize>,
    /// By exact name.
    by_name: HashMap<String, usize>,
}

impl SyntaxLookup {
    fn new(set: &SyntaxSet) -> Self {
        let mut lookup = SyntaxLookup {
            by_extension: HashMap::new(),
            by_folded_name: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, syntax) in set.syntaxes().iter().enumerate() {
            for extension in &syntax.file_extensions {
                lookup.by_extension.insert(extension.to_ascii_lowercase(), i);
            }
            lookup.by_folded_name.insert(syntax.name.to_ascii_lowercase(), i);
            lookup.by_name.insert(syntax.name.clone(), i);
        }
        lookup
    }
}

/// The class of a scope named `name`: that of the longest listed prefix (whole atoms).
fn token_class(name: &str) -> Option<&'static str> {
    TOKENS
        .iter()
        .filter(|(prefix, _, _)| {
            name.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
        .max_by_key(|(prefix, _, _)| prefix.len())
        .map(|(_, class, _)| *class)
}

/// Highlights the lines of one block, in order; falls back to escaped text after any error.
pub(crate) struct LineHighlighter<'s> {
    highlighter: &'s Highlighter,
    syntax: usize,
    state: Option<State>,
    buffer: String,
    /// The class of each scope met in this block (saves syntect's global scope lock).
    classes: HashMap<Scope, Option<&'static str>>,
}

impl LineHighlighter<'_> {
    /// The HTML of one line given without its newline; every span opened here is closed here.
    pub(crate) fn line(&mut self, text: &str) -> String {
        if text.len() > MAX_LINE_BYTES {
            self.state = None;
        }
        let LineHighlighter { highlighter, syntax, state, buffer, classes } = self;
        let Some(before) = state.as_ref() else {
            return escape_text(text);
        };
        let highlighted = highlighter.lines.get_or_insert(*syntax, text, before, || {
            highlight_line(highlighter, before.clone(), text, buffer, classes)
        });
        match highlighted {
            Some(Highlighted { html, after }) => {
                *state = Some(after);
                html
            }
            None => {
                *state = None;
                escape_text(text)
            }
        }
    }
}

/// One line through syntect from the state `before`: its HTML and the state after it, or `None`
/// when syntect fails (the block then goes on as plain text).
fn highlight_line(
    highlighter: &Highlighter,
    mut state: State,
    text: &str,
    buffer: &mut String,
    classes: &mut HashMap<Scope, Option<&'static str>>,
) -> Option<Highlighted> {
    buffer.clear();
    buffer.push_str(text);
    buffer.push('\n');
    let ops = state.parse.parse_line(buffer, &highlighter.syntaxes).ok()?;
    let mut spans = Spans { html: String::with_capacity(text.len() * 2), open: None };
    let mut class_of_stack =
        |scopes: &ScopeStack| {
            scopes.as_slice().iter().rev().find_map(|scope| {
                *classes.entry(*scope).or_insert_with(|| highlighter.class_of_scope(*scope))
            })
        };
    let mut at = 0;
    for (index, op) in ops {
        // The newline is written by the caller, outside the token spans.
        let index = index.min(text.len());
        if index > at {
            spans.push(class_of_stack(&state.scopes), text.get(at..index)?);
            at = index;
        }
        state.scopes.apply(&op).ok()?;
    }
    if at < text.len() {
        spans.push(class_of_stack(&state.scopes), text.get(at..)?);
    }
    spans.close();
    Some(Highlighted { html: spans.html, after: state })
}

/// A line's HTML being written: text in runs of one class, each run in one span.
struct Spans {
    html: String,
    /// The class of the span open at the end of `html`.
    open: Option<&'static str>,
}

impl Spans {
    fn push(&mut self, class: Option<&'static str>, text: &str) {
        if class != self.open {
            self.close();
            if let Some(class) = class {
                let _ = write!(self.html, "<span class=\"{class}\">");
            }
            self.open = class;
        }
        self.html.push_str(&escape_text(text));
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.html.push_str("</span>");
        }
    }
}

/// One theme's colours: its text and background, and how it styles each token class.
struct Palette<'t> {
    theme: &'t Theme,
    resolver: StyleResolver<'t>,
    background: Color,
    /// What readable colours are nudged toward (black on a light theme, white on a dark one).
    toward: Color,
}

impl<'t> Palette<'t> {
    fn new(theme: &'t Theme, toward: Color) -> Self {
        let background = theme.settings.background.unwrap_or(Color::WHITE);
        Palette { theme, resolver: StyleResolver::new(theme), background, toward }
    }

    fn style(&self, scope: &str) -> Style {
        let scopes: Vec<Scope> = Scope::new(scope).ok().into_iter().collect();
        self.resolver.style_for_stack(&scopes)
    }

    /// The style of a token class, if it is not the text's.
    fn styles(&self, class: &str) -> Option<Style> {
        let (_, _, representative) = TOKENS.iter().find(|(_, c, _)| *c == class)?;
        let style = self.style(representative);
        let plain = self.style("source");
        (style.foreground != plain.foreground || style.font_style != plain.font_style).then_some(style)
    }

    fn text(&self) -> Color {
        readable(self.theme.settings.foreground.unwrap_or(self.toward), self.background, self.toward)
    }
}

/// The two palettes, each under conditions that exclude the other (so a light rule can never
/// leak into dark mode through a more specific selector): light when `data-theme="light"`, or
/// when it is absent and the system is not dark; dark per the theme's convention (CONTRACT.md).
/// Token colours are nudged until they reach a 4.5:1 contrast on their background.
fn palette_css(light: &Palette, dark: &Palette, classes: &[&str]) -> String {
    let mut css = String::from("/* carnet: syntax highlighting (syntect, short token classes) */\n");
    theme_rules(&mut css, light, "html[data-theme=\"light\"] ", classes);
    css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    theme_rules(&mut css, light, "html:not([data-theme=\"dark\"]) ", classes);
    css.push_str("}\n");
    theme_rules(&mut css, dark, "html[data-theme=\"dark\"] ", classes);
    css.push_str("@media (prefers-color-scheme: dark) {\n");
    theme_rules(&mut css, dark, "html:not([data-theme=\"light\"]) ", classes);
    css.push_str("}\n");
    css.push_str(".code-block .prompt { user-select: none; }\n");
    css
}

/// One palette's rules under `prefix`: the block's colours, then one rule per class it styles.
fn theme_rules(css: &mut String, palette: &Palette, prefix: &str, classes: &[&str]) {
    let (background, toward) = (palette.background, palette.toward);
    let _ = writeln!(
        css,
        "{prefix}.code-block pre.code {{ color: {}; background-color: {}; }}",
        hex(palette.text()),
        hex(background)
    );
    for class in classes {
        let Some(style) = palette.styles(class) else { continue };
        let mut body = format!("color:{}", hex(readable(style.foreground, background, toward)));
        if style.font_style.contains(FontStyle::BOLD) {
            body.push_str(";font-weight:bold");
        }
        if style.font_style.contains(FontStyle::ITALIC) {
            body.push_str(";font-style:italic");
        }
        if style.font_style.contains(FontStyle::UNDERLINE) {
            body.push_str(";text-decoration:underline");
        }
        let _ = writeln!(css, "{prefix}pre.code .{class} {{{body}}}");
    }
    procfile_rules(css, palette, prefix);
}

/// `.hl-procfile-process` takes the theme's colour for function names, `.prompt` the comments'.
fn procfile_rules(css: &mut String, palette: &Palette, prefix: &str) {
    let (bg, toward) = (palette.background, palette.toward);
    let scopes: Vec<Scope> =
        ["source.shell", "entity.name.function"].iter().filter_map(|s| Scope::new(s).ok()).collect();
    let style = palette.resolver.style_for_stack(&scopes);
    let _ = writeln!(
        css,
        "{prefix}.hl-procfile-process {{ color: {}; font-weight: bold; }}",
        hex(readable(style.foreground, bg, toward))
    );
    let prompt = palette.style("comment").foreground;
    let _ = writeln!(css, "{prefix}.code-block .prompt {{ color: {}; }}", hex(readable(prompt, bg, toward)));
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
    fn syntax_tables_answer_as_syntect_searches_do() {
        let hl = Highlighter::new();
        let set = &hl.syntaxes;
        let mut keys: Vec<String> =
            ["yml", "YAML", "sh", "Dockerfile", "requirements.txt", "nope", ""].map(String::from).to_vec();
        for syntax in set.syntaxes() {
            keys.extend(syntax.file_extensions.iter().flat_map(|e| [e.clone(), e.to_uppercase()]));
            keys.extend([syntax.name.clone(), syntax.name.to_uppercase(), syntax.name.to_lowercase()]);
        }
        let name = |found: Option<&SyntaxReference>| found.map(|s| s.name.clone());
        for key in &keys {
            assert_eq!(name(hl.syntax_for_token(key)), name(set.find_syntax_by_token(key)), "token {key}");
            let by_extension = hl.syntax_for_extension(key);
            assert_eq!(name(by_extension), name(set.find_syntax_by_extension(key)), "extension {key}");
            let by_name = hl.lookup.by_name.get(key.as_str()).map(|&i| &set.syntaxes()[i]);
            assert_eq!(name(by_name), name(set.find_syntax_by_name(key)), "name {key}");
        }
        // Some extension is claimed by two syntaxes, or the rule for ties was not tested.
        let claims: usize = set.syntaxes().iter().map(|s| s.file_extensions.len()).sum();
        assert!(claims > hl.lookup.by_extension.len(), "no extension is claimed twice");
    }

    #[test]
    fn palette_has_light_and_dark_rules_without_low_contrast() {
        let hl = Highlighter::new();
        let css = hl.css();
        assert!(css.contains("@media (prefers-color-scheme: dark) {\nhtml:not([data-theme=\"light\"]) "));
        assert!(css.contains("html[data-theme=\"dark\"] pre.code .c {"), "{css}");
        assert!(css.contains("html[data-theme=\"light\"] pre.code .c {"), "{css}");
        assert!(css.contains("html[data-theme=\"light\"] pre.code .s {"), "{css}");
        assert!(css.contains("html:not([data-theme=\"dark\"]) .hl-procfile-process"));
        assert!(!css.contains("\npre.code"), "every token rule belongs to one palette");
    }

    #[test]
    fn runs_of_one_class_share_a_span_and_every_class_has_colours() {
        let hl = Highlighter::new();
        let html = highlight_block(&hl, "Python", "print(\"a\", 'b')  # note\n").join("\n");
        assert_eq!(html, "<span class=\"nb\">print</span>(<span class=\"s\">\"a\"</span>, <span class=\"s\">'b'</span>)  <span class=\"c\"># note</span>");
        for block in
            ["services:\n  - type: web # x\n", "FROM python:3.12\nRUN pip install -r requirements.txt\n"]
        {
            let syntax = if block.starts_with("FROM") { "Dockerfile" } else { "YAML" };
            for line in highlight_block(&hl, syntax, block) {
                for class in line.split("<span class=\"").skip(1).filter_map(|s| s.split('"').next()) {
                    // A class gets a span only when one palette at least colours it.
                    let rules = ["light", "dark"]
                        .map(|theme| format!("html[data-theme=\"{theme}\"] pre.code .{class} {{"));
                    assert!(rules.iter().any(|r| hl.css().contains(r)), "no rule for .{class} in {line}");
                }
            }
        }
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
        assert!(b.starts_with("<span class=\"s\">line"), "{b}");
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
