//! Images and media of other sites: a build warns, naming the guide and the host, when the
//! Content-Security-Policy of render.yaml would block them on the published site; `[publish]
//! allow_hosts` of carnet.toml and `carnet routes --write` let them through. The policy's
//! `img-src` and `media-src` follow carnet.toml alone: hosts taken out of `allow_hosts`, or
//! written into render.yaml by hand, are drift that `routes --check` explains and `--write` removes.

use crate::fixture::Site;

fn site_with_blueprint() -> Site {
    let site = Site::new();
    let init = site.carnet(&["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    site.file(
        "content/schema.md",
        "# Schéma\n\n![Le schéma](https://images.example.org/schema.png)\n\n\
         <video src=\"https://cdn.example.net/demo.mp4\" controls></video>\n\n\
         [Un lien vers ailleurs](https://docs.example.com/) ne charge rien.\n",
    );
    site
}

#[test]
fn an_image_the_published_policy_blocks_is_a_warning_naming_guide_and_host() {
    let site = site_with_blueprint();
    let run = site.build();
    let warnings: Vec<&str> = run.stderr.lines().filter(|l| l.contains("Content-Security-Policy")).collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings[0].starts_with(
            "warning: ./content/schema.md:3:14: image or media from another site, `images.example.org`"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("schema.md:5:") && warnings[1].contains("`cdn.example.net`"),
        "{}",
        warnings[1]
    );
    assert!(!run.stderr.contains("docs.example.com"), "a link loads nothing: no warning\n{}", run.stderr);
}

#[test]
fn allowed_hosts_are_written_into_the_policy_and_the_warning_goes() {
    let site = site_with_blueprint();
    let config = std::fs::read_to_string(site.root().join("carnet.toml")).unwrap();
    site.file(
        "carnet.toml",
        format!("{config}\n[publish]\nallow_hosts = [\"images.example.org\", \"cdn.example.net\"]\n"),
    );
    let before = site.build();
    assert!(
        before.stderr.contains("`images.example.org`"),
        "not yet in render.yaml: still blocked\n{}",
        before.stderr
    );
    let write = site.carnet(&["routes", "--write"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    let policy = published_policy(&site);
    assert!(policy.contains("img-src 'self' data: cdn.example.net images.example.org;"), "{policy}");
    assert!(policy.contains("media-src 'self' cdn.example.net images.example.org;"), "{policy}");
    assert!(policy.contains("script-src 'self' 'sha256-"), "the rest of the policy is kept: {policy}");
    let after = site.build();
    assert!(!after.stderr.contains("Content-Security-Policy"), "{}", after.stderr);
    assert_eq!(site.carnet(&["routes", "--check"]).code, 0, "up to date after --write");
}

/// The Content-Security-Policy written in the site's render.yaml.
fn published_policy(site: &Site) -> String {
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(site.root().join("render.yaml")).unwrap()).unwrap();
    let headers = yaml["services"][0]["headers"].as_sequence().unwrap();
    let policy = headers.iter().find(|h| h["name"].as_str() == Some("Content-Security-Policy"));
    policy.and_then(|h| h["value"].as_str()).unwrap().to_string()
}

fn with_allowed_hosts(site: &Site, hosts: &str) -> String {
    let config = std::fs::read_to_string(site.root().join("carnet.toml")).unwrap();
    site.file("carnet.toml", format!("{config}\n[publish]\nallow_hosts = [{hosts}]\n"));
    config
}

#[test]
fn routes_check_explains_a_policy_that_is_not_carnet_toml_s_and_names_the_command() {
    let site = site_with_blueprint();
    with_allowed_hosts(&site, "\"images.example.org\"");
    let check = site.carnet(&["routes", "--check"]);
    assert_eq!(check.code, 1, "only the policy differs, and that is out of date\n{}", check.stderr);
    let lines: Vec<&str> = check.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "one finding, the policy (the routes are up to date)\n{}", check.stderr);
    let line = lines[0];
    assert!(line.starts_with("error: ./render.yaml:"), "at the policy's line: {line}");
    assert!(line.contains("its Content-Security-Policy is not the one carnet.toml asks for"), "{line}");
    assert!(line.contains("`img-src` gains `images.example.org`"), "{line}");
    assert!(line.contains("`media-src 'self' images.example.org` comes"), "{line}");
    assert!(line.contains("run `carnet routes --write`"), "{line}");
    let yaml = std::fs::read_to_string(site.root().join("render.yaml")).unwrap();
    let at: usize = line["error: ./render.yaml:".len()..].split(':').next().unwrap().parse().unwrap();
    let pointed = yaml.lines().nth(at - 1).unwrap();
    assert!(pointed.trim_start().starts_with("value: \"default-src"), "the policy's line: {pointed}");
    assert!(!line.contains("a host to keep"), "nothing is lost: no hint about keeping hosts\n{line}");
    let build = site.build();
    assert!(
        build.stderr.contains("its Content-Security-Policy is not the one"),
        "build warns too\n{}",
        build.stderr
    );
}

#[test]
fn hosts_taken_out_of_allow_hosts_are_drift_and_routes_write_removes_them() {
    let site = site_with_blueprint();
    let config = with_allowed_hosts(&site, "\"images.example.org\", \"cdn.example.net\"");
    assert_eq!(site.carnet(&["routes", "--write"]).code, 0);
    assert!(published_policy(&site).contains("images.example.org"));

    // The key goes: the hosts carnet wrote are no longer asked for.
    site.file("carnet.toml", &config);
    let check = site.carnet(&["routes", "--check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.contains("(no `[publish] allow_hosts` in carnet.toml)"), "{}", check.stderr);
    assert!(
        check.stderr.contains("`img-src` loses `cdn.example.net`, `images.example.org`; `media-src` goes"),
        "{}",
        check.stderr
    );
    let write = site.carnet(&["routes", "--write"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(
        write.stderr.contains("render.yaml: Content-Security-Policy: `img-src` loses `cdn.example.net`"),
        "--write says what it changed\n{}",
        write.stderr
    );
    let policy = published_policy(&site);
    assert!(policy.contains("; img-src 'self' data:; font-src"), "{policy}");
    assert!(!policy.contains("media-src") && !policy.contains("example"), "{policy}");
    assert_eq!(site.carnet(&["routes", "--check"]).code, 0);
    let build = site.build();
    assert_eq!(
        build.stderr.matches("Content-Security-Policy").count(),
        2,
        "the two embeds are blocked again, and said so; no drift\n{}",
        build.stderr
    );
}

#[test]
fn a_host_written_into_render_yaml_by_hand_is_drift_until_carnet_toml_names_it() {
    let site = site_with_blueprint();
    let yaml = std::fs::read_to_string(site.root().join("render.yaml")).unwrap();
    site.file("render.yaml", yaml.replace("img-src 'self' data:", "img-src 'self' data: images.example.org"));
    let check = site.carnet(&["routes", "--check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("`img-src` loses `images.example.org`"), "{}", check.stderr);
    assert!(check.stderr.contains("a host to keep goes into `allow_hosts`"), "{}", check.stderr);
    with_allowed_hosts(&site, "\"images.example.org\"");
    let check = site.carnet(&["routes", "--check"]);
    assert!(check.stderr.contains("`media-src 'self' images.example.org` comes"), "{}", check.stderr);
    assert_eq!(site.carnet(&["routes", "--write"]).code, 0);
    assert_eq!(site.carnet(&["routes", "--check"]).code, 0);
}
