//! French-friendly slugs and accent folding, shared by heading ids, page URLs and search.
//!
//! `fold` lowers case and removes accents (é→e, œ→oe, ç→c); `slugify` keeps letters and digits
//! of the folded text and turns every run of anything else (spaces of all kinds, punctuation,
//! emoji) into a single dash.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case without accents: `Résolution Œuvre` → `resolution oeuvre`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'ı' => out.push('i'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// `### Solution 1 : Désactiver le Script` → `solution-1-desactiver-le-script`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in fold(text).chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else {
            pending_dash = true;
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_french_accents_and_ligatures() {
        assert_eq!(fold("Résolution ÇA Œuvre à l'été"), "resolution ca oeuvre a l'ete");
    }

    #[test]
    fn slugs_from_the_brief() {
        assert_eq!(slugify("🔍 Causes"), "causes");
        assert_eq!(
            slugify("Solution 1 : Désactiver le Script Startup au Démarrage"),
            "solution-1-desactiver-le-script-startup-au-demarrage"
        );
        assert_eq!(slugify("Erreur\u{202F}: mémoire\u{00A0}— pleine"), "erreur-memoire-pleine");
        assert_eq!(slugify("GUIDE_RENDER_COMPLET"), "guide-render-complet");
        assert_eq!(slugify("--a--b--"), "a-b");
        assert_eq!(slugify("🚀"), "");
    }
}
