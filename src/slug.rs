//! French-friendly slugs and accent folding, shared by heading ids, page URLs and search.
//!
//! `fold` lowers case and removes accents (é→e, œ→oe, ç→c); `slugify` keeps letters and digits
//! of the folded text and turns every run of anything else (spaces of all kinds, punctuation,
//! emoji) into a single dash. `OrderedName::parse` reads the ordering number authors put in
//! front of file and folder names (`01-intro`, `10.install`, `2_config`, `12.1-bgp`).

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Lower case without accents: `Résolution Œuvre` → `resolution oeuvre`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// `fold`, appended to `out`. ASCII is only lowered; any other character is decomposed (NFD)
/// and its marks dropped. One character at a time gives what NFD of the whole text gives once the
/// marks are dropped (NFD's reordering only moves marks), without its buffering: a build folds
/// every heading and every path, and most of their characters are ASCII.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            decompose_canonical(c, |part| push_folded(part, out));
        }
    }
}

/// One character of a canonical decomposition, folded: marks dropped, ligatures and letters
/// NFD keeps whole written as their plain letters, the rest lowered.
fn push_folded(c: char, out: &mut String) {
    if is_combining_mark(c) {
        return;
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

/// Most digits in one number of an ordering prefix: `001-` is a prefix, `2024-bilan` a year.
const MAX_PREFIX_DIGITS: usize = 3;

/// A file or folder name (without its extension) read for its ordering number.
///
/// The rule: the name starts with a number of 1 to 3 digits, possibly followed by more such
/// numbers after dots (`12.1`, `05.10`), then one separator, `-`, `_` or `.` (spaces around it
/// allowed), then a letter. The numbers order the name among its siblings (2 before 10, 12
/// before 12.1 before 13). A single number is an ordering prefix and is left out of what readers
/// see (`01-intro` → `intro`); a dotted one stays in the name, as `1.2-notes` may as well be a
/// version, and still orders it. Anything else has no number: `404`, `2024`, `2024-01-15-bilan`,
/// `01-02-x`, `v1.2-notes`, `01-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedName<'a> {
    /// The ordering numbers, empty when the name has none.
    pub numbers: Vec<u32>,
    /// The name without its ordering prefix (the whole name when it has none, or a dotted one).
    pub name: &'a str,
}

impl<'a> OrderedName<'a> {
    pub fn parse(full: &'a str) -> OrderedName<'a> {
        match split_ordering_prefix(full) {
            Some((numbers, rest)) if numbers.len() == 1 => OrderedName { numbers, name: rest },
            Some((numbers, _)) => OrderedName { numbers, name: full },
            None => OrderedName { numbers: Vec::new(), name: full },
        }
    }

    /// Whether an ordering prefix was left out of `name`.
    pub fn is_stripped(&self, full: &str) -> bool {
        self.name.len() != full.len()
    }
}

/// The numbers of `name`'s ordering prefix and what follows its separator, per `OrderedName`.
fn split_ordering_prefix(name: &str) -> Option<(Vec<u32>, &str)> {
    let mut numbers = Vec::new();
    let mut rest = name;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > MAX_PREFIX_DIGITS {
            return None;
        }
        numbers.push(rest[..digits].parse().ok()?);
        rest = &rest[digits..];
        // A dot followed by a digit continues the number (`12.1`); any other dot separates.
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            _ => break,
        }
    }
    let rest = rest.trim_start_matches(' ');
    let rest = rest.strip_prefix(['-', '_', '.'])?.trim_start_matches(' ');
    rest.starts_with(char::is_alphabetic).then_some((numbers, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_french_accents_and_ligatures() {
        assert_eq!(fold("Résolution ÇA Œuvre à l'été"), "resolution ca oeuvre a l'ete");
    }

    /// What `fold` was before it went one character at a time: NFD of the whole text.
    fn fold_by_whole_nfd(text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        for c in text.nfd() {
            push_folded(c, &mut out);
        }
        out
    }

    #[test]
    fn folds_as_nfd_of_the_whole_text_does() {
        // Marks in an order NFD changes, Hangul, precomposed letters with two marks, the Turkish
        // dotted I (lowered to `i` and a mark), the lost no-break space, emoji.
        for text in ["e\u{0323}\u{0301}x", "ệ Ǻ İstanbul", "한국어 Ώ", "Ça\u{00A0}: ÉTÉ 🔧 ǅ ﬁ"]
        {
            assert_eq!(fold(text), fold_by_whole_nfd(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn folds_any_text_as_nfd_of_the_whole_text_does(text in "\\PC{0,40}") {
            proptest::prop_assert_eq!(fold(&text), fold_by_whole_nfd(&text));
        }
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

    fn parsed(name: &str) -> (Vec<u32>, &str) {
        let ordered = OrderedName::parse(name);
        (ordered.numbers, ordered.name)
    }

    #[test]
    fn ordering_prefixes_are_numbers_then_a_separator_then_a_letter() {
        assert_eq!(parsed("01-intro"), (vec![1], "intro"));
        assert_eq!(parsed("10.install"), (vec![10], "install"));
        assert_eq!(parsed("2_config"), (vec![2], "config"));
        assert_eq!(parsed("01_Intro"), (vec![1], "Intro"));
        assert_eq!(parsed("210_reading"), (vec![210], "reading"));
        assert_eq!(parsed("1. Été"), (vec![1], "Été"));
        assert_eq!(parsed("03 - Sécurité"), (vec![3], "Sécurité"));
        assert_eq!(parsed("3.x-notes"), (vec![3], "x-notes"));
    }

    #[test]
    fn dotted_numbers_order_but_stay_in_the_name() {
        assert_eq!(parsed("12.1-routage-statique"), (vec![12, 1], "12.1-routage-statique"));
        assert_eq!(parsed("05.10-tcp-etats"), (vec![5, 10], "05.10-tcp-etats"));
        assert_eq!(parsed("1.2-notes"), (vec![1, 2], "1.2-notes"));
        assert_eq!(parsed("11.0-bullseye"), (vec![11, 0], "11.0-bullseye"));
        assert!(!OrderedName::parse("1.2-notes").is_stripped("1.2-notes"));
        assert!(OrderedName::parse("01-intro").is_stripped("01-intro"));
    }

    #[test]
    fn names_that_only_look_numbered_are_left_alone() {
        for name in [
            "404",
            "2024",
            "1",
            "2024-bilan",
            "2024-01-15-release",
            "0001-intro",
            "01-",
            "01-02-x",
            "01--intro",
            "01-🚀",
            "v1.2-notes",
            "intro",
            "",
            "١-arabic-digit",
            "01 intro",
        ] {
            assert_eq!(parsed(name), (vec![], name), "{name}");
        }
    }

    #[test]
    fn numbers_order_numerically() {
        let mut names = ["10-b", "2-a", "12.1-x", "12-y", "1-z", "12.10-w", "12.2-v"];
        names.sort_by_key(|n| OrderedName::parse(n).numbers);
        assert_eq!(names, ["1-z", "2-a", "10-b", "12-y", "12.1-x", "12.2-v", "12.10-w"]);
    }
}
