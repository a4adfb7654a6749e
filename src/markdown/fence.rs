//! What a code fence says about its block: language, title, highlighted lines.
//!
//! `FenceInfo::parse` reads info strings (`yaml title="render.yaml" hl_lines="2-3"`,
//! `{.yaml title=x}`); `Lang::from_token` maps a fence token to a mode (syntect syntax, console,
//! Procfile or plain text); `file_lang` recognises a file name (`Procfile`, `render.yaml`,
//! `.env`, `core/wsgi.py`) and gives its language.

use super::highlight::Highlighter;

/// How the lines of a block are turned into HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mode {
    Plain,
    /// A syntect syntax, by its name.
    Syntax(String),
    /// Prompts, commands (as bash) and output lines.
    Console,
    /// `process: command` lines.
    Procfile,
}

/// A block's language: the name written in `data-lang` and how to highlight it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lang {
    pub name: String,
    pub mode: Mode,
}

/// Fence tokens and their canonical name and syntect token (`""`: plain, `console`, `procfile`).
const ALIASES: &[(&[&str], &str, &str)] = &[
    (&["bash", "sh", "shell", "zsh", "ksh", "shellscript"], "bash", "bash"),
    (&["console", "shell-session", "shellsession", "sh-session", "terminal"], "console", "console"),
    (&["yaml", "yml"], "yaml", "yaml"),
    (&["toml"], "toml", "toml"),
    (&["json", "jsonc", "json5"], "json", "json"),
    (&["python", "py", "python3", "py3"], "python", "py"),
    (&["ini", "cfg", "conf", "properties"], "ini", "ini"),
    (&["env", "dotenv"], "env", "ini"),
    (&["dockerfile", "docker", "containerfile"], "dockerfile", "Dockerfile"),
    (&["diff", "patch"], "diff", "diff"),
    (&["sql"], "sql", "sql"),
    (&["html", "htm", "xhtml"], "html", "html"),
    (&["css"], "css", "css"),
    (&["javascript", "js", "mjs", "cjs", "jsx"], "javascript", "js"),
    (&["typescript", "ts"], "typescript", "ts"),
    (&["rust", "rs"], "rust", "rs"),
    (&["procfile"], "procfile", "procfile"),
    (&["text", "txt", "plain", "plaintext", "none", "output"], "text", ""),
];

impl Lang {
    /// `yml` → yaml, `console` → console mode, an unknown token → plain text under its name.
    pub(crate) fn from_token(token: &str, hl: &Highlighter) -> Lang {
        let lower = token.to_lowercase();
        let alias = ALIASES.iter().find(|(names, _, _)| names.contains(&lower.as_str()));
        let (name, syntect_token) = match alias {
            Some((_, name, syntect_token)) => (name.to_string(), *syntect_token),
            None => (lower.clone(), lower.as_str()),
        };
        let mode = match syntect_token {
            "" => Mode::Plain,
            "console" => Mode::Console,
            "procfile" => Mode::Procfile,
            t => hl.syntax_for_token(t).map_or(Mode::Plain, |s| Mode::Syntax(s.name.clone())),
        };
        Lang { name, mode }
    }

    /// A key naming the mode, for the highlight cache.
    pub(crate) fn cache_key(&self) -> String {
        match &self.mode {
            Mode::Plain => "plain".to_string(),
            Mode::Syntax(name) => format!("syntax:{name}"),
            Mode::Console => "console".to_string(),
            Mode::Procfile => "procfile".to_string(),
        }
    }
}

/// File names without an extension that name a known kind of file.
const BARE_FILES: &[(&str, &str)] = &[
    ("Procfile", "procfile"),
    ("Dockerfile", "dockerfile"),
    ("Containerfile", "dockerfile"),
    ("Makefile", "makefile"),
    ("GNUmakefile", "makefile"),
    ("Gemfile", "ruby"),
    ("Rakefile", "ruby"),
    ("Vagrantfile", "ruby"),
    ("Brewfile", "ruby"),
    ("Jenkinsfile", "groovy"),
    ("Pipfile", "toml"),
    ("Caddyfile", "text"),
    ("Justfile", "text"),
    ("justfile", "text"),
    ("CODEOWNERS", "text"),
];

/// Extensions that are file names even when syntect has no syntax for them.
const TEXT_EXTENSIONS: &[&str] =
    &["txt", "env", "cfg", "conf", "lock", "log", "csv", "example", "sample", "local", "md"];

/// The language of a file if `text` is a file name (`render.yaml`, `Procfile`, `.env`).
pub(crate) fn file_lang(text: &str, hl: &Highlighter) -> Option<Lang> {
    let text = text.trim();
    if text.is_empty() || text.len() > 120 || !text.chars().all(is_file_char) {
        return None;
    }
    let base = text.rsplit('/').next().unwrap_or(text);
    if let Some((_, token)) = BARE_FILES.iter().find(|(name, _)| *name == base) {
        return Some(Lang::from_token(token, hl));
    }
    if let Some(rest) = base.strip_prefix('.') {
        return dotfile_lang(rest, hl);
    }
    let (stem, ext) = base.rsplit_once('.')?;
    let ext_ok = !ext.is_empty()
        && ext.len() <= 10
        && ext.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && ext.chars().any(|c| c.is_ascii_lowercase());
    if stem.is_empty() || !ext_ok || is_product_name(stem, ext) {
        return None;
    }
    if let Some(syntax) = hl.syntax_for_extension(base) {
        let name = Lang::from_token(ext, hl).name;
        return Some(Lang { name, mode: Mode::Syntax(syntax.name.clone()) });
    }
    let lang = Lang::from_token(ext, hl);
    let known = lang.mode != Mode::Plain || ALIASES.iter().any(|(n, _, _)| n.contains(&ext));
    (known || TEXT_EXTENSIONS.contains(&ext)).then_some(lang)
}

fn is_file_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '+' | '@' | '~')
}

/// `Node.js`, `Vue.js`: names of products, not files.
fn is_product_name(stem: &str, ext: &str) -> bool {
    ext == "js"
        && stem.chars().next().is_some_and(char::is_uppercase)
        && stem.chars().all(char::is_alphanumeric)
}

/// `.env`, `.env.local` → env; `.bashrc`, `.profile` → bash; others by syntect or plain.
fn dotfile_lang(rest: &str, hl: &Highlighter) -> Option<Lang> {
    if rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    if rest == "env" || rest.starts_with("env.") {
        return Some(Lang::from_token("env", hl));
    }
    if matches!(rest, "bashrc" | "bash_profile" | "profile" | "zshrc") {
        return Some(Lang::from_token("bash", hl));
    }
    if let Some(syntax) =
        hl.syntax_for_extension(&format!(".{rest}")).or_else(|| hl.syntax_for_extension(rest))
    {
        return Some(Lang { name: rest.to_string(), mode: Mode::Syntax(syntax.name.clone()) });
    }
    Some(Lang { name: "text".to_string(), mode: Mode::Plain })
}

/// The parts of a fence info string carnet uses.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FenceInfo {
    pub lang: Option<String>,
    pub title: Option<String>,
    pub hl_lines: Option<String>,
}

impl FenceInfo {
    /// `yaml title="render.yaml" hl_lines="2-3"`, `{.yaml title=x}`, `rust,ignore`.
    pub(crate) fn parse(info: &str) -> FenceInfo {
        let mut parsed = FenceInfo::default();
        for token in tokens(info) {
            if let Some((key, value)) = token.split_once('=') {
                let value = Some(value.to_string()).filter(|v| !v.trim().is_empty());
                match key.trim() {
                    "title" | "filename" | "file" => parsed.title = value,
                    "hl_lines" | "hl-lines" | "highlight" | "hl" => parsed.hl_lines = value,
                    _ => {}
                }
            } else if parsed.lang.is_none() && !token.starts_with('#') {
                let lang = token.trim_start_matches('.').split(',').next().unwrap_or("");
                if !lang.is_empty() {
                    parsed.lang = Some(lang.to_string());
                }
            }
        }
        parsed
    }
}

/// Splits on whitespace and braces outside quotes; quotes are removed.
fn tokens(info: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    for c in info.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() || c == '{' || c == '}' => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            (None, c) => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Line numbers (from 1) to highlight: `2-3`, `1 3-4`, `1,3-4`, `[2, 5]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LineSet(Vec<(usize, usize)>);

impl LineSet {
    pub(crate) fn parse(spec: &str) -> LineSet {
        let ranges = spec
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']'))
            .filter_map(|part| {
                let (a, b) = part.split_once('-').unwrap_or((part, part));
                let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                (a <= b).then_some((a, b))
            })
            .collect();
        LineSet(ranges)
    }

    pub(crate) fn contains(&self, line: usize) -> bool {
        self.0.iter().any(|&(a, b)| a <= line && line <= b)
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings() {
        let info = FenceInfo::parse("yaml title=\"render.yaml\" hl_lines=\"2-3\"");
        assert_eq!(info.lang.as_deref(), Some("yaml"));
        assert_eq!(info.title.as_deref(), Some("render.yaml"));
        assert_eq!(info.hl_lines.as_deref(), Some("2-3"));
        let info = FenceInfo::parse("{.yaml title='x.yml'}");
        assert_eq!((info.lang.as_deref(), info.title.as_deref()), (Some("yaml"), Some("x.yml")));
        assert_eq!(FenceInfo::parse("rust,ignore").lang.as_deref(), Some("rust"));
        assert_eq!(FenceInfo::parse("title=\"Procfile\"").lang, None);
    }

    #[test]
    fn line_sets() {
        let set = LineSet::parse("1 3-4");
        assert!(set.contains(1) && !set.contains(2) && set.contains(3) && set.contains(4));
        assert!(!set.contains(5));
        assert!(LineSet::parse("1,3-4").contains(4));
        assert!(LineSet::parse("oops").is_empty());
        assert!(LineSet::parse("1-99999999999").contains(7));
    }

    #[test]
    fn required_languages_have_a_syntax() {
        let hl = Highlighter::new();
        for token in [
            "bash",
            "sh",
            "shell",
            "zsh",
            "yaml",
            "yml",
            "toml",
            "json",
            "python",
            "py",
            "ini",
            "cfg",
            "env",
            "dockerfile",
            "diff",
            "sql",
            "html",
            "css",
            "javascript",
            "js",
            "rust",
            "rs",
        ] {
            let lang = Lang::from_token(token, &hl);
            assert!(matches!(lang.mode, Mode::Syntax(_)), "{token}: {lang:?}");
        }
        assert_eq!(Lang::from_token("console", &hl).mode, Mode::Console);
        assert_eq!(Lang::from_token("mermaid", &hl).mode, Mode::Plain);
    }

    #[test]
    fn file_names() {
        let hl = Highlighter::new();
        let name = |t: &str| file_lang(t, &hl).map(|l| l.name);
        assert_eq!(name("Procfile").as_deref(), Some("procfile"));
        assert_eq!(name("render.yaml").as_deref(), Some("yaml"));
        assert_eq!(name("Dockerfile").as_deref(), Some("dockerfile"));
        assert_eq!(name(".env").as_deref(), Some("env"));
        assert_eq!(name("core/wsgi.py").as_deref(), Some("python"));
        assert!(name("requirements.txt").is_some());
        assert_eq!(name("docker-compose.yml").as_deref(), Some("yaml"));
        assert_eq!(name("Solution 1 : Désactiver"), None);
        assert_eq!(name("Node.js"), None);
        assert_eq!(name("v1.2"), None);
        assert_eq!(name("Monitoring"), None);
    }
}
