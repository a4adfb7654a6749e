//! Site configuration: the optional `carnet.toml` at the site root.
//!
//! `parse` turns text into a `Config` (unknown keys and wrong types are errors naming the key and
//! its line); `load` reads the file if there is one and falls back to the defaults otherwise.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::SiteRoot;
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
    /// The folder whose files are published as they are at the site root (`static/`; Eleventy
    /// and VuePress sites call theirs `public/`).
    pub static_dir: PathBuf,
    pub theme: String,
    /// Old paths of renamed guides: `"ancien-guide/" = "NOUVEAU_GUIDE.md"` (a guide file or a path).
    pub redirects: std::collections::BTreeMap<String, String>,
    /// `[links]`: what broken links do to a build.
    pub links: LinksConfig,
    /// The image shown when a page is shared (`og:image`): a path from the site root
    /// (`logos/apercu.png`, a file of `static/`) or an absolute URL.
    pub og_image: Option<String>,
    /// `[publish]`: what the published site may load from elsewhere.
    pub publish: PublishConfig,
    /// `[repository]`: where the guides' sources are, for "Modifier cette page".
    pub repository: RepositoryConfig,
}

/// The `[repository]` table of `carnet.toml`. Without it, carnet reads the address of the git
/// remote `origin` (GitHub and GitLab).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepositoryConfig {
    /// `https://github.com/equipe/guides` or `https://gitlab.com/groupe/guides`.
    pub url: Option<String>,
    /// The branch edits go to (default: the checked-out one, else `main`).
    pub branch: Option<String>,
    /// `false`: no edit link, report link nor update date on the pages.
    pub show: Option<bool>,
}

/// The `[publish]` table of `carnet.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublishConfig {
    /// Other sites whose images and media pages may show (`images.example.org`): `carnet routes
    /// --write` writes `img-src 'self' data:` and these hosts (and `media-src` with them) into
    /// the Content-Security-Policy of render.yaml. Unset or empty: no other site, and hosts
    /// written there before are drift (`carnet routes --check`) that `--write` removes.
    pub allow_hosts: Option<Vec<String>>,
}

/// The `[links]` table of `carnet.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {
    pub broken: BrokenLinks,
}

/// What a link to a missing page, file or heading is: an error that fails the build (the
/// default, so that a broken link is never published), or a warning, to publish a site while
/// its links are being fixed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    #[default]
    Error,
    Warn,
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
            static_dir: PathBuf::from("static"),
            theme: "default".to_string(),
            redirects: Default::default(),
            links: LinksConfig::default(),
            og_image: None,
            publish: PublishConfig::default(),
            repository: RepositoryConfig::default(),
        }
    }
}

impl Config {
    /// Parses `carnet.toml` text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|err| {
            let location = match err.span() {
                Some(span) => Location::from_offset(path, text, span.start),
                None => Location::file(path),
            };
            Error::Config(Box::new(Diagnostic::error(location, err.message().trim().to_string())))
        })?;
        if let Some(Err(invalid)) = config.base_url.as_deref().map(check_base_url) {
            let offset = text.find("base_url").unwrap_or(0);
            let location = Location::from_offset(path, text, offset);
            return Err(Error::Config(Box::new(Diagnostic::error(location, invalid.to_string()))));
        }
        Ok(config)
    }

    /// Loads `carnet.toml` from the site root, or the defaults when there is none. A
    /// `carnet.toml` that is a link leading out of the site root is refused unread (its lines
    /// would show in error messages).
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(_) if !SiteRoot::new(root).admits(&path) => {
                let message =
                    "a symbolic link leading out of the site root (or into a hidden folder): not read";
                Err(Error::Config(Box::new(Diagnostic::error(Location::file(path), message))))
            }
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

/// A `base_url` (in carnet.toml or `--base-url`) that is not an absolute `http(s)://` URL, or
/// that could not be written into HTML as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("base_url `{url}` must be an absolute http:// or https:// URL, e.g. https://docs.example.org/")]
pub struct InvalidBaseUrl {
    pub url: String,
}

/// A base URL must be an absolute `http(s)://` URL that can be written into HTML as it is.
pub fn check_base_url(url: &str) -> std::result::Result<(), InvalidBaseUrl> {
    let has_scheme = url.starts_with("https://") || url.starts_with("http://");
    let has_host = url.split_once("://").is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    let writable = !url.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c));
    if has_scheme && has_host && writable {
        Ok(())
    } else {
        Err(InvalidBaseUrl { url: url.to_string() })
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

    #[cfg(unix)]
    #[test]
    fn a_config_linked_from_outside_the_root_is_not_read() {
        let (root, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(outside.path().join("secret"), "SECRET line\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join(CONFIG_FILE)).unwrap();
        let shown = Config::load(root.path()).unwrap_err().to_string();
        assert!(shown.contains("carnet.toml: a symbolic link leading out of the site root"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
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
    fn base_url_must_be_absolute_and_safe() {
        for bad in ["docs.example.org", "/docs/", "https://", "https://x.org/\"onload=", "https://x .org"] {
            let text = format!("title = \"x\"\nbase_url = {bad:?}\n");
            let err = Config::parse(&text, Path::new("carnet.toml")).unwrap_err();
            assert!(err.diagnostics()[0].to_string().contains("carnet.toml:2:1"), "{bad}");
        }
        assert!(check_base_url("https://docs.example.org/equipe/").is_ok());
    }

    #[test]
    fn broken_links_are_errors_unless_the_links_table_says_warn() {
        let path = Path::new("carnet.toml");
        assert_eq!(Config::parse("", path).unwrap().links.broken, BrokenLinks::Error);
        let warn = Config::parse("[links]\nbroken = \"warn\"\n", path).unwrap();
        assert_eq!(warn.links.broken, BrokenLinks::Warn);
        let err = Config::parse("[links]\nbroken = \"ignore\"\n", path).unwrap_err();
        let shown = err.diagnostics()[0].to_string();
        assert!(
            shown.contains("carnet.toml:2:10") && shown.contains("expected `error` or `warn`"),
            "{shown}"
        );
    }

    #[test]
    fn base_url_gets_one_trailing_slash() {
        let config = Config::parse("base_url = \"https://x.org/docs//\"", Path::new("c")).unwrap();
        assert_eq!(config.normalized_base_url().as_deref(), Some("https://x.org/docs/"));
    }
}
