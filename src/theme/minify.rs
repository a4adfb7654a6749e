//! Whitespace and comments out of the theme's scripts, for the browser: the first query
//! downloads the search box and the engine, so every byte counts (issue 18: under 30 KB).
//!
//! A line-by-line scanner, enough for the theme's scripts (no string, template or regular
//! expression spans lines there): strings, template literals and regular expression literals are
//! copied as written; `//` and `/* … */` comments are dropped; a run of spaces is kept (as one)
//! only between two characters of names or numbers, or between two `+` or two `-`. A line break
//! is kept only after a line that does not end a statement (`;`) or open a block or a list.

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Whether a `/` after `before` (the output so far, trimmed) starts a regular expression.
fn starts_regex(before: &str) -> bool {
    let last = before.chars().next_back();
    match last {
        None => true,
        Some(c) if "(,=:[!&|?{};+-*%<>~^".contains(c) => true,
        Some(c) if is_name_char(c) => {
            let word: String = before.chars().rev().take_while(|&c| is_name_char(c)).collect();
            matches!(word.as_str(), "nruter" | "foepyt" | "esac" | "fo" | "ni")
        }
        _ => false,
    }
}

/// `source` without comments, indentation, blank lines and needless spaces; `None` when a string,
/// template or regular expression spans lines (a custom theme's script may have one), which this
/// scanner cannot squeeze safely. `each_line` sees every line left (trimmed, comments spanning
/// lines gone) and returns what to keep of it: the search engine drops its `export` keywords there.
pub(crate) fn squeeze_script<'a>(
    source: &'a str,
    mut each_line: impl FnMut(&'a str) -> &'a str,
) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    let mut in_comment = false;
    for line in source.lines() {
        let mut line = line.trim();
        if in_comment {
            match line.find("*/") {
                Some(end) => line = line[end + 2..].trim_start(),
                None => continue,
            }
            in_comment = false;
        }
        if line.starts_with("/*") && !line[2..].contains("*/") {
            in_comment = true;
            continue;
        }
        let before = out.len();
        if !squeeze_line(each_line(line), &mut out) {
            return None;
        }
        if out.len() > before && !out.ends_with([';', '{', ',']) {
            out.push('\n');
        }
    }
    Some(out)
}

/// Appends `line` without its comments and needless spaces to `out`; false when a literal is
/// left open at the end of the line.
fn squeeze_line(line: &str, out: &mut String) -> bool {
    let start = out.len();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut pending_space = false;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\t' {
            pending_space = true;
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            break;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let rest: String = chars[i + 2..].iter().collect();
            i += 2 + rest.find("*/").map_or(rest.chars().count(), |at| rest[..at].chars().count() + 2);
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev = out[start..].chars().next_back();
            if let Some(p) = prev {
                if (is_name_char(p) && is_name_char(c)) || (p == c && (c == '+' || c == '-')) {
                    out.push(' ');
                }
            }
            pending_space = false;
        }
        let end = match c {
            '"' | '\'' | '`' => literal_end(&chars, i, c),
            '/' if starts_regex(out[start..].trim_end()) => regex_end(&chars, i),
            _ => Some(i + 1),
        };
        let Some(end) = end else { return false };
        out.extend(&chars[i..end]);
        i = end;
    }
    true
}

/// The index after the string or template literal opened by `quote` at `from`, if it closes.
fn literal_end(chars: &[char], from: usize, quote: char) -> Option<usize> {
    let mut i = from + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index after the regular expression literal (and its flags) opened at `from`, if it closes.
fn regex_end(chars: &[char], from: usize) -> Option<usize> {
    let mut i = from + 1;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '/' if !in_class => {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeeze(line: &str) -> String {
        let mut out = String::new();
        assert!(squeeze_line(line, &mut out), "{line}");
        out
    }

    #[test]
    fn scripts_lose_comments_blank_lines_and_needless_breaks() {
        let source = "/* Header\n   of two lines. */\n(function () {\n  var a = 1; /* note */\n\n  // line\n  /* x */ f(a)\n  g(\"/* no */\") +\n    h;\n})();\n";
        assert_eq!(
            squeeze_script(source, |l| l).as_deref(),
            Some("(function(){var a=1;f(a)\ng(\"/* no */\")+\nh;})();")
        );
        let mut seen = Vec::new();
        squeeze_script("a;\n/* b\n c */ d;\n", |l| {
            seen.push(l);
            l
        });
        assert_eq!(seen, ["a;", "d;"]);
    }

    #[test]
    fn a_literal_spanning_lines_leaves_the_script_as_it_is() {
        assert_eq!(squeeze_script("const t = `a\n  b`;\n", |l| l), None);
        assert_eq!(squeeze_script("const s = 'a\\\n  b';\n", |l| l), None);
    }

    #[test]
    fn spaces_go_but_between_names_and_literals_stay_whole() {
        assert_eq!(squeeze("const a = b + c; // note"), "const a=b+c;");
        assert_eq!(squeeze("if (x) return a - -b;"), "if(x)return a- -b;");
        assert_eq!(squeeze(r#"s = "a  b // c" + 'd /* e */';"#), r#"s="a  b // c"+'d /* e */';"#);
        assert_eq!(squeeze("t = `x ${ y }  z`;"), "t=`x ${ y }  z`;");
        assert_eq!(squeeze("a = b /* c */ + d;"), "a=b+d;");
    }

    #[test]
    fn regular_expressions_are_told_from_divisions() {
        assert_eq!(
            squeeze(r"x = s.replace(/[.:_\-\/@+]+$/, ''); y = a / b / c;"),
            r"x=s.replace(/[.:_\-\/@+]+$/,'');y=a/b/c;"
        );
        assert_eq!(squeeze(r"return /['`] x/gu.test(s);"), r"return/['`] x/gu.test(s);");
        assert_eq!(squeeze(r"const q = /a [/] b/.source + 1 / 2;"), r"const q=/a [/] b/.source+1/2;");
    }
}
