//! `carnet check`: the build's findings, kind by kind in the format of `carnet build`, as text
//! or JSON, without writing; every finding of every file in one run.

use crate::fixture::Site;

fn site_with_problems() -> Site {
    let site = Site::new();
    site.file("content/ok.md", "# OK\n\n## Section {#sec}\n\n## Autre {#sec}\n\n![](image.png)\n")
        .file("content/image.png", b"png")
        .file("content/casse.md", "# Cassé\n\n[lien](ok.md#nulle-part)\n\n`GUIDE_ABSENT.md`\n");
    site
}

#[test]
fn findings_are_printed_kind_by_kind_as_the_build_prints_them_and_nothing_is_written() {
    let site = site_with_problems();
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 1, "an error fails the check:\n{}", run.stdout);
    let headlines: Vec<&str> =
        run.stdout.lines().filter(|l| l.starts_with("error:") || l.starts_with("warning:")).collect();
    let expected = [
        "warning: ./content/ok.md:5:10: explicit id `#sec` is used twice",
        "warning: ./content/casse.md:5:2: reference to a missing guide `GUIDE_ABSENT.md`",
        "warning: ./content/ok.md:7:5: image `image.png` has no alternative text",
        "error: ./content/casse.md:3:8: broken link « lien » to `ok.md#nulle-part`",
    ];
    assert_eq!(headlines.len(), expected.len(), "{}", run.stdout);
    for (line, expected) in headlines.iter().zip(expected) {
        assert!(line.starts_with(expected), "`{line}` instead of `{expected}`:\n{}", run.stdout);
    }
    assert!(
        run.stdout.contains(" 3 | [lien](ok.md#nulle-part)\n"),
        "few findings show their line:\n{}",
        run.stdout
    );
    let build = site.carnet(&["build"]);
    for expected in expected {
        assert!(build.stderr.contains(expected), "build prints `{expected}` too:\n{}", build.stderr);
    }
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[lines.len() - 2], "1 error(s), 3 warning(s) in 2 file(s); 2 guide(s) checked");
    assert!(lines[lines.len() - 1].contains("`broken = \"warn\"` under `[links]`"), "{}", run.stdout);
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
    assert_eq!(first["kind"], "missing-anchor");
}

#[test]
fn a_slug_collision_is_one_finding_among_the_others_of_every_file() {
    // Regression: two guides at one address stopped `check` before any link was looked at,
    // hiding 27 other errors on a real site. Now the second gets a free address, with a warning.
    let site = Site::new();
    site.file("content/Mon Guide.md", "# A\n\n[cassé](absent.md)\n")
        .file("content/mon-guide.md", "# B\n\n[cassé aussi](absent-aussi.md)\n")
        .file("content/dossier/index.md", "# D\n")
        .file("content/dossier/README.md", "# R\n\n[ancre](#nulle-part)\n");
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 1);
    for expected in [
        "warning: ./content/mon-guide.md: `Mon Guide.md` and `mon-guide.md` would both be published at \
         /mon-guide/: the second is published at /mon-guide-2/ instead",
        "warning: ./content/dossier/README.md: `dossier/README.md` is published as an ordinary page: \
         `dossier/index.md` is this folder's landing page",
        "./content/Mon Guide.md:3:9: broken link « cassé » to `absent.md`",
        "./content/mon-guide.md:3:15: broken link « cassé aussi » to `absent-aussi.md`",
        "./content/dossier/README.md:3:9: broken link « ancre » to `#nulle-part`",
    ] {
        assert!(run.stdout.contains(expected), "missing `{expected}`:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("3 error(s), 2 warning(s)"), "{}", run.stdout);
    assert_eq!(site.carnet(&["build", "--broken-links", "warn"]).code, 0);
    assert!(site.read("mon-guide-2/index.html").contains("<h1"), "the second guide has a page of its own");
}

#[test]
fn thousands_of_findings_fit_on_a_screen_and_json_lists_them_all() {
    let site = Site::new();
    for n in 0..300 {
        site.file(
            &format!("content/g{n:03}.md"),
            format!("# G{n}\n\n[a](absent-{n}.md) `ABSENT_{n}.md` [b](#nulle-part)\n"),
        );
    }
    let run = site.carnet(&["check"]);
    assert_eq!(run.code, 1);
    let lines = run.stdout.lines().count();
    assert!(lines <= 60, "{lines} lines:\n{}", run.stdout);
    for expected in [
        "error: … and 290 more broken links (300 in all) in ./content/g010.md, ./content/g011.md, \
         ./content/g012.md and 287 other files",
        "error: … and 290 more links to a missing heading (300 in all)",
        "warning: … and 290 more references to missing guides (300 in all)",
        "note: 870 more finding(s) summed up above: `carnet -v check` prints every one, \
         `carnet check --format json` lists them",
        "600 error(s), 300 warning(s) in 300 file(s); 300 guide(s) checked",
    ] {
        assert!(run.stdout.contains(expected), "missing `{expected}`:\n{}", run.stdout);
    }
    let verbose = site.carnet(&["-v", "check"]);
    assert_eq!(verbose.stdout.lines().filter(|l| l.starts_with("error: ./content/")).count(), 600);
    let json = site.carnet(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 900);
    let build = site.carnet(&["build"]);
    assert!(build.stderr.lines().count() <= 60, "{}", build.stderr);
    assert!(build.stderr.contains("`carnet -v build` prints every one"), "{}", build.stderr);
}

#[cfg(feature = "external-links")]
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

/// The deploy build (`--no-default-features`) has no HTTPS client: it says so, a usage error.
#[cfg(not(feature = "external-links"))]
#[test]
fn without_the_external_links_feature_check_external_says_it_was_built_without_it() {
    let site = Site::new();
    site.file("content/a.md", "# A\n\n[doc](https://www.rust-lang.org/)\n");
    let run = site.carnet(&["check", "--external"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("built without the `external-links` feature"), "{}", run.stderr);
}

#[test]
fn a_build_repairing_many_guides_names_the_first_few_and_counts_the_rest() {
    let site = Site::new();
    for n in 0..30 {
        site.file(&format!("content/g{n:02}.md"), format!("# RÃ©solution {n}\n\nLe dÃ©ploiement.\n"));
    }
    let run = site.build();
    let repaired: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("repaired ")).collect();
    assert_eq!(repaired.len(), 10, "{}", run.stderr);
    assert!(
        run.stderr.contains("… and 20 more guides decoded or repaired (`carnet -v build` lists them)"),
        "{}",
        run.stderr
    );
    let verbose = site.carnet(&["-v", "build"]);
    assert_eq!(verbose.stderr.lines().filter(|l| l.starts_with("repaired ")).count(), 30);
}
