//! Publishing on Render: render.yaml read key by key, its Content-Security-Policy against the
//! inline scripts of built pages, its build command run with stand-ins, its routes against the
//! site's redirects; the built bundled site served by a plain static host (no rewrites, no
//! redirects) and crawled; fingerprints that change exactly when contents do.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_yaml_ng::Value;
use sha2::{Digest, Sha256};

use crate::fixture::{asset_in, Site};
use crate::static_host::{self, Host};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// The one service of a Blueprint.
fn service(blueprint: &Value) -> &Value {
    let services = blueprint["services"].as_sequence().expect("a `services` list");
    assert_eq!(services.len(), 1, "one service: the static site");
    &services[0]
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("`{key}` is not a string: {value:?}"))
}

/// Every mapping key anywhere in `value`.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                out.extend(key.as_str().map(str::to_string));
                keys(inner, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

/// `(path, name) → value` of the header rules.
fn headers(site: &Value) -> BTreeMap<(String, String), String> {
    let rules = site["headers"].as_sequence().expect("a `headers` list");
    let mut out = BTreeMap::new();
    for rule in rules {
        let mut fields: Vec<&str> = rule.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
        fields.sort();
        assert_eq!(fields, ["name", "path", "value"], "a header rule has exactly path, name, value");
        let key = (text(rule, "path").to_string(), text(rule, "name").to_string());
        assert!(out.insert(key.clone(), text(rule, "value").to_string()).is_none(), "{key:?} twice");
    }
    out
}

/// The checks every carnet Blueprint passes, the repository's and the one `carnet init` writes.
fn check_blueprint(blueprint: &Value) {
    let mut all = BTreeSet::new();
    keys(blueprint, &mut all);
    for deprecated in ["env", "autoDeploy", "pullRequestPreviewsEnabled", "previewsEnabled", "redis"] {
        assert!(!all.contains(deprecated), "deprecated key `{deprecated}`");
    }
    let site = service(blueprint);
    assert_eq!(text(site, "type"), "web");
    assert_eq!(text(site, "runtime"), "static");
    assert_eq!(text(site, "staticPublishPath"), "public");
    let name = text(site, "name");
    assert!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    );
    for absent in ["plan", "startCommand", "branch", "autoDeployTrigger"] {
        assert!(site.get(absent).is_none(), "`{absent}` has no place in this static site");
    }
    // The script (tests/integration/render_build.rs runs it): a pinned release, else compiled.
    assert_eq!(text(site, "buildCommand"), "bash scripts/render-build.sh");
    let script = std::fs::read_to_string(repo().join("scripts/render-build.sh")).unwrap();
    assert!(script.contains("cargo build --profile deploy --locked --no-default-features"));
    assert!(script.contains("cargo install --profile deploy --locked --no-default-features"));
    assert!(script.contains("exec \"$carnet\" build \"$@\"") && !script.contains("--strict"));
    assert!(script.contains("https://sh.rustup.rs"));

    let generation = text(&site["previews"], "generation");
    assert!(["automatic", "manual"].contains(&generation), "service previews: {generation}");
    let filter = &site["buildFilter"];
    let paths = filter["paths"].as_sequence().expect("buildFilter.paths");
    let ignored = filter["ignoredPaths"].as_sequence().expect("buildFilter.ignoredPaths");
    // `carnet fix --backup` copies (`NAME.orig`, `NAME.orig.1`…) start no deploy.
    for backups in ["**/*.orig", "**/*.orig.*"] {
        assert!(
            ignored.iter().any(|p| p.as_str() == Some(backups)),
            "buildFilter.ignoredPaths lacks {backups}"
        );
    }
    for needed in ["content/**", "static/**", "templates/**", "themes/**", "carnet.toml", "render.yaml"] {
        assert!(paths.iter().any(|p| p.as_str() == Some(needed)), "buildFilter.paths lacks {needed}");
    }

    let headers = headers(site);
    let rule = |path: &str, name: &str| {
        headers.get(&(path.to_string(), name.to_string())).unwrap_or_else(|| panic!("no {name} on {path}"))
    };
    assert_eq!(rule("/assets/immutable/*", "Cache-Control"), "public, max-age=31536000, immutable");
    assert_eq!(rule("/*", "Cache-Control"), "no-cache");
    assert_eq!(rule("/*", "X-Content-Type-Options"), "nosniff");
    assert_eq!(rule("/*", "Referrer-Policy"), "same-origin");
    let csp = rule("/*", "Content-Security-Policy");
    for token in ["'unsafe-eval'", "http:", "https:", " * "] {
        assert!(!csp.contains(token), "the policy allows {token}: {csp}");
    }
    // Inline code never runs; inline styles are allowed, for the diagrams (mermaid's per-drawing
    // stylesheets and style attributes; tests/browser/diagrams.rs draws under this policy).
    for directive in csp.split(';').map(str::trim) {
        let allows_inline = directive.contains("'unsafe-inline'");
        assert!(!allows_inline || directive.starts_with("style-src "), "inline allowed by `{directive}`");
    }
    assert!(csp.starts_with("default-src 'self';") && csp.contains("object-src 'none'"), "{csp}");
    // Header rules of Render's documented forms only: `/*` and `/folder/*`.
    for (path, _) in headers.keys() {
        assert!(path == "/*" || (path.ends_with("/*") && !path[..path.len() - 1].contains('*')), "{path}");
    }

    let routes = site["routes"].as_sequence().expect("a `routes` list (maybe empty)");
    for route in routes {
        assert_eq!(text(route, "type"), "redirect");
        assert!(text(route, "source").starts_with('/') && !text(route, "source").ends_with('/'));
        assert!(text(route, "destination").starts_with('/') && text(route, "destination").ends_with('/'));
    }
}

/// The repository's render.yaml and the one `carnet init` writes, in a temporary folder.
fn init_blueprint() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs-equipe");
    let run = Command::new(env!("CARGO_BIN_EXE_carnet")).arg("init").arg(&root).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    (dir, root)
}

#[test]
fn render_yaml_is_a_static_site_blueprint_in_current_spelling() {
    let ours = yaml(&repo().join("render.yaml"));
    check_blueprint(&ours);
    let site = service(&ours);
    for needed in ["src/**", "Cargo.toml", "Cargo.lock"] {
        let paths = site["buildFilter"]["paths"].as_sequence().unwrap();
        assert!(paths.iter().any(|p| p.as_str() == Some(needed)), "the build depends on {needed}");
    }
    let paths = site["buildFilter"]["paths"].as_sequence().unwrap();
    assert!(paths.iter().any(|p| p.as_str() == Some("scripts/render-build.sh")));
    assert!(!site["routes"].as_sequence().unwrap().is_empty(), "the bundled site has a redirect");
}

#[test]
fn carnet_init_writes_the_same_blueprint_but_for_what_is_specific_to_this_repository() {
    let (_dir, root) = init_blueprint();
    let theirs = yaml(&root.join("render.yaml"));
    check_blueprint(&theirs);
    let (site, ours) = (service(&theirs), yaml(&repo().join("render.yaml")));
    let ours = service(&ours);
    assert_eq!(text(site, "name"), "docs-equipe", "named after the folder");
    assert_eq!(headers(site), headers(ours), "same caching and security headers");
    assert_eq!(site["previews"], ours["previews"]);
    let script = std::fs::read_to_string(root.join("scripts/render-build.sh")).unwrap();
    let ours_script = std::fs::read_to_string(repo().join("scripts/render-build.sh")).unwrap();
    assert_eq!(script, ours_script, "the same build script");
    let env = site["envVars"].as_sequence().unwrap();
    assert_eq!(env.len(), 1);
    assert_eq!((text(&env[0], "key"), env[0]["sync"].as_bool()), ("CARNET_GIT", Some(false)));
    let paths = site["buildFilter"]["paths"].as_sequence().unwrap();
    assert!(!paths.iter().any(|p| p.as_str() == Some("src/**")), "a docs repository has no carnet sources");
    assert_eq!(site["routes"], Value::Sequence(Vec::new()));
}

/// The `sha256-…` sources of the policy's script-src.
fn csp_hashes(blueprint: &Value) -> BTreeSet<String> {
    let headers = headers(service(blueprint));
    let csp = &headers[&("/*".to_string(), "Content-Security-Policy".to_string())];
    let script_src =
        csp.split(';').map(str::trim).find(|d| d.starts_with("script-src ")).expect("script-src");
    let tokens: Vec<&str> = script_src.split_whitespace().skip(1).collect();
    assert_eq!(tokens[0], "'self'", "{script_src}");
    tokens[1..]
        .iter()
        .map(|t| {
            t.strip_prefix("'sha256-").and_then(|t| t.strip_suffix('\'')).expect("only hashes").to_string()
        })
        .collect()
}

/// Every HTML file under `public`, with its text.
fn pages(public: &Path) -> Vec<(PathBuf, String)> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| (e.path().to_path_buf(), std::fs::read_to_string(e.path()).unwrap()))
        .collect()
}

/// The base64 SHA-256 of every inline `<script>` of the pages; fails on inline code the
/// policy could not allow (event handler attributes, inline styles).
fn inline_script_hashes(public: &Path) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for (path, html) in pages(public) {
        for (i, _) in html.match_indices("<script") {
            let tag = &html[i..i + html[i..].find('>').unwrap() + 1];
            if tag.contains(" src=") {
                continue;
            }
            assert_eq!(tag, "<script>", "{}: an inline script with attributes", path.display());
            let body = &html[i + tag.len()..i + html[i..].find("</script>").unwrap()];
            hashes.insert(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes())));
        }
        let lower = html.to_lowercase();
        assert!(!lower.contains(" style=") && !lower.contains("<style"), "{}: inline style", path.display());
        for handler in ["onclick=", "onsubmit=", "onload=", "onerror=", "onchange=", "oninput="] {
            assert!(!lower.contains(handler), "{}: inline handler {handler}", path.display());
        }
    }
    hashes
}

fn build_into(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    (out, public)
}

#[test]
fn the_content_security_policy_allows_exactly_the_inline_scripts_of_built_pages() {
    let (_out, public) = build_into(repo());
    let used = inline_script_hashes(&public);
    assert_eq!(used.len(), 2, "the theme's two inline scripts: {used:?}");
    assert_eq!(csp_hashes(&yaml(&repo().join("render.yaml"))), used, "render.yaml's hashes are the pages'");

    let (_dir, root) = init_blueprint();
    let (_out, public) = build_into(&root);
    assert_eq!(csp_hashes(&yaml(&root.join("render.yaml"))), inline_script_hashes(&public));
}

/// A GET over a fresh connection: status, headers (lower-case names) and body.
fn get(addr: SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

/// Values of the attribute `attr` in `html`, unescaped, read as a browser does (text that merely
/// looks like a tag, in `<code>`, is not a link).
fn attributes(html: &str, attr: &str) -> Vec<String> {
    html5gum::Tokenizer::new(html)
        .flatten()
        .filter_map(|token| match token {
            html5gum::Token::StartTag(tag) => tag.attributes.get(attr.as_bytes()).map(|v| v.to_vec()),
            _ => None,
        })
        .map(|value| String::from_utf8_lossy(&value).into_owned())
        .collect()
}

/// `link` as an absolute path, resolved from the page at `base` the way a browser does; `None`
/// for other sites and for the page itself.
fn resolve(base: &str, link: &str) -> Option<String> {
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() || link.contains("://") || link.starts_with("mailto:") || link.starts_with("data:") {
        return None;
    }
    let joined = if link.starts_with('/') {
        link.to_string()
    } else {
        format!("{}{link}", &base[..=base.rfind('/')?])
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "" | "." if i + 1 < parts.len() => {}
            ".." => {
                segments.pop();
            }
            "." => segments.push(""),
            _ => segments.push(part),
        }
    }
    Some(format!("/{}", segments.join("/")))
}

#[test]
fn the_bundled_site_works_on_a_plain_static_host_under_every_spelling_of_its_addresses() {
    let (_out, public) = build_into(repo());
    // Like a CDN: no rewrites, no redirect from `/x` to `/x/`: the folder's page as it is.
    let addr = static_host::serve_as(&public, Host { folder_without_slash: true, headers: Vec::new() });
    let mut queue = vec!["/".to_string(), "/nulle-part/introuvable".to_string()];
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let (mut broken, mut pages) = (Vec::new(), Vec::new());
    while let Some(url) = queue.pop() {
        let (status, _, body) = get(addr, &url);
        let expected = if url.starts_with("/nulle-part/") { 404 } else { 200 };
        if status != expected {
            broken.push(format!("{url}: {status}"));
            continue;
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        let mut links: Vec<String> = Vec::new();
        if url.ends_with('/') || url.ends_with(".html") {
            if url.ends_with('/') && expected == 200 {
                pages.push(url.clone());
            }
            for attr in ["href", "src", "data-search-engine", "data-search-manifest"] {
                links.extend(attributes(&text, attr));
            }
        } else if let Some(json) = text.strip_prefix("window.CARNET_NAV=") {
            let tree: serde_json::Value = serde_json::from_str(json.trim().trim_end_matches(';')).unwrap();
            let mut stack = vec![&tree];
            while let Some(node) = stack.pop() {
                links.push(format!("/{}", node["u"].as_str().unwrap()));
                stack.extend(node["c"].as_array().into_iter().flatten());
            }
        } else if let Some(json) = text.strip_prefix("CARNET_SEARCH_SHARD(\"manifest\",") {
            let manifest: serde_json::Value =
                serde_json::from_str(json.trim().trim_end_matches(");")).unwrap();
            let shards = manifest["d"].as_str().unwrap();
            let count = manifest["k"].as_array().unwrap().len();
            links.extend((0..count).map(|k| format!("/{shards}v/{k}.js")));
            links.push(format!("/{shards}b/0.js"));
        }
        for link in links {
            if let Some(target) = resolve(&url, &link) {
                if seen.insert(target.clone()) {
                    queue.push(target);
                }
            }
        }
    }
    assert!(broken.is_empty(), "not served as expected:\n{}", broken.join("\n"));
    assert!(
        pages.len() >= 9 && seen.len() > 40,
        "{} pages, {} addresses: {pages:?}",
        pages.len(),
        seen.len()
    );
    assert!(seen.iter().any(|u| u.contains("/search-index.")), "the search index was crawled");

    // `/x`, `/x/` and `/x/index.html` are the same page.
    for page in pages.iter().filter(|p| p.as_str() != "/") {
        let (_, _, body) = get(addr, page);
        for spelling in [page.trim_end_matches('/').to_string(), format!("{page}index.html")] {
            let (status, _, other) = get(addr, &spelling);
            assert_eq!((status, other == body), (200, true), "{spelling} is not {page}");
        }
    }
    // A missing address gets the 404 page, whose links are absolute and load at any depth.
    let (status, head, body) = get(addr, "/un/chemin/inconnu/");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 404);
    assert!(head.contains("content-type: text/html") && body.contains("Page introuvable"));
    let stylesheet = format!("/{}", asset_in(&body, "carnet.css"));
    assert_eq!(get(addr, &stylesheet).0, 200, "{stylesheet}");

    // Each route of render.yaml is a redirect page of the site that lands on its guide.
    let blueprint = yaml(&repo().join("render.yaml"));
    let routes = service(&blueprint)["routes"].as_sequence().unwrap();
    assert!(!routes.is_empty());
    for route in routes {
        let (source, destination) = (text(route, "source"), text(route, "destination"));
        let (status, _, body) = get(addr, &format!("{source}/"));
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 200, "{source}/");
        let refresh = body.split("http-equiv=\"refresh\" content=\"0; url=").nth(1).expect("a meta refresh");
        let target = resolve(&format!("{source}/"), &refresh[..refresh.find('"').unwrap()]).unwrap();
        assert_eq!(target, destination, "{source}/ leads to {target}");
        let (status, _, guide) = get(addr, destination);
        assert!(
            status == 200 && String::from_utf8_lossy(&guide).contains("data-kind=\"guide\""),
            "{destination}"
        );
    }
}

#[test]
fn render_yaml_routes_follow_the_redirects_and_builds_warn_when_they_do_not() {
    let (_dir, root) = init_blueprint();
    let site = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_carnet")).args(args).current_dir(&root).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            // Messages go to stderr, `carnet check`'s report to stdout: both, for the assertions.
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    assert_eq!(site(&["routes", "--check"]).0, 0, "a new repository is in step");
    let guide = root.join("content/RESOLUTION_LIEN_CASSE.md");
    let text =
        std::fs::read_to_string(&guide).unwrap().replacen("+++\n", "+++\naliases = [\"ANCIEN_NOM.md\"]\n", 1);
    std::fs::write(&guide, text).unwrap();

    let (code, _, stderr) = site(&["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("render.yaml") && stderr.contains("run `carnet routes --write`"), "{stderr}");
    assert!(root.join("public/ancien-nom/index.html").is_file());
    let (code, _, stderr) = site(&["check"]);
    assert!(code == 0 && stderr.contains("carnet routes --write"), "check warns too: {stderr}");
    assert_eq!(site(&["build", "--strict"]).0, 1, "a strict build fails on it");
    let (code, _, stderr) = site(&["routes", "--check"]);
    assert!(code == 1 && stderr.contains("render.yaml"), "{stderr}");
    let (code, stdout, _) = site(&["routes"]);
    assert!(code == 0 && stdout.contains("source: \"/ancien-nom\""), "{stdout}");

    let before = std::fs::read_to_string(root.join("render.yaml")).unwrap();
    let (code, _, stderr) = site(&["routes", "--write"]);
    assert!(code == 0 && stderr.contains("1 route written"), "{stderr}");
    let after = std::fs::read_to_string(root.join("render.yaml")).unwrap();
    let start = before.find("    # carnet routes: begin").unwrap();
    assert_eq!(after[..start], before[..start], "only the block changes");
    let routes = service(&yaml(&root.join("render.yaml")))["routes"].clone();
    let expected: Value = serde_yaml_ng::from_str(
        "- type: redirect\n  source: /ancien-nom\n  destination: /resolution-lien-casse/\n",
    )
    .unwrap();
    assert_eq!(routes, expected);
    assert_eq!(site(&["routes", "--check"]).0, 0);
    let (code, _, stderr) = site(&["build", "--strict"]);
    assert!(code == 0 && !stderr.contains("warning"), "{stderr}");
}

#[test]
fn the_repository_routes_are_up_to_date() {
    let run = Command::new(env!("CARGO_BIN_EXE_carnet"))
        .args(["routes", "--check", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    assert!(run.status.success(), "run `carnet routes --write`:\n{}", String::from_utf8_lossy(&run.stderr));
}

/// Runs `command` with `sh` in a fresh folder holding `files` (path, contents), with a PATH of stand-ins: `cargo` (builds a
/// stand-in `carnet` where `cargo build` or `cargo install --root` would), `curl` (prints a
/// stand-in rustup installer that installs that `cargo` in `$HOME/.cargo`), and the few tools
/// they use. Returns the commands run, in order.
fn run_build_command(command: &str, files: &[(&str, String)], with_cargo: bool) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let (bin, home, work) = (dir.path().join("bin"), dir.path().join("home"), dir.path().join("work"));
    for d in [&bin, &home, &work] {
        std::fs::create_dir_all(d).unwrap();
    }
    for (rel, text) in files {
        std::fs::create_dir_all(work.join(rel).parent().unwrap()).unwrap();
        std::fs::write(work.join(rel), text).unwrap();
    }
    let log = dir.path().join("log");
    let script = |path: &Path, body: &str| {
        std::fs::write(path, format!("#!/bin/sh\n{body}")).unwrap();
        Command::new("chmod").arg("+x").arg(path).status().unwrap();
    };
    let cargo = format!(
        "echo \"cargo $*\" >> {log}\n\
         case \"$1\" in\n\
           build) out=target/deploy ;;\n\
           install) out=$(echo \"$*\" | sed 's/.*--root \\([^ ]*\\).*/\\1/')/bin ;;\n\
         esac\n\
         mkdir -p \"$out\"\n\
         printf '#!/bin/sh\\necho \"carnet $*\" >> {log}\\n' > \"$out/carnet\"\n\
         chmod +x \"$out/carnet\"\n",
        log = log.display()
    );
    std::fs::write(dir.path().join("cargo"), &cargo).unwrap();
    let installer = format!(
        "echo \"rustup-init $*\" >> {log}\n\
         mkdir -p \"$HOME/.cargo/bin\"\n\
         cp {stub} \"$HOME/.cargo/bin/cargo\" && chmod +x \"$HOME/.cargo/bin/cargo\"\n\
         echo 'export PATH=\"$HOME/.cargo/bin:$PATH\"' > \"$HOME/.cargo/env\"\n",
        log = log.display(),
        stub = dir.path().join("cargo").display()
    );
    std::fs::write(dir.path().join("installer"), format!("#!/bin/sh\n{installer}")).unwrap();
    script(
        &bin.join("curl"),
        &format!("echo \"curl $*\" >> {}\ncat {}\n", log.display(), dir.path().join("installer").display()),
    );
    if with_cargo {
        script(&bin.join("cargo"), &cargo);
    }
    for tool in ["sh", "bash", "mkdir", "chmod", "cat", "cp", "sed", "grep"] {
        let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().unwrap();
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        std::os::unix::fs::symlink(&path, bin.join(tool)).unwrap();
    }
    let status = Command::new(bin.join("sh"))
        .args(["-c", command])
        .current_dir(&work)
        .env_clear()
        .env("PATH", &bin)
        .env("HOME", &home)
        .env("CARNET_GIT", "https://git.example.invalid/carnet.git")
        .status()
        .unwrap();
    assert!(status.success(), "the build command failed ({status}): {command}");
    std::fs::read_to_string(&log).unwrap_or_default().lines().map(str::to_string).collect()
}

#[test]
fn the_build_command_builds_the_lean_carnet_then_the_site_and_installs_rust_when_cargo_is_missing() {
    let blueprint = yaml(&repo().join("render.yaml"));
    let command = text(service(&blueprint), "buildCommand");
    let read = |path: &Path| std::fs::read_to_string(path).unwrap();
    // No release pinned: the script compiles carnet's own sources here.
    let sources = [
        ("Cargo.toml", read(&repo().join("Cargo.toml"))),
        ("scripts/render-build.sh", read(&repo().join("scripts/render-build.sh"))),
    ];
    let lean = "cargo build --profile deploy --locked --no-default-features";
    assert_eq!(run_build_command(command, &sources, true), [lean, "carnet build"]);
    assert_eq!(
        run_build_command(command, &sources, false),
        [
            "curl --proto =https --tlsv1.2 -sSf https://sh.rustup.rs",
            "rustup-init -y --profile minimal",
            lean,
            "carnet build"
        ]
    );

    let (_dir, root) = init_blueprint();
    let blueprint = yaml(&root.join("render.yaml"));
    let command = text(service(&blueprint), "buildCommand");
    let script = [("scripts/render-build.sh", read(&root.join("scripts/render-build.sh")))];
    let install = "cargo install --profile deploy --locked --no-default-features --root .carnet --git https://git.example.invalid/carnet.git carnet";
    assert_eq!(run_build_command(command, &script, true), [install, "carnet build"]);
    assert_eq!(
        run_build_command(command, &script, false)[1..],
        ["rustup-init -y --profile minimal", install, "carnet build"]
    );
}

/// The names under `assets/immutable/` of a built site, each shortened to its kind
/// (`carnet.css`) → full name.
fn fingerprints(site: &Site) -> BTreeMap<String, String> {
    std::fs::read_dir(site.output("assets/immutable"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            let parts: Vec<&str> = name.split('.').collect();
            let kind = match parts.as_slice() {
                [stem, _, ext] => format!("{stem}.{ext}"),
                [stem, _] => stem.to_string(),
                _ => panic!("{name} is not fingerprinted"),
            };
            (kind, name)
        })
        .collect()
}

/// The kinds whose names differ between two builds.
fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    before.iter().filter(|(kind, name)| after[*kind] != **name).map(|(kind, _)| kind.clone()).collect()
}

#[test]
fn fingerprints_change_exactly_when_the_contents_do() {
    let site = Site::new();
    let theme = repo().join("themes/default");
    for entry in
        walkdir::WalkDir::new(&theme).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file())
    {
        let rel = entry.path().strip_prefix(&theme).unwrap().to_string_lossy().into_owned();
        site.file(&format!("themes/default/{rel}"), std::fs::read(entry.path()).unwrap());
    }
    site.file("content/a.md", "# Premier guide\n\nDu texte.\n")
        .file("content/b.md", "# Second guide\n\nAutre texte.\n");
    site.build();
    let first = fingerprints(&site);
    let kinds: Vec<&str> = first.keys().map(String::as_str).collect();
    // The engine's stemmer is a script of its own (loaded by the queries that need it).
    assert_eq!(
        kinds,
        [
            "carnet.css",
            "carnet.js",
            "nav.js",
            "search-engine.js",
            "search-index",
            "search-on-demand.js",
            "search.js"
        ]
    );
    site.build();
    assert!(changed(&first, &fingerprints(&site)).is_empty(), "an unchanged site keeps every name");

    let css = site.root().join("themes/default/static/assets/carnet.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n.note { color: red; }\n");
    std::fs::write(&css, text).unwrap();
    site.build();
    let second = fingerprints(&site);
    assert_eq!(changed(&first, &second), ["carnet.css"]);
    let home = site.read("index.html");
    assert_eq!(asset_in(&home, "carnet.css"), format!("assets/immutable/{}", second["carnet.css"]));
    assert!(
        !site.output(&format!("assets/immutable/{}", first["carnet.css"])).exists(),
        "the old name is gone"
    );

    site.file("content/a.md", "# Premier guide, renommé\n\nDu texte.\n");
    site.build();
    let third = fingerprints(&site);
    assert_eq!(
        changed(&second, &third),
        ["nav.js", "search-index"],
        "a title is in the sidebar and the index"
    );

    site.file("content/b.md", "# Second guide\n\nAutre texte, plus long.\n");
    site.build();
    assert_eq!(changed(&third, &fingerprints(&site)), ["search-index"], "text only: the index alone");
}
