//! One guide's Markdown: an H1 with an emoji, then the sections of a troubleshooting guide
//! (context, symptoms, diagnosis, resolution, verification, pitfalls, see also) made of French
//! sentences, bullet lists, fenced code blocks, links to other guides (`[texte](GUIDE_X.md)`,
//! `[texte](GUIDE_X.md#section)`) and inline-code references (`` `GUIDE_X.md` ``).

use super::code;
use super::rng::Rng;
use super::vocabulary::{
    APPS, BULLET_SYMPTOMS, CMDS, ENV_VARS, ERRORS, FILES, H2_CONTEXTE, H2_DIAGNOSTIC, H2_PIEGES,
    H2_RESOLUTION, H2_SYMPTOMES, H2_VERIF, H2_VOIR, LINK_TEXTS, SENTENCES, SERVICES,
};
use super::{github_anchor, Skeleton};

/// The guide `me` of `skeletons`, from its own random stream.
pub(super) fn write(me: usize, skeletons: &[Skeleton], seed: u64) -> String {
    let mut rng = Rng::new(&format!("{seed}:body:{me}"));
    let app = rng.pick(APPS);
    let mut writer = Writer { rng, skeletons, me: &skeletons[me], index: me, app, parts: Vec::new() };
    writer.introduction();
    writer.context();
    writer.symptoms();
    writer.diagnosis();
    writer.resolution();
    writer.verification();
    writer.pitfalls();
    writer.see_also();
    writer.parts.join("\n\n") + "\n"
}

/// The guide being written: its blocks (`parts`), joined by blank lines at the end.
struct Writer<'a> {
    rng: Rng,
    skeletons: &'a [Skeleton],
    me: &'a Skeleton,
    index: usize,
    /// The application the guide's code blocks are about.
    app: &'static str,
    parts: Vec<String>,
}

impl<'a> Writer<'a> {
    fn introduction(&mut self) {
        self.parts.push(format!("# {} {}", self.me.emoji, self.me.title));
        let paragraph = self.sentences(2);
        self.parts.push(paragraph);
        if self.rng.chance(0.5) {
            let reference = &self.other().name;
            let link = self.link(Some(false));
            self.parts.push(format!("> **Note :** ce guide complète `{reference}` et {link}."));
        }
    }

    fn context(&mut self) {
        self.heading(H2_CONTEXTE);
        let paragraphs = [self.paragraph(), self.sentences(2)];
        self.parts.extend(paragraphs);
    }

    fn symptoms(&mut self) {
        self.heading(H2_SYMPTOMES);
        let count = self.rng.int(3, 5);
        let bullets: Vec<String> = (self.rng.sample(BULLET_SYMPTOMS, count).into_iter())
            .map(|bullet| {
                let text = fill(bullet, |name| match name {
                    "code" => self.rng.pick(&[500, 502, 503, 504]).to_string(),
                    "err" => self.rng.pick(ERRORS).to_string(),
                    _ => self.rng.pick(SERVICES).to_string(),
                });
                format!("- {text}")
            })
            .collect();
        self.parts.push(bullets.join("\n"));
        self.parts.push("Exemple de sortie observée :".to_string());
        let count = self.rng.int(3, 6);
        let lines: Vec<String> = (0..count).map(|_| self.log_line()).collect();
        self.parts.push(format!("```\n{}\n```", lines.join("\n")));
    }

    fn log_line(&mut self) -> String {
        let r = &mut self.rng;
        let (month, day, hour) = (r.int(1, 9), r.int(0, 9), r.int(0, 9));
        let (minute, second) = (r.int(10, 59), r.int(10, 59));
        let (service, instance, error) = (r.pick(SERVICES), r.int(1, 4), r.pick(ERRORS));
        format!("2024-0{month}-1{day}T0{hour}:{minute}:{second} app[{service}.{instance}]: {error}")
    }

    fn diagnosis(&mut self) {
        self.heading(H2_DIAGNOSTIC);
        let paragraph = self.sentences(2);
        self.parts.push(paragraph);
        let me = self.me;
        for heading in &me.diagnosis {
            self.parts.push(format!("### {heading}"));
            let paragraph = self.paragraph();
            self.parts.push(paragraph);
            if self.rng.chance(0.6) {
                let block = self.code_block();
                self.parts.push(block);
            }
        }
    }

    fn resolution(&mut self) {
        self.heading(H2_RESOLUTION);
        let paragraph = self.sentences(2);
        self.parts.push(paragraph);
        let me = self.me;
        for heading in &me.steps {
            self.parts.push(format!("### {heading}"));
            let blocks = [self.paragraph(), self.code_block()];
            self.parts.extend(blocks);
            if self.rng.chance(0.3) {
                let link = self.link(Some(true));
                self.parts.push(format!("Si cette étape échoue, reportez-vous à {link}."));
            }
        }
    }

    fn verification(&mut self) {
        self.heading(H2_VERIF);
        let paragraph = self.sentences(2);
        self.parts.push(paragraph);
        let block = code::check(&mut self.rng, self.app);
        self.parts.push(block);
    }

    fn pitfalls(&mut self) {
        self.heading(H2_PIEGES);
        let count = self.rng.int(3, 5);
        let bullets: Vec<String> = (0..count)
            .map(|_| {
                let mark = self.rng.pick(&["⚠️ ", "", "❌ ", ""]);
                format!("- {mark}{}", self.sentence())
            })
            .collect();
        self.parts.push(bullets.join("\n"));
    }

    fn see_also(&mut self) {
        self.heading(H2_VOIR);
        let links = self.rng.int(3, 6);
        let mut items: Vec<String> = (0..links).map(|_| format!("- {}", self.link(None))).collect();
        let references = self.rng.int(1, 2);
        for _ in 0..references {
            let name = &self.other().name;
            let why = self.rng.pick(&["procédure voisine", "cas similaire", "prérequis"]);
            items.push(format!("- `{name}` : {why}"));
        }
        self.parts.push(items.join("\n"));
    }

    fn heading(&mut self, choices: &[&str]) {
        let heading = self.rng.pick(choices);
        self.parts.push(format!("## {heading}"));
    }

    /// Two or three sentences.
    fn paragraph(&mut self) -> String {
        let count = self.rng.int(2, 3);
        self.sentences(count)
    }

    fn sentences(&mut self, count: usize) -> String {
        (0..count).map(|_| self.sentence()).collect::<Vec<_>>().join(" ")
    }

    fn sentence(&mut self) -> String {
        let template = self.rng.pick(SENTENCES);
        fill(template, |name| match name {
            "sujet" => self.me.topic.to_string(),
            "var" => format!("`{}`", self.rng.pick(ENV_VARS)),
            "fichier" => format!("`{}`", self.rng.pick(FILES)),
            "app" => format!("`{}`", self.rng.pick(APPS)),
            "lien" => self.link(None),
            "cmd" => self.rng.pick(CMDS).to_string(),
            "service" => self.rng.pick(SERVICES).to_string(),
            "fichier_guide" => self.other().name.clone(),
            _ => unreachable!("placeholder {{{name}}}"),
        })
    }

    /// Another guide (this one when it is alone).
    fn other(&mut self) -> &'a Skeleton {
        let n = self.skeletons.len();
        if n == 1 {
            return self.me;
        }
        let j = self.rng.below(n - 1);
        &self.skeletons[if j < self.index { j } else { j + 1 }]
    }

    /// A link to another guide; with an anchor to one of its H3 headings when `anchor` says so,
    /// or four times in ten when it does not say.
    fn link(&mut self, anchor: Option<bool>) -> String {
        let target = self.other();
        let anchor = anchor.unwrap_or_else(|| self.rng.chance(0.4));
        if anchor {
            let headings: Vec<&str> = target.headings().collect();
            let heading = self.rng.pick(&headings);
            let text = fill(self.rng.pick(LINK_TEXTS), |name| {
                if name == "t" { target.topic } else { heading }.into()
            });
            format!("[{text}]({}#{})", target.name, github_anchor(heading))
        } else {
            let text = fill(self.rng.pick(&LINK_TEXTS[..5]), |_| target.topic.into());
            format!("[{text}]({})", target.name)
        }
    }

    fn code_block(&mut self) -> String {
        let (language, body) = self.rng.pick(code::MAKERS)(&mut self.rng, self.app);
        format!("```{language}\n{body}```")
    }
}

/// `template` with each `{name}` replaced by `value(name)`, left to right.
fn fill(template: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = start + rest[start..].find('}').expect("a closed placeholder");
        out.push_str(&rest[..start]);
        out.push_str(&value(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
