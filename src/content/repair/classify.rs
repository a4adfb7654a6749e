//! How plausible a character is as the result of a repair, and how natural a character is as
//! clean text. Valid UTF-8 is the strong signal; these tables are the second one, so that clean
//! text whose bytes happen to form valid UTF-8 (`é` + NBSP + `»` is U+983B) is left alone.

/// How a repaired character may be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plausible {
    /// Common in documents: accepted on its own.
    Common,
    /// Real, but only when the run gives at least two such characters in a row (CJK, Arabic, …):
    /// one alone is far more likely clean text that happens to form valid UTF-8.
    InCluster,
    /// Controls, private use, rare blocks: never the result of a repair.
    Never,
}

/// The plausibility of `c` as a repaired character: common in documents, or any other assigned
/// letter, mark, number, punctuation or symbol (in company), never a control, a private-use
/// or unassigned code point.
pub(super) fn plausible(c: char) -> Plausible {
    use Plausible::*;
    match u32::from(c) {
        // U+FFFD itself mojibaked (`ï¿½`): a lost byte, reported where it stands.
        0xFFFD => Common,
        // Combining marks (`Ì¶` is U+0336, a strike-through), Latin ligatures (`ﬁ`), fullwidth
        // punctuation (`ï¼Œ` is `，`).
        0x300..=0x36F | 0xFB00..=0xFB06 | 0xFF01..=0xFF65 => Common,
        // C1 controls: only ever the inner layer of double mojibake (`Â\u{9D}` inside `â\u{9D}Œ`).
        0x80..=0x9F => Common,
        0xA0..=0x17F | 0x192 | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x218..=0x21B => Common,
        0x2C6..=0x2DD => Common,
        0x391..=0x3A9 | 0x3B1..=0x3C9 | 0x401 | 0x410..=0x44F | 0x451 => Common,
        0x1E00..=0x1EFF | 0x2000..=0x2027 | 0x202F..=0x205E | 0x20A0..=0x20C0 => Common,
        0x2100..=0x2BFF | 0x2E00..=0x2E7F | 0xFE0E | 0xFE0F | 0xFEFF => Common,
        0x1F004 | 0x1F0CF | 0x1F100..=0x1FAFF | 0xE0020..=0xE007F => Common,
        0x180..=0x24F | 0x370..=0x3FF | 0x400..=0x52F | 0x590..=0x6FF | 0x900..=0x97F => InCluster,
        0xE00..=0xE7F | 0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => InCluster,
        0xAC00..=0xD7AF | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF => InCluster,
        _ => assigned(c),
    }
}

/// Any other character: in company when it is assigned and visible, otherwise never.
fn assigned(c: char) -> Plausible {
    use unicode_properties::{GeneralCategoryGroup as Group, UnicodeGeneralCategory};
    match c.general_category_group() {
        Group::Letter | Group::Mark | Group::Number | Group::Punctuation | Group::Symbol => {
            Plausible::InCluster
        }
        Group::Separator | Group::Other => Plausible::Never,
    }
}

/// Zero-width and direction marks: valid, but invisible, so never chosen for a lost byte.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(u32::from(c), 0x200B..=0x200F | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF)
}

/// A character a writer types on purpose: a letter, or typographic punctuation.
pub(super) fn is_natural(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '’' | '‘' | '“' | '”' | '«' | '»' | '…' | '–' | '—' | '\u{A0}')
}

/// Box drawing and maths: a run made only of these is a drawing or a formula, not mojibake.
pub(super) fn is_drawing_or_maths(c: char) -> bool {
    matches!(u32::from(c), 0x2190..=0x21FF | 0x2200..=0x22FF | 0x2500..=0x259F)
        || matches!(c, '±' | '×' | '÷' | '√' | '∞' | '≈' | '≠' | '≤' | '≥')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_typography_is_common_and_cjk_needs_company() {
        for c in ['é', 'œ', '’', '…', '€', '°', '🔍', '✅', 'λ', 'ж'] {
            assert_eq!(plausible(c), Plausible::Common, "{c}");
        }
        assert_eq!(plausible('\u{983B}'), Plausible::InCluster);
        assert_eq!(plausible('\u{2FE0}'), Plausible::Never);
        assert_eq!(plausible('த'), Plausible::InCluster);
        assert_eq!(plausible('\u{1D49}'), Plausible::InCluster);
        assert_eq!(plausible('\u{E000}'), Plausible::Never);
    }
}
