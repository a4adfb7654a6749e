//! The headers readers get, sent by the preview too: the `headers` rules of the site's
//! `render.yaml` (its Content-Security-Policy, `X-Content-Type-Options`, `Referrer-Policy`…), so
//! that a page the policy would break on Render breaks in the preview first.
//!
//! `HeaderRules::of_site` reads them from the Blueprint's static-site service; a site without a
//! `render.yaml` gets those of the Blueprint `carnet init` writes (`init::BLUEPRINT`), and one whose
//! `render.yaml` cannot be read gets them too, with a warning. `apply` adds the rules matching a
//! path to a response, except `Cache-Control` (the preview never lets a browser keep a page)
//! and any header the server already set.

use std::path::Path;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use serde_yaml_ng::Value;

use crate::error::{Diagnostic, Location};
use crate::site::blueprint;

/// One rule of a Blueprint: headers `name: value` on the paths matching `path` (`*`: any text).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    path: String,
    name: HeaderName,
    value: HeaderValue,
}

/// The header rules of a site, in the Blueprint's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderRules {
    rules: Vec<Rule>,
}

impl HeaderRules {
    /// The rules of the static-site service of a Blueprint (none when it has no `headers`), or
    /// why there are none to take.
    pub fn from_blueprint(text: &str) -> Result<HeaderRules, BlueprintError> {
        let blueprint: Value =
            serde_yaml_ng::from_str(text).map_err(|e| BlueprintError::NotYaml(e.to_string()))?;
        let services = blueprint["services"].as_sequence().ok_or(BlueprintError::NoServices)?;
        let is_static =
            |s: &&Value| s["runtime"].as_str() == Some("static") || s["env"].as_str() == Some("static");
        let site = services.iter().find(is_static).ok_or(BlueprintError::NoStaticSite)?;
        let Some(rules) = site.get("headers") else { return Ok(HeaderRules::default()) };
        let rules = rules.as_sequence().ok_or(BlueprintError::HeadersNotAList)?;
        let rules = rules.iter().enumerate().map(|(i, rule)| {
            Rule::read(rule).map_err(|reason| BlueprintError::Rule { number: i + 1, reason })
        });
        Ok(HeaderRules { rules: rules.collect::<Result<_, _>>()? })
    }

    /// The rules of the Blueprint `carnet init` writes: carnet's theme under its own policy.
    pub fn carnet_default() -> HeaderRules {
        // Tested to parse (`the_default_is_the_init_blueprint_s`).
        HeaderRules::from_blueprint(crate::init::BLUEPRINT).unwrap_or_default()
    }

    /// The rules for the site at `root`, and a warning when its `render.yaml` could not be used.
    pub fn of_site(root: &Path) -> (HeaderRules, Option<Diagnostic>) {
        let path = root.join(blueprint::FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (HeaderRules::carnet_default(), None)
            }
            Err(e) => return (HeaderRules::carnet_default(), Some(unusable(&path, &e.to_string()))),
        };
        match HeaderRules::from_blueprint(&text) {
            Ok(rules) => (rules, None),
            Err(why) => (HeaderRules::carnet_default(), Some(unusable(&path, &why.to_string()))),
        }
    }

    /// The value the rules give header `name` on `path`: the last matching rule's.
    pub fn value(&self, path: &str, name: &HeaderName) -> Option<&HeaderValue> {
        self.rules.iter().rev().find(|r| r.name == *name && matches(&r.path, path)).map(|r| &r.value)
    }

    /// Adds to `headers` what the rules give `path`, but `Cache-Control` and what is already set.
    pub fn apply(&self, path: &str, headers: &mut HeaderMap) {
        for rule in &self.rules {
            if rule.name == header::CACHE_CONTROL || headers.contains_key(&rule.name) {
                continue;
            }
            if let Some(value) = self.value(path, &rule.name) {
                headers.insert(rule.name.clone(), value.clone());
            }
        }
    }
}

impl Rule {
    fn read(rule: &Value) -> Result<Rule, RuleError> {
        let field = |key: &'static str| rule[key].as_str().ok_or(RuleError::Missing(key));
        let path = field("path")?;
        let name = HeaderName::try_from(field("name")?).map_err(|e| RuleError::Name(e.to_string()))?;
        let value = HeaderValue::try_from(field("value")?).map_err(|e| RuleError::Value(e.to_string()))?;
        Ok(Rule { path: path.to_string(), name, value })
    }
}

/// Why the headers of a Blueprint cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlueprintError {
    #[error("not YAML: {0}")]
    NotYaml(String),
    #[error("no `services` list")]
    NoServices,
    #[error("no static site service (`runtime: static`)")]
    NoStaticSite,
    #[error("`headers` is not a list")]
    HeadersNotAList,
    #[error("header rule {number}: {reason}")]
    Rule { number: usize, reason: RuleError },
}

/// Why one header rule of a Blueprint cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("no `{0}` text")]
    Missing(&'static str),
    #[error("header name: {0}")]
    Name(String),
    #[error("header value: {0}")]
    Value(String),
}

fn unusable(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(
        Location::file(path),
        format!("cannot read its headers ({why}): the preview sends those of `carnet init`'s render.yaml"),
    )
}

/// Whether `path` matches `pattern`, where `*` stands for any text (Render's wildcard).
fn matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUEPRINT: &str = "services:\n  - type: web\n    runtime: static\n    name: docs\n    headers:\n      - path: /*\n        name: Cache-Control\n        value: no-cache\n      - path: /*\n        name: Content-Security-Policy\n        value: \"default-src 'self'\"\n      - path: /assets/*\n        name: X-Frame-Options\n        value: DENY\n      - path: /*.pdf\n        name: Content-Disposition\n        value: attachment\n";

    fn name(text: &str) -> HeaderName {
        HeaderName::try_from(text).unwrap()
    }

    #[test]
    fn rules_apply_by_path_but_never_the_caching_ones() {
        let rules = HeaderRules::from_blueprint(BLUEPRINT).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        rules.apply("/guide/", &mut headers);
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "the preview keeps nothing in cache");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "default-src 'self'");
        assert!(!headers.contains_key("x-frame-options"));
        let mut asset = HeaderMap::new();
        rules.apply("/assets/carnet.css", &mut asset);
        assert_eq!(asset["x-frame-options"], "DENY");
        assert_eq!(rules.value("/docs/a.pdf", &name("content-disposition")).unwrap(), "attachment");
        assert_eq!(rules.value("/docs/a.pdf.html", &name("content-disposition")), None);
    }

    #[test]
    fn wildcards_match_any_text() {
        for (pattern, path, expected) in [
            ("/*", "/", true),
            ("/*", "/a/b/c.html", true),
            ("/assets/*", "/assets/x.css", true),
            ("/assets/*", "/assetsx", false),
            ("/*.pdf", "/a/b.pdf", true),
            ("/*.pdf", "/a/b.pdfx", false),
            ("/a/*/b", "/a/x/y/b", true),
            ("/robots.txt", "/robots.txt", true),
            ("/robots.txt", "/robots.txt/", false),
            ("/*a*a", "/a", false),
        ] {
            assert_eq!(matches(pattern, path), expected, "{pattern} on {path}");
        }
    }

    #[test]
    fn the_default_is_the_init_blueprint_s() {
        let rules = HeaderRules::carnet_default();
        let csp = rules.value("/", &header::CONTENT_SECURITY_POLICY).expect("a policy");
        assert!(csp.to_str().unwrap().starts_with("default-src 'self';"), "{csp:?}");
        assert_eq!(rules.value("/a/", &header::REFERRER_POLICY).unwrap(), "same-origin");
        assert_eq!(rules.value("/a/", &header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    }

    #[test]
    fn a_blueprint_without_a_static_site_or_with_a_bad_rule_is_explained() {
        assert!(HeaderRules::from_blueprint("services: [{type: web, runtime: docker}]")
            .unwrap_err()
            .to_string()
            .contains("no static site"));
        let bad = "services:\n  - runtime: static\n    headers:\n      - path: /*\n        name: \"bad name\"\n        value: x\n";
        assert!(HeaderRules::from_blueprint(bad)
            .unwrap_err()
            .to_string()
            .starts_with("header rule 1: header name"));
        assert!(HeaderRules::from_blueprint(": [").unwrap_err().to_string().starts_with("not YAML"));
        let none = HeaderRules::from_blueprint("services:\n  - runtime: static\n").unwrap();
        assert_eq!(none, HeaderRules::default(), "no headers: none sent");
    }
}
