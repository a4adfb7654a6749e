//! carnet on whole repositories nobody here wrote (`tests/fixtures/real/`, see its README): a
//! Grav documentation site (Grav routes, numbered folders, one `docs.md` per page folder), a Jekyll
//! site with collections (their addresses, `{% link %}` in Markdown link destinations), the
//! Docusaurus site of a Python library (`slug: /`, Markdown links read from the docs folder), and an
//! application repository with its guides beside the code (Django and Vue.js, `.gitignore`,
//! dependency folders added here as an install would leave them).

use std::path::Path;

use crate::fixture::Site;

/// A site holding a copy of every file of the fixture `name` under `into` (a `gitignore` file
/// becomes `.gitignore`: kept without its dot, it would apply to carnet's own repository).
fn copy_fixture(site: &Site, name: &str, into: &str) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real").join(name);
    for entry in walkdir::WalkDir::new(&fixture).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(&fixture).unwrap().to_string_lossy().to_string();
        if entry.file_type().is_file() && rel != "LICENSE" {
            let rel = if rel == "gitignore" { ".gitignore".to_string() } else { rel };
            let target = if into.is_empty() { rel } else { format!("{into}/{rel}") };
            site.file(&target, std::fs::read(entry.path()).unwrap());
        }
    }
}

/// The error lines of a verbose build: every finding, none summed up.
fn errors(site: &Site) -> Vec<String> {
    let every = site.carnet(&["-v", "build"]);
    every.stderr.lines().filter(|l| l.starts_with("error: ./")).map(str::to_string).collect()
}

#[test]
fn a_grav_site_gets_its_routes_and_fails_only_on_pages_it_does_not_have() {
    let site = Site::new();
    copy_fixture(&site, "grav-learn", "");
    site.file("carnet.toml", "title = \"Grav Learn\"\ncontent_dir = \"pages\"\n");
    let run = site.carnet(&["build", "--broken-links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.lines().count() <= 60, "{}", run.stderr);

    // Each page folder is the page (`docs.md`, `chapter.md` are Grav's template names), its
    // number left out; a version of a page (`docs.17.md`) stays a page of its own.
    for page in ["basics/", "basics/requirements/", "basics/installation/", "basics/grav-configuration/"] {
        assert!(site.output(&format!("{page}index.html")).is_file(), "{page}");
    }
    assert!(!site.output("basics/requirements/docs").exists());
    assert!(site.output("basics/grav-configuration/docs-17/index.html").is_file());

    // Grav routes resolve: from the page folder (`../requirements`) and from the root
    // (`/basics/updates`), to the page, with the image beside it.
    let installation = site.read("basics/installation/index.html");
    assert!(installation.contains("href=\"../../basics/requirements/\""), "{installation}");
    assert!(installation.contains("href=\"../../basics/updates/\""), "{installation}");
    let image = "src=\"../../01.basics/03.installation/install.png\"";
    assert!(installation.contains(image), "{installation}");
    assert!(site.output("01.basics/03.installation/install.png").is_file());
    let tutorial = site.read("basics/basic-tutorial/index.html");
    assert!(tutorial.contains("href=\"../../basics/folder-structure/\""), "{tutorial}");

    // By default the build fails, on true broken links only: pages of the chapters this fixture
    // left out (`/advanced/…`, `../../content/…`) and one anchor whose heading was renamed.
    let errors = errors(&site);
    assert!(!errors.is_empty());
    let left_out = [
        "admin-panel",
        "advanced",
        "cli-console",
        "content",
        "cookbook",
        "plugins",
        "security",
        "themes",
        "troubleshooting",
        "webservers-hosting",
    ];
    for error in &errors {
        let to_left_out =
            left_out.iter().any(|chapter| error.contains(&format!("no guide or file `{chapter}")));
        let renamed =
            error.contains("no heading `#running-grav-with-the-built-in-php-webserver-using-routerphp`");
        assert!(to_left_out || renamed, "not a true broken link: {error}");
    }
}

#[test]
fn an_application_repository_publishes_its_guides_and_what_they_link_to_nothing_else() {
    let site = Site::new();
    copy_fixture(&site, "ma-cantine", "");
    site.file("carnet.toml", "title = \"Ma Cantine\"\ncontent_dir = \".\"\noutput_dir = \"public\"\n");
    // What a checkout holds once installed and run: dependencies, caches, secrets, logs.
    site.file(".git/HEAD", "ref: refs/heads/main\n")
        .file("frontend/node_modules/left-pad/README.md", "# left-pad CANARY-node-modules\n")
        .file("frontend/node_modules/left-pad/index.js", "module.exports = 1; // CANARY-node-modules\n")
        .file(".venv/lib/python3.12/site-packages/django/README.md", "# Django CANARY-venv\n")
        .file("common/api/__pycache__/datagouv.cpython-312.pyc", "CANARY-pycache")
        .file(".env", "SECRET_KEY=CANARY-env\n")
        .file("celery.log", "CANARY-log\n")
        .file("media/upload.md", "# CANARY-media (git-ignored: media/*)\n");
    let run = site.carnet(&["build", "--broken-links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.lines().count() <= 60, "{}", run.stderr);

    let published: Vec<String> = site
        .snapshot()
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| !rel.starts_with("assets/") && !rel.starts_with("search"))
        .collect();
    let expected = [
        ".carnet-site",
        "404.html",
        // CLAUDE.md names it ("**Makefile**: Run `make docker-up`…"): a file a guide refers to.
        "Makefile",
        "claude/index.html",
        "common/api/datagouv.py",
        "common/api/decoupage_administratif.py",
        "common/api/recherche_entreprises.py",
        "docs/celery/index.html",
        "docs/docker/index.html",
        "docs/geo/index.html",
        "docs/index.html",
        "docs/onboarding/index.html",
        "docs/redis/index.html",
        "index.html",
        "robots.txt",
    ];
    assert_eq!(published, expected, "{}", run.stderr);
    for (rel, bytes) in site.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains("CANARY"), "{rel} leaked");
    }

    // By default the build fails on the repository's true broken links only: CLAUDE.md's
    // `../docs/` climbs above the root (a warning: taken from the root, as browsers do), geo.md
    // links two files that are not in the repository, ONBOARDING.md writes an address as a path.
    let errors = errors(&site);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].contains("./docs/ONBOARDING.md") && errors[0].contains("`127.0.0.1:8000`"),
        "{errors:#?}"
    );
    assert!(errors[1].contains("`../data/department_choices.py`"), "{errors:#?}");
    assert!(errors[2].contains("`../data/region_choices.py`"), "{errors:#?}");
}

#[test]
fn a_mkdocs_course_gets_its_admonitions_as_callouts_and_its_directory_url_links() {
    let site = Site::new();
    copy_fixture(&site, "terminale-nsi", "");
    site.file("carnet.toml", "title = \"Terminale NSI\"\ncontent_dir = \"docs\"\n");
    let run = site.carnet(&["build"]);
    // The one broken link: the chapter on SQL, left out of the fixture.
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors = errors(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains("to `../4.2_Langage_SQL/cours/`"), "{errors:#?}");

    // Links written for MkDocs' directory URLs (relative to `sommaire/`) lead to the pages.
    let run = site.carnet(&["build", "--broken-links", "warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = site.read("t4-bases-de-donnees/sommaire/index.html");
    assert!(
        summary.contains("href=\"../../t4-bases-de-donnees/4-1-modele-relationnel/cours/\""),
        "{summary}"
    );

    // Every admonition is a callout with its title, its body read as Markdown, never shown as
    // code. (The exercises' `??? success` stand inside MkDocs macros, `{{ correction(…) }}`,
    // which carnet does not run: they stay text there.)
    let course = site.read("t4-bases-de-donnees/4-1-modele-relationnel/cours/index.html");
    let main = &course[course.find("<main").unwrap()..];
    assert!(!main.contains("!!! ") && !main.contains("??? "), "{main}");
    assert!(main.contains("<p class=\"callout-title\">Vocabulaire :heart: :heart: :heart:</p>"), "{main}");
    assert!(main.contains("<p class=\"callout-title\">Clé primaire :heart:</p>"), "{main}");
    assert!(main.contains("<li><strong>relation</strong>, ou <strong>table</strong>"), "{main}");
    assert_eq!(main.matches("<div class=\"callout callout-").count(), 9, "{main}");
    let exercises = site.read("t4-bases-de-donnees/4-1-modele-relationnel/exercices/index.html");
    assert!(exercises.contains("<p class=\"callout-title\">{{ exercice() }}</p>"), "{exercises}");
}

#[test]
fn a_jekyll_site_with_collections_links_by_jekyll_s_addresses_and_link_tags() {
    let site = Site::new();
    copy_fixture(&site, "data-gouv-doc", "");
    site.file("carnet.toml", "title = \"data.gouv.fr\"\ncontent_dir = \".\"\n");
    // No broken link: each was written for Jekyll and leads somewhere there.
    let run = site.carnet(&["-v", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);

    // `/moissonnage/dcat` is collection `moissonnage` (`articles/_moissonnage/`, `collections_dir:
    // articles` in `_config.yml`) as Jekyll publishes it.
    let intro = site.read("articles/moissonnage/intro/index.html");
    for link in [
        "dcat/#geonetwork\">son endpoint",
        "dcat/\">le moissonnage DCAT",
        "ckan/\">CKAN",
        "ods/\">OpenDataSoft",
    ] {
        assert!(intro.contains(&format!("href=\"../../../articles/moissonnage/{link}")), "{link}: {intro}");
    }
    // `[…]({{ site.baseurl }}{% link _moissonnage/intro.md %}#filtrage)`: a destination with
    // spaces, which Jekyll fills in before reading the Markdown, is a link to the guide.
    let request =
        site.read("articles/jeux-de-donnees/demander-a-datagouvfr-de-moissonner-votre-site/index.html");
    assert!(!request.contains("{% link"), "{request}");
    for link in ["intro/#filtrage", "intro/#moissonneurs-disponibles", "dcat/", "ckan/", "ods/"] {
        assert!(
            request.contains(&format!("href=\"../../../articles/moissonnage/{link}\"")),
            "{link}: {request}"
        );
    }
    // Each page shows what links to it.
    let dcat = site.read("articles/moissonnage/dcat/index.html");
    assert!(dcat.contains("demander-a-datagouvfr-de-moissonner-votre-site/"), "backlink: {dcat}");

    // Swagger UI's routes (`reference.md#/datasets/create_dataset`) are no headings: a warning
    // each, not a broken link.
    assert!(
        run.stderr.contains("`#/datasets/create_dataset` is a route for the scripts of"),
        "{}",
        run.stderr
    );
    let workflow = site.read("articles/api/dataset-workflow/index.html");
    assert!(
        workflow.contains("href=\"../../../articles/api/reference/#/datasets/create_dataset\""),
        "{workflow}"
    );
}

/// The Docusaurus site of an application repository (Python library, docs in `website/`), its
/// French translation as the content folder, `docusaurus.config.ts` five folders above it.
fn docusaurus_site(with_config: bool) -> Site {
    let site = Site::new();
    copy_fixture(&site, "ign-lidar-docusaurus", "");
    site.file(
        "carnet.toml",
        "title = \"IGN LiDAR HD\"\ncontent_dir = \"website/i18n/fr/docusaurus-plugin-content-docs/current\"\n",
    );
    if !with_config {
        site.remove("website/docusaurus.config.ts");
    }
    site
}

#[test]
fn a_docusaurus_site_gets_its_home_page_its_markdown_links_from_the_root_and_folder_links() {
    let site = docusaurus_site(true);
    let run = site.carnet(&["-v", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);

    // `slug: /` in `intro.md`: the home page, as Docusaurus publishes it.
    let home = site.read("index.html");
    assert!(home.contains("<h1 id=\"bibliotheque-de-traitement-lidar-hd-de-l-ign\">"), "{home}");
    assert!(!site.output("intro").exists() && !site.output("page").exists());

    // `gpu/overview.md` written in `guides/quick-start.md`: not beside it, so from the docs
    // folder, as Docusaurus reads it; `features/overview.md` is beside it, and wins.
    let quick_start = site.read("guides/quick-start/index.html");
    for link in [
        "../../guides/features/overview/\">Features Guide",
        "../../gpu/overview/\">GPU Guide",
        "../../features/pipeline-configuration/\">Configuration Guide",
        "../../features/rgb-augmentation/\">RGB Augmentation",
    ] {
        assert!(quick_start.contains(&format!("href=\"{link}")), "{link}: {quick_start}");
    }
    // `../api/`: a folder with no page of its own, whose list of pages carnet writes.
    let notes = site.read("release-notes/v1-5-0/index.html");
    assert!(notes.contains("href=\"../../api/\""), "{notes}");
    assert!(site.output("api/index.html").is_file());
}

#[test]
fn without_docusaurus_markdown_links_are_read_beside_the_guide_only() {
    let site = docusaurus_site(false);
    let broken: Vec<String> = errors(&site).into_iter().filter(|e| e.contains("broken link")).collect();
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(broken.iter().all(|e| e.contains("guides/quick-start.md")), "{broken:#?}");
}
