//! Procfile blocks: `process: command` lines.
//!
//! The process name goes in `span.hl-procfile-process`, the command in
//! `span.hl-procfile-command`, highlighted as bash inside; comments are highlighted as bash too,
//! and any other line is left as escaped text.

use super::escape::escape_text;
use super::highlight::{Highlighter, Line};

const BASH: &str = "Bourne Again Shell (bash)";

pub(crate) fn lines(source: &[&str], hl: &Highlighter) -> Vec<Line> {
    let mut bash = hl.lines(BASH);
    source
        .iter()
        .map(|&text| {
            if text.trim_start().starts_with('#') {
                return Line::code(bash.line(text));
            }
            match split_process(text) {
                Some((process, space, command)) => Line::code(format!(
                    "<span class=\"hl-procfile-process\">{}</span>:{}<span class=\"hl-procfile-command\">{}</span>",
                    escape_text(process),
                    space,
                    bash.line(command)
                )),
                None => Line::code(escape_text(text)),
            }
        })
        .collect()
}

/// `web: gunicorn app` → (`web`, ` `, `gunicorn app`).
fn split_process(line: &str) -> Option<(&str, &str, &str)> {
    let (process, rest) = line.split_once(':')?;
    let valid =
        !process.is_empty() && process.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return None;
    }
    let command = rest.trim_start_matches([' ', '\t']);
    let space = &rest[..rest.len() - command.len()];
    Some((process, space, command))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_and_command() {
        assert_eq!(split_process("web: gunicorn app"), Some(("web", " ", "gunicorn app")));
        assert_eq!(
            split_process("release:python manage.py migrate"),
            Some(("release", "", "python manage.py migrate"))
        );
        assert_eq!(split_process("pas un processus"), None);
        assert_eq!(split_process("a b: c"), None);
    }
}
