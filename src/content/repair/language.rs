//! Which language a text is in, as far as repair needs to know: whether it is French, the
//! language whose documentation the lost-byte ranking knows (`lost_bytes`). Counted on the
//! words that only French uses among the languages mojibake is common in (not `de`, `que`, `la`
//! or `en`, which Spanish, Portuguese and Italian share); and which accented letter a lost one
//! was, when the word leaves no doubt.

use std::collections::HashSet;

/// Words that make a text French: function words no neighbouring language writes the same.
const FRENCH: &[&str] = &[
    "le", "les", "des", "du", "est", "une", "pour", "dans", "qui", "avec", "pas", "sur", "aux", "au",
    "cette", "ces", "il", "ils", "elle", "vous", "nous", "sont", "par", "plus", "ne", "votre", "vos", "et",
    "ce", "être", "mais", "leur", "très", "où", "ça", "été", "fait", "peut", "tout", "sans", "sous", "aussi",
    "puis", "donc", "quand", "chaque", "lorsque", "déjà", "voilà", "à",
];

/// Elisions: `l’`, `d’`, `qu’`… before a word are French.
const ELIDED: &[&str] = &["l", "d", "qu", "c", "n", "s", "j", "m", "t", "jusqu", "lorsqu"];

/// Whether `text` reads as French: at least two French words, and one word in forty (prose
/// is nearer one in three, but guides quote code).
pub(super) fn is_french(text: &str) -> bool {
    let mut words = 0usize;
    let mut french = 0usize;
    // Words end at spaces and ASCII punctuation only: `RÃ©solution` is one (damaged) word.
    let ends = |c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\'');
    for word in text.split(ends).filter(|w| !w.is_empty()) {
        words += 1;
        let lower = word.to_lowercase();
        let elided = lower.split_once(['\'', '’']).is_some_and(|(head, _)| ELIDED.contains(&head));
        if elided || FRENCH.contains(&lower.as_str()) {
            french += 1;
        }
    }
    french >= 2 && french * 40 >= words
}

/// Function words shared by French and its neighbours, and those of the neighbours alone: a
/// short text (a comment) that holds two of the first and none of the second leans French.
const ROMANCE: &[&str] = &["de", "la", "un", "en", "que", "l", "d", "qu"];
const NOT_FRENCH: &[&str] = &[
    "el", "los", "las", "della", "di", "per", "che", "con", "por", "para", "um", "uma", "não", "do", "da",
    "em", "y", "o", "the", "of", "and", "is", "der", "die", "und", "ist",
];

/// Whether a text too short for `is_french` leans French: two French words or words French
/// shares with its neighbours (`de`, `la`, an elided `l'`), none that French does not write.
pub(super) fn leans_french(text: &str) -> bool {
    let mut french = 0usize;
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let lower = word.to_lowercase();
        if NOT_FRENCH.contains(&lower.as_str()) {
            return false;
        }
        if FRENCH.contains(&lower.as_str()) || ROMANCE.contains(&lower.as_str()) {
            french += 1;
        }
    }
    french >= 2
}

/// Letters only Turkish writes among the languages of Windows-1252 and -1254 (`ı`, `ğ`, `ş`
/// and their capitals), clean or as their UTF-8 read through those pages: `Ä` or `Å` (lead bytes
/// 0xC4 and 0xC5) then the continuation byte's character (`Ä±` is `ı`, `ÅŸ` is `ş`).
const TURKISH_AFTER_C4: &str = "±Ÿ°ž";
const TURKISH_AFTER_C5: &str = "Ÿž";

/// Letters of Turkish that a lost byte may be (`Å�imdi` is `Şimdi`, not `Łimdi`).
pub(super) const TURKISH_LETTERS: &str = "ŞşĞğİıÇçÖöÜü";

/// Whether `text`, clean or damaged, reads as Turkish: its own letters, three times at least.
pub(super) fn is_turkish(text: &str) -> bool {
    // Every sign starts with the lead byte 0xC3 (`Ä`, `Å`), 0xC4 (`ı`, `ğ`, `İ`, `Ğ`) or 0xC5
    // (`ş`, `Ş`): only those places are decoded, found many bytes at a time. Stops at the third.
    let mut signs = 0;
    for at in memchr::memchr3_iter(0xC3, 0xC4, 0xC5, text.as_bytes()) {
        let mut chars = text[at..].chars();
        let (Some(c), next) = (chars.next(), chars.next()) else { continue };
        let sign = match c {
            'Ä' => next.is_some_and(|n| TURKISH_AFTER_C4.contains(n)),
            'Å' => next.is_some_and(|n| TURKISH_AFTER_C5.contains(n)),
            _ => matches!(c, 'ı' | 'ğ' | 'ş' | 'İ' | 'Ğ' | 'Ş'),
        };
        if sign {
            signs += 1;
            if signs == 3 {
                return true;
            }
        }
    }
    false
}

/// Letters only Vietnamese writes (ư, ơ, đ, and the letters with two diacritics of
/// U+1EA0–U+1EF9), clean and as their UTF-8 read through Windows-1252 (`Æ°`, `Ä‘`, `áº`, `á»`).
const VIETNAMESE_SIGNS: &[&str] = &["ư", "ơ", "đ", "Æ°", "Æ¡", "Ä‘", "áº", "á»"];

/// Whether `text`, clean or damaged, reads as Vietnamese: its own letters, three times at least.
pub(super) fn is_vietnamese(text: &str) -> bool {
    let marks = text.chars().filter(|c| ('\u{1EA0}'..='\u{1EF9}').contains(c)).count();
    marks + VIETNAMESE_SIGNS.iter().map(|sign| text.matches(sign).count()).sum::<usize>() >= 3
}

/// What may follow `à` inside a Vietnamese syllable (`hài`, `bàn`, `làng`, `tàu`).
pub(super) fn ends_vietnamese_syllable(rest: &str) -> bool {
    ["i", "m", "n", "ng", "nh", "o", "u", "y", "c", "ch", "p", "t"].contains(&rest)
}

/// Accented letters of French, most frequent first.
const ACCENTED: &str = "éèàêçùâîôûëï";

/// Endings that make `é` the letter of a French word (`fonctionnalités`, `donnée`, `créé`).
const E_ACUTE_ENDINGS: &[&str] = &["ité", "ités", "é", "és", "ée", "ées"];

/// The letter a U+FFFD stands for in `word` (which holds one), when the word is unambiguous:
/// exactly one accented letter makes a word that `known` holds (the text's own words, lower
/// case), or, failing that, `é` makes a French ending of the word's (`Fonctionnalit�s`).
pub(super) fn letter_for_hole(word: &str, known: &HashSet<String>) -> Option<char> {
    let lower = word.to_lowercase();
    let fits: Vec<char> =
        ACCENTED.chars().filter(|&c| known.contains(&lower.replace('\u{FFFD}', &c.to_string()))).collect();
    match fits[..] {
        [c] => Some(c),
        [] => {
            let with_e = lower.replace('\u{FFFD}', "é");
            let hole = lower.find('\u{FFFD}')?;
            let ending =
                E_ACUTE_ENDINGS.iter().any(|e| with_e.ends_with(e) && with_e.len() - e.len() <= hole);
            if ending {
                return Some('é');
            }
            french_e_between_consonants(&lower, hole)
        }
        _ => None,
    }
}

/// French's accented `e` where a hole sits between consonants: `è` before one or two
/// consonants (the second `l` or `r`) and a final `e` or `es` (`syst�me`, `r�gle`), `é`
/// otherwise (`proc�dure`, `d�sambiguation`, `l'�cran`). After a vowel the hole may be `î`,
/// `û`, `ï`…: nothing is guessed.
fn french_e_between_consonants(lower: &str, hole: usize) -> Option<char> {
    let consonant = |c: char| "bcdfghjklmnpqrstvwxz".contains(c);
    let before = lower[..hole].chars().next_back();
    let tail: Vec<char> = lower[hole + '\u{FFFD}'.len_utf8()..].chars().collect();
    let starts_word = before.is_none_or(|b| b == '\'' || b == '’');
    if !(starts_word || before.is_some_and(consonant)) || !tail.first().is_some_and(|&c| consonant(c)) {
        return None;
    }
    if tail.contains(&'\u{FFFD}') || tail.len() < 2 {
        return None;
    }
    let grave = match tail[..] {
        [c, 'e'] | [c, 'e', 's'] => consonant(c),
        [c, d, 'e'] | [c, d, 'e', 's'] => consonant(c) && (d == 'l' || d == 'r'),
        _ => false,
    };
    Some(if grave { 'è' } else { 'é' })
}

/// The words of `text` (lower case) that hold a non-ASCII letter: the lexicon `letter_for_hole`
/// looks words up in.
/// The `ï` of U+FFFD's own mojibake (`unitï¿½`) makes no word.
pub(super) fn accented_words(text: &str) -> HashSet<String> {
    let ends_in_hole = |w: &&str, rest: &str| w.ends_with('ï') && rest.starts_with('¿');
    let mut words = HashSet::new();
    let mut start = 0;
    for (i, c) in text.char_indices().filter(|(_, c)| !c.is_alphanumeric()) {
        let word = &text[start..i];
        if !word.is_ascii() && !ends_in_hole(&word, &text[i..]) {
            words.insert(word.to_lowercase());
        }
        start = i + c.len_utf8();
    }
    let last = &text[start..];
    if !last.is_ascii() {
        words.insert(last.to_lowercase());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_told_from_its_neighbours() {
        assert!(is_french("Le cœur du problème : votre application dépasse la mémoire."));
        assert!(is_french("Vérifiez l’application, puis déployez-la à nouveau."));
        assert!(!is_french("The ICR has been upgraded to “bb+ from “bb"));
        assert!(!is_french(
            "Podem participar pessoas residentes, desde que se comprometam a retirar o prêmio"
        ));
        assert!(!is_french("Europa, Asia, África, Norte, América Central y del Sur, Australia y Oceanía"));
    }

    #[test]
    fn turkish_is_told_by_its_letters_damaged_or_not() {
        assert!(is_turkish("Şimdi bu ağ bağlantısı"));
        assert!(is_turkish("Å\u{FFFD}imdi bu aÄŸ baÄŸlantÄ±sÄ±"));
        assert!(!is_turkish("Le cœur du problème : déployé, à côté."));
        // A sign is two characters side by side, not with a letter between them.
        assert!(!is_turkish("Äx± Äy± Åzž"));
        assert!(is_turkish("ÄŸ Äž ÅŸ"));
        assert!(!is_turkish("ı ğ"));
    }

    #[test]
    fn a_lost_letter_is_found_when_the_word_is_unambiguous() {
        let known = accented_words("La mise à jour, première étape : déployer.");
        assert_eq!(letter_for_hole("premi\u{FFFD}re", &known), Some('è'));
        assert_eq!(letter_for_hole("Fonctionnalit\u{FFFD}s", &known), Some('é'));
        assert_eq!(letter_for_hole("d\u{FFFD}ployer", &known), Some('é'));
        assert_eq!(letter_for_hole("caf\u{FFFD}ine", &known), None);
    }
}
