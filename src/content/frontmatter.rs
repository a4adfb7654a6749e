//! Front matter: TOML between `+++` lines or YAML between `---` lines, only at the very start of
//! a guide. `split` separates it from the body; `parse` reads the known keys.

use serde::Deserialize;

/// The keys a guide may set. Unknown keys are reported as warnings by `parse`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    /// `repair = false` keeps the text exactly as it is (no mojibake repair).
    pub repair: Option<bool>,
    /// Old paths of this guide, redirected to it.
    pub aliases: Vec<String>,
}

const KNOWN_KEYS: &[&str] = &["title", "description", "weight", "draft", "slug", "repair", "aliases"];

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

/// A front-matter problem, with the line inside the front matter (1 = first line after the fence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// Parses front matter text. Returns the values and warnings about unknown keys, or the error.
pub fn parse(format: Format, text: &str) -> Result<(FrontMatter, Vec<Problem>), Problem> {
    let keys: Vec<String> = match format {
        Format::Toml => {
            let table: toml::Table = toml::from_str(text).map_err(|e| toml_problem(text, &e))?;
            table.keys().cloned().collect()
        }
        Format::Yaml if text.trim().is_empty() => Vec::new(),
        Format::Yaml => {
            let value: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(text).map_err(|e| yaml_problem(text, &e))?;
            match value {
                serde_yaml_ng::Value::Mapping(map) => {
                    map.keys().map(|k| k.as_str().map_or_else(|| format!("{k:?}"), str::to_string)).collect()
                }
                serde_yaml_ng::Value::Null => Vec::new(),
                _ => return Err(Problem { line: 1, message: "front matter must be a map of keys".into() }),
            }
        }
    };
    let front = match format {
        Format::Toml => toml::from_str(text).map_err(|e| toml_problem(text, &e))?,
        Format::Yaml if keys.is_empty() => FrontMatter::default(),
        Format::Yaml => serde_yaml_ng::from_str(text).map_err(|e| yaml_problem(text, &e))?,
    };
    let warnings = keys
        .iter()
        .filter(|key| !KNOWN_KEYS.contains(&key.as_str()))
        .map(|key| Problem {
            line: key_line(text, key),
            message: format!("unknown front matter key `{key}` (known: {})", KNOWN_KEYS.join(", ")),
        })
        .collect();
    Ok((front, warnings))
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
    Problem { line, message }
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

fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start().trim_start_matches(['"', '\'']);
            line.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start_matches(['"', '\'']).trim_start();
                rest.starts_with('=') || rest.starts_with(':')
            })
        })
        .map_or(1, |i| i + 1)
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
    fn yaml_front_matter_with_unknown_key_warns_with_line() {
        let text = "---\ntitle: Guide\ntags: [a]\n---\ncorps";
        let split = split(text);
        let (format, front) = split.front.unwrap();
        let (fm, warnings) = parse(format, front).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Guide"));
        assert_eq!(warnings[0].line, 2);
        assert!(warnings[0].message.contains("tags"));
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
        assert_eq!(problem.line, 4);
        assert_eq!(text_line("a\u{2028}b\nc", 3), 2);
    }

    #[test]
    fn front_matter_only_and_crlf() {
        let split = split("+++\r\ntitle = \"x\"\r\n+++\r\n");
        assert_eq!(split.body, "");
        assert!(split.front.is_some());
    }
}
