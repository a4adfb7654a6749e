//! Properties of `repair` on random text: French text damaged by each recipe comes back exact,
//! clean text comes back unchanged, any input is safe, and repair is idempotent.

use proptest::prelude::*;

use super::codepages::{page, IBM437, IBM850, ISO_8859_15, MACINTOSH, WINDOWS_1252, WINDOWS_1254};
use super::tests::{through, through_table};
use super::*;

/// French technical words; emoji whose lost byte is ambiguous win by their prior. (Greek and
/// Cyrillic read through MacRoman look like natural text, `μ` is `Œº`, and are not repaired.)
const WORDS: &[&str] = &[
    // The function words every French text is full of (how `language` tells French).
    "le",
    "les",
    "des",
    "et",
    "est",
    "pour",
    "dans",
    "qui",
    "une",
    "avec",
    "Résolution",
    "mémoire",
    "dépasse",
    "déployé",
    "cœur",
    "Œuvre",
    "l’été",
    "« guillemets »",
    "“anglais”",
    "coût",
    "€",
    "40 °C",
    "…",
    "–",
    "—",
    "Ça",
    "À",
    "où",
    "reçu",
    "naïf",
    "Noël",
    "îlot",
    "hôte",
    "fût",
    "workers",
    "render.yaml",
    "`buildCommand`",
    "**gras**",
    "🔧",
    "🚀",
    "✅",
    "❌",
    "⚠️",
    "🔍",
    "📝",
    "💡",
    "½",
    "±",
    "ß",
    "ñ",
    "×",
];
const SEPARATORS: &[&str] = &[" ", " ", " ", ", ", ".\n", "\r\n", "\t", "\u{A0}: ", " ; ", "\n\n- "];
/// Clean texts of other languages and kinds that look like mojibake to a careless repairer.
const CLEAN_WORDS: &[&str] = &[
    "ağ",
    "şifre",
    "ılık",
    "İstanbul",
    "Ğ",
    "dağ",
    "SÃO",
    "NÃO",
    "informação",
    "Ação",
    "Größe",
    "Straße“",
    "„Äpfel“",
    "ÄÖÜ",
    "├──",
    "│",
    "└──",
    "╔═╗",
    "∑",
    "x²",
    "≤",
    "√y",
    "±",
    "∞",
    "fn main() {}",
    "é",
    "l’été",
    "« fermé\u{A0}»",
    "«fermé»",
    "voilà\u{A0}»",
    "CAFÉ…",
    "Привет",
    "Γειά",
    "你好",
    "🔧",
    "✅",
    "👨‍💻",
];

fn text_from(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(words), prop::sample::select(SEPARATORS)), 1..40)
        .prop_map(|parts| parts.into_iter().flat_map(|(w, s)| [w, s]).collect())
}

fn french() -> impl Strategy<Value = String> {
    // A first sentence, as every French guide has: its accents prove the code page, its words
    // that the text is French.
    text_from(WORDS).prop_map(|t| format!("Résolution : le serveur est déployé et la mémoire dépasse. {t}"))
}

fn latin1(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn damaged_french_comes_back_exact(text in french(), recipe in 0usize..10) {
        let damaged = match recipe {
            0 => through(&text, encoding_rs::WINDOWS_1252),
            1 => through(&text, encoding_rs::WINDOWS_1254),
            2 => latin1(&text),
            3 => through_table(&text, page(ISO_8859_15), None),
            4 => through_table(&text, page(MACINTOSH), None),
            5 => through_table(&text, page(IBM850), None),
            6 => through_table(&text, page(IBM437), None),
            7 => through(&through(&text, encoding_rs::WINDOWS_1252), encoding_rs::WINDOWS_1252),
            8 => through_table(&text, page(WINDOWS_1254), None),
            _ => through_table(&text, page(WINDOWS_1252), Some('\u{FFFD}')),
        };
        let (repaired, _) = repair(&damaged);
        prop_assert_eq!(repaired.as_ref(), text.as_str());
    }

    #[test]
    fn clean_text_comes_back_unchanged(text in text_from(CLEAN_WORDS)) {
        let (repaired, report) = repair(&text);
        prop_assert!(matches!(repaired, Cow::Borrowed(_)), "{} became {}", text, repaired);
        prop_assert!(report.is_clean());
    }

    #[test]
    fn clean_french_comes_back_unchanged(text in french()) {
        let (repaired, report) = repair(&text);
        prop_assert_eq!(repaired.as_ref(), text.as_str());
        prop_assert!(report.is_clean());
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_repair_is_idempotent(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let decoded = decode(&bytes);
        let once = repair(&decoded.text).0.into_owned();
        let twice = repair(&once).0.into_owned();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn repair_keeps_every_line_and_all_ascii(text in any::<String>(), damaged in french()) {
        for input in [text, through(&damaged, encoding_rs::WINDOWS_1252)] {
            let repaired = repair(&input).0.into_owned();
            // But for a space or `?` that stood for a lost byte.
            let ascii = |s: &str| s.chars().filter(|c| c.is_ascii() && !matches!(c, ' ' | '?')).collect::<String>();
            prop_assert_eq!(ascii(&repaired), ascii(&input));
        }
    }

    #[test]
    fn repair_is_idempotent_on_any_text(text in any::<String>(), damaged in french()) {
        for input in [text, through_table(&damaged, page(WINDOWS_1254), None)] {
            let once = repair(&input).0.into_owned();
            let twice = repair(&once).0.into_owned();
            prop_assert_eq!(once, twice);
        }
    }
}
