//! The fenced code blocks of the guides: a platform's YAML configuration, shell sessions, a Python
//! settings reader, `pyproject.toml`, a Procfile (without language or as `text`), and the
//! verification block every guide ends its checks with.

use super::rng::Rng;
use super::vocabulary::{ENV_VARS, ERRORS, MODULES, SERVICES};

/// A block's language and body, for the application `app`.
pub type Maker = fn(&mut Rng, &str) -> (&'static str, String);

/// The blocks a section picks from, equally likely.
pub const MAKERS: &[Maker] = &[yaml, bash, python, toml, procfile];

fn yaml(r: &mut Rng, app: &str) -> (&'static str, String) {
    let region = r.int(1, 3);
    let web = r.int(1, 6);
    let size = r.pick(&["standard-1x", "standard-2x", "performance-m"]);
    let workers = r.int(1, 4);
    let concurrency = r.int(2, 8);
    let delay = r.pick(&[10, 30, 60]);
    let body = format!(
        "# config/production.yaml\n\
         application:\n\
        \x20 nom: {app}\n\
        \x20 region: eu-west-{region}\n\
        \x20 processus:\n\
        \x20   web:\n\
        \x20     instances: {web}\n\
        \x20     taille: {size}\n\
        \x20   worker:\n\
        \x20     instances: {workers}\n\
        \x20 variables:\n\
        \x20   LANG: fr_FR.UTF-8\n\
        \x20   PYTHONIOENCODING: utf-8\n\
        \x20   WEB_CONCURRENCY: \"{concurrency}\"\n\
        \x20 sante:\n\
        \x20   chemin: /sante\n\
        \x20   delai: {delay}s\n"
    );
    ("yaml", body)
}

fn bash(r: &mut Rng, app: &str) -> (&'static str, String) {
    let pattern = r.pick(&["H12", "R14", "Error", "ERREUR"]);
    let (named, restarted) = (r.pick(SERVICES), r.pick(SERVICES));
    let mut lines = vec![
        "# Vérifier l'état des processus".to_string(),
        format!("plateforme ps --app {app}"),
        String::new(),
        "# Afficher les 200 dernières lignes du journal".to_string(),
        format!("plateforme logs --app {app} --num 200 | grep -E \"{pattern}\""),
        String::new(),
        format!("# Redémarrer uniquement le processus {named}"),
        format!("plateforme ps:restart {restarted} --app {app}"),
    ];
    if r.chance(0.5) {
        let variable = r.pick(ENV_VARS);
        lines.push(String::new());
        lines.push("# Contrôler la variable concernée".to_string());
        lines.push(format!("plateforme config:get {variable} --app {app}"));
    }
    ("bash", lines.join("\n") + "\n")
}

fn python(r: &mut Rng, app: &str) -> (&'static str, String) {
    let var = r.pick(ENV_VARS);
    let default = r.pick(&["utf-8", "production", "30"]);
    let body = format!(
        "import os\n\
         import logging\n\
         \n\
         logger = logging.getLogger(__name__)\n\
         \n\
         \n\
         def lire_configuration(defaut: str = \"{default}\") -> str:\n\
        \x20   \"\"\"Lit {var} et journalise une alerte si la valeur manque.\"\"\"\n\
        \x20   valeur = os.environ.get(\"{var}\")\n\
        \x20   if not valeur:\n\
        \x20       logger.warning(\"{var} absente, valeur par défaut utilisée : %s\", defaut)\n\
        \x20       return defaut\n\
        \x20   return valeur.strip()\n\
         \n\
         \n\
         if __name__ == \"__main__\":\n\
        \x20   print(lire_configuration())  # exécuté sur {app}\n"
    );
    ("python", body)
}

fn toml(r: &mut Rng, app: &str) -> (&'static str, String) {
    let version = format!("{}.{}.{}", r.int(1, 4), r.int(0, 20), r.int(0, 9));
    let python = r.pick(&[10, 11, 12]);
    let django = r.pick(&["4.2", "5.0", "5.1"]);
    let psycopg = r.int(1, 2);
    let size = r.pick(&["standard-1x", "standard-2x"]);
    let body = format!(
        "[project]\n\
         name = \"{app}\"\n\
         version = \"{version}\"\n\
         requires-python = \">=3.{python}\"\n\
         dependencies = [\n\
        \x20 \"django>={django}\",\n\
        \x20 \"gunicorn>=22\",\n\
        \x20 \"psycopg[binary]>=3.{psycopg}\",\n\
        \x20 \"celery>=5.3\",\n\
         ]\n\
         \n\
         [tool.plateforme]\n\
         taille_conteneur = \"{size}\"\n\
         encodage = \"utf-8\"\n"
    );
    ("toml", body)
}

fn procfile(r: &mut Rng, app: &str) -> (&'static str, String) {
    let module = app.replace('-', "_");
    let (entry, workers, timeout) = (r.pick(MODULES), r.int(2, 6), r.pick(&[30, 60, 120]));
    let concurrency = r.int(1, 4);
    let mut lines = vec![
        format!("web: gunicorn {entry} --workers {workers} --timeout {timeout} --log-file -"),
        format!("worker: celery -A {module} worker --loglevel=info --concurrency={concurrency}"),
    ];
    if r.chance(0.6) {
        lines.push("release: python manage.py migrate --noinput".to_string());
    }
    if r.chance(0.4) {
        lines.push(format!("clock: python -m {module}.horloge"));
    }
    (r.pick(&["", "text"]), lines.join("\n") + "\n")
}

/// The block of the verification section: the health check and a count of the error in the logs.
pub fn check(r: &mut Rng, app: &str) -> String {
    let error = r.pick(ERRORS).split(':').next().unwrap_or_default();
    format!(
        "```bash\n\
         curl -s -o /dev/null -w \"%{{http_code}}\\n\" https://{app}.exemple.fr/sante\n\
         plateforme logs --app {app} --num 50 | grep -c \"{error}\"\n\
         ```"
    )
}
