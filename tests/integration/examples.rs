//! Every example of the bundled French guides (`content/carnet/*.md`) works as an author who
//! copies it would use it: each `carnet.toml` example is a valid configuration, each front
//! matter (TOML `+++` or YAML `---`) heads a guide that builds, each `render.yaml` is YAML with
//! the keys Render reads, and each Markdown example is a guide that builds without an error.

use std::path::Path;

use crate::fixture::Site;

/// One fenced code block: its language, its `title="…"` if any, its text and its line.
#[derive(Debug)]
struct Example {
    guide: String,
    line: usize,
    lang: String,
    title: Option<String>,
    text: String,
}

impl Example {
    fn at(&self) -> String {
        format!("content/carnet/{}:{} ({} block)", self.guide, self.line, self.lang)
    }
}

/// The fenced blocks of a Markdown text (``` or ~~~, any length; nested shorter fences kept).
fn examples(guide: &str, text: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut open: Option<(String, Example)> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let fence: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
        match &mut open {
            Some((opening, example)) => {
                if fence.len() >= opening.len()
                    && fence.starts_with(&opening[..1])
                    && trimmed[fence.len()..].trim().is_empty()
                {
                    let (_, done) = open.take().unwrap();
                    found.push(done);
                } else {
                    example.text.push_str(line);
                    example.text.push('\n');
                }
            }
            None if fence.len() >= 3 => {
                let info = trimmed[fence.len()..].trim();
                let lang = info.split_whitespace().next().unwrap_or("").to_string();
                let title = info
                    .split_once("title=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(title, _)| title.to_string());
                let example =
                    Example { guide: guide.to_string(), line: n + 1, lang, title, text: String::new() };
                open = Some((fence, example));
            }
            None => {}
        }
    }
    found
}

fn bundled_examples() -> Vec<Example> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/carnet");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names.iter().flat_map(|name| examples(name, &std::fs::read_to_string(dir.join(name)).unwrap())).collect()
}

/// Builds a site made of one guide; the build must succeed without an error.
fn builds_as_a_guide(example: &Example, guide: &str) {
    let site = Site::new();
    site.file("content/exemple.md", guide);
    let run = site.carnet(&["build", "--broken-links", "warn"]);
    assert!(
        run.code == 0 && !run.stderr.contains("error"),
        "{}: the example does not build as a guide:\n{guide}\n---\n{}",
        example.at(),
        run.stderr
    );
}

/// A `render.yaml` example is the repository's Blueprint, or an excerpt of its service: every
/// key it shows has the value the real `render.yaml` has.
fn same_as_the_blueprint(example: &Example, yaml: &serde_yaml_ng::Value) {
    let real: serde_yaml_ng::Value = serde_yaml_ng::from_str(include_str!("../../render.yaml")).unwrap();
    if yaml.get("services").is_some() {
        return;
    }
    let service = &real["services"][0];
    let keys = yaml.as_mapping().unwrap_or_else(|| panic!("{}: not a YAML mapping", example.at()));
    for (key, value) in keys {
        assert_eq!(
            &service[key.as_str().unwrap()],
            value,
            "{}: `{key:?}` differs from the repository's render.yaml",
            example.at()
        );
    }
}

#[test]
fn every_example_of_the_bundled_guides_is_valid() {
    let all = bundled_examples();
    let mut checked = std::collections::BTreeMap::<&str, usize>::new();
    for example in &all {
        let text = example.text.as_str();
        let kind = match (example.lang.as_str(), example.title.as_deref()) {
            ("toml" | "yaml", _) if text.starts_with("+++\n") || text.starts_with("---\n") => {
                builds_as_a_guide(example, &format!("{text}\nLe texte du guide.\n"));
                "front matter"
            }
            ("toml", _) => {
                carnet::config::Config::parse(text, Path::new("carnet.toml"))
                    .unwrap_or_else(|e| panic!("{}: not a valid carnet.toml: {e}\n{text}", example.at()));
                "carnet.toml"
            }
            ("yaml", Some("render.yaml")) => {
                let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)
                    .unwrap_or_else(|e| panic!("{}: not YAML: {e}\n{text}", example.at()));
                same_as_the_blueprint(example, &yaml);
                "render.yaml"
            }
            ("yaml", _) => {
                serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
                    .unwrap_or_else(|e| panic!("{}: not YAML: {e}\n{text}", example.at()));
                "yaml"
            }
            ("markdown" | "md", _) => {
                builds_as_a_guide(example, text);
                "markdown"
            }
            _ => continue,
        };
        *checked.entry(kind).or_default() += 1;
    }
    assert!(
        checked.get("front matter").is_some_and(|&n| n >= 2)
            && checked.get("carnet.toml").is_some_and(|&n| n >= 3)
            && checked.get("markdown").is_some_and(|&n| n >= 2)
            && checked.contains_key("render.yaml"),
        "the bundled guides' examples were not all found: {checked:?}"
    );
}

#[test]
fn a_yaml_title_with_an_unquoted_colon_is_what_the_guide_warns_against() {
    // The example « Rédiger un guide » showed before: a build error, not a title.
    let site = Site::new();
    site.file("content/exemple.md", "---\ntitle: Résolution : erreur de mémoire\n---\nTexte.\n");
    let run = site.carnet(&["build"]);
    assert_ne!(run.code, 0, "the unquoted colon must fail:\n{}", run.stderr);
    let guide = include_str!("../../content/carnet/rediger-un-guide.md");
    assert!(guide.contains("title: \"Résolution : erreur de mémoire\""));
}
