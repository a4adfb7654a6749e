//! Throughput of `repair` on 10 MB of clean French and 10 MB of damaged French (UTF-8 read
//! through Windows-1252 and Windows-1254). Not a timed test: prints MB/s.
//! Run with `cargo bench --bench repair`.

use std::hint::black_box;
use std::time::Instant;

use carnet::content::repair::repair;

const SENTENCES: &[&str] = &[
    "## 🔧 Résolution : l’erreur « Out of Memory » sur le serveur\n",
    "Votre application dépasse la limite de mémoire du plan gratuit (512 Mo) ; réduisez les workers.\n",
    "Le cœur du problème : le script s’exécute au démarrage et charge trop de données…\n",
    "- **Limite de requêtes** pour redémarrer les workers périodiquement – coût : 7 € par mois.\n",
    "À 40 °C, le processeur ralentit. Ça arrive souvent en été, où la charge est élevée.\n",
    "```bash\ngit commit -m \"Optimisation mémoire pour plan gratuit\"\ngit push origin main\n```\n",
    "Vérifiez que l’application démarre sans erreur, puis déployez à nouveau ✅.\n",
    "Les migrations sont appliquées automatiquement dans le `buildCommand` de render.yaml.\n",
];

/// Clean French whose typography forms lead/continuation pairs (`é»`, `’é`): the slow path's
/// worst clean case.
const TYPOGRAPHIC: &[&str] = &[
    "Il l’a dit : «fermé» puis voilà\u{a0}» ; l’été, l’équipe a créé «réseau».\n",
    "Voir «Résumé»… et «Étapes», l’écran d’accueil, c’est réglé\u{a0}!\n",
];

const TARGET: usize = 10 * 1024 * 1024;

fn clean_text(sentences: &[&str]) -> String {
    let mut text = String::with_capacity(TARGET + 256);
    let mut seed = 0x2545_F491_u32;
    while text.len() < TARGET {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        text.push_str(sentences[seed as usize % sentences.len()]);
    }
    text
}

fn damaged_text(clean: &str) -> String {
    let half = clean.len() / 2;
    let cut = (half..clean.len()).find(|&i| clean.is_char_boundary(i)).unwrap_or(clean.len());
    let (a, b) = clean.split_at(cut);
    let mut text = encoding_rs::WINDOWS_1252.decode_without_bom_handling(a.as_bytes()).0.into_owned();
    text.push_str(&encoding_rs::WINDOWS_1254.decode_without_bom_handling(b.as_bytes()).0);
    text
}

fn measure(name: &str, text: &str, rounds: u32) {
    let (repaired, report) = repair(text);
    let changed = !matches!(repaired, std::borrow::Cow::Borrowed(_));
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(repair(black_box(text)));
    }
    let seconds = start.elapsed().as_secs_f64() / f64::from(rounds);
    let mb = text.len() as f64 / 1_000_000.0;
    println!(
        "{name:>8}: {mb:.1} MB in {:.1} ms = {:.0} MB/s (changed: {changed}, {report})",
        seconds * 1e3,
        mb / seconds
    );
}

fn main() {
    let clean = clean_text(SENTENCES);
    let damaged = damaged_text(&clean);
    assert!(repair(&damaged).0 == clean, "the damaged text must come back exact");
    let typographic = clean_text(TYPOGRAPHIC);
    measure("clean", &clean, 20);
    measure("damaged", &damaged, 3);
    measure("clean «»", &typographic, 3);
}
