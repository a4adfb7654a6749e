//! Addresses between pages: every page is a folder (`guide/index.html` at `guide/`), so a link
//! from one page to another is relative, climbing to the root first. Relative links keep the
//! site working from any folder of any host and from `file://`.

/// Prefix leading from the page at `path` back to the site root: `""`, `../`, `../../`.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Link from the page at `from` to the page at `to` (both paths from the site root).
pub fn relative_url(from: &str, to: &str) -> String {
    let url = format!("{}{to}", root_prefix(from));
    if url.is_empty() {
        "./".to_string()
    } else {
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_work_from_any_depth() {
        assert_eq!(relative_url("", ""), "./");
        assert_eq!(relative_url("", "a/"), "a/");
        assert_eq!(relative_url("a/", ""), "../");
        assert_eq!(relative_url("a/b/", "c/"), "../../c/");
    }
}
