//! Lost bytes: choosing the character when the code page lost one byte of a UTF-8 sequence.
//!
//! The candidates come from `mojibake` (each byte the code page leaves undefined, put where the
//! byte is missing; only valid, plausible UTF-8 is a candidate). The ranking, documented here:
//! 1. a prior: how common each character is in technical documentation (`PRIORS`; other emoji
//!    2, other letters, arrows, technical symbols and shapes 1, other symbols and invisible
//!    marks 0, i.e. they never fit), except
//!    U+FE0F after a pictograph and a zero-width joiner between two, which win (150);
//! 2. plus 100 when a word of the same line, just after or before, is one of the candidate's
//!    context words (`CONTEXT`: French and English heading words);
//! 3. for quotes, plus 50 for the closing quote after a word, 100 for an opening one before one.
//!
//! A candidate fits when its score is above 0 and at least a twentieth of the best one (❌ at 50
//! leaves no doubt against ➌ at 2). One fit: restored. Several: the best is chosen and
//! the choice is reported as a guess with the others.

use unicode_properties::{EmojiStatus, UnicodeEmoji};

use super::classify::is_invisible;

/// The character chosen for a lost byte, and the other candidates that fit, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Choice {
    pub chosen: char,
    pub alternatives: Vec<char>,
}

/// How often a character shows up in technical documentation (READMEs, guides): higher first.
const PRIORS: &[(char, u32)] = &[
    ('”', 80),
    ('„', 10),
    ('🔍', 60),
    ('🔐', 30),
    ('🔁', 20),
    ('🔎', 10),
    ('📝', 60),
    ('📁', 45),
    ('📍', 15),
    ('📞', 10),
    ('📎', 10),
    ('👍', 40),
    ('👎', 10),
    ('👏', 10),
    ('🌐', 40),
    ('🌍', 30),
    ('🎁', 10),
    ('🏁', 15),
    ('😎', 10),
    ('😁', 10),
    ('🙏', 20),
    ('🤝', 20),
    ('🧐', 10),
    ('🕐', 5),
    ('✏', 20),
    ('❌', 50),
    ('⚠', 60),
    ('⭐', 60),
    ('🎉', 50),
    ('❤', 50),
    ('✨', 40),
    ('🛠', 5),
    ('➡', 30),
    ('⬆', 10),
    ('⬇', 10),
    ('🐛', 40),
    ('🐳', 30),
    ('🏠', 30),
    ('🏗', 20),
    ('🐧', 20),
    ('🐘', 20),
    ('🏆', 10),
    ('❎', 5),
    ('←', 20),
    ('⇐', 5),
    ('∞', 5),
    ('┐', 5),
    ('═', 5),
    ('Î', 20),
    ('Ï', 10),
    ('Á', 10),
    ('Í', 10),
    // Cyrillic letters whose second UTF-8 byte Windows-1252 leaves undefined.
    ('с', 40),
    ('я', 20),
    ('э', 3),
    ('А', 10),
    ('Н', 10),
    ('Ё', 2),
    // `Ð ` is `Р` with its 0xA0 turned into a space (ftfy's `ALTERED_UTF8_RE`).
    ('Р', 30),
];

/// Words that call for a candidate when they stand next to it (lower case).
const CONTEXT: &[(char, &[&str])] = &[
    (
        '🔍',
        &[
            "causes",
            "cause",
            "diagnostic",
            "diagnostiquer",
            "analyse",
            "analysis",
            "debug",
            "débogage",
            "recherche",
            "search",
            "vérification",
            "vérifier",
            "check",
            "inspect",
            "investigation",
            "problème",
            "problem",
            "aperçu",
            "overview",
            "identifier",
            "comprendre",
            "détails",
        ],
    ),
    (
        '🔐',
        &[
            "sécurité",
            "securite",
            "security",
            "authentification",
            "authentication",
            "auth",
            "password",
            "secret",
            "secrets",
            "token",
            "jeton",
            "chiffrement",
            "encryption",
            "ssl",
            "tls",
            "https",
            "permissions",
            "login",
            "connexion",
        ],
    ),
    (
        '🔁',
        &[
            "retry",
            "réessayer",
            "boucle",
            "loop",
            "répéter",
            "repeat",
            "cycle",
            "synchronisation",
            "sync",
            "rollback",
        ],
    ),
    ('🔎', &["zoom", "loupe"]),
    (
        '📁',
        &[
            "structure",
            "arborescence",
            "fichiers",
            "dossier",
            "dossiers",
            "répertoire",
            "répertoires",
            "files",
            "folder",
            "folders",
            "directory",
            "directories",
            "projet",
            "project",
            "organisation",
        ],
    ),
    (
        '📝',
        &[
            "notes",
            "note",
            "résumé",
            "description",
            "documentation",
            "exemple",
            "exemples",
            "changelog",
            "journal",
            "todo",
            "étapes",
            "instructions",
            "remarques",
            "rédaction",
            "modifications",
            "licence",
        ],
    ),
    ('📍', &["localisation", "location", "adresse", "position", "emplacement"]),
    ('📞', &["contact", "contacts", "support", "téléphone", "phone", "appel", "aide", "help"]),
    (
        '📎',
        &["annexe", "annexes", "pièces", "jointes", "attachment", "attachments", "ressources", "resources"],
    ),
    ('🌐', &["web", "site", "internet", "réseau", "network", "url", "domaine", "domain", "dns", "api"]),
    ('🌍', &["international", "monde", "world", "langues", "languages", "i18n", "traduction", "translation"]),
    ('🙏', &["merci", "remerciements", "thanks", "acknowledgements"]),
    ('🤝', &["contribuer", "contribution", "contributing", "contributions", "partenaires", "collaboration"]),
    ('👍', &["bonnes", "pratiques", "avantages", "pros", "validé"]),
    ('🐛', &["bug", "bugs", "bogue", "bogues", "débogage", "debug", "debugging", "erreurs", "problèmes"]),
    ('🐳', &["docker", "conteneur", "conteneurs", "container", "containers", "compose"]),
    ('🐧', &["linux", "ubuntu", "debian"]),
    ('🐘', &["postgres", "postgresql", "php"]),
    ('🏠', &["accueil", "home", "maison"]),
    ('🏗', &["architecture", "build", "construction", "compilation"]),
];

/// Ranks `candidates` (in byte order) for the place between `before` and `after` (the rest of
/// the line on each side). `None` when none fits.
/// `letters`: the letters of the text's language, ranked 50 ahead (`Ş` in Turkish).
pub(super) fn choose(candidates: &[char], before: &str, after: &str, letters: &str) -> Option<Choice> {
    let words = context_words(before, after);
    let language = |c: char| if letters.contains(c) { 50 } else { 0 };
    // (score with the language's letters ahead, score without), candidate.
    let mut scored: Vec<(u32, u32, char)> = candidates
        .iter()
        .map(|&c| {
            let base = score(c, &words, before, after);
            (base.saturating_add(language(c)), base, c)
        })
        .filter(|&(s, _, _)| s > 0)
        .collect();
    // Stable: equal scores keep byte order.
    scored.sort_by_key(|&(s, _, _)| std::cmp::Reverse(s));
    let &(_, best, chosen) = scored.first()?;
    // The others that fit as well on their own stay possible: the language only ranks.
    let alternatives =
        scored[1..].iter().filter(|&&(_, base, _)| base > 0 && base * 20 >= best).map(|&(_, _, c)| c);
    Some(Choice { chosen, alternatives: alternatives.collect() })
}

fn score(c: char, words: &[String], before: &str, after: &str) -> u32 {
    // Any emoji character takes U+FE0F (`ℹ️`, `©️`), but ASCII (digits and `#` are keycap bases).
    let after_symbol = before.chars().next_back().is_some_and(|p| !p.is_ascii() && p.is_emoji_char());
    match c {
        // Emoji presentation after a pictograph (⚠️), a joiner between two (👨‍💻, the next one
        // still damaged: its lead byte reads ð, ğ or â).
        '\u{FE0F}' if after_symbol => return 150,
        '\u{200D}' if after_symbol && after.starts_with(['ð', 'ğ', 'â']) => return 150,
        // A decomposed acute accent (`seÌquences`), after a lower-case letter only.
        '\u{301}' => {
            return if before.chars().next_back().is_some_and(|p| p.is_ascii_lowercase()) { 60 } else { 0 }
        }
        _ if is_invisible(c) || c.is_control() => return 0,
        _ => {}
    }
    let prior = PRIORS.iter().find(|&&(p, _)| p == c).map_or_else(|| default_prior(c), |&(_, s)| s);
    // U+FE0F (or its mojibake `ï¸`) follows only characters shown as text by default (`🛍️`,
    // `❤️`), never those shown as emoji already (`🐛`): these fit only when nothing else does.
    let selector_follows = after.starts_with('\u{FE0F}') || after.starts_with("ï¸");
    if selector_follows && is_pictograph(c) && shown_as_emoji(c) {
        return 1;
    }
    let presentation = if selector_follows && is_pictograph(c) { 60 } else { 0 };
    let context = CONTEXT
        .iter()
        .find(|&&(p, _)| p == c)
        .is_some_and(|(_, list)| words.iter().any(|w| list.contains(&w.as_str())));
    prior
        + presentation
        + if context { 100 } else { 0 }
        + quote_bonus(c, before, after)
        + word_end_bonus(c, after)
}

/// `я` ends Russian words (`нельзя`, `Условия`); `с` seldom does.
fn word_end_bonus(c: char, after: &str) -> u32 {
    let ends = after.chars().next().is_none_or(|n| !n.is_alphanumeric());
    if c == 'я' && ends {
        50
    } else {
        0
    }
}

/// Pictographs 2, letters 1; other symbols (technical, control pictures) are never typed.
fn default_prior(c: char) -> u32 {
    if is_pictograph(c) {
        2
    } else if c.is_alphabetic() || is_typed_symbol(c) {
        1
    } else {
        0
    }
}

/// Arrows, technical symbols (⌘), box drawing, shapes (▶ ●), dingbats: typed in documentation.
fn is_typed_symbol(c: char) -> bool {
    matches!(u32::from(c), 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2500..=0x25FF | 0x2700..=0x27BF)
}

/// Shown as an emoji without U+FE0F (`Emoji_Presentation`).
fn shown_as_emoji(c: char) -> bool {
    matches!(
        c.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
    )
}

/// An emoji, a pictograph or a typographic sign (quotes, dashes, bullets, €, ™): what
/// three- and four-byte sequences in documents mostly are.
/// A pictograph, or the emoji presentation selector U+FE0F: what emoji mojibake gives back.
pub(super) fn is_emoji_part(c: char) -> bool {
    is_pictograph(c) || c == '\u{FE0F}' || matches!(u32::from(c), 0x1F000..=0x1FAFF)
}

pub(super) fn is_sign(c: char) -> bool {
    is_pictograph(c)
        || matches!(u32::from(c), 0x2010..=0x2027 | 0x2030..=0x203A | 0x20AC | 0x2122 | 0x2190..=0x21FF | 0x2700..=0x27BF | 0x1F000..=0x1FAFF)
}

fn is_pictograph(c: char) -> bool {
    matches!(
        u32::from(c),
        0x231A..=0x231B | 0x23E9..=0x23F3 | 0x23F8..=0x23FA | 0x2600..=0x27BF | 0x2B00..=0x2BFF
            | 0x1F300..=0x1F6FF | 0x1F900..=0x1FAFF
    )
}

/// A closing quote follows a word; an opening one comes before a word.
fn quote_bonus(c: char, before: &str, after: &str) -> u32 {
    let after_word = before.chars().next_back().is_some_and(|p| !p.is_whitespace());
    let before_word = after.chars().next().is_some_and(char::is_alphanumeric);
    match c {
        '”' if after_word => 50,
        '„' | '“' if !after_word && before_word => 100,
        _ => 0,
    }
}

/// Up to six lower-case words on each side, nearest first.
fn context_words(before: &str, after: &str) -> Vec<String> {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let mut words: Vec<String> = split(after).into_iter().take(6).collect();
    words.extend(split(before).into_iter().rev().take(6));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(candidates: &[char], before: &str, after: &str) -> Option<Choice> {
        super::choose(candidates, before, after, "")
    }

    const MAGNIFIERS: [char; 7] = ['🔁', '🔍', '🔎', '🔏', '🔐', '🔝', '🔞'];

    #[test]
    fn magnifying_glass_is_the_documentation_default() {
        let choice = choose(&MAGNIFIERS, "## ", " Causes").unwrap();
        assert_eq!(choice.chosen, '🔍');
        assert_eq!(choice.alternatives, vec!['🔐', '🔁', '🔎']);
    }

    #[test]
    fn context_words_outweigh_the_prior() {
        assert_eq!(choose(&MAGNIFIERS, "## ", " Sécurité et password").unwrap().chosen, '🔐');
        let folders = ['📁', '📍', '📎', '📏', '📐', '📝', '📞'];
        assert_eq!(choose(&folders, "## ", " Alternatives pour l'Initialisation").unwrap().chosen, '📝');
        assert_eq!(choose(&folders, "## ", " Structure du projet").unwrap().chosen, '📁');
    }

    #[test]
    fn a_bug_heading_gets_the_bug() {
        // 🐛 is F0 9F 90 9B: Windows-1252 lost the 0x90 in the middle, ğŸ› is left.
        let candidates = ['🛁', '🛍', '🛏', '🛐', '🍛', '🏛', '🐛'];
        assert_eq!(choose(&candidates, "## ", " Bugs connus").unwrap().chosen, '🐛');
    }

    #[test]
    fn invisible_marks_never_fit() {
        let quotes = ['\u{2001}', '\u{200D}', '\u{200F}', '\u{2010}', '”'];
        assert_eq!(choose(&quotes, "le mot", " suivant"), Some(Choice { chosen: '”', alternatives: vec![] }));
        assert_eq!(choose(&['\u{200D}', '\u{200F}'], "a", "b"), None);
    }

    #[test]
    fn quotes_follow_their_side() {
        assert_eq!(choose(&['”', '„'], "il dit ", "Hallo").unwrap().chosen, '„');
        assert_eq!(choose(&['”', '„'], "il dit Hallo", " et").unwrap().chosen, '”');
    }
}
