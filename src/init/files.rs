//! The files `carnet init` writes: their text, with the Render service named after the folder,
//! and how they are written (never over a file that is there).

use std::path::Path;

use crate::error::{Error, Result};
use crate::slug::slugify;

/// The Render Blueprint of a new repository; `{name}` stands for the service name. The preview
/// sends its headers to a site that has no `render.yaml` of its own.
pub const BLUEPRINT: &str = include_str!("render.yaml");

/// The files of a new repository: (path in it, contents); `{name}` stands for the service name.
const FILES: &[(&str, &str)] = &[
    ("carnet.toml", include_str!("carnet.toml")),
    ("content/RESOLUTION_LIEN_CASSE.md", include_str!("content/RESOLUTION_LIEN_CASSE.md")),
    ("render.yaml", BLUEPRINT),
    (".gitignore", include_str!("gitignore")),
    // render.yaml's build command: the same script as carnet's own deploy.
    (RENDER_BUILD_SCRIPT, include_str!("../../scripts/render-build.sh")),
];

/// The build command of the Blueprint: a pinned prebuilt carnet, else compiled.
pub const RENDER_BUILD_SCRIPT: &str = "scripts/render-build.sh";

/// The files `init` writes into `dir`, with the name of the Render service filled in.
pub fn files(dir: &Path) -> Vec<(&'static str, String)> {
    let name = service_name(dir);
    FILES.iter().map(|(rel, text)| (*rel, text.replace("{name}", &name))).collect()
}

/// The folder's name as a Render service name (`Docs Équipe` → `docs-equipe`); `docs` if none.
pub(super) fn service_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = absolute.file_name().map(|n| slugify(&n.to_string_lossy())).unwrap_or_default();
    if name.is_empty() {
        "docs".to_string()
    } else {
        name
    }
}

/// Creates `path` with its folders, failing rather than replacing a file.
pub(super) fn write_new_in_folder(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    write_new(path, text)
}

/// Creates `path`, failing rather than replacing a file that appeared since the folder was read.
pub(super) fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))
}
