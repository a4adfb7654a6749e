//! Whether a sequence of characters looks like mojibake on its own: ftfy's "badness" heuristic
//! (ftfy 6.3.1, `ftfy/badness.py`, Apache-2.0, by Robyn Speer), ported. The few hundred
//! characters UTF-8 mojibake is made of fall into categories (accented letters, currency,
//! punctuation, box drawing…), and some juxtapositions of categories are almost only ever
//! mojibake: a lower-case accented letter before a currency sign (`â€`), an upper-case one
//! before a start quote (`Ã©`). Clean text that happens to decode as UTF-8 (`Å—`, `¬´`, `√π`,
//! `Ã’s`) has none, which is what tells it apart.

use std::collections::HashMap;
use std::sync::LazyLock;

const COMMON: u16 = 1;
const C1: u16 = 1 << 1;
const BAD: u16 = 1 << 2;
const LAW: u16 = 1 << 3;
const CURRENCY: u16 = 1 << 4;
const START: u16 = 1 << 5;
const END: u16 = 1 << 6;
const NUMERIC: u16 = 1 << 7;
const KAOMOJI: u16 = 1 << 8;
const UPPER_ACCENTED: u16 = 1 << 9;
const LOWER_ACCENTED: u16 = 1 << 10;
const UPPER_COMMON: u16 = 1 << 11;
const LOWER_COMMON: u16 = 1 << 12;
const BOX: u16 = 1 << 13;

const ACCENTED: u16 = UPPER_ACCENTED | LOWER_ACCENTED;

#[rustfmt::skip]
const CATEGORIES: &[(u16, &str)] = &[
    (COMMON, "\u{a0}\u{ad}·´–—―…’"),
    (BAD, "¦¤¨¬¯¸ƒˆˇ˘˛˜†‡‰⌐◊\u{fffd}ªº"),
    (LAW, "¶§"),
    (CURRENCY, "¢£¥₧€"),
    (START, "¡«¿©΄΅‘‚“„•‹\u{f8ff}"),
    (END, "®»˝”›™"),
    (NUMERIC, "²³¹±¼½¾×µ÷⁄∂∆∏∑√∞∩∫≈≠≡≤≥№"),
    (KAOMOJI, "ÒÓÔÕÖÙÚÛÜòóôõöøùúûüŐŌŪŲ°"),
    (UPPER_ACCENTED, "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑØÜÝĂĀĄĆČĎĐĘĚĒĖĞĢİĪĶĹĽŁĻŃŇŅŒŘŚŞŠŢŤŮŰŸŹŻŽҐ"),
    (LOWER_ACCENTED, "ßàáâãäåæçèéêëìíîïðñăąāćčďđęěēėğģįīķĺľłļœŕśşšťüźżžґﬁﬂ"),
    (UPPER_COMMON, "ÞΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏΪΫЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"),
    (LOWER_COMMON, "αβγδεζηθικλμνξοπρςστυφχψωάέήίΰабвгдежзийклмнопрстуфхцчшщъыьэюяѐёђѓєѕіїјљњћќѝўџ"),
    (BOX, "│┌┐┘├┤┬┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬▀▄█▌▐░▒▓"),
];

static TABLE: LazyLock<HashMap<char, u16>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    for &(category, chars) in CATEGORIES {
        for c in chars.chars() {
            *table.entry(c).or_insert(0) |= category;
        }
    }
    for c in '\u{80}'..='\u{9F}' {
        table.insert(c, C1);
    }
    table
});

fn category(c: char) -> u16 {
    if c.is_ascii() {
        return 0;
    }
    TABLE.get(&c).copied().unwrap_or(0)
}

/// Whether `text` holds a juxtaposition that is almost only ever mojibake.
pub(super) fn is_bad(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let cats: Vec<u16> = chars.iter().map(|&c| category(c)).collect();
    (0..chars.len()).any(|i| bad_at(&chars, &cats, i))
}

/// Whether a pattern of ftfy's `BADNESS_RE` starts at `i`.
fn bad_at(chars: &[char], cats: &[u16], i: usize) -> bool {
    let a = cats[i];
    let c = chars[i];
    if a & C1 != 0 {
        return true;
    }
    let Some(&b) = cats.get(i + 1) else { return false };
    let next = chars[i + 1];
    let third = cats.get(i + 2).copied().unwrap_or(0);
    let third_char = chars.get(i + 2).copied();
    let has = |x: u16, set: u16| x & set != 0;
    let pairs = (has(a, BAD | ACCENTED | BOX | START | END | CURRENCY | NUMERIC | LAW) && has(b, BAD))
        || (has(a, BAD) && has(b, ACCENTED | BOX | START | END | CURRENCY | NUMERIC | LAW))
        || (has(a, LOWER_ACCENTED | LOWER_COMMON | BOX | END | CURRENCY | NUMERIC) && has(b, UPPER_ACCENTED))
        || (has(a, BOX | END | CURRENCY | NUMERIC) && has(b, LOWER_ACCENTED))
        || (has(a, LOWER_ACCENTED | BOX | END) && has(b, CURRENCY))
        || (has(a, UPPER_ACCENTED | BOX) && has(b, NUMERIC | LAW))
        || (has(a, CURRENCY | NUMERIC | BOX) && has(b, START))
        || (has(a, BOX) && has(b, KAOMOJI | END))
        || (has(a, ACCENTED | CURRENCY | NUMERIC | START | END | LAW) && has(b, BOX))
        || (matches!(c, 'Œ' | 'œ') && !next.is_ascii_alphabetic())
        || (has(a, UPPER_ACCENTED) && next == '°')
        || (c == '×' && matches!(next, '²' | '³'));
    pairs || triples(c, next, a, b, third, third_char) || specific(chars, cats, i)
}

/// Three-character patterns of categories.
fn triples(c: char, next: char, a: u16, b: u16, third: u16, third_char: Option<char>) -> bool {
    let has = |x: u16, set: u16| x & set != 0;
    (c.is_ascii_alphabetic() && has(b, LOWER_COMMON | UPPER_COMMON) && has(third, BAD))
        || (c.is_whitespace() && has(b, UPPER_ACCENTED) && has(third, CURRENCY))
        || (has(a, ACCENTED | BOX | CURRENCY | END) && has(b, START) && has(third, NUMERIC))
        || (has(a, ACCENTED | CURRENCY | NUMERIC | BOX | LAW) && has(b, END) && has(third, START))
        || (c.is_ascii_lowercase() && has(b, UPPER_ACCENTED) && has(third, START | CURRENCY))
        || (has(a, ACCENTED)
            && has(b, START | END)
            && third_char.is_some_and(|t| t.is_alphanumeric() || t == '_'))
        || (c.is_ascii_lowercase() && matches!(next, 'Ã' | 'Â') && third_char == Some(' '))
}

/// Patterns of particular characters (Windows-1252, MacRoman, Windows-1251 and -1253 mojibake).
fn specific(chars: &[char], cats: &[u16], i: usize) -> bool {
    let at = |k: usize| chars.get(i + k).copied().unwrap_or('\0');
    let cat = |k: usize| cats.get(i + k).copied().unwrap_or(0);
    let (c, n) = (at(0), at(1));
    let w1252 = matches!(c, 'Â' | 'Ã' | 'Î' | 'Ð')
        && ("€œŠš¢£Ÿž\u{a0}\u{ad}®©°·»–—´".contains(n) || cat(1) & (START | END) != 0);
    let arabic_class =
        |k: usize| "ŸŠ®°µ»".contains(at(k)) || cat(k) & (COMMON | CURRENCY | BAD | NUMERIC | START) != 0;
    let arabic = matches!(c, 'Ø' | 'Ù') && arabic_class(1) && matches!(at(2), 'Ø' | 'Ù') && arabic_class(3);
    let cyrillic_class = |k: usize| cat(k) & (C1 | BAD | START | END | CURRENCY) != 0 || "°µ".contains(at(k));
    let greek_class = |k: usize| cat(k) & (C1 | BAD | START | END | CURRENCY) != 0 || at(k) == '°';
    let space_after = (c == 'Â' || c == 'Ã') && n == ' ' && i == 0;
    let a_hat_same = ".,?!".contains(c) || cat(0) & END != 0 || c.is_ascii_lowercase();
    w1252
        || arabic
        || space_after
        || (c == 'à' && "²µ¹¼½¾".contains(n))
        || (c == '√' && "±∂†≠®™´≤≥¥µø".contains(n))
        || (c == '≈' && "°¢".contains(n))
        || (c == '‚' && n == 'Ä' && "ìîïòôúùû†°¢π".contains(at(2)))
        || (c == '‚' && "âó".contains(n) && "àä°ê".contains(at(2)))
        || (c == 'в' && n == 'Ђ')
        || ("ВГРС".contains(c) && cyrillic_class(1) && "ВГРС".contains(at(2)))
        || (c == 'Г'
            && n == 'ў'
            && at(2) == 'В'
            && at(3) == 'Ђ'
            && at(4) == 'В'
            && (at(6).is_ascii_alphabetic() || at(6) == ' '))
        || (c == 'Ã' && (n == '\u{a0}' || n == '¡'))
        || (a_hat_same && n == 'Â' && (at(2) == ' ' || cat(2) & (START | END) != 0))
        || (c == 'β' && n == '€' && "™\u{a0}Ά\u{ad}®°".contains(at(2)))
        || ("ΒΓΞΟ".contains(c) && greek_class(1) && "ΒΓΞΟ".contains(at(2)))
        || (c == 'ā' && n == '€')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_is_bad_and_clean_text_is_not() {
        for bad in ["Ã©", "â€™", "Ã¨", "ÄŒeÅ¡tina", "Ã ", "\u{84}", "√≤", "вЂ™", "Ì¶", "ï¿½"]
        {
            assert!(is_bad(bad), "{bad}");
        }
        for clean in ["Å—", "¬´", "√π", "Ã’", "Ä£", "Āø", "ÅØ", "ВІ", "Ôôô", "∆°", "Ã¥", "São", "l’été"]
        {
            assert!(!is_bad(clean), "{clean}");
        }
    }
}
