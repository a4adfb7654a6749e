//! Site configuration: the optional `carnet.toml` at the site root.
//!
//! `parse` turns text into a `Config` (unknown keys and wrong types are errors naming the key and
//! its line); `load` reads the file if there is one and falls back to the defaults otherwise.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Location, Result};

pub const CONFIG_FILE: &str = "carnet.toml";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://docs.example.org/guides/`.
    pub base_url: Option<String>,
    pub language: String,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub theme: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Documentation".to_string(),
            description: String::new(),
            base_url: None,
            language: "fr".to_string(),
            content_dir: PathBuf::from("content"),
            output_dir: PathBuf::from("public"),
            theme: "default".to_string(),
        }
    }
}

impl Config {
    /// Parses `carnet.toml` text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        toml::from_str(text).map_err(|err| {
            let location = match err.span() {
                Some(span) => Location::from_offset(path, text, span.start),
                None => Location::file(path),
            };
            Error::Config(Box::new(Diagnostic::error(location, err.message().trim().to_string())))
        })
    }

    /// Loads `carnet.toml` from the site root, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(err) => Err(Error::io(path, err)),
        }
    }

    /// The base URL with exactly one trailing slash, if set.
    pub fn normalized_base_url(&self) -> Option<String> {
        self.base_url.as_deref().map(|url| format!("{}/", url.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.title, "Documentation");
        assert_eq!(config.language, "fr");
        assert_eq!(config.output_dir, PathBuf::from("public"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse("title = \"Docs\"\ntitel = \"x\"\n", Path::new("carnet.toml")).unwrap_err();
        let shown = err.diagnostics()[0].to_string();
        assert!(shown.contains("carnet.toml:2:1"), "{shown}");
        assert!(shown.contains("titel"), "{shown}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = Config::parse("title = 3\n", Path::new("carnet.toml")).unwrap_err();
        let shown = err.diagnostics()[0].to_string();
        assert!(shown.contains("carnet.toml:1:9"), "{shown}");
        assert!(shown.contains("string"), "{shown}");
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let config = Config::parse("base_url = \"https://x.org/docs//\"", Path::new("c")).unwrap();
        assert_eq!(config.normalized_base_url().as_deref(), Some("https://x.org/docs/"));
    }
}
