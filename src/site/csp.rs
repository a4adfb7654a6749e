//! The Content-Security-Policy a site is published under (the `Content-Security-Policy` header of
//! its `render.yaml`), as far as images and media go.
//!
//! `published_policy` reads the header's value from the Blueprint's text; `blocked` warns, guide by
//! guide, about each image or media of another site that the policy would block (the page
//! builds, and the reader sees a hole); `with_hosts` writes the hosts that `[publish]
//! allow_hosts` of carnet.toml names into the `img-src` and `media-src` directives, for
//! `carnet routes --write`, and `blueprint_drift` says how the Blueprint's differ from them.
//!
//! The rule: in a Blueprint carnet writes (one with a routes block), `img-src` and `media-src`
//! are a pure function of carnet.toml, `'self' data:` and the allowed hosts. A host written there
//! by hand, or left from a host since taken out of `allow_hosts`, is drift: reported by `carnet
//! build`, `check` and `routes --check`, removed by `routes --write`.

use std::collections::BTreeSet;

use crate::error::{Diagnostic, Location};

const HEADER: &str = "Content-Security-Policy";

/// The policy of the first `Content-Security-Policy` header of a Blueprint's text, if any.
pub fn published_policy(blueprint: &str) -> Option<String> {
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(blueprint).ok()?;
    let services = yaml.get("services")?.as_sequence()?;
    services.iter().filter_map(|s| s.get("headers")?.as_sequence()).flatten().find_map(|header| {
        (header.get("name")?.as_str()? == HEADER)
            .then(|| header.get("value")?.as_str().map(str::to_string))?
    })
}

/// The sources of `directive` in `policy`, else those of `default-src`; `None` when neither is
/// there (nothing is restricted).
fn sources<'p>(policy: &'p str, directive: &str) -> Option<Vec<&'p str>> {
    let find = |name: &str| {
        policy.split(';').map(str::trim).find_map(|d| {
            let mut words = d.split_whitespace();
            (words.next()? == name).then(|| words.collect::<Vec<_>>())
        })
    };
    find(directive).or_else(|| find("default-src"))
}

/// Whether `policy` lets a page load `url` (an `http(s)://` address) under `directive`.
pub fn allows(policy: &str, directive: &str, url: &str) -> bool {
    let Some(sources) = sources(policy, directive) else { return true };
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = host_of(rest);
    sources.iter().any(|source| {
        let source = source.trim_matches('\'');
        if source == "*" || source.eq_ignore_ascii_case(&format!("{scheme}:")) {
            return true;
        }
        let wanted = host_of(source.split_once("://").map_or(source, |(_, r)| r));
        match wanted.strip_prefix("*.") {
            Some(domain) => host.ends_with(&format!(".{domain}")),
            None => !wanted.is_empty() && wanted == host,
        }
    })
}

/// The host of `host[:port][/path…]`, lowercase.
fn host_of(rest: &str) -> String {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    authority.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// One warning per image or media of another site that `policy` blocks: `embeds` are
/// (address, where it is written).
pub fn blocked(policy: &str, embeds: &[(String, Location)]) -> Vec<Diagnostic> {
    embeds
        .iter()
        .filter(|(url, _)| !allows(policy, "img-src", url) || !allows(policy, "media-src", url))
        .map(|(url, location)| {
            let host = host_of(url.split_once("://").map_or(url.as_str(), |(_, r)| r));
            let message = format!(
                "image or media from another site, `{host}` ({url}): the Content-Security-Policy of \
                 render.yaml blocks it on the published site; allow the host with `allow_hosts = \
                 [\"{host}\"]` under `[publish]` in carnet.toml, then run `carnet routes --write`, \
                 or copy the file into static/"
            );
            Diagnostic::warning(location.clone(), message)
        })
        .collect()
}

/// `policy` with `img-src 'self' data: <hosts>` and, when there are hosts, `media-src 'self'
/// <hosts>`: the directives carnet writes from `[publish] allow_hosts`.
pub fn with_hosts(policy: &str, hosts: &[String]) -> String {
    let hosts: BTreeSet<&str> = hosts.iter().map(|h| h.trim()).filter(|h| !h.is_empty()).collect();
    let listed: String = hosts.iter().map(|h| format!(" {h}")).collect();
    let mut directives: Vec<String> =
        policy
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .filter(|d| !d.starts_with("media-src"))
            .map(|d| {
                if d.starts_with("img-src") {
                    format!("img-src 'self' data:{listed}")
                } else {
                    d.to_string()
                }
            })
            .collect();
    if !directives.iter().any(|d| d.starts_with("img-src")) {
        directives.push(format!("img-src 'self' data:{listed}"));
    }
    if !hosts.is_empty() {
        let at = directives.iter().position(|d| d.starts_with("img-src")).map_or(directives.len(), |i| i + 1);
        directives.insert(at, format!("media-src 'self'{listed}"));
    }
    directives.join("; ")
}

/// The sources of directive `name` written in `policy` (not those of `default-src`).
fn written<'p>(policy: &'p str, name: &str) -> Option<Vec<&'p str>> {
    policy.split(';').map(str::trim).find_map(|d| {
        let mut words = d.split_whitespace();
        (words.next()? == name).then(|| words.collect::<Vec<_>>())
    })
}

/// What `img-src` and `media-src` of `fresh` (the policy carnet.toml asks for) change in
/// `current` (the one written), one phrase per directive: empty when nothing.
pub fn changes(current: &str, fresh: &str) -> Vec<String> {
    let mut phrases = Vec::new();
    for name in ["img-src", "media-src"] {
        let (before, after) = (written(current, name), written(fresh, name));
        let phrase = match (&before, &after) {
            (None, None) => continue,
            (Some(_), None) => format!("`{name}` goes (no allowed host)"),
            (None, Some(after)) => format!("`{name} {}` comes", after.join(" ")),
            (Some(before), Some(after)) => {
                let quoted =
                    |words: Vec<&&str>| words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
                let added = quoted(after.iter().filter(|w| !before.contains(w)).collect());
                let removed = quoted(before.iter().filter(|w| !after.contains(w)).collect());
                match (added.is_empty(), removed.is_empty()) {
                    (true, true) => continue,
                    (false, true) => format!("`{name}` gains {added}"),
                    (true, false) => format!("`{name}` loses {removed}"),
                    (false, false) => format!("`{name}` gains {added} and loses {removed}"),
                }
            }
        };
        phrases.push(phrase);
    }
    phrases
}

/// Where (1-based line) the Content-Security-Policy written in `text` (a render.yaml) differs
/// from the one `hosts` ask for, and how: `None` when it does not, or has no such header.
pub fn blueprint_drift(text: &str, hosts: &[String]) -> Option<(usize, Vec<String>)> {
    let fresh = rewrite_blueprint(text, hosts);
    if fresh == text {
        return None;
    }
    let (line, current, wanted) = text
        .lines()
        .zip(fresh.lines())
        .enumerate()
        .find(|(_, (before, after))| before != after)
        .map(|(n, (before, after))| (n + 1, before, after))?;
    let value = |line: &str| line.trim().trim_start_matches("value: \"").trim_end_matches('"').to_string();
    let phrases = changes(&value(current), &value(wanted));
    (!phrases.is_empty()).then_some((line, phrases))
}

/// `text` (a render.yaml) with the value of its `Content-Security-Policy` header rewritten by
/// `with_hosts`; unchanged when it has no such header written on one line.
pub fn rewrite_blueprint(text: &str, hosts: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_header = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.trim_end().ends_with(&format!("name: {HEADER}")) {
            after_header = true;
        } else if after_header && trimmed.starts_with("value: \"") {
            after_header = false;
            let indent = &line[..line.len() - trimmed.len()];
            let value = trimmed.trim_end().trim_start_matches("value: \"").trim_end_matches('"');
            let newline = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("{indent}value: \"{}\"{newline}", with_hosts(value, hosts)));
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "default-src 'self'; script-src 'self'; img-src 'self' data:; font-src 'self'";

    #[test]
    fn the_published_policy_blocks_images_of_other_sites() {
        assert!(!allows(POLICY, "img-src", "https://images.example.org/a.png"));
        assert!(
            !allows(POLICY, "media-src", "https://cdn.example.org/v.mp4"),
            "media-src falls back to default-src"
        );
        assert!(allows("img-src 'self' https:", "img-src", "https://x.org/a.png"));
        assert!(allows("img-src *.example.org", "img-src", "https://images.example.org/a.png"));
        assert!(!allows("img-src *.example.org", "img-src", "https://example.org.evil.net/a.png"));
        assert!(allows("script-src 'self'", "img-src", "https://x.org/a.png"), "nothing restricts images");
    }

    #[test]
    fn allowed_hosts_go_into_img_src_and_media_src_and_the_rest_is_kept() {
        let hosts = vec!["images.example.org".to_string(), "cdn.example.org".to_string()];
        let policy = with_hosts(POLICY, &hosts);
        assert_eq!(
            policy,
            "default-src 'self'; script-src 'self'; img-src 'self' data: cdn.example.org images.example.org; \
             media-src 'self' cdn.example.org images.example.org; font-src 'self'"
        );
        assert!(allows(&policy, "img-src", "https://images.example.org/a.png"));
        assert!(allows(&policy, "media-src", "https://cdn.example.org/v.mp4"));
        assert_eq!(with_hosts(&policy, &hosts), policy, "idempotent");
        assert_eq!(with_hosts(&policy, &[]), POLICY, "no hosts: back to the site's own images");
    }

    #[test]
    fn the_changes_name_each_host_gained_or_lost() {
        let written = with_hosts(POLICY, &["a.example.org".to_string(), "b.example.org".to_string()]);
        let wanted = with_hosts(POLICY, &["c.example.org".to_string(), "b.example.org".to_string()]);
        assert_eq!(
            changes(&written, &wanted),
            [
                "`img-src` gains `c.example.org` and loses `a.example.org`",
                "`media-src` gains `c.example.org` and loses `a.example.org`"
            ]
        );
        assert_eq!(
            changes(&written, POLICY),
            ["`img-src` loses `a.example.org`, `b.example.org`", "`media-src` goes (no allowed host)"]
        );
        assert_eq!(changes(POLICY, &written)[1], "`media-src 'self' a.example.org b.example.org` comes");
        assert!(changes(&written, &written).is_empty());
    }

    #[test]
    fn a_blueprint_whose_hosts_are_not_carnet_toml_s_drifts_at_its_header_line() {
        let yaml = "services:\n  - type: web\n    headers:\n      - path: /*\n        name: Content-Security-Policy\n        value: \"img-src 'self' data: hand.example.org\"\n";
        let (line, phrases) = blueprint_drift(yaml, &[]).expect("a host by hand is drift");
        assert_eq!((line, phrases), (6, vec!["`img-src` loses `hand.example.org`".to_string()]));
        assert_eq!(
            blueprint_drift(yaml, &["hand.example.org".to_string()]).map(|d| d.0),
            Some(6),
            "media-src"
        );
        let written = rewrite_blueprint(yaml, &["hand.example.org".to_string()]);
        assert_eq!(blueprint_drift(&written, &["hand.example.org".to_string()]), None);
        assert_eq!(blueprint_drift("services: []\n", &[]), None, "no policy: nothing to say");
    }

    #[test]
    fn the_blueprint_s_header_value_is_rewritten_in_place() {
        let yaml = "services:\n  - type: web\n    headers:\n      - path: /*\n        name: Content-Security-Policy\n        value: \"img-src 'self' data:\"\n";
        let fresh = rewrite_blueprint(yaml, &["i.example.org".to_string()]);
        assert!(
            fresh.ends_with(
                "        value: \"img-src 'self' data: i.example.org; media-src 'self' i.example.org\"\n"
            ),
            "{fresh}"
        );
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&fresh).unwrap();
        assert!(parsed["services"][0]["headers"][0]["value"].as_str().unwrap().contains("i.example.org"));
    }
}
