//! `sitemap.xml` and `robots.txt`. A sitemap needs absolute URLs, so it is written only when
//! `base_url` is set; robots.txt always, pointing at the sitemap when there is one.

/// The sitemap listing `paths` (from the site root) under `base_url` (ending with `/`).
pub fn sitemap_xml<'a>(base_url: &str, paths: impl Iterator<Item = &'a str>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_xml(&format!("{base_url}{path}")));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots_txt(base_url: Option<&str>) -> String {
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = base_url {
        robots.push_str(&format!("Sitemap: {base}sitemap.xml\n"));
    }
    robots
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_has_absolute_escaped_urls() {
        let xml = sitemap_xml("https://x.org/docs/", ["", "a&b/"].into_iter());
        assert!(xml.contains("<loc>https://x.org/docs/</loc>"));
        assert!(xml.contains("<loc>https://x.org/docs/a&amp;b/</loc>"));
        assert!(robots_txt(Some("https://x.org/")).contains("Sitemap: https://x.org/sitemap.xml"));
    }
}
