//! `carnet check`: the build's findings, grouped by file, as text or JSON, without writing.

use crate::fixture::Site;

fn site_with_problems() -> Site {
    let site = Site::new();
    site.file("content/ok.md", "# OK\n\n## Section {#sec}\n\n## Autre {#sec}\n\n![](image.png)\n")
        .file("content/image.png", b"png")
        .file("content/casse.md", "# Cassé\n\n[lien](ok.md#nulle-part)\n\n`GUIDE_ABSENT.md`\n");
    site
}

#[test]
fn findings_are_sorted_by_file_with_a_summary_and_nothing_is_written() {
    let site = site_with_problems();
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 1, "an error fails the check:\n{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("./content/casse.md:3:8: error: broken link « lien » to `ok.md#nulle-part`"),
        "{lines:?}"
    );
    assert!(lines[1]
        .starts_with("./content/casse.md:5:2: warning: reference to a missing guide `GUIDE_ABSENT.md`"));
    assert!(
        lines[2].starts_with("./content/ok.md:5:10: warning: explicit id `#sec` is used twice"),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with("./content/ok.md:7:5: warning: image `image.png` has no alternative text"),
        "{lines:?}"
    );
    assert_eq!(lines.last().unwrap(), &"1 error(s), 3 warning(s) in 2 file(s); 2 guide(s) checked");
    assert!(!site.output("").exists(), "check writes nothing");
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let site = Site::new();
    site.file("content/a.md", "# A\n\nVoir `GUIDE_ABSENT.md`.\n");
    assert_eq!(site.carnet(&["check"]).code, 0);
    assert_eq!(site.carnet(&["check", "--strict"]).code, 1);
    let clean = Site::new();
    clean.file("content/a.md", "# A\n");
    let run = clean.carnet(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("0 error(s), 0 warning(s)"));
}

#[test]
fn json_format_is_one_machine_readable_document() {
    let site = site_with_problems();
    let run = site.carnet(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["warnings"], 3);
    let first = &report["findings"][0];
    assert_eq!(first["path"], "./content/casse.md");
    assert_eq!((first["line"].as_u64(), first["col"].as_u64()), (Some(3), Some(8)));
    assert_eq!(first["severity"], "error");
}

#[test]
fn duplicate_urls_are_reported_by_check_too() {
    let site = Site::new();
    site.file("content/Mon Guide.md", "# A\n").file("content/mon-guide.md", "# B\n");
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("would both be published at /mon-guide/"), "{}", run.stdout);
}

#[test]
fn external_check_skips_placeholders_examples_and_local_addresses() {
    let site = Site::new();
    site.file(
        "content/a.md",
        "# A\n\n[setup](https://fmos-mfmc.onrender.com/setup/?token=VOTRE_TOKEN) \
         [ex](https://example.com/x) [local](http://127.0.0.1:8000/) [m](mailto:a@b.fr)\n",
    );
    let run = site.carnet(&["check", "--external"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("checking 0 external link(s), 3 skipped"), "{}", run.stderr);
}
