//! Images and media of other sites: a build warns, naming the guide and the host, when the
//! Content-Security-Policy of render.yaml would block them on the published site; `[publish]
//! allow_hosts` of carnet.toml and `carnet routes --write` let them through.

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
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(site.root().join("render.yaml")).unwrap()).unwrap();
    let headers = yaml["services"][0]["headers"].as_sequence().unwrap();
    let policy = headers
        .iter()
        .find(|h| h["name"].as_str() == Some("Content-Security-Policy"))
        .and_then(|h| h["value"].as_str())
        .unwrap();
    assert!(policy.contains("img-src 'self' data: cdn.example.net images.example.org;"), "{policy}");
    assert!(policy.contains("media-src 'self' cdn.example.net images.example.org;"), "{policy}");
    assert!(policy.contains("script-src 'self' 'sha256-"), "the rest of the policy is kept: {policy}");
    let after = site.build();
    assert!(!after.stderr.contains("Content-Security-Policy"), "{}", after.stderr);
    assert_eq!(site.carnet(&["routes", "--check"]).code, 0, "up to date after --write");
}
