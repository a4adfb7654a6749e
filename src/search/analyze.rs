//! French analysis of text into search terms, mirrored line for line by `analyze` in
//! `themes/default/static/assets/search-engine.mjs` (both are checked against
//! `tests/search/normalisation.tsv`).
//!
//! Steps: 1. cut the text into chunks of letters, digits and connectors (`. : _ - / @ +`);
//! apostrophes split elisions (`l'optimisation` → `l`, `optimisation`); 2. a chunk with inner
//! connectors is a code token, kept whole (`core.wsgi:application`, `--max-requests`; not when
//! mostly digits: dates, versions) and also cut into its parts; 3. fold case and accents (`slug::fold`); 4. drop stop words and one-letter
//! words; 5. stem plain words with Snowball French (on the accented lower-case form, then fold).

use rust_stemmers::{Algorithm, Stemmer};

use crate::slug::{self, fold};

/// Longest code token kept whole; longer ones (URLs, hashes) are indexed by their parts only.
pub const MAX_TOKEN_CHARS: usize = 60;

/// One word of the text, before stemming; `word` (lower case, accents folded: the key of the
/// index) is only borrowed for the call, so that the indexer allocates no string per word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a, 'w> {
    pub word: &'w str,
    /// The word as written (original case), to stem and to tell accented forms apart.
    pub surface: &'a str,
    /// A code token (digits, `_`, connectors): matched as written, never stemmed.
    pub code: bool,
    /// A part of a longer code token (`wsgi` in `core.wsgi:application`).
    pub part: bool,
}

/// A word with its stem: what the shared normalisation table shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub word: String,
    pub stem: String,
    pub part: bool,
}

/// Snowball French stop words (folded), plus the elided particles.
const STOP_WORDS: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au", "aura", "aurai", "auraient", "aurais", "aurait",
    "auras", "aurez", "auriez", "aurions", "aurons", "auront", "aux", "avaient", "avais", "avait", "avec",
    "avez", "aviez", "avions", "avons", "ayant", "ayez", "ayons", "c", "ce", "ceci", "cela", "celle", "ces",
    "cet", "cette", "d", "dans", "de", "des", "du", "elle", "elles", "en", "es", "est", "et", "etaient",
    "etais", "etait", "etant", "ete", "etee", "etees", "etes", "etiez", "etions", "etre", "eu", "eue",
    "eues", "eurent", "eus", "eusse", "eut", "eux", "fut", "il", "ils", "j", "je", "jusqu", "l", "la", "le",
    "les", "leur", "leurs", "lorsqu", "lui", "m", "ma", "mais", "me", "meme", "mes", "moi", "mon", "n", "ne",
    "nos", "notre", "nous", "on", "ont", "ou", "par", "pas", "pour", "puisqu", "qu", "que", "quel", "quelle",
    "qui", "quoiqu", "s", "sa", "sans", "se", "sera", "serai", "seraient", "serait", "ses", "soit", "son",
    "sont", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
];

/// A word of at most 8 bytes as one number, its bytes big-endian and zero-padded: numbers sort
/// as the words do, so the stop words are looked up by comparing integers, not strings.
const fn pack(word: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < 8 {
        key <<= 8;
        if i < word.len() {
            key |= word[i] as u64;
        }
        i += 1;
    }
    key
}

/// `STOP_WORDS` packed, in the same (sorted) order.
const STOP_KEYS: [u64; STOP_WORDS.len()] = {
    let mut keys = [0; STOP_WORDS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = pack(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    keys
};

/// Whether a folded word is a stop word (called for every word of every guide).
pub fn is_stop_word(word: &str) -> bool {
    word.len() <= 8 && STOP_KEYS.binary_search(&pack(word.as_bytes())).is_ok()
}

const fn is_connector(c: char) -> bool {
    matches!(c, '.' | ':' | '_' | '-' | '/' | '@' | '+')
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_latin_letter(c) || c.is_alphanumeric()
    }
}

/// The letters of Latin-1 (`À`–`ÿ` but `×` and `÷`) and `œ`, `Œ`: French's accented letters,
/// told without the Unicode tables (every accented letter of every guide is asked about).
const fn is_latin_letter(c: char) -> bool {
    matches!(c, '\u{c0}'..='\u{ff}' if c != '×' && c != '÷') || matches!(c, 'œ' | 'Œ')
}

/// `char::is_alphabetic`, quicker for French's letters.
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        is_latin_letter(c) || c.is_alphabetic()
    }
}

/// What an ASCII byte is to `words`: 0 a separator, 1 a letter, 2 a digit, 3 a connector.
const ASCII_CLASS: [u8; 128] = {
    let mut class = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        class[b] = if c.is_ascii_alphabetic() {
            1
        } else if c.is_ascii_digit() {
            2
        } else if is_connector(c as char) {
            3
        } else {
            0
        };
        b += 1;
    }
    class
};

/// Cuts `text` into words, in order; each code token comes before its parts.
pub fn words<'a>(text: &'a str, mut out: impl FnMut(Word<'a, '_>)) {
    let mut buffer = String::new();
    tokens(text, |surface, code, part| {
        if let Some(word) = fold_word(surface, code, &mut buffer) {
            out(Word { word, surface, code, part });
        }
    });
}

/// Cuts `text` into tokens as written, `(surface, code, part)`, in order; each code token comes
/// before its parts. Whether a token is `code` depends on its surface alone (digits,
/// connectors, non-letters), so a caller may keep `fold_word`'s answer per surface. (One pass
/// over the bytes, decoding only non-ASCII characters: every word of every guide goes through
/// here.)
pub fn tokens<'a>(text: &'a str, mut out: impl FnMut(&'a str, bool, bool)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        // Where the run's first connector is (`usize::MAX`: none), and whether it holds a
        // character that is not a letter.
        let (mut connector, mut other) = (usize::MAX, false);
        while i < bytes.len() {
            let b = bytes[i];
            if b < 128 {
                match ASCII_CLASS[b as usize] {
                    0 => break,
                    1 => {}
                    2 => other = true,
                    _ => connector = connector.min(i),
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !is_word_char(c) {
                    break;
                }
                other |= !is_letter(c);
                i += c.len_utf8();
            }
        }
        if i > start {
            let run = &text[start..i];
            // Most connectors only end a word (`fin.`, `suivantes:`): the word alone, as
            // `chunk` would give it.
            let word = run.trim_end_matches(is_connector);
            if connector >= start + word.len() {
                if !word.is_empty() {
                    out(word, other, false);
                }
            } else {
                chunk(run, &mut out);
            }
        } else {
            // A separator: one byte, or a whole character.
            i += if bytes[i] < 128 { 1 } else { text[i..].chars().next().map_or(1, char::len_utf8) };
        }
    }
}

/// One run of word characters and connectors: trims it, then gives it whole and/or its parts.
fn chunk<'a>(raw: &'a str, out: &mut impl FnMut(&'a str, bool, bool)) {
    // Leading dashes and underscores carry meaning (`--workers`, `__init__`); trailing
    // punctuation does not (`fin.`, `render.yaml:`).
    let token = raw.trim_end_matches(is_connector);
    let token = token.trim_start_matches(|c| is_connector(c) && c != '-' && c != '_');
    if token.is_empty() {
        return;
    }
    // One pass: whether it holds connectors, other characters that are not letters, how many
    // characters and digits.
    let (mut has_connector, mut other, mut chars, mut digits) = (false, false, 0, 0);
    for c in token.chars() {
        chars += 1;
        if is_connector(c) {
            has_connector = true;
        } else {
            other |= !is_letter(c);
            digits += usize::from(c.is_numeric());
        }
    }
    if !has_connector {
        out(token, other, false);
        return;
    }
    // Whole tokens that are mostly digits (dates, times, versions, addresses) only make noise.
    if chars <= MAX_TOKEN_CHARS && digits * 2 <= chars {
        out(token, true, false);
    }
    for part in token.split(is_connector).filter(|p| !p.is_empty()) {
        let code = part.chars().any(|c| !is_letter(c));
        out(part, code, true);
    }
}

/// A token's index key: its folded form in `buffer`, or `None` for a stop word or a word too
/// short to search for.
pub fn fold_word<'w>(surface: &str, code: bool, buffer: &'w mut String) -> Option<&'w str> {
    fold_into(surface, buffer);
    if buffer.len() < 2
        || (buffer.len() <= 4 && buffer.chars().count() < 2)
        || (!code && is_stop_word(buffer))
    {
        return None;
    }
    Some(buffer)
}

/// `slug::fold` into a reused buffer, without Unicode decomposition for ASCII and the accented
/// letters of French (the common case: a build folds every word of every guide); any other word
/// goes through `slug::fold_into`.
fn fold_into(surface: &str, buffer: &mut String) {
    buffer.clear();
    if surface.is_ascii() {
        buffer.push_str(surface);
        buffer.make_ascii_lowercase();
        return;
    }
    for c in surface.chars() {
        let folded = match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => c.to_ascii_lowercase(),
            'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'ç' | 'Ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
            'ÿ' => 'y',
            'œ' | 'Œ' => {
                buffer.push_str("oe");
                continue;
            }
            _ => {
                buffer.clear();
                slug::fold_into(surface, buffer);
                return;
            }
        };
        buffer.push(folded);
    }
}

/// Stems words with Snowball French; one per thread (not `Sync`-free to share cheaply).
pub struct FrenchStemmer(Stemmer);

impl Default for FrenchStemmer {
    fn default() -> Self {
        FrenchStemmer(Stemmer::create(Algorithm::French))
    }
}

impl FrenchStemmer {
    /// The folded stem of a word as written; code tokens are their own stem.
    pub fn stem(&self, word: &str, surface: &str, code: bool) -> String {
        if code {
            return word.to_string();
        }
        fold(&self.0.stem(&surface.to_lowercase()))
    }
}

/// The whole analysis of a text, stems included (what queries go through in the engine).
pub fn analyze(text: &str) -> Vec<Term> {
    let stemmer = FrenchStemmer::default();
    let mut terms = Vec::new();
    words(text, |w| {
        let stem = stemmer.stem(w.word, w.surface, w.code);
        terms.push(Term { word: w.word.to_string(), stem, part: w.part });
    });
    terms
}

/// The shared table's notation: `word` when the stem is the word, else `word>stem`; parts of a
/// code token start with `+`.
pub fn describe(terms: &[Term]) -> String {
    let shown: Vec<String> = terms
        .iter()
        .map(|t| {
            let plus = if t.part { "+" } else { "" };
            if t.stem == t.word {
                format!("{plus}{}", t.word)
            } else {
                format!("{plus}{}>{}", t.word, t.stem)
            }
        })
        .collect();
    shown.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]), "STOP_WORDS must stay sorted");
        assert!(STOP_KEYS.windows(2).all(|w| w[0] < w[1]), "packing keeps the order");
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 8 && is_stop_word(w)));
        for word in ["", "aa", "ab", "avecs", "etaientx", "etaient1", "nousvous", "vousvous1", "z"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    /// Every line of `tests/search/normalisation.tsv`: input, tab, expected terms.
    #[test]
    fn shared_normalisation_table() {
        let table = include_str!("../../tests/search/normalisation.tsv");
        let mut failures = Vec::new();
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (input, expected) = line.split_once('\t').unwrap_or((line, ""));
            let got = describe(&analyze(input));
            if got != expected {
                failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
            }
            checked += 1;
        }
        assert!(checked > 40, "the table should hold many examples, found {checked}");
        assert!(failures.is_empty(), "normalisation table mismatches:\n{}", failures.join("\n"));
    }

    #[test]
    fn the_quick_letter_tests_are_unicode_s() {
        for c in ('\u{80}'..='\u{17f}').chain(['×', '÷', 'œ', 'Œ', 'Ÿ', 'ǅ', '٣', '€']) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// A run that only ends with connectors (`fin.`) takes a shorter way than one with inner
    /// connectors (`core.wsgi`): both must cut as `chunk` does.
    #[test]
    fn trailing_connectors_cut_as_chunk_does() {
        for text in
            ["fin.", "suivantes:", "étape::", "--", "...", "a.", "x2-", "été.-", "_init_.", "-v.", "é"]
        {
            let mut quick = Vec::new();
            tokens(text, |surface, code, part| quick.push((surface, code, part)));
            let mut whole = Vec::new();
            chunk(text, &mut |surface, code, part| whole.push((surface, code, part)));
            assert_eq!(quick, whole, "{text:?}");
        }
    }

    #[test]
    fn the_fast_fold_is_slug_fold() {
        let mut buffer = String::new();
        for word in ["Élève", "ŒUVRE", "çà", "naïve", "Ÿ", "ñandú", "straße", "Ørsted", "x2", "ÀÉÎÕÜ"]
        {
            fold_into(word, &mut buffer);
            assert_eq!(buffer, fold(word), "{word}");
        }
    }

    #[test]
    fn inflections_share_a_stem() {
        let stem = |w: &str| analyze(w)[0].stem.clone();
        assert_eq!(stem("optimiser"), stem("optimisé"));
        assert_eq!(stem("optimisation"), stem("optimiser"));
        assert_eq!(stem("mémoire"), stem("memoire"));
        assert_eq!(stem("redémarrer"), stem("redemarrer"));
    }

    #[test]
    fn code_tokens_stay_whole_and_give_their_parts() {
        let words: Vec<String> =
            analyze("`core.wsgi:application` et --max-requests").into_iter().map(|t| t.word).collect();
        assert_eq!(
            words,
            ["core.wsgi:application", "core", "wsgi", "application", "--max-requests", "max", "requests"]
        );
    }
}
