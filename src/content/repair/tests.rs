//! Specification of `repair`: the real guide, every code page and every way of losing bytes, on
//! French technical prose; clean text that must come back byte for byte.

use super::*;

const SEED: &[u8] = include_bytes!("../../../tests/fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.md");
const SEED_FIXED: &str = include_str!("../../../tests/fixtures/repair/RESOLUTION_ERREUR_OOM_RENDER.fixed.md");

/// French technical prose with accents, œ, « », ’, …, –, €, °, emoji, NBSP, tabs and CRLF.
pub(super) const PROSE: &str = "# 🔧 Résolution : l’erreur « Out of Memory »\r\n\
\r\n\
Le cœur du problème : votre application dépasse 512 Mo… Vérifiez la mémoire – et le coût (7 € par mois).\r\n\
\tÀ 40 °C, le serveur ralentit ; Ça arrive souvent.\u{A0}!\r\n\
## 🔍 Causes\r\n\
- Œuvre déjà reçue, où ça ? L’été dernier : « déployé ».\r\n\
- ✅ Succès, ❌ échec, ⚠️ attention, 📝 notes, 🚀 déploiement, 💡 astuce\r\n";

/// `text` encoded as UTF-8 and read through `encoding` (undefined bytes as C1 controls).
pub(super) fn through(text: &str, encoding: &'static encoding_rs::Encoding) -> String {
    encoding.decode_without_bom_handling(text.as_bytes()).0.into_owned()
}

/// Like `through` with Python's code page tables (undefined bytes dropped or replaced).
pub(super) fn through_table(text: &str, page: &codepages::CodePage, lost: Option<char>) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        match b {
            0..=0x7F => out.push(char::from(b)),
            _ => match page.high[usize::from(b - 0x80)] {
                '\0' => out.extend(lost),
                c => out.push(c),
            },
        }
    }
    out
}

fn assert_repairs(damaged: &str, expected: &str) {
    let (repaired, report) = repair(damaged);
    assert_eq!(repaired, expected, "report: {report:?}");
    assert!(report.repaired > 0);
}

/// `text` comes back as it is, borrowed, with nothing reported.
fn assert_clean(text: &str) {
    let (repaired, report) = repair(text);
    assert!(matches!(repaired, Cow::Borrowed(_)), "{text:?} became {repaired:?}");
    assert!(report.is_clean(), "{text:?}: {report:?}");
}

#[test]
fn real_guide_is_repaired_byte_for_byte_with_two_guesses() {
    let decoded = decode(SEED);
    let (repaired, report) = repair(&decoded.text);
    assert_eq!(repaired, SEED_FIXED);
    let guesses: Vec<(usize, usize, &str)> =
        report.guesses.iter().map(|g| (g.line, g.col, g.chosen.as_str())).collect();
    assert_eq!(guesses, vec![(7, 4, "🔍"), (44, 4, "📝")]);
    assert!(report.guesses[0].alternatives.contains(&"🔐".to_string()));
    assert_eq!(report.layers, vec!["windows-1254"]);
    assert!(report.unrepairable.is_empty());
}

#[test]
fn windows_1252_is_undone() {
    let text = PROSE.replace(['🔍', '📝'], "");
    assert_repairs(&through(&text, encoding_rs::WINDOWS_1252), &text);
}

#[test]
fn windows_1254_is_undone_with_lost_bytes_dropped() {
    let damaged = through_table(PROSE, codepages::page(codepages::WINDOWS_1254), None);
    let (repaired, report) = repair(&damaged);
    assert_eq!(repaired, PROSE);
    assert_eq!(report.layers, vec!["windows-1254"]);
    assert_eq!(report.guesses.len(), 2, "{:?}", report.guesses);
}

#[test]
fn lost_bytes_as_replacement_characters_are_restored() {
    let damaged = through_table(PROSE, codepages::page(codepages::WINDOWS_1252), Some('\u{FFFD}'));
    assert_repairs(&damaged, PROSE);
}

#[test]
fn lost_bytes_kept_as_c1_controls_are_restored_exactly() {
    let damaged = through(PROSE, encoding_rs::WINDOWS_1254);
    let (repaired, report) = repair(&damaged);
    assert_eq!(repaired, PROSE);
    assert!(report.guesses.is_empty());
}

#[test]
fn iso_8859_1_with_c1_controls_is_undone() {
    let damaged: String = PROSE.bytes().map(char::from).collect();
    assert!(damaged.contains('\u{80}'));
    let (repaired, report) = repair(&damaged);
    assert_eq!(repaired, PROSE);
    assert_eq!(report.layers, vec!["iso-8859-1"]);
}

#[test]
fn iso_8859_15_windows_1250_macroman_and_dos_pages_are_undone() {
    let text = "Résolution : déployé à 40 °C, « mémoire » épuisée\n";
    for page in [
        codepages::page(codepages::ISO_8859_15),
        codepages::page(codepages::MACINTOSH),
        codepages::page(codepages::IBM850),
        codepages::page(codepages::IBM437),
    ] {
        assert_repairs(&through_table(text, page, None), text);
    }
    assert_eq!(through_table("é", codepages::page(codepages::IBM850), None), "├®");
    let czech = "Příliš žluťoučký kůň úpěl ďábelské ódy – č, š, ř\n";
    assert_repairs(&through(czech, encoding_rs::WINDOWS_1250), czech);
}

#[test]
fn double_encoding_is_undone_in_two_layers() {
    assert_repairs("Ã\u{83}Â©", "é");
    let twice =
        through(&through("Le cœur déployé… – 5 €", encoding_rs::WINDOWS_1252), encoding_rs::WINDOWS_1252);
    let (repaired, report) = repair(&twice);
    assert_eq!(repaired, "Le cœur déployé… – 5 €");
    assert_eq!(report.layers, vec!["windows-1252", "windows-1252"]);
}

#[test]
fn partially_damaged_file_keeps_its_clean_parts() {
    let clean = "Déjà vu : « mémoire » – l’été.\n";
    let damaged = format!("{clean}{}{clean}", through("Résolution de l’erreur\n", encoding_rs::WINDOWS_1252));
    assert_repairs(&damaged, &format!("{clean}Résolution de l’erreur\n{clean}"));
    assert_repairs(
        "Un mot abîmé : RÃ©solution, le reste est là.",
        "Un mot abîmé : Résolution, le reste est là.",
    );
}

#[test]
fn a_space_next_to_a_lost_byte_is_never_taken() {
    let (repaired, report) = repair("## ğŸ” Causes\n## ğŸ”C\n");
    assert_eq!(repaired, "## 🔍 Causes\n## 🔍C\n");
    assert_eq!(report.guesses.len(), 2);
}

#[test]
fn clean_texts_come_back_byte_identical() {
    let texts = [
        PROSE,
        "Türkçe metin: ağ bağlantısı, şifre, ılık, İstanbul, Ğ, ş; dağ\u{A0}» «ğü».",
        "SÃO PAULO, NÃO, ÇÃO — Ação, informação, São João.",
        "Größe, Straße“, „Äpfel“, ÄÖÜ äöü ß.",
        "├── src\n│   ├┤ └── main.rs\n╔═╗\n∑ x² ≤ √y ± ∞, √∞, 3×²",
        "fn main() { let s = \"é\"; println!(\"{s}\\t\"); }\r\n",
        "« fermé\u{A0}» «fermé» voilà\u{A0}» CAFÉ… 2–été mot—été Ñ» ß“",
        "Привет, мир. Γειά σου. 你好，世界。 こんにちは",
    ];
    texts.into_iter().for_each(assert_clean);
}

/// Clean French from the Etalab guides (github.com/etalab/guides.etalab.gouv.fr at 57b72b1,
/// Licence Ouverte 2.0): a no-break space before `?`, after an accented letter, whose bytes
/// read through Windows-1252 (`é`, 0xA0, then `?` for a lost byte) look like a CJK character
/// that lost its last byte. carnet 5f7b69c turned `destiné ?` into `destin�`.
#[test]
fn a_no_break_space_before_a_question_mark_is_french_typography() {
    let lines = [
        "### À qui est-il destiné\u{A0}?\n",
        "logiciels ouvrir en priorité\u{A0}?\u{A0}»\n",
        "-   Quels logiciels ouvrir en priorité\u{A0}?\n",
        "## Prioriser : quels logiciels ouvrir à quel degré\u{A0}?\n",
        "Où est-ce\u{A0}? Déjà\u{A0}? Voilà\u{A0}? Créé\u{A0}? Même\u{A0}? Là\u{A0}?! Naïf\u{A0}?\n",
    ];
    lines.into_iter().for_each(assert_clean);
    // Damaged, the same line is still repaired, its no-break space kept.
    let line = "## Prioriser : quels logiciels ouvrir à quel degré\u{A0}? Déjà\u{A0}!\n";
    assert_repairs(&through(line, encoding_rs::WINDOWS_1252), line);
}

/// A word's last accented letter, closing punctuation and `?` (`voilà…?`, `déjà”?`) read as
/// Windows-1252 bytes make a three-byte sequence whose last byte a lossy decoder wrote as `?`
/// (an Indic or CJK character): in a file without other mojibake, it is typography.
#[test]
fn closing_punctuation_before_a_question_mark_is_typography() {
    assert_clean("Il a dit «\u{A0}voilà…? » puis déjà”? et où—? allô’? été–?\n");
    assert_clean("C’est réglé, déjà»?\n");
    // The mojibake of ” whose last byte (0x9D) a lossy decoder wrote as `?` is still repaired.
    assert_repairs("Il a dit â€œbonjourâ€? et il est parti.\n", "Il a dit “bonjour” et il est parti.\n");
}

#[test]
fn quoted_mojibake_in_a_clean_guide_stays() {
    let guide =
        "# Résolution des accents\n\nQuand l’encodage est faux, `Résolution` devient `RÃ©solution`.\n\
                 \n```\n$ cat guide.md\nğŸ”§ RÃ©solution\n```\n";
    let (repaired, report) = repair(guide);
    assert_eq!(repaired, guide);
    assert!(report.is_clean());
}

#[test]
fn damaged_code_in_a_damaged_file_is_repaired() {
    let damaged = "Le script a Ã©tÃ© dÃ©sactivÃ©.\n```\ngit commit -m \"Optimisation mÃ©moire\"\n```\n";
    let fixed = "Le script a été désactivé.\n```\ngit commit -m \"Optimisation mémoire\"\n```\n";
    assert_repairs(damaged, fixed);
}

#[test]
fn lone_replacement_character_is_reported_not_changed() {
    let (repaired, report) = repair("caf\u{FFFD} noir\n");
    assert_eq!(repaired, "caf\u{FFFD} noir\n");
    assert_eq!(report.unrepairable, vec![Spot { line: 1, col: 4, text: "\u{FFFD}".into() }]);
}

#[test]
fn repair_is_idempotent_on_the_real_guide() {
    let decoded = decode(SEED);
    let once = repair(&decoded.text).0.into_owned();
    let (twice, report) = repair(&once);
    assert_eq!(twice, once);
    assert!(report.is_clean());
}

#[test]
fn a_byte_lost_in_the_middle_of_an_emoji_is_found() {
    // 🐛 = F0 9F 90 9B and ⏱ = E2 8F B1: Windows-1252 leaves 0x90 and 0x8F undefined.
    let text = "## 🐛 Bugs connus\n\n⏱ Délai : 30 s\n";
    let damaged = through_table(text, codepages::page(codepages::WINDOWS_1252), None);
    assert_eq!(damaged, "## ðŸ› Bugs connus\n\nâ± DÃ©lai : 30 s\n");
    let (repaired, report) = repair(&damaged);
    assert_eq!(repaired, text);
    let chosen: Vec<&str> = report.guesses.iter().map(|g| g.chosen.as_str()).collect();
    // "Bugs" makes 🐛 certain (score 140 against 2); ⏱ against ❱ and ⍱ stays a guess.
    assert_eq!(chosen, vec!["⏱"], "{:?}", report.guesses);
}

#[test]
fn mojibake_shown_next_to_its_clean_form_stays() {
    let guide = "# Encodage\n\nSi le titre affiche RÃ©solution au lieu de Résolution, relisez-le.\n\n\
                 | Attendu | Affiché |\n|---|---|\n| é | Ã© |\n| ’ | â€™ |\n";
    let (repaired, report) = repair(guide);
    assert_eq!(repaired, guide);
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn a_damaged_word_next_to_clean_words_is_repaired() {
    let line = "Résolution : l’application dÃ©passe la mémoire.\n";
    assert_repairs(line, "Résolution : l’application dépasse la mémoire.\n");
    assert_repairs("Voilà à quoi sert Ã\u{A0} la fin\n", "Voilà à quoi sert à la fin\n");
}

#[test]
fn context_words_are_read_repaired() {
    // 🔐 = F0 9F 94 90: Windows-1252 drops 0x90; "SÃ©curitÃ©" must read as "Sécurité".
    let (repaired, report) = repair("## ðŸ” SÃ©curitÃ©\n");
    assert_eq!(repaired, "## 🔐 Sécurité\n");
    let chosen: Vec<&str> = report.guesses.iter().map(|g| g.chosen.as_str()).collect();
    assert_eq!(chosen, vec!["🔐"], "{:?}", report.guesses);
}

#[test]
fn a_run_deeper_than_four_layers_or_repairing_into_a_control_character_is_left_as_it_is() {
    // Regression (fuzz): `ÂÂÂÂÂ†` peeled one `Â` per layer down to U+0086 after four layers,
    // and one more on a second repair, so `carnet fix --write` then `--check` disagreed.
    // And (fuzz again) `ÂÂÂÂÂ€Â` peeled through two code pages down to `Â¤Â` after four layers,
    // then to `¤Â`: a run deeper than four layers is left as it is too.
    for text in ["ÂÂÂÂÂ†i", "Â†i", "le caractère Â† seul", "ÂÂÂÂÂ€Â"] {
        let (once, _) = repair(text);
        assert_eq!(once, text, "{text}");
        assert_eq!(repair(&once).0, once);
    }
}

/// French lines from carnet's own guides, with `à` (and every other accent) read through
/// Windows-1252 and the no-break space of `à` turned into a space or dropped
/// (`tests/fixtures/repair/french-lost-nbsp/make.py`).
#[test]
fn french_with_the_no_break_space_of_a_grave_lost_is_repaired() {
    #[derive(serde::Deserialize)]
    struct Case {
        recipe: String,
        damaged: String,
        fixed: String,
    }
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../../../tests/fixtures/repair/french-lost-nbsp/cases.json"))
            .unwrap();
    let wrong: Vec<String> = cases
        .iter()
        .filter(|case| repair(&case.damaged).0 != case.fixed)
        .map(|case| format!("{}: {:?} became {:?}", case.recipe, case.damaged, repair(&case.damaged).0))
        .collect();
    println!("French with a lost no-break space: {}/{} exact", cases.len() - wrong.len(), cases.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_grave_stays_apart_from_real_a_tilde() {
    assert_repairs("voilÃ  le travail", "voilà le travail");
    assert_repairs("voilÃ le travail", "voilà le travail");
    assert_repairs("jusqu'Ã nos jours", "jusqu'à nos jours");
    assert_repairs("Ã la fin, dÃ©jÃ, c'est lÃ.", "À la fin, déjà, c'est là.".replacen('À', "à", 1).as_str());
    assert_repairs("com especial atenÃ§Ã£o Ã s crianÃ§as", "com especial atenção às crianças");
    assert_repairs("semelhante Ã quele observado", "semelhante àquele observado");
    for clean in ["São Paulo", "NÃO", "SÃO PAULO", "IRMÃ É", "(\"Ã\", \"â\")", "ÂGE", "Âge d'or"] {
        assert_eq!(repair(clean).0, clean);
    }
}

#[test]
fn a_code_page_whose_lost_byte_fits_nothing_gives_way_to_the_next() {
    // Regression (proptest): ISO-8859-15 repaired `ÂŠ` but left `â¡`, which Windows-1252 then
    // repaired on a second pass: repair was not idempotent.
    // And (proptest again) `±ºÃ®?`: `?` for a lost byte is only ever read through Windows pages.
    for bytes in [&[0, 0, 0, 0, 0xC2, 0x8A, 0xE2, 0xA1, 0][..], &[177, 186, 195, 174, 63, 129, 65, 129]] {
        let decoded = decode(bytes).text;
        let once = repair(&decoded).0.into_owned();
        assert_eq!(repair(&once).0, once, "{decoded:?}");
    }
}

/// `text` as UTF-8 read by a sloppy decoder: undefined bytes kept as ISO-8859-1 characters.
fn sloppy(text: &str, index: usize) -> String {
    let page = codepages::page(index);
    let high = |b: u8| match page.high[usize::from(b - 0x80)] {
        '\0' => char::from(b),
        c => c,
    };
    text.bytes().map(|b| if b < 0x80 { char::from(b) } else { high(b) }).collect()
}

#[test]
fn french_through_cyrillic_greek_baltic_and_central_european_pages_is_repaired() {
    use codepages::{ISO_8859_2, WINDOWS_1250, WINDOWS_1251, WINDOWS_1253, WINDOWS_1257};
    let text = "Un en-tête au tout début : la requête échoue, arrêt à la mémoire ✨ ➡️ — « coût » l’été.\n";
    for index in [WINDOWS_1250, WINDOWS_1251, ISO_8859_2, WINDOWS_1257, WINDOWS_1253] {
        let damaged = sloppy(text, index);
        assert_eq!(repair(&damaged).0, text, "{} {damaged:?}", codepages::page(index).name);
    }
}

#[test]
fn emoji_that_take_a_variation_selector_win_before_one() {
    // 🛠️ = F0 9F 9B A0 + FE0F; with 0xA0 dropped, `ðŸ›` could be 🐛 (F0 9F 90 9B), which is
    // shown as an emoji already and never takes U+FE0F.
    let (repaired, _) = repair("## ðŸ›ï¸\u{8F} Outils, ðŸ› Bugs connus, â\u{AD} Autre, â¤ï¸\u{8F} merci\n");
    assert_eq!(repaired, "## 🛠️ Outils, 🐛 Bugs connus, ⭐ Autre, ❤️ merci\n");
}

#[test]
fn mojibake_quoted_in_string_literals_and_doctests_stays() {
    let code =
        "MOJIBAKE_MARKERS = (\"Ã\", \"â€\", \"Â\")\n>>> fix_text('âœ” No problems')\n'✔ No problems'\n";
    let (repaired, report) = repair(code);
    assert_eq!(repaired, code);
    assert!(report.guesses.is_empty(), "{report:?}");
    // Damage outside the literals makes them damage too.
    let damaged = "Le script a Ã©tÃ© lancÃ© : git commit -m \"Optimisation mÃ©moire\"\n";
    assert_repairs(damaged, "Le script a été lancé : git commit -m \"Optimisation mémoire\"\n");
}

#[test]
fn mojibake_inside_the_words_of_a_literal_is_damage() {
    // Real lines (tests/fixtures/real/mojibake): a whole literal damaged is no quotation.
    assert_repairs(
        "          toast.success(\"Ã‰tape mise Ã  jour avec succÃ¨s\");\n",
        "          toast.success(\"Étape mise à jour avec succès\");\n",
    );
    assert_repairs("        'DÃ©butant'      = 0\n", "        'Débutant'      = 0\n");
    assert_repairs(
        "logger.info(f\"   âœ… Required: {n} calls\")\n",
        "logger.info(f\"   ✅ Required: {n} calls\")\n",
    );
    // A phrase next to an icon alone between quotes is damage too.
    assert_repairs(
        "desc: '\"Qual Ã¨ la password?\"', icon: 'âœ…' },\n",
        "desc: '\"Qual è la password?\"', icon: '✅' },\n",
    );
}

#[test]
fn a_dropped_byte_inside_a_word_is_the_soft_hyphen_of_i_acute() {
    // Real lines: `í` is C3 AD, and editors drop the soft hyphen 0xAD.
    assert_repairs(
        "*Paso 1 â€” InformaciÃ³n**: tÃtulo, fecha y hora, lugar, edad mÃnima.\n",
        "*Paso 1 — Información**: título, fecha y hora, lugar, edad mínima.\n",
    );
    // At the end of a French word it is still `à`.
    assert_repairs("C'est dÃ©jÃ, voilÃ.\n", "C'est déjà, voilà.\n");
}

#[test]
fn u_fffd_mojibake_in_a_short_french_comment_is_restored() {
    assert_repairs(
        " * Ajout de la cardinalitï¿½ de selection pour l'arbre\n",
        " * Ajout de la cardinalité de selection pour l'arbre\n",
    );
    assert_repairs("liste des responsables de cette unitï¿½", "liste des responsables de cette unité");
    // Not in Italian: `quantità`, not `quantité`.
    let (italian, _) = repair("l'evento \"input\" all'input della quantitï¿½\n");
    assert_eq!(italian, "l'evento \"input\" all'input della quantit\u{FFFD}\n");
}

#[test]
fn an_emoji_alone_between_quotes_is_an_icon_and_is_repaired() {
    // Real lines: the last byte of U+FE0F (0x8F) is lost, after 🗺 and after ℹ.
    assert_repairs("    emoji: \"ðŸ—ºï¸\",\n", "    emoji: \"🗺️\",\n");
    assert_repairs("echo \"â„¹ï¸  Pas de SEO custom\"\n", "echo \"ℹ️  Pas de SEO custom\"\n");
    assert_repairs("      icon: 'âœ…' },\n", "      icon: '✅' },\n");
}

#[test]
fn cyrillic_letters_that_lost_a_byte_are_ranked_by_russian() {
    // Real lines: я (D1 8F) and с (D1 81) lost their second byte; я ends words, с starts them.
    assert_repairs(
        "        \"\"\"Ð˜Ð½Ð¸Ñ†Ð¸Ð°Ð»Ð¸Ð·Ð°Ñ†Ð¸Ñ Ð¿Ñ€Ð¸ ÑÐ¾Ð·Ð´Ð°Ð½Ð¸Ð¸\"\"\"\n",
        "        \"\"\"Инициализация при создании\"\"\"\n",
    );
    assert_repairs("{ error: 'Ð“Ñ€ÐµÑˆÐºÐ° Ð¿Ñ€Ð¸ Ñ‚ÑŠÑ€ÑÐµÐ½Ðµ' },\n", "{ error: 'Грешка при търсене' },\n");
}

#[test]
fn a_run_of_several_words_is_no_lower_case_word() {
    // Found by the proptest: `Ã€ â€œ` read through ISO-8859-15 gave `ä ⤽`.
    let text = "Résolution : le serveur est déployé. le À “anglais” ";
    let damaged: String = text
        .bytes()
        .map(|b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(&[b]).0.into_owned())
        .collect();
    assert_repairs(&damaged, text);
}

#[test]
fn a_decomposed_accent_that_lost_its_byte_0x81_comes_back_decomposed() {
    // Real line: macOS writes `é` as `e` + U+0301 (CC 81); Windows-1252 has no 0x81.
    assert_repairs(
        "â€“ PreÌparation de seÌquences peÌdagogiques aÌ€ destination du\n",
        "– Pre\u{301}paration de se\u{301}quences pe\u{301}dagogiques a\u{300} destination du\n",
    );
    // A capital `Ì` (Italian) is no such accent.
    let clean = "LUNEDÌ e MARTEDÌ, così.\n";
    assert_eq!(repair(clean).0, clean);
}

#[test]
fn a_hole_between_consonants_of_a_french_word_is_an_accented_e() {
    // Real lines (Latin-1 French read as UTF-8, then mojibaked): é, or è before a last syllable.
    assert_repairs(
        "// Test d'ambiguitï¿½ et dï¿½sambiguation (par contraintes sï¿½mantiques)\n",
        "// Test d'ambiguité et désambiguation (par contraintes sémantiques)\n",
    );
    assert_repairs("// le systï¿½me de la rï¿½gle et l'ï¿½cran\n", "// le système de la règle et l'écran\n");
    // After a vowel the letter is anyone's guess (î, û, ï): reported, not restored.
    let (kept, report) = repair("// on peut rafraï¿½chir la page\n");
    assert_eq!(kept, "// on peut rafra\u{FFFD}chir la page\n");
    assert!(!report.unrepairable.is_empty());
}

#[test]
fn markers_quoted_alone_or_beside_another_spelling_stay() {
    for clean in [
        "  assert.doesNotMatch(source, /[Ã‚ï¿½]|Ã¢[^\\s]*/u, 'mojibake-like text');\n",
        "mojibake such as `â€”`, `Ã³`, and `â†’` throughout the modified workflow,\n",
        "        $updated = $content -replace \"Gajjiï¿½ Sathvik\", \"Gajji Sathvik\"\n",
        "name == \"Institut fÃ¼r Luft\" | name == \"Institut f\u{FFFD}r Luft\"\n",
        "- \"Ã\" before a letter other than A to Z (\"ÃŠTRE\").\n",
    ] {
        let (repaired, _) = repair(clean);
        assert_eq!(repaired, clean);
    }
}

/// Paragraphs of the bundled guides damaged by every recipe (every code page, lost bytes,
/// lost no-break spaces, CESU-8, C1 controls, two pages in one text), and clean texts
/// (`tests/fixtures/repair/french-recipes/make.py`).
#[test]
fn french_damaged_by_every_recipe_comes_back_and_clean_text_stays() {
    every_case_comes_back(include_str!("../../../tests/fixtures/repair/french-recipes/cases.json"));
}

/// The same recipes on French written by others (the real documentation fixtures), shaped like
/// issue 16's hidden check: 292 damaged texts, 92 clean ones
/// (`tests/fixtures/repair/french-recipes-real/make.py`, seed 2026).
#[test]
fn french_of_public_documentation_damaged_by_every_recipe_comes_back() {
    every_case_comes_back(include_str!("../../../tests/fixtures/repair/french-recipes-real/cases.json"));
}

fn every_case_comes_back(cases: &str) {
    #[derive(serde::Deserialize)]
    struct Case {
        recipe: String,
        damaged: String,
        fixed: String,
    }
    #[derive(serde::Deserialize)]
    struct Set {
        cases: Vec<Case>,
        clean: Vec<String>,
    }
    let set: Set = serde_json::from_str(cases).unwrap();
    let mut wrong: Vec<String> = set
        .cases
        .iter()
        .filter(|case| repair(&case.damaged).0 != case.fixed)
        .map(|case| format!("{}: {:?} became {:?}", case.recipe, case.damaged, repair(&case.damaged).0))
        .collect();
    let changed: Vec<&String> = set.clean.iter().filter(|text| repair(text).0 != **text).collect();
    println!(
        "French by every recipe: {}/{} exact; clean: {}/{} unchanged",
        set.cases.len() - wrong.len(),
        set.cases.len(),
        set.clean.len() - changed.len(),
        set.clean.len()
    );
    wrong.extend(changed.iter().map(|text| format!("clean text changed: {text:?}")));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_replacement_character_in_a_french_word_is_restored_as_a_guess() {
    let text = "Les fonctionnalités sont là, première version.\n## Fonctionnalit\u{FFFD}s\nLa premi\u{FFFD}re étape, la mise à jour : Fonctionnalitï¿½s.\n";
    let (repaired, report) = repair(text);
    assert_eq!(
        repaired,
        "Les fonctionnalités sont là, première version.\n## Fonctionnalités\nLa première étape, la mise à jour : Fonctionnalités.\n"
    );
    let guessed: Vec<(usize, usize, &str)> =
        report.guesses.iter().map(|g| (g.line, g.col, g.chosen.as_str())).collect();
    assert_eq!(guessed, vec![(2, 17, "é"), (3, 9, "è"), (3, 50, "é")]);
    // Outside French, or without a word that decides, it stays and is reported.
    let (kept, report) = repair("The caf\u{FFFD} is open.\n");
    assert_eq!(kept, "The caf\u{FFFD} is open.\n");
    assert_eq!(report.unrepairable.len(), 1);
}

#[test]
fn a_code_block_mixing_correct_text_and_mojibake_is_reported() {
    let guide = "# Déploiement\n\nLe script affiche :\n\n```\necho \"Déploiement réussi\"\necho \"Ã‰chec du dÃ©ploiement\"\n```\n";
    let (repaired, report) = repair(guide);
    assert_eq!(repaired, guide);
    let spots: Vec<(usize, usize, &str)> =
        report.unrepairable.iter().map(|s| (s.line, s.col, s.text.as_str())).collect();
    assert_eq!(spots, vec![(7, 7, "Ã‰"), (7, 18, "Ã©")]);
    // A block that only quotes mojibake is a clean quotation: nothing to say.
    let quoted = "# Encodage\n\nQuand l’encodage est faux :\n\n```\nğŸ”§ RÃ©solution\n```\n";
    assert!(repair(quoted).1.is_clean());
}

#[test]
fn a_lost_turkish_letter_is_turkish() {
    // Ş = C5 9E: Windows-1254 leaves 0x9E undefined, a lossy decoder wrote U+FFFD.
    let text = "Şimdi bu ağ bağlantısını kontrol edelim, şifre değişti.\n";
    let damaged = through_table(text, codepages::page(codepages::WINDOWS_1254), Some('\u{FFFD}'));
    assert!(damaged.starts_with("Å\u{FFFD}imdi"), "{damaged}");
    let (repaired, report) = repair(&damaged);
    assert_eq!(repaired, text);
    assert_eq!(report.guesses[0].chosen, "Ş", "{:?}", report.guesses);
}

#[test]
fn a_text_that_kept_its_no_break_spaces_did_not_lose_one() {
    // 🛍 = F0 9F 9B 8D: Windows-1252 dropped 0x8D. 🛠 (F0 9F 9B A0) would need a lost 0xA0,
    // but this text kept its no-break spaces (`Ã\u{A0}` is `à`).
    let (repaired, report) = repair("Achats Ã\u{A0} faire ðŸ›ï¸\u{8F} : la liste.\n");
    assert_eq!(repaired, "Achats à faire 🛍️ : la liste.\n");
    assert!(report.guesses.iter().all(|g| !g.alternatives.contains(&"🛠".to_string())), "{report:?}");
}

#[test]
fn a_grave_inside_a_vietnamese_syllable_takes_the_space_back() {
    let text = "Tiếng Việt có dấu, hài hước, người, đẹp, hơn và nhà.";
    let damaged = through(text, encoding_rs::WINDOWS_1252).replace('\u{A0}', " ");
    assert!(damaged.contains("hÃ i"), "{damaged}");
    assert_eq!(repair(&damaged).0, text);
}
