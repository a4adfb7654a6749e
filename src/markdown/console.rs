//! Console blocks: prompts, commands and output.
//!
//! A line starting with a `$ ` or `# ` prompt is a command: the prompt goes in
//! `span.prompt[data-nocopy]`, the command is highlighted as bash; a line after one ending in `\`
//! continues the command; any other line is output (`span.line.output[data-nocopy]`), so the
//! copy button hands over exactly the commands.

use super::escape::escape_text;
use super::highlight::{Highlighter, Line};

const BASH: &str = "Bourne Again Shell (bash)";

/// A bash block whose every non-empty line starts with `$ ` is shown as a console.
pub(crate) fn looks_like_console(lines: &[&str]) -> bool {
    let mut non_empty = lines.iter().filter(|l| !l.trim().is_empty()).peekable();
    non_empty.peek().is_some() && non_empty.all(|l| l.starts_with("$ "))
}

pub(crate) fn lines(source: &[&str], hl: &Highlighter) -> Vec<Line> {
    let mut bash = hl.lines(BASH);
    let mut continued = false;
    source
        .iter()
        .map(|&text| {
            if continued {
                continued = text.trim_end().ends_with('\\');
                return Line::code(bash.line(text));
            }
            match split_prompt(text) {
                Some((prompt, command)) => {
                    continued = command.trim_end().ends_with('\\');
                    let html = format!(
                        "<span class=\"prompt\" data-nocopy>{}</span>{}",
                        escape_text(prompt),
                        bash.line(command)
                    );
                    Line::code(html)
                }
                None => Line::output(escape_text(text)),
            }
        })
        .collect()
}

/// `$ ls` → (`$ `, `ls`); a lone `$` is an empty command.
fn split_prompt(line: &str) -> Option<(&str, &str)> {
    if line == "$" {
        return Some((line, ""));
    }
    ["$ ", "# "].iter().find_map(|p| line.strip_prefix(p).map(|rest| (&line[..p.len()], rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_and_output() {
        assert_eq!(split_prompt("$ ls -l"), Some(("$ ", "ls -l")));
        assert_eq!(split_prompt("# apt update"), Some(("# ", "apt update")));
        assert_eq!(split_prompt("total 0"), None);
        assert!(looks_like_console(&["$ a", "", "$ b"]));
        assert!(!looks_like_console(&["$ a", "b"]));
        assert!(!looks_like_console(&[""]));
    }
}
