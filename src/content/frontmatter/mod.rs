//! Front matter: TOML between `+++` lines or YAML between `---` lines, only at the very start of
//! a guide. `split` separates it from the body; `parse` 1. refuses front matter over the limits
//! below before any parser sees it, 2. reads carnet's keys, and keeps the others for templates
//! (`page.extra`) within a budget (`extra`), skipping unread what is over it, 3. reads what the
//! keys of other generators mean to carnet (`foreign`: `nav_order`, `redirect_from`, `date`…).

mod extra;
mod foreign;
mod model;

pub use model::FrontMatter;

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// Front matter larger than this is refused unread: a guide's keys take a few hundred bytes, and
/// a parser's time grows with what it is given.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// `[` and `{` nested deeper than this are refused before parsing. YAML's scanner spends, on
/// every token, time proportional to the nesting: 100,000 levels in 200 KB took 15 s.
pub const MAX_NESTING: usize = 32;

/// At most this many `[` and `{` in one front matter. The nesting count knows nothing of quotes
/// and comments, so a `]` inside a string (`[ "]" [ "]" …`) lowers it without closing anything;
/// this bound holds whatever they hide (256 levels cost YAML's scanner about 30 ms).
pub const MAX_BRACKETS: usize = 256;

/// carnet's own keys.
pub const KNOWN_KEYS: &[&str] = &["title", "description", "weight", "draft", "slug", "repair", "aliases"];

/// Every key that means something to carnet: its own, and those of other generators it reads.
pub fn meaningful_keys() -> impl Iterator<Item = &'static str> {
    KNOWN_KEYS.iter().chain(foreign::KEYS).copied()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A guide's text cut in two.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The front matter's text and format, without its fences.
    pub front: Option<(Format, &'a str)>,
    pub body: &'a str,
    /// Lines before the body starts (for line numbers in the body).
    pub body_line: usize,
}

/// Cuts the front matter off. A fence that is not closed means there is no front matter.
pub fn split(text: &str) -> Split<'_> {
    let no_front = Split { front: None, body: text, body_line: 0 };
    let (fence, format) = if text.starts_with("+++") {
        ("+++", Format::Toml)
    } else if text.starts_with("---") {
        ("---", Format::Yaml)
    } else {
        return no_front;
    };
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != fence {
        return no_front;
    }
    let mut offset = first_line_end + 1;
    let mut line = 1;
    while offset <= text.len() {
        let rest = &text[offset.min(text.len())..];
        let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        line += 1;
        if rest[..line_len].trim_end() == fence {
            let front = &text[first_line_end + 1..offset];
            let body_start = (offset + line_len).min(text.len());
            return Split { front: Some((format, front)), body: &text[body_start..], body_line: line };
        }
        if line_len == 0 {
            break;
        }
        offset += line_len;
    }
    no_front
}

/// A front-matter problem, with the line inside the front matter (1 = first line after the
/// fence, 0 = the opening fence itself, for what concerns the front matter as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Parses front matter text. Returns the values and warnings about values of other generators'
/// keys carnet could not use (`nav_order: premier`), or the error. Keys unknown to carnet are
/// no warnings: they are kept for templates and listed by `carnet check`.
pub fn parse(format: Format, text: &str) -> Result<(FrontMatter, Vec<Problem>), Problem> {
    check_bounds(text)?;
    let Keys { mut front, own, dropped } = match format {
        Format::Toml => toml::from_str(text).map_err(|e| toml_problem(text, &e))?,
        Format::Yaml if text.trim().is_empty() => Keys::default(),
        Format::Yaml => serde_yaml_ng::from_str(text).map_err(|e| yaml_problem(text, &e))?,
    };
    let extra = std::mem::take(&mut front.extra);
    let understood = foreign::understand(&mut front, &extra, &own);
    let known = |key: &&String| foreign::KEYS.contains(&key.as_str());
    front.unknown = extra.keys().chain(&dropped).filter(|k| !known(k)).cloned().collect();
    front.extra = extra;
    let warnings = if understood.unusable.is_empty() {
        Vec::new()
    } else {
        let lines = key_lines(text);
        let line = |key: &str| lines.get(key).copied().unwrap_or(1);
        understood.unusable.into_iter().map(|(key, message)| Problem { line: line(key), message }).collect()
    };
    Ok((front, warnings))
}

/// Refuses front matter over `MAX_FRONT_MATTER_BYTES`, `MAX_NESTING` or `MAX_BRACKETS`, in one
/// pass over its bytes, before any parser sees it.
fn check_bounds(text: &str) -> Result<(), Problem> {
    if text.len() > MAX_FRONT_MATTER_BYTES {
        let message = format!(
            "front matter of {} KiB, over the limit of {} KiB",
            text.len().div_ceil(1024),
            MAX_FRONT_MATTER_BYTES / 1024
        );
        return Err(Problem { line: 0, message });
    }
    let (mut line, mut depth, mut brackets) = (1, 0usize, 0);
    for byte in text.bytes() {
        match byte {
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                brackets += 1;
                if depth > MAX_NESTING {
                    let message = format!("front matter nested more than {MAX_NESTING} levels deep");
                    return Err(Problem { line, message });
                }
                if brackets > MAX_BRACKETS {
                    let message = format!("front matter with more than {MAX_BRACKETS} `[` and `{{`");
                    return Err(Problem { line, message });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// carnet's keys read, and the others kept in `front.extra` within a budget: the values over it
/// are skipped unread, so a YAML alias is never expanded past it (1,000 aliases of a 1,000-item
/// list would otherwise build a million values).
#[derive(Debug, Default)]
struct Keys {
    front: FrontMatter,
    /// carnet's keys written.
    own: Vec<&'static str>,
    /// Other keys whose values were over the budget, not kept.
    dropped: Vec<String>,
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeysVisitor)
    }
}

struct KeysVisitor;

impl<'de> Visitor<'de> for KeysVisitor {
    type Value = Keys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of front matter keys")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Keys, E> {
        Ok(Keys::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
        let mut keys = Keys::default();
        let mut seen = HashSet::new();
        let (mut budget, mut foreign_budget) = (extra::Budget::default(), extra::Budget::default());
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let front = &mut keys.front;
            match key.as_str() {
                "title" => front.title = map.next_value()?,
                "description" => front.description = map.next_value()?,
                "weight" => front.weight = map.next_value()?,
                "draft" => front.draft = map.next_value()?,
                "slug" => front.slug = map.next_value()?,
                "repair" => front.repair = map.next_value()?,
                "aliases" => front.aliases = map.next_value()?,
                _ => {
                    let budget =
                        if foreign::KEYS.contains(&key.as_str()) { &mut foreign_budget } else { &mut budget };
                    match map.next_value_seed(extra::Bounded(budget))? {
                        Some(value) => {
                            front.extra.insert(key, value);
                        }
                        None => keys.dropped.push(key),
                    }
                    continue;
                }
            }
            keys.own.extend(KNOWN_KEYS.iter().find(|&&k| k == key));
        }
        Ok(keys)
    }
}

fn toml_problem(text: &str, err: &toml::de::Error) -> Problem {
    let line = err.span().map_or(1, |span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    Problem { line, message: err.message().trim().to_string() }
}

fn yaml_problem(text: &str, err: &serde_yaml_ng::Error) -> Problem {
    let line = err.location().map_or(1, |loc| text_line(text, loc.line()));
    let message = err.to_string();
    // serde_yaml appends " at line N column M"; the location is reported separately.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    // A duplicate key is found by `KeysVisitor`, which the parser locates where the map starts:
    // the line to fix is the key's second one.
    let duplicate = message.strip_prefix("duplicate key `").and_then(|rest| rest.strip_suffix('`'));
    let line = duplicate.and_then(|key| second_key_line(text, key)).unwrap_or(line);
    Problem { line, message }
}

/// The line of the second time `key` is written at the start of a line at one indentation (a
/// key of the same map, as far as lines tell).
fn second_key_line(text: &str, key: &str) -> Option<usize> {
    let mut indents = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if written_key(line) != Some(key) {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indents.contains(&indent) {
            return Some(index + 1);
        }
        indents.push(indent);
    }
    None
}

/// The line (counted by `\n`, as editors and every other message count) of YAML's line
/// `yaml_line`: YAML also breaks lines at a lone `\r`, NEL, and the line and paragraph separators.
fn text_line(text: &str, yaml_line: usize) -> usize {
    let (mut yaml, mut line) = (1, 1);
    let mut chars = text.chars().peekable();
    while yaml < yaml_line {
        let Some(c) = chars.next() else { break };
        match c {
            '\n' => line += 1,
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {}
            _ => continue,
        }
        yaml += 1;
    }
    line
}

/// The line of each key written at the start of a line (`key =`, `key:`, quoted or not), the
/// first one when a key is written several times; one pass, however many keys.
fn key_lines(text: &str) -> HashMap<&str, usize> {
    let mut lines = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(key) = written_key(line) {
            lines.entry(key).or_insert(index + 1);
        }
    }
    lines
}

fn written_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let (key, rest) = match line.strip_prefix(['"', '\'']) {
        Some(quoted) => quoted.split_once(['"', '\''])?,
        None => line.split_at(line.find([':', '='])?),
    };
    rest.trim_start().starts_with([':', '=']).then_some(key.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_front_matter_is_split_and_parsed() {
        let text = "+++\ntitle = \"Mon guide\"\nweight = 2\n+++\n# Corps\n";
        let split = split(text);
        assert_eq!(split.body, "# Corps\n");
        assert_eq!(split.body_line, 4);
        let (format, front) = split.front.unwrap();
        let (fm, warnings) = parse(format, front).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Mon guide"));
        assert_eq!(fm.weight, Some(2));
        assert!(warnings.is_empty());
    }

    #[test]
    fn unknown_keys_are_kept_for_templates_without_a_warning() {
        let text = "---\ntitle: Guide\ntags: [a]\nlayout: page\n---\ncorps";
        let split = split(text);
        let (format, front) = split.front.unwrap();
        let (fm, warnings) = parse(format, front).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Guide"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(serde_json::Value::Object(fm.extra), serde_json::json!({"tags": ["a"], "layout": "page"}));
        assert_eq!(fm.unknown, ["layout", "tags"]);
    }

    #[test]
    fn keys_of_other_generators_mean_what_they_mean_there() {
        let jekyll = "title: Guide\nnav_order: 2\nredirect_from: /ancien/\nlast_modified_date: 2024-05-02\n\
                      published: false\nlayout: page\n";
        let (front, warnings) = parse(Format::Yaml, jekyll).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!((front.weight, front.draft, front.date.as_deref()), (Some(2), true, Some("2024-05-02")));
        assert_eq!(front.redirect_from, ["/ancien/"]);
        assert_eq!(front.unknown, ["layout"], "the keys carnet reads are not unknown");
        assert!(front.extra.contains_key("nav_order"), "templates see them all");
        let hugo = "title = \"Guide\"\nweight = 1\nsidebar_position = 5\nlastmod = 2024-06-30T10:00:00Z\n";
        let (front, _) = parse(Format::Toml, hugo).unwrap();
        assert_eq!((front.weight, front.date.as_deref()), (Some(1), Some("2024-06-30")));
        let (_, warnings) = parse(Format::Yaml, "title: x\nnav_order: premier\n").unwrap();
        assert_eq!(
            warnings,
            [Problem {
                line: 2,
                message: "`nav_order: premier` is not a number: not used to order the guides".into()
            }]
        );
    }

    #[test]
    fn a_thematic_break_later_is_not_front_matter() {
        let text = "# Titre\n\n---\n\ntexte\n---\n";
        assert_eq!(split(text).front, None);
        assert_eq!(split("---\nnot closed\n").front, None);
    }

    #[test]
    fn wrong_type_is_an_error_with_line() {
        let problem = parse(Format::Toml, "title = \"x\"\nweight = \"lourd\"\n").unwrap_err();
        assert_eq!(problem.line, 2);
    }

    #[test]
    fn yaml_errors_are_placed_on_the_line_editors_show_even_with_lone_carriage_returns() {
        // Regression (fuzz): YAML counts a lone `\r` as a line break, so the error was reported
        // two lines below the end of this three-line front matter.
        let problem = parse(Format::Yaml, "a: 1\rb: 2\rc: [\n").unwrap_err();
        assert_eq!(problem.line, 2);
        let problem = parse(Format::Yaml, "title: x\r\ndescription: y\r\nweight: [\r\n").unwrap_err();
        assert_eq!(
            problem,
            Problem { line: 3, message: "weight: invalid type: sequence, expected i64".into() }
        );
        assert_eq!(text_line("a\u{2028}b\nc", 3), 2);
    }

    #[test]
    fn front_matter_only_and_crlf() {
        let split = split("+++\r\ntitle = \"x\"\r\n+++\r\n");
        assert_eq!(split.body, "");
        assert!(split.front.is_some());
    }

    // ---- Limits ----

    /// `x: [[[…]]]`, `levels` deep, after a title.
    fn nested_yaml(levels: usize) -> String {
        format!("title: Guide\nx: {}{}\n", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn front_matter_over_the_size_limit_is_refused_unread() {
        // Regression: 200 KB of nested brackets kept the YAML parser busy for 15 s (release).
        let started = std::time::Instant::now();
        let problem = parse(Format::Yaml, &nested_yaml(100_000)).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
        assert_eq!(problem.line, 0);
        assert_eq!(problem.message, "front matter of 196 KiB, over the limit of 64 KiB");
        let toml = format!("title = \"Guide\"\ndescription = \"{}\"\n", "a".repeat(MAX_FRONT_MATTER_BYTES));
        assert_eq!(parse(Format::Toml, &toml).unwrap_err().line, 0);
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_with_its_line() {
        assert!(parse(Format::Yaml, &nested_yaml(MAX_NESTING)).is_ok());
        let problem = parse(Format::Yaml, &nested_yaml(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(
            problem,
            Problem { line: 2, message: "front matter nested more than 32 levels deep".into() }
        );
        let toml = format!("title = \"x\"\n\nx = {}1{}\n", "{a = ".repeat(40), "}".repeat(40));
        assert_eq!(parse(Format::Toml, &toml).unwrap_err().line, 3);
        // Under the size limit, the scan answers long before the parser would have.
        let started = std::time::Instant::now();
        assert_eq!(parse(Format::Yaml, &nested_yaml(30_000)).unwrap_err().line, 2);
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
    }

    #[test]
    fn brackets_hidden_from_the_nesting_count_by_strings_are_bounded_too() {
        // Each `"]"` lowers the count without closing anything: 300 real levels, counted as 1.
        let levels = 300;
        let text = format!("x: {}{}\n", "[\"]\", ".repeat(levels), "]".repeat(levels));
        let problem = parse(Format::Yaml, &text).unwrap_err();
        assert_eq!(problem.message, "front matter with more than 256 `[` and `{`");
        // Brackets in strings and lists are fine below the limits.
        let text = "title: \"[Brouillon] Guide [1]\"\naliases: [a.md, b.md]\ndescription: \"a]]]]\"\n";
        assert_eq!(parse(Format::Yaml, text).unwrap().0.aliases, ["a.md", "b.md"]);
    }

    #[test]
    fn aliases_under_unknown_keys_are_never_expanded() {
        // Billion laughs: 15 KB that expanded to 9 million values (725 MB, 0.8 s in release).
        let items = vec!["x"; 3000].join(",");
        let aliases = vec!["*a"; 3000].join(",");
        let text = format!("title: Guide\na: &a [{items}]\nb: [{aliases}]\n");
        let started = std::time::Instant::now();
        let (front, _) = parse(Format::Yaml, &text).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
        assert_eq!(front.title.as_deref(), Some("Guide"));
        assert_eq!(front.unknown, ["a", "b"]);
        assert!(front.extra.is_empty(), "both are over the budget of `page.extra`");
        // Nested anchors: bounded by the budget (or refused by the YAML library).
        let mut text = String::from("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (previous, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            text.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
        }
        let started = std::time::Instant::now();
        let (front, _) = parse(Format::Yaml, &text).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "took {:?}", started.elapsed());
        assert_eq!(front.unknown.len(), 9);
        assert_eq!(front.extra.keys().collect::<Vec<_>>(), ["a", "b", "c"], "9, 90 and 819 values kept");
    }

    #[test]
    fn anchors_and_aliases_still_set_known_keys() {
        let text = "t: &t Mon guide\ntitle: *t\nold: &old [ancien.md]\naliases: *old\n";
        let (front, _) = parse(Format::Yaml, text).unwrap();
        assert_eq!(front.title.as_deref(), Some("Mon guide"));
        assert_eq!(front.aliases, ["ancien.md"]);
    }

    #[test]
    fn many_unknown_keys_are_read_at_once_and_kept_within_the_budget() {
        // Regression: each warning searched the whole front matter for its key (8,000 keys took
        // 350 ms in release).
        let mut text: String = (0..6000).map(|i| format!("k{i}: v\n")).collect();
        text.push_str("order: premier\n");
        assert!(text.len() < MAX_FRONT_MATTER_BYTES);
        let started = std::time::Instant::now();
        let (front, warnings) = parse(Format::Yaml, &text).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "took {:?}", started.elapsed());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 6001);
        assert_eq!(front.unknown.len(), 6000);
        assert_eq!(front.extra.len(), extra::MAX_KEPT_VALUES + 1, "and `order`, within a budget of its own");
    }

    #[test]
    fn keys_are_placed_quoted_or_not_first_occurrence_first() {
        let lines =
            key_lines("\"tags\" = 1\n  'cle avec espace' : 2\nnested:\n  tags: x\n# commentaire: non\n");
        assert_eq!(lines.get("tags"), Some(&1));
        assert_eq!(lines.get("cle avec espace"), Some(&2));
        assert_eq!(lines.get("nested"), Some(&3));
    }

    #[test]
    fn not_a_map_and_duplicate_keys_are_errors() {
        assert!(parse(Format::Yaml, "- a\n- b\n")
            .unwrap_err()
            .message
            .contains("a map of front matter keys"));
        assert!(parse(Format::Yaml, "title: a\ntitle: b\n").unwrap_err().message.contains("duplicate key"));
        assert!(parse(Format::Yaml, "x: 1\nx: 2\n").unwrap_err().message.contains("duplicate key `x`"));
        // Two front matters run together (`---sidebar_position: 1`, IGN_LIDAR_HD_DATASET's
        // release notes): the error is on the second `title`, not where the map starts.
        let glued =
            "# Traduisez\nsidebar_position: 7\ntitle: Version 1.6.2\n---sidebar_position: 1\ntitle: v1.6.2\n";
        assert_eq!(parse(Format::Yaml, glued).unwrap_err().line, 5);
        let nested = "a:\n  title: x\ntitle: y\ntitle: z\n";
        assert_eq!(parse(Format::Yaml, nested).unwrap_err().line, 4);
        assert_eq!(parse(Format::Yaml, "# rien\n~\n").unwrap().0, FrontMatter::default());
    }

    #[test]
    fn the_front_matter_of_every_bundled_guide_parses() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut parsed = 0;
        for entry in walkdir::WalkDir::new(content).into_iter().filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "md") {
                let text = std::fs::read_to_string(path).unwrap();
                if let Some((format, front)) = split(&text).front {
                    let (_, warnings) =
                        parse(format, front).unwrap_or_else(|p| panic!("{}: {p:?}", path.display()));
                    assert!(warnings.is_empty(), "{}: {warnings:?}", path.display());
                    parsed += 1;
                }
            }
        }
        assert!(parsed >= 7, "only {parsed} bundled guides have front matter");
    }
}
