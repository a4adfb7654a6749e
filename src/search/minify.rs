//! Whitespace and comments out of one line of the theme's search engine, for the browser: the
//! first query downloads the engine, so every byte counts (issue 18: under 30 KB).
//!
//! A line-by-line scanner, enough for `search-engine.mjs` (no string, template or regular
//! expression spans lines there): strings, template literals and regular expression literals are
//! copied as written; `//` and `/* … */` comments are dropped; a run of spaces is kept (as one)
//! only between two characters of names or numbers, or between two `+` or two `-`.

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

/// Appends `line` without its comments and needless spaces to `out`.
pub(super) fn squeeze_line(line: &str, out: &mut String) {
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
            _ => i + 1,
        };
        out.extend(&chars[i..end]);
        i = end;
    }
}

/// The index after the string or template literal opened by `quote` at `from`.
fn literal_end(chars: &[char], from: usize, quote: char) -> usize {
    let mut i = from + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index after the regular expression literal (and its flags) opened at `from`.
fn regex_end(chars: &[char], from: usize) -> usize {
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
                return i;
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeeze(line: &str) -> String {
        let mut out = String::new();
        squeeze_line(line, &mut out);
        out
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
