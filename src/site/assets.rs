//! Fingerprinted assets: the stylesheet, the scripts, the sidebar tree, the search engine and the
//! search index get names that carry a hash of their bytes (`carnet.3f2a9c1b.css`), so a host may
//! let browsers keep them for a year: a change of content changes the name, and only then.
//!
//! Everything fingerprinted lives under `IMMUTABLE_DIR`, the one folder a host's long-lived
//! caching rule names; carnet writes nothing else there (a site's own files belong elsewhere). `theme_assets` names the files pages
//! load; `write_search_index` writes the index shards into a folder named after their contents,
//! and the manifest, at a fixed address, that points to it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::output::{Sink, Staging};
use crate::error::Result;
use crate::search;
use crate::theme::minify::squeeze_script;
use crate::theme::AssetPaths;

/// The folder of fingerprinted files, from the site root.
pub const IMMUTABLE_DIR: &str = "assets/immutable/";
/// Hex digits of SHA-256 kept in a name: 32 bits tell two versions of one file apart.
const HASH_CHARS: usize = 8;

/// The theme's files that pages load, by their path in the theme's `static/` folder.
const STYLESHEET: &str = "assets/carnet.css";
const SCRIPT: &str = "assets/carnet.js";
const SEARCH_SCRIPT: &str = "assets/search.js";
/// The query engine, an ES module; pages get it as classic scripts (`search::engine_scripts`).
const SEARCH_ENGINE: &str = "assets/search-engine.mjs";
/// Pages with a diagram load the library (mermaid, `dist/mermaid.min.js` of its npm package),
/// then the script that draws with it. The library's folder holds its licence.
const DIAGRAM_LIBRARY: &str = "assets/mermaid/mermaid.min.js";
const DIAGRAM_FOLDER: &str = "assets/mermaid/";
const DIAGRAM_SCRIPT: &str = "assets/diagrams.js";

/// The first hex digits of the SHA-256 of `bytes`. SHA-256 rather than std's `DefaultHasher`,
/// whose output may change with the Rust release and would rename unchanged files.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().take(HASH_CHARS / 2).map(|b| format!("{b:02x}")).collect()
}

/// `carnet.css` → `assets/immutable/carnet.3f2a9c1b.css`: the digest goes before the extension.
pub fn fingerprinted(file_name: &str, bytes: &[u8]) -> String {
    let hash = digest(bytes);
    match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{IMMUTABLE_DIR}{stem}.{hash}.{ext}"),
        _ => format!("{IMMUTABLE_DIR}{file_name}.{hash}"),
    }
}

/// What the pages load, and every theme file to write: `(path from the site root, contents)`.
pub struct ThemeAssets {
    pub paths: AssetPaths,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The theme's icon, declared by every page of a site without a `static/favicon.*`.
pub const FAVICON: &str = "assets/favicon.svg";

/// Names the theme's stylesheet (with the highlighting palettes appended), its scripts, the
/// classic search engine and the sidebar script `nav_script`; the theme's other static files
/// (images, fonts of a custom theme) keep their names. A theme without one of the files keeps
/// its plain name in `paths`, as before fingerprinting.
///
/// Without `fingerprint` (the preview, which serves nothing from cache), every file keeps its
/// plain name, so that an edit changing the sidebar does not change every page. The diagram
/// library (5 MB) and its folder are left out of a fingerprinted site without `diagrams`.
pub fn theme_assets(
    static_files: &[(PathBuf, Cow<'static, [u8]>)],
    highlight_css: &str,
    nav_script: &str,
    fingerprint: bool,
    diagrams: bool,
) -> ThemeAssets {
    let diagrams = diagrams || !fingerprint;
    let mut files = Vec::new();
    let mut named = |plain: &str, bytes: Option<Vec<u8>>| -> String {
        let Some(bytes) = bytes else { return plain.to_string() };
        let file_name = Path::new(plain).file_name().unwrap_or_default().to_string_lossy();
        let path = if fingerprint { fingerprinted(&file_name, &bytes) } else { plain.to_string() };
        files.push((path.clone(), bytes));
        path
    };
    let theme_file = |rel: &str| -> Option<&[u8]> {
        static_files.iter().find(|(path, _)| path == Path::new(rel)).map(|(_, b)| &**b)
    };
    let stylesheet = theme_file(STYLESHEET).map(|css| {
        let mut css = css.to_vec();
        css.extend_from_slice(b"\n");
        css.extend_from_slice(highlight_css.as_bytes());
        minified_css(css)
    });
    let (engine, on_demand) = match theme_file(SEARCH_ENGINE) {
        Some(mjs) => {
            let (engine, on_demand) = search::engine_scripts(&String::from_utf8_lossy(mjs));
            (Some(engine), on_demand)
        }
        None => (None, None),
    };
    let on_demand_file = on_demand.map(|js| named("assets/search-on-demand.js", Some(js.into_bytes())));
    let on_demand_name = on_demand_file.as_deref().map(|path| path.rsplit('/').next().unwrap_or(path));
    let engine = engine.map(|engine| match on_demand_name {
        Some(name) => search::name_on_demand(&engine, name).into_bytes(),
        None => engine.into_bytes(),
    });
    let paths = AssetPaths {
        stylesheet: named(STYLESHEET, stylesheet),
        script: named(SCRIPT, theme_file(SCRIPT).map(squeezed)),
        nav_script: named("assets/nav.js", Some(nav_script.as_bytes().to_vec())),
        search_script: named(SEARCH_SCRIPT, theme_file(SEARCH_SCRIPT).map(squeezed)),
        search_engine: named("assets/search-engine.js", engine),
        search_manifest: search::MANIFEST.to_string(),
        diagram_library: named(
            DIAGRAM_LIBRARY,
            theme_file(DIAGRAM_LIBRARY).filter(|_| diagrams).map(<[u8]>::to_vec),
        ),
        diagram_script: named(
            DIAGRAM_SCRIPT,
            theme_file(DIAGRAM_SCRIPT).filter(|_| diagrams).map(<[u8]>::to_vec),
        ),
    };
    let loaded = [STYLESHEET, SCRIPT, SEARCH_SCRIPT, SEARCH_ENGINE, DIAGRAM_LIBRARY, DIAGRAM_SCRIPT];
    for (rel, bytes) in static_files {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !loaded.contains(&rel.as_str()) && (diagrams || !rel.starts_with(DIAGRAM_FOLDER)) {
            files.push((rel, bytes.to_vec()));
        }
    }
    ThemeAssets { paths, files }
}

/// A script of the theme without its comments and needless spaces (`theme::minify`), or as it is
/// when it cannot be squeezed safely (a literal spanning lines, bytes that are not UTF-8).
fn squeezed(script: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(script).ok().and_then(|text| squeeze_script(text, |line| line)) {
        Some(squeezed) => squeezed.into_bytes(),
        None => script.to_vec(),
    }
}

/// A stylesheet without its comments and needless spaces (the `minifier` crate's, rustdoc's), or
/// as it is when it is not UTF-8 or the minifier refuses it. The default theme's: 31,685 → 26,897
/// bytes, and every page of the bundled site shows the same pixels at 390 and 1,280 px.
fn minified_css(css: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&css) else { return css };
    match minifier::css::minify(text) {
        Ok(minified) => minified.to_string().into_bytes(),
        Err(_) => css,
    }
}

/// The digest of a folder's files: of each (path in the folder, digest of the contents) pair, in
/// path order, so that neither the order nor the threads the files were written from matter.
#[derive(Default)]
pub struct FolderHash {
    files: Mutex<Vec<(String, [u8; 32])>>,
}

impl FolderHash {
    pub fn add(&self, rel: &str, bytes: &[u8]) {
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push((rel.to_string(), hash));
    }

    pub fn digest(self) -> String {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort();
        let mut all = Sha256::new();
        for (rel, hash) in &files {
            all.update(rel.as_bytes());
            all.update([0]);
            all.update(hash);
        }
        hex(&all.finalize())
    }
}

/// The preview's search index folder (see `write_search_index_to`).
pub const PREVIEW_SEARCH_DIR: &str = "assets/search-index/";

/// Writes the search index: its shards into `assets/immutable/search-index.<digest>/`, named
/// after what they hold once all are written, then the manifest (`search::MANIFEST`) that
/// points to that folder.
pub fn write_search_index(staging: &Staging, index: &search::Index) -> Result<search::IndexStats> {
    let scratch = format!("{IMMUTABLE_DIR}search-index.partial/");
    // An old site's index is written over: most of its files keep their place.
    staging.adopt_dir(IMMUTABLE_DIR, "search-index.", &scratch)?;
    let hash = FolderHash::default();
    let written = search::write_index(index, &|rel, bytes| {
        hash.add(rel, &bytes);
        staging.write(format!("{scratch}{rel}"), bytes)
    })?;
    let folder = format!("{IMMUTABLE_DIR}search-index.{}/", hash.digest());
    staging.rename_dir(&scratch, &folder)?;
    staging.write(search::MANIFEST, written.manifest_script(&folder))?;
    Ok(written.stats)
}

/// Writes the search index into `PREVIEW_SEARCH_DIR` through `sink`, and the manifest that
/// points to it: the preview updates the index in place, file by file.
pub fn write_search_index_to(sink: Sink, index: &search::Index) -> Result<search::IndexStats> {
    let written =
        search::write_index(index, &|rel, bytes| sink(&format!("{PREVIEW_SEARCH_DIR}{rel}"), bytes))?;
    sink(search::MANIFEST, written.manifest_script(PREVIEW_SEARCH_DIR).into_bytes())?;
    Ok(written.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_digest_of_the_contents() {
        let a = fingerprinted("carnet.css", b"body{}");
        assert!(a.starts_with("assets/immutable/carnet.") && a.ends_with(".css"), "{a}");
        assert_eq!(a.len(), "assets/immutable/carnet..css".len() + HASH_CHARS, "{a}");
        assert_eq!(a, fingerprinted("carnet.css", b"body{}"), "same bytes, same name");
        assert_ne!(a, fingerprinted("carnet.css", b"body{ }"), "other bytes, other name");
        // SHA-256 of the empty string starts e3b0c442: the name is stable across builds and toolchains.
        assert_eq!(fingerprinted("nav.js", b""), "assets/immutable/nav.e3b0c442.js");
        assert_eq!(fingerprinted("LICENSE", b""), "assets/immutable/LICENSE.e3b0c442");
    }

    #[test]
    fn a_folder_digest_ignores_write_order_but_not_names_or_contents() {
        let digest_of = |files: &[(&str, &str)]| {
            let hash = FolderHash::default();
            files.iter().for_each(|(rel, text)| hash.add(rel, text.as_bytes()));
            hash.digest()
        };
        let base = digest_of(&[("v/0.js", "a"), ("p/0.js", "b")]);
        assert_eq!(base, digest_of(&[("p/0.js", "b"), ("v/0.js", "a")]));
        assert_ne!(base, digest_of(&[("v/0.js", "a"), ("p/0.js", "c")]));
        assert_ne!(base, digest_of(&[("v/1.js", "a"), ("p/0.js", "b")]));
    }

    #[test]
    fn theme_files_pages_load_are_fingerprinted_and_others_keep_their_names() {
        let theme = vec![
            (PathBuf::from("assets/carnet.css"), Cow::Borrowed(&b"body{}"[..])),
            (PathBuf::from("assets/carnet.js"), Cow::Borrowed(&b"1"[..])),
            (PathBuf::from("assets/search.js"), Cow::Borrowed(&b"2"[..])),
            (PathBuf::from("assets/search-engine.mjs"), Cow::Borrowed(&b"export function f() {}\n"[..])),
            (PathBuf::from("img/logo.png"), Cow::Borrowed(&b"png"[..])),
        ];
        let assets = theme_assets(&theme, ".hl{}", "window.CARNET_NAV={};\n", true, false);
        let p = &assets.paths;
        for path in [&p.stylesheet, &p.script, &p.nav_script, &p.search_script, &p.search_engine] {
            assert!(path.starts_with(IMMUTABLE_DIR), "{path}");
        }
        assert_eq!(p.search_manifest, "assets/search-manifest.js");
        let names: Vec<&str> = assets.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.len(), 6, "{names:?}");
        assert!(names.contains(&"img/logo.png"), "{names:?}");
        let css = &assets.files.iter().find(|(n, _)| *n == p.stylesheet).unwrap().1;
        assert_eq!(css, b"body{}.hl{}", "the highlighting palettes are part of the stylesheet, minified");
        let engine = &assets.files.iter().find(|(n, _)| *n == p.search_engine).unwrap().1;
        assert!(String::from_utf8_lossy(engine).contains("window.CarnetSearch"));
        let plain = theme_assets(&theme, ".hl{}", "window.CARNET_NAV={};\n", false, false);
        assert_eq!(plain.paths.stylesheet, "assets/carnet.css", "the preview keeps plain names");
        assert_eq!(plain.paths.nav_script, "assets/nav.js");
        let bare = theme_assets(&[], "", "", true, false);
        assert_eq!(bare.paths.script, "assets/carnet.js", "a theme without the file keeps the plain name");
    }

    #[test]
    fn the_diagram_library_is_fingerprinted_and_written_only_for_sites_with_diagrams() {
        let theme = vec![
            (PathBuf::from(DIAGRAM_LIBRARY), Cow::Borrowed(&b"window.mermaid={};"[..])),
            (PathBuf::from("assets/mermaid/LICENSE"), Cow::Borrowed(&b"MIT"[..])),
            (PathBuf::from(DIAGRAM_SCRIPT), Cow::Borrowed(&b"draw();"[..])),
        ];
        let names = |assets: &ThemeAssets| assets.files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        let with = theme_assets(&theme, "", "", true, true);
        assert!(with.paths.diagram_library.starts_with("assets/immutable/mermaid.min."), "{:?}", with.paths);
        assert!(with.paths.diagram_script.starts_with("assets/immutable/diagrams."), "{:?}", with.paths);
        let written = names(&with);
        assert!(
            written.contains(&with.paths.diagram_library)
                && written.contains(&"assets/mermaid/LICENSE".into())
        );
        let without = names(&theme_assets(&theme, "", "", true, false));
        assert!(without.iter().all(|n| !n.contains("mermaid") && !n.contains("diagrams")), "{without:?}");
        let preview = names(&theme_assets(&theme, "", "", false, false));
        assert!(preview.contains(&DIAGRAM_LIBRARY.to_string()), "the preview always has it: {preview:?}");
    }
}
