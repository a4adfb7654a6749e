//! Text that looks like HTML is shown as text wherever the theme prints it: titles (front matter,
//! first heading, file and folder names), descriptions, headings, link texts, code, in the home
//! listing, sidebar, breadcrumb, previous/next links, backlinks, table of contents, `<title>`,
//! meta and Open Graph tags, and the search index.
//!
//! Raw HTML written in a guide's body is the author's own markup and passes through, as in any
//! Markdown tool; what carnet itself prints (titles, ids, file names, code) is escaped, so these
//! fixtures use no raw HTML in bodies: any live `<script>` or `<img>` in the output is a hole.

use crate::fixture::Site;

const SCRIPT: &str = "<script>alert('titre')</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";

fn hostile_site() -> Site {
    let site = Site::new();
    site.file(
        "carnet.toml",
        "title = \"Docs <script>alert('site')</script>\"\ndescription = \"\\\"><img src=x onerror=alert('desc')>\"\n",
    );
    site.file(
        "content/01-piege.md",
        format!(
            "+++\ntitle = \"{}\"\ndescription = \"\\\"><script>alert('description')</script>\"\n+++\n\
             Premier paragraphe &lt;b&gt;gras&lt;/b&gt;.\n\n\
             ## Étape &lt;script&gt;alert('h2')&lt;/script&gt;\n\n\
             ### Le `<img src=x onerror=alert('h3')>` du code\n\n\
             Voir [&lt;script&gt;alert('lien')&lt;/script&gt;](02-cible.md) et `GUIDE_<b>.md`.\n\n\
             ```console\n$ echo '<script>alert(\"console\")</script>'\n<b>sortie</b>\n```\n\n\
             ```yaml title=\"<script>alert('fichier')</script>.yaml\"\nclé: \"<script>alert('yaml')</script>\"\n```\n\n\
             ```\n<img src=x onerror=alert('texte')>\n```\n",
            SCRIPT
        ),
    );
    site.file("content/02-cible.md", "# Cible\n\nTexte.\n");
    site.file(&format!("content/<b>Dossier/{IMG}.md"), "Sans titre : le nom du fichier en tient lieu.\n");
    site.file("content/<b>Dossier/autre.md", "# Autre\n\nRetour vers [la cible](../02-cible.md).\n");
    site
}

/// Every HTML page of the built site: (relative path, contents).
fn pages(site: &Site) -> Vec<(String, String)> {
    site.snapshot()
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).expect("pages are UTF-8")))
        .collect()
}

/// The theme's own scripts: the trailing-slash fix, the theme choice, and external files.
fn is_theme_script(tag_and_after: &str) -> bool {
    tag_and_after.starts_with("<script>if(location.protocol")
        || tag_and_after.starts_with("<script>(function(d){d.className")
        || tag_and_after.starts_with("<script src=\"")
}

#[test]
fn html_in_titles_headings_names_and_code_is_text_on_every_page() {
    let site = hostile_site();
    site.build();
    let pages = pages(&site);
    assert!(pages.len() >= 6, "{:?}", pages.iter().map(|p| &p.0).collect::<Vec<_>>());
    for (rel, html) in &pages {
        for (at, _) in html.match_indices("<script") {
            assert!(
                is_theme_script(&html[at..]),
                "{rel}: a script carnet did not mean: {}",
                &html[at..at + 60]
            );
        }
        for live in ["<img", "<b>", "<i>", "onerror=alert('desc')>"] {
            assert!(!html.contains(live), "{rel}: `{live}` is live markup");
        }
    }
    let home = site.read("index.html");
    assert!(
        home.contains("<title>Docs &lt;script&gt;alert(&#x27;site&#x27;)&lt;&#x2F;script&gt;</title>"),
        "{home}"
    );
    assert!(home.contains(
        "<meta name=\"description\" content=\"&quot;&gt;&lt;img src=x onerror=alert(&#x27;desc&#x27;)&gt;\">"
    ));
    assert!(
        home.contains("&lt;script&gt;alert(&#x27;titre&#x27;)"),
        "home listing shows the guide's title as text"
    );
    assert!(home.contains("&lt;b&gt;Dossier"), "home listing shows the folder's name as text");

    let guide = site.read("piege/index.html");
    let title = "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;&#x2F;script&gt;";
    assert!(guide.contains(&format!("<title>{title} · Docs")), "<title>");
    assert!(guide.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")), "og:title");
    assert!(
        guide.contains("<meta property=\"og:description\" content=\"&quot;&gt;&lt;script&gt;alert(&#x27;description&#x27;)"),
        "og:description"
    );
    assert!(guide.contains(&format!("<h1>{title}</h1>")), "the title printed as the page's heading");
    assert!(
        guide.contains("Étape &lt;script&gt;alert(&#x27;h2&#x27;)&lt;&#x2F;script&gt;</a>"),
        "TOC entry of the h2"
    );
    assert!(
        guide.contains("Le &lt;img src=x onerror=alert(&#x27;h3&#x27;)&gt; du code</a>"),
        "TOC entry of the h3"
    );
    assert!(guide.contains("&lt;script&gt;alert('lien')&lt;/script&gt;</a>"), "link text");
    assert!(guide.contains("&lt;script&gt;alert(\"console\")&lt;/script&gt;"), "console command");
    assert!(guide.contains("&lt;b&gt;sortie&lt;/b&gt;"), "console output");
    assert!(guide.contains("&lt;script&gt;alert(&#39;fichier&#39;)&lt;/script&gt;.yaml"), "code block title");
    assert!(guide.contains("&lt;img src=x onerror=alert('texte')&gt;"), "plain code");
    assert!(guide.contains("pager-title\">Cible</span>"), "next link");

    let cible = site.read("cible/index.html");
    assert!(
        cible.contains(&format!("pager-title\">{title}</span>")),
        "previous link shows the title as text"
    );
    assert!(cible.contains(&format!(">{title}</a>")), "backlink shows the title as text");

    let nameless = pages
        .iter()
        .find(|(rel, _)| rel.starts_with("b-dossier/img-src-x"))
        .expect("the page named by its file");
    assert!(nameless.1.contains("<h1>&lt;img src=x onerror=alert(1)&gt;</h1>"), "{}", nameless.1);
    assert!(nameless.1.contains("&lt;b&gt;Dossier</a></li>"), "breadcrumb shows the folder's name as text");
}

#[test]
fn the_sidebar_and_the_search_index_carry_titles_as_json_strings() {
    let site = hostile_site();
    site.build();
    let home = site.read("index.html");
    let nav = site.read(&crate::fixture::asset_in(&home, "nav.js"));
    // JSON strings in a script file of its own (never inlined in a page); carnet.js puts them
    // in the page with textContent only.
    assert!(nav.contains(r#""t":"<script>alert('titre')<\/script>""#), "{nav}");
    assert!(nav.contains(r#""t":"<b>Dossier""#), "{nav}");
    let carnet_js = site.read(&crate::fixture::asset_in(&home, "carnet.js"));
    assert!(carnet_js.contains("a.textContent=node.t;"), "{carnet_js}");
    assert!(
        !carnet_js.contains("innerHTML=node") && !carnet_js.contains("innerHTML+="),
        "no markup built from data"
    );
    // The pages' data: in the page bundles (`b/N.js`), zlib-compressed and base64-encoded.
    let index: String = site
        .snapshot()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("assets/immutable/search-index.") && rel.contains("/b/"))
        .map(|(_, bytes)| inflated_bundle(&String::from_utf8_lossy(&bytes)))
        .collect();
    assert!(!index.is_empty(), "the index has page bundles");
    assert!(
        index.contains("<script>alert('titre')</script>"),
        "titles are data in the index, escaped when shown"
    );
}

/// The JSON of a page bundle `CARNET_SEARCH_SHARD("b/0","<base64 of zlib data>");`.
fn inflated_bundle(script: &str) -> String {
    use base64::Engine;
    use std::io::Read;
    let quoted = script.rsplit(',').next().unwrap();
    let encoded = quoted.trim_end().trim_end_matches(");").trim_matches('"');
    let compressed = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    let mut json = String::new();
    flate2::read::ZlibDecoder::new(&compressed[..]).read_to_string(&mut json).unwrap();
    json
}
