//! MDX guides (`.mdx`, as Docusaurus writes them): Markdown with JavaScript module statements
//! and JSX. carnet reads them as Markdown: the `import` and `export` statements at the top level
//! (outside code blocks) are blanked, the text keeping its length and its lines so that offsets
//! and line numbers stay the file's; JSX elements are left to the Markdown parser, as HTML.

use std::path::Path;

/// True for a file of MDX (`.mdx`, any case).
pub fn is_mdx(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("mdx"))
}

/// Blanks the module statements of an MDX text (`import Tabs from "@theme/Tabs";`, an `export`
/// over several lines): each of their characters but line breaks becomes a space.
pub fn blank_module_statements(text: &mut String) {
    let mut blanked = String::with_capacity(text.len());
    let mut fence: Option<(u8, usize)> = None;
    // Brackets left open by the statement being blanked (`import {` … `} from "x";`).
    let mut open: Option<i64> = None;
    for line in text.split_inclusive('\n') {
        let opens = fence_of(line);
        match (fence, opens) {
            (None, Some(found)) => fence = Some(found),
            (Some((c, n)), Some((c2, n2)))
                if c == c2 && n2 >= n && line.trim_start()[n2..].trim().is_empty() =>
            {
                fence = None
            }
            _ => {}
        }
        let starts = fence.is_none() && (line.starts_with("import ") || line.starts_with("export "));
        if open.is_some() || (starts && opens.is_none()) {
            let depth = open.unwrap_or(0) + bracket_balance(line);
            open = (depth > 0).then_some(depth);
            blanked.extend(line.chars().map(|c| if c == '\n' || c == '\r' { c } else { ' ' }));
        } else {
            blanked.push_str(line);
        }
    }
    *text = blanked;
}

/// The JSX components an MDX text uses (`<Tabs>`, `<TabItem>`: elements whose name starts with
/// a capital), outside code blocks and code spans, each once, with the offset of its first use.
pub fn components(text: &str) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if let Some((c, n)) = fence_of(line) {
            match fence {
                None => fence = Some((c, n)),
                Some((open, length)) if open == c && n >= length => fence = None,
                Some(_) => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        // Code spans hold examples (`<Tabs>` written as code).
        for (i, part) in line.split('`').enumerate().filter(|(i, _)| i % 2 == 0) {
            let start = here + line.split('`').take(i).map(|p| p.len() + 1).sum::<usize>();
            for (at, _) in part.match_indices('<') {
                let name: String =
                    part[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
                let component = name.starts_with(|c: char| c.is_ascii_uppercase());
                if component && !found.iter().any(|(known, _)| *known == name) {
                    found.push((name, start + at));
                }
            }
        }
    }
    found
}

/// The fence a line opens or closes (three or more backticks or tildes, indented by at most
/// three spaces): its character and length.
fn fence_of(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = *trimmed.as_bytes().first()?;
    let n = trimmed.bytes().take_while(|&b| b == c).count();
    (matches!(c, b'`' | b'~') && n >= 3).then_some((c, n))
}

/// Opening brackets less closing ones (`{`, `[`, `(`), outside quotes.
fn bracket_balance(line: &str) -> i64 {
    let (mut balance, mut quote) = (0, None);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '{' | '[' | '(') => balance += 1,
            (None, '}' | ']' | ')') => balance -= 1,
            _ => {}
        }
    }
    balance
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str) -> String {
        let mut text = text.to_string();
        let length = text.len();
        blank_module_statements(&mut text);
        assert_eq!(text.len(), length, "same length");
        text
    }

    #[test]
    fn module_statements_are_blanked_lines_and_code_kept() {
        // Logora's `installation/javascript-sdk.mdx`.
        let text = "---\nid: javascript-sdk\n---\n\nimport Tabs from \"@theme/Tabs\";\nimport styles from './styles.module.css';\n\nLogora peut être installé.\n";
        let out = blanked(text);
        assert!(!out.contains("import") && out.contains("Logora peut être installé."), "{out}");
        assert_eq!(out.lines().count(), text.lines().count());
        let several = "import {\n  a,\n  b,\n} from \"x\";\n# Titre\n";
        assert_eq!(blanked(several).trim_start(), "# Titre\n");
        let export = "export const meta = {\n  titre: \"x\",\n};\n\nTexte\n";
        assert_eq!(blanked(export).trim(), "Texte");
        let fenced = "```js\nimport x from \"y\";\n```\n~~~~\nexport PATH=/bin\n~~~~\n";
        assert_eq!(blanked(fenced), fenced, "code blocks are code");
        let prose = "Pour importer :\nimportant : lire ceci.\n  import x\n";
        assert_eq!(blanked(prose), prose, "only statements at the start of a line");
    }

    #[test]
    fn components_are_the_capitalised_elements_outside_code() {
        let text = "<Tabs className={styles.x}>\n  <TabItem value=\"a\">\n`<Code>` et <b>gras</b>\n```\n<Pre/>\n```\n<TabItem/></Tabs>\n";
        let found = components(text);
        let names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Tabs", "TabItem"]);
        assert_eq!(&text[found[1].1..found[1].1 + 8], "<TabItem");
    }
}
