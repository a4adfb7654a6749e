//! Whole-page rendering tests: code blocks, copy text, the real guide, robustness.

use super::*;

fn render(markdown: &str) -> RenderedMarkdown {
    Renderer::new().render(markdown)
}

/// What the theme's copy button hands over: `<code>` without `[data-nocopy]`, as text, minus one
/// trailing newline (CONTRACT.md).
fn copy_text(html: &str) -> String {
    let start = html.find("<code").expect("a code element");
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html[start..].find("</code>").unwrap() + start;
    let mut text = strip_nocopy(&html[start..end]);
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Removes every element carrying `data-nocopy` (spans only), then all tags; unescapes.
fn strip_nocopy(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(tag_start) = rest.find('<') {
        out.push_str(&rest[..tag_start]);
        let tag_end = tag_start + rest[tag_start..].find('>').unwrap() + 1;
        let tag = &rest[tag_start..tag_end];
        rest = &rest[tag_end..];
        if tag.starts_with("<span") && tag.contains("data-nocopy") {
            rest = skip_element(rest);
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Skips to just after the `</span>` closing an element whose start tag was consumed.
fn skip_element(html: &str) -> &str {
    let mut depth = 1;
    let mut i = 0;
    while depth > 0 {
        let next = html[i..].find('<').map(|p| p + i).expect("closed span");
        if html[next..].starts_with("</span>") {
            depth -= 1;
            i = next + "</span>".len();
        } else {
            if html[next..].starts_with("<span") {
                depth += 1;
            }
            i = next + 1;
        }
    }
    &html[i..]
}

#[test]
fn code_is_highlighted_with_classes_only() {
    let html = render("```python\nimport os\nprint(\"a\")\n```\n").html;
    assert!(html.contains("<figure class=\"code-block\" data-lang=\"python\">"), "{html}");
    assert!(html.contains("<span class=\"code-lang\">python</span>"), "{html}");
    assert!(html.contains("<pre class=\"code\"><code class=\"language-python\">"), "{html}");
    // Short token classes, one span per run: the keyword, the string.
    assert!(html.contains("<span class=\"k\">import</span> os"), "{html}");
    assert!(html.contains("<span class=\"s\">\"a\"</span>"), "{html}");
    assert!(!html.contains("hl-"), "{html}");
    assert!(!html.contains("style="), "{html}");
    assert_eq!(html.matches("<span class=\"line\">").count(), 2, "{html}");
    assert_eq!(copy_text(&html), "import os\nprint(\"a\")");
}

#[test]
fn every_line_span_is_balanced() {
    let html = render("```yaml\nkey: |\n  multi\n  line\nother: \"x\"\n```\n").html;
    let code = &html[html.find("<code").unwrap()..html.find("</code>").unwrap()];
    for line in code.split("<span class=\"line\">").skip(1) {
        let line = line.strip_suffix('\n').unwrap_or(line);
        assert_eq!(line.matches("<span").count() + 1, line.matches("</span>").count(), "{line}");
        assert!(line.ends_with("\n</span>"), "{line}");
    }
}

#[test]
fn copy_button_on_every_block_and_unknown_language_is_plain() {
    let html = render("```mermaid\na --> b <c>\n```\n\n    indenté\n").html;
    assert_eq!(
        html.matches(
            "<button type=\"button\" class=\"code-copy\" aria-label=\"Copier le code\">Copier</button>"
        )
        .count(),
        2
    );
    assert!(html.contains("<span class=\"line\">a --&gt; b &lt;c&gt;\n</span>"), "{html}");
    assert!(!html.contains("code-download"), "{html}");
}

#[test]
fn procfile_heading_gives_title_language_and_download() {
    let html = render("### Procfile\n\n```\nweb: gunicorn app --bind 0.0.0.0:$PORT\n```\n").html;
    assert!(html.contains("<figure class=\"code-block\" data-lang=\"procfile\">"), "{html}");
    assert!(html.contains("<span class=\"code-title\">Procfile</span>"), "{html}");
    assert!(html.contains("<button type=\"button\" class=\"code-download\" data-filename=\"Procfile\" aria-label=\"Télécharger Procfile\">Télécharger</button>"), "{html}");
    assert!(html.contains("<span class=\"line\"><span class=\"hl-procfile-process\">web</span>: <span class=\"hl-procfile-command\">"), "{html}");
    assert_eq!(copy_text(&html), "web: gunicorn app --bind 0.0.0.0:$PORT");
}

#[test]
fn render_yaml_heading_gives_title_and_yaml() {
    let html = render("### render.yaml\n\n```\nservices:\n  - type: web\n```\n").html;
    assert!(html.contains("data-lang=\"yaml\""), "{html}");
    assert!(html.contains("<span class=\"code-title\">render.yaml</span>"), "{html}");
    assert!(html.contains("data-filename=\"render.yaml\""), "{html}");
    assert!(html.contains("<span class=\"nt\">services</span>"), "{html}");
}

#[test]
fn a_block_between_heading_and_fence_cancels_the_title() {
    let html = render("### render.yaml\n\nTexte.\n\n```\nx: 1\n```\n").html;
    assert!(!html.contains("code-title"), "{html}");
    let html = render("### Monitoring\n\n```\nx\n```\n").html;
    assert!(!html.contains("code-title"), "{html}");
}

#[test]
fn fence_title_and_hl_lines() {
    let html = render("```yaml title=\"render.yaml\" hl_lines=\"2-3\"\na: 1\nb: 2\nc: 3\nd: 4\n```\n").html;
    assert!(html.contains("<span class=\"code-title\">render.yaml</span>"), "{html}");
    assert_eq!(html.matches("<span class=\"line hl\">").count(), 2, "{html}");
    let lines: Vec<&str> = html.split("<span class=\"line").skip(1).collect();
    assert!(lines[0].starts_with("\">") && lines[1].starts_with(" hl\">") && lines[3].starts_with("\">"));
    let html = render("```toml hl_lines=\"1 3-4\"\na = 1\nb = 2\nc = 3\nd = 4\n```\n").html;
    assert_eq!(html.matches("<span class=\"line hl\">").count(), 3, "{html}");
}

#[test]
fn console_prompts_output_and_copy_text() {
    let markdown = "```console\n$ ls -l \\\n  /tmp\ntotal 0\n# apt update\nLecture…\n```\n";
    let html = render(markdown).html;
    assert!(html.contains("<span class=\"line\"><span class=\"prompt\" data-nocopy>$ </span>"), "{html}");
    assert!(html.contains("<span class=\"line output\" data-nocopy>total 0\n</span>"), "{html}");
    assert!(html.contains("<span class=\"prompt\" data-nocopy># </span>"), "{html}");
    assert_eq!(copy_text(&html), "ls -l \\\n  /tmp\napt update");
}

#[test]
fn bash_block_of_prompts_is_a_console() {
    let html = render("```bash\n$ git add .\n$ git push\n```\n").html;
    assert_eq!(html.matches("class=\"prompt\" data-nocopy").count(), 2, "{html}");
    assert_eq!(copy_text(&html), "git add .\ngit push");
    let html = render("```bash\ngit add .\necho $HOME\n```\n").html;
    assert!(!html.contains("prompt"), "{html}");
    assert_eq!(copy_text(&html), "git add .\necho $HOME");
}

#[test]
fn raw_html_passes_through() {
    let html = render("<details><summary>Plus</summary>\n\ntexte\n\n</details>\n").html;
    assert!(html.starts_with("<details><summary>Plus</summary>"), "{html}");
    assert!(html.contains("</details>"), "{html}");
}

#[test]
fn strikethrough_and_task_lists() {
    let html = render("~~barré~~\n\n- [x] fait\n- [ ] à faire\n").html;
    assert!(html.contains("<del>barré</del>"), "{html}");
    assert!(html.contains("type=\"checkbox\""), "{html}");
}

#[test]
fn title_and_description() {
    let rendered = render("# 🔧 Résolution : Erreur\n\n> [!NOTE]\n> pas ceci\n\nSi vous voyez `SIGKILL`,\nc'est **grave**.\n\nAutre.\n");
    assert_eq!(rendered.title.as_deref(), Some("🔧 Résolution : Erreur"));
    assert_eq!(rendered.description.as_deref(), Some("Si vous voyez SIGKILL, c'est grave."));
    assert_eq!(render("Texte seul.\n").title, None);
}

#[test]
fn sections_hold_plain_text_per_heading() {
    let rendered = render("Intro.\n\n## Un\n\nTexte *un*.\n\n## Deux\n\n```\ncode\n```\n");
    assert_eq!(rendered.sections.len(), 3);
    assert_eq!(rendered.sections[0], Section { heading: None, text: "Intro.".into() });
    assert_eq!(rendered.sections[1], Section { heading: Some(0), text: "Texte un.".into() });
    assert_eq!(rendered.sections[2], Section { heading: Some(1), text: "code".into() });
}

/// Issue 17: a snippet ran list items together (« …de la mémoire Chargement de trop… »).
#[test]
fn separate_blocks_stay_apart_in_section_text() {
    let markdown = "## Causes\n\n- Fuite de la mémoire\n- Chargement de trop de données\n  - en une *seule* requête\n- Trop de workers.\n\nParagraphe un\n\nParagraphe deux.\n\n| Colonne | Valeur |\n|---|---|\n| `WEB_CONCURRENCY` | 2 |\n";
    let rendered = render(markdown);
    assert_eq!(
        rendered.sections[0].text,
        "Fuite de la mémoire · Chargement de trop de données · en une seule requête · Trop de workers. \
         Paragraphe un · Paragraphe deux. Colonne · Valeur · WEB_CONCURRENCY · 2"
    );
}

#[test]
fn the_real_guide() {
    let guide = include_str!("../../tests/fixtures/markdown/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");
    let rendered = render(guide);
    let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
    assert!(ids.contains(&"causes"), "{ids:?}");
    assert!(ids.contains(&"solution-1-desactiver-le-script-startup-au-demarrage"), "{ids:?}");
    assert_eq!(rendered.title.as_deref(), Some("🔧 Résolution : Erreur \"Out of Memory\" sur Render"));
    assert!(rendered
        .description
        .as_deref()
        .unwrap_or("")
        .starts_with("Si vous voyez l'erreur Worker was sent SIGKILL!"));
    let html = &rendered.html;
    assert!(html.contains("<span class=\"code-title\">Procfile</span>"), "{html}");
    assert!(html.contains("<figure class=\"code-block\" data-lang=\"yaml\">"), "{html}");
    assert!(html.contains("<figure class=\"code-block\" data-lang=\"bash\">"), "{html}");
    assert!(
        html.contains(
            "<span class=\"heading-alias\" id=\"-résolution--erreur-out-of-memory-sur-render\"></span>"
        ),
        "{html}"
    );
    assert!(!html.contains("style="), "{html}");
}

#[test]
fn renderer_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
}

#[test]
fn never_panics_on_odd_input() {
    let renderer = Renderer::new();
    let inputs = [
        String::new(),
        ">".repeat(50_000),
        "- ".repeat(20_000) + "x",
        "1. ".repeat(10_000),
        "```\n".to_string(),
        "```yaml hl_lines=\"0-99999999999999999999\"\n".to_string(),
        "# {#}\n## {#a}\n## a\n".to_string(),
        "[^]: x\n[^a]\n".to_string(),
        "```bash\n$\n$ \\\n```\n".to_string(),
        "```console\n\u{0}\r\n\u{feff}$ x\r\n```\n".to_string(),
        "| a |\n|---|\n".repeat(1000),
        format!("```python\n{}\n```\n", "(".repeat(100_000)),
    ];
    for input in inputs {
        let _ = renderer.render(&input);
    }
}

#[test]
fn seed_renders_quickly_once_warm() {
    let guide = include_str!("../../tests/fixtures/markdown/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");
    let renderer = Renderer::new();
    renderer.render(guide);
    let start = std::time::Instant::now();
    for _ in 0..10 {
        renderer.render(guide);
    }
    // Generous bound for debug builds; release is far below (see the report).
    assert!(start.elapsed().as_millis() < 2_000, "{:?}", start.elapsed());
}

#[test]
fn labelled_fence_under_a_file_heading_keeps_the_title_when_languages_agree() {
    let html = render("### render.yaml\n\n```yml\nx: 1\n```\n").html;
    assert!(html.contains("<span class=\"code-title\">render.yaml</span>"), "{html}");
    let html = render("### render.yaml\n\n```bash\necho x\n```\n").html;
    assert!(!html.contains("code-title"), "{html}");
    assert!(html.contains("<span class=\"code-lang\">bash</span>"), "{html}");
}

#[test]
fn file_headings_in_inline_code_and_paths() {
    let html = render("### `core/wsgi.py`\n\n```\nimport os\n```\n").html;
    assert!(html.contains("<span class=\"code-title\">core/wsgi.py</span>"), "{html}");
    assert!(html.contains("data-filename=\"wsgi.py\""), "{html}");
    assert!(html.contains("data-lang=\"python\""), "{html}");
    let html = render("### .env\n\n```\nDEBUG=0\n```\n").html;
    assert!(html.contains("<span class=\"code-title\">.env</span>"), "{html}");
    let html = render("### Dockerfile\n\n```\nFROM python:3.12\n```\n").html;
    assert!(
        html.contains("data-lang=\"dockerfile\"") && html.contains("<span class=\"k\">FROM</span>"),
        "{html}"
    );
}

#[test]
fn a_non_file_title_has_no_download_button() {
    let html = render("```text title=\"Sortie attendue\"\nok\n```\n").html;
    assert!(html.contains("<span class=\"code-title\">Sortie attendue</span>"), "{html}");
    assert!(!html.contains("code-download"), "{html}");
}

#[test]
fn cached_blocks_render_identically() {
    let renderer = Renderer::new();
    let markdown = "```yaml hl_lines=\"1\"\na: 1\n```\n\n```yaml\na: 1\n```\n";
    let first = renderer.render(markdown).html;
    assert_eq!(renderer.render(markdown).html, first);
    assert_eq!(first.matches("line hl").count(), 1, "{first}");
}

#[test]
fn huge_blocks_are_left_plain_but_complete() {
    let code = "x = 1\n".repeat(50_000);
    let html = render(&format!("```python\n{code}```\n")).html;
    assert_eq!(html.matches("<span class=\"line\">").count(), 50_000);
    assert!(!html.contains("<span class=\"m\">"));
    assert_eq!(copy_text(&html), code.trim_end_matches('\n'));
}

#[test]
fn one_renderer_shared_by_threads_gives_the_same_html() {
    let guide = include_str!("../../tests/fixtures/markdown/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");
    let renderer = Renderer::new();
    let expected = renderer.render(guide).html;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| renderer.render(guide).html)).collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), expected);
        }
    });
}

/// A hook that logs every call and answers links and references.
#[derive(Default)]
struct CallLog(Vec<String>);

impl LinkHook for CallLog {
    fn rewrite_link(&mut self, dest: &str, is_image: bool, at: LinkSite) -> Option<String> {
        self.0.push(format!("link {dest} {is_image} {:?}", at.heading));
        Some(format!("/x/{dest}"))
    }
    fn reference(&mut self, name: &str, at: LinkSite) -> Reference {
        self.0.push(format!("reference {name} {:?}", at.heading));
        if name.starts_with('A') {
            Reference::Missing
        } else {
            Reference::Found(format!("/r/{name}"))
        }
    }
}

#[test]
fn the_outline_sees_what_the_rendering_sees() {
    let guide = include_str!("../../tests/fixtures/markdown/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");
    let tricky = "# T {#t}\n\nIntro [a](A.md) `B.md`\n\n```bash\nvoir C.md [x](y)\n# pas un titre\n```\n\n\
                  ## T {#t}\n\n    indenté D.md\n\n> [!NOTE]\n> E.md et [f](F.md#x) ![img](i.png)\n\n\
                  | a | [b](B.md) |\n|---|---|\n| `AUTRE.md` | c[^1] |\n\n[^1]: [g](G.md)\n";
    let renderer = Renderer::new();
    for markdown in [guide, tricky] {
        let (mut rendered_calls, mut outlined_calls) = (CallLog::default(), CallLog::default());
        let rendered = renderer.render_with(markdown, &mut rendered_calls);
        let outlined = renderer.outline_with(markdown, &mut outlined_calls);
        assert!(!rendered_calls.0.is_empty());
        assert_eq!(outlined_calls.0, rendered_calls.0);
        assert_eq!(outlined.headings, rendered.headings);
        assert_eq!(outlined.title, rendered.title);
        assert_eq!(outlined.description, rendered.description);
        assert_eq!(outlined.sections, rendered.sections);
        assert_eq!(outlined.duplicate_ids, rendered.duplicate_ids);
        assert!(outlined.html.is_empty());
        // The page writer's HTML, from the outline's headings, is the full rendering's.
        let html = renderer.html_with(markdown, &mut CallLog::default(), &outlined.headings);
        assert_eq!(html, rendered.html);
    }
}
