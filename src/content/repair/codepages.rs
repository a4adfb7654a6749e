//! The single-byte code pages mojibake comes through: what each byte 0x80–0xFF decodes to.
//!
//! Tables are built once, on first use, from encoding_rs (the Windows and ISO-8859 pages,
//! MacRoman) and oem_cp (the DOS pages 437 and 850, which encoding_rs does not have). `'\0'`
//! marks a byte the code page leaves undefined. `roles` says, per character, in which code pages
//! it stands for a UTF-8 lead or continuation byte: the fast path's alphabet.

use std::collections::HashMap;
use std::sync::LazyLock;

use encoding_rs::Encoding;

/// The characters that stand for lead bytes 0xC2 and 0xC3 in code pages where 0xA0 is the
/// no-break space and where they are not common words of their own (Cyrillic `В` is): their
/// sequence with 0xA0 is a no-break space or `à`, the most common of all in French.
pub(super) const NBSP_LEADS: [char; 4] = ['Â', 'Ã', 'Ă', 'Г'];

/// How many code pages there are.
pub(super) const COUNT: usize = 12;

/// A set of code pages, one bit per index in `ALL`.
pub(super) type Mask = u16;

// Indices in `ALL`, in the order used to break ties (the most common mojibake first).
pub(super) const WINDOWS_1252: usize = 0;
pub(super) const WINDOWS_1254: usize = 1;
pub(super) const ISO_8859_1: usize = 2;
pub(super) const ISO_8859_15: usize = 3;
pub(super) const WINDOWS_1250: usize = 4;
pub(super) const WINDOWS_1251: usize = 5;
pub(super) const ISO_8859_2: usize = 6;
pub(super) const WINDOWS_1257: usize = 7;
pub(super) const WINDOWS_1253: usize = 8;
pub(super) const MACINTOSH: usize = 9;
pub(super) const IBM850: usize = 10;
pub(super) const IBM437: usize = 11;

/// One code page: its name (WHATWG label) and its upper half.
#[derive(Debug)]
pub(super) struct CodePage {
    pub name: &'static str,
    /// Characters for bytes 0x80..=0xFF; `'\0'` where undefined.
    pub high: [char; 128],
    /// Encoding table: (character, byte), sorted by character. C1 controls (U+0080–U+009F)
    /// stand for their own byte where the code page leaves it undefined (as Windows' decoder
    /// keeps them), and everywhere in ISO-8859 pages.
    pub encode: Vec<(char, u8)>,
}

impl CodePage {
    /// The byte `c` stands for in this code page.
    pub(super) fn byte(&self, c: char) -> Option<u8> {
        self.encode.binary_search_by_key(&c, |&(ch, _)| ch).ok().map(|i| self.encode[i].1)
    }

    fn new(name: &'static str, high: [char; 128]) -> Self {
        let mut encode: Vec<(char, u8)> = Vec::with_capacity(160);
        for (i, &c) in high.iter().enumerate() {
            if c != '\0' {
                encode.push((c, 0x80 + i as u8));
            }
        }
        // A byte the code page leaves undefined is kept by sloppy decoders as the ISO-8859-1
        // character of the same value: a C1 control (Windows' own decoder), or `ª` for 0xAA
        // in Windows-1253 (ftfy's "sloppy" codecs), unless the code page has that character.
        for (i, _) in high.iter().enumerate().filter(|(_, &c)| c == '\0') {
            let byte = 0x80 + i as u8;
            if !high.contains(&char::from(byte)) {
                encode.push((char::from(byte), byte));
            }
        }
        encode.sort_unstable();
        CodePage { name, high, encode }
    }
}

/// The upper half of a WHATWG encoding; bytes it maps to C1 controls or cannot map are undefined,
/// except in ISO-8859 pages, whose C1 controls are their own.
fn from_encoding(encoding: &'static Encoding, iso: bool) -> [char; 128] {
    let mut high = ['\0'; 128];
    for (i, slot) in high.iter_mut().enumerate() {
        let byte = [0x80 + i as u8];
        let (text, _) = encoding.decode_without_bom_handling(&byte);
        let c = text.chars().next().unwrap_or('\u{FFFD}');
        let c1 = ('\u{80}'..='\u{9F}').contains(&c);
        *slot = if c == '\u{FFFD}' || (c1 && !iso) { '\0' } else { c };
    }
    high
}

fn latin1() -> [char; 128] {
    std::array::from_fn(|i| char::from(0x80 + i as u8))
}

/// Every code page, indexed by the constants above.
pub(super) static ALL: LazyLock<[CodePage; COUNT]> = LazyLock::new(|| {
    use encoding_rs as e;
    let pages = [
        (WINDOWS_1252, "windows-1252", from_encoding(e::WINDOWS_1252, false)),
        (WINDOWS_1254, "windows-1254", from_encoding(e::WINDOWS_1254, false)),
        (ISO_8859_1, "iso-8859-1", latin1()),
        (ISO_8859_15, "iso-8859-15", from_encoding(e::ISO_8859_15, true)),
        (WINDOWS_1250, "windows-1250", from_encoding(e::WINDOWS_1250, false)),
        (WINDOWS_1251, "windows-1251", from_encoding(e::WINDOWS_1251, false)),
        (ISO_8859_2, "iso-8859-2", from_encoding(e::ISO_8859_2, true)),
        (WINDOWS_1257, "windows-1257", from_encoding(e::WINDOWS_1257, false)),
        (WINDOWS_1253, "windows-1253", from_encoding(e::WINDOWS_1253, false)),
        (MACINTOSH, "macintosh", from_encoding(e::MACINTOSH, false)),
        (IBM850, "ibm850", oem_cp::code_table::DECODING_TABLE_CP850),
        (IBM437, "ibm437", oem_cp::code_table::DECODING_TABLE_CP437),
    ];
    let mut index = 0;
    pages.map(|(at, name, high)| {
        assert_eq!(at, index, "code pages out of order");
        index += 1;
        CodePage::new(name, high)
    })
});

pub(super) fn page(index: usize) -> &'static CodePage {
    &ALL[index]
}

/// Per character: (pages where it stands for a lead byte 0xC2–0xF4, pages where it stands for a
/// continuation byte 0x80–0xBF). U+FFFD counts as a continuation everywhere.
struct Roles {
    /// U+0080..=U+00FF, the characters nearly all mojibake is made of.
    latin: [(Mask, Mask); 128],
    /// Sorted by character.
    other: Vec<(char, (Mask, Mask))>,
}

static ROLES: LazyLock<Roles> = LazyLock::new(|| {
    let mut other: HashMap<char, (Mask, Mask)> = HashMap::new();
    let mut roles = Roles { latin: [(0, 0); 128], other: Vec::new() };
    for (i, cp) in ALL.iter().enumerate() {
        for &(c, byte) in &cp.encode {
            let slot = match u32::from(c) {
                0x80..=0xFF => &mut roles.latin[usize::from(c as u8 - 0x80)],
                _ => other.entry(c).or_default(),
            };
            match byte {
                0x80..=0xBF => slot.1 |= 1 << i,
                0xC2..=0xF4 => slot.0 |= 1 << i,
                _ => {}
            }
        }
    }
    other.insert('\u{FFFD}', (0, Mask::MAX >> (16 - COUNT)));
    roles.other = other.into_iter().collect();
    roles.other.sort_unstable_by_key(|&(c, _)| c);
    roles
});

/// (code pages where `c` stands for a lead byte, … for a continuation byte), as `ALL` bit masks.
pub(super) fn roles(c: char) -> (Mask, Mask) {
    match u32::from(c) {
        0..=0x7F => (0, 0),
        0x80..=0xFF => ROLES.latin[usize::from(c as u8 - 0x80)],
        _ => {
            let other = &ROLES.other;
            other.binary_search_by_key(&c, |&(ch, _)| ch).map_or((0, 0), |i| other[i].1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_code_pages() {
        assert_eq!(page(WINDOWS_1252).high[0], '€');
        assert_eq!(page(WINDOWS_1252).high[1], '\0');
        assert_eq!(page(ISO_8859_1).high[1], '\u{81}');
        assert_eq!(page(WINDOWS_1251).byte('Р'), Some(0xD0));
        assert_eq!(page(WINDOWS_1251).byte('\u{98}'), Some(0x98));
        assert_eq!(page(MACINTOSH).byte('√'), Some(0xC3));
        assert_eq!(page(IBM850).byte('├'), Some(0xC3));
        assert_eq!(page(IBM437).byte('≈'), Some(0xF7));
    }

    #[test]
    fn roles_say_lead_and_continuation() {
        let (lead, cont) = roles('Ã');
        assert!(lead & (1 << WINDOWS_1252) != 0 && cont & (1 << WINDOWS_1252) == 0);
        assert!(roles('©').1 & (1 << WINDOWS_1252) != 0);
        assert!(roles('Р').0 & (1 << WINDOWS_1251) != 0);
        assert_eq!(roles('a'), (0, 0));
    }
}
