//! The words of the generated guides, copied from `gen_corpus.py` (French troubleshooting guides
//! for a hosting platform).

/// What a guide is about: the key of its file name, and the words of its title.
pub const TOPICS: &[(&str, &str)] = &[
    ("DEPLOIEMENT", "le déploiement"),
    ("BASE_DE_DONNEES", "la base de données"),
    ("CERTIFICAT_SSL", "le certificat SSL"),
    ("MEMOIRE", "la mémoire des conteneurs"),
    ("VARIABLES_ENV", "les variables d'environnement"),
    ("BUILDPACK", "le buildpack Python"),
    ("WORKER", "les workers en arrière-plan"),
    ("CACHE", "le cache applicatif"),
    ("DNS", "la résolution DNS"),
    ("JOURNAUX", "les journaux"),
    ("MIGRATIONS", "les migrations de schéma"),
    ("FILE_ATTENTE", "la file d'attente des tâches"),
    ("REDIS", "l'instance Redis"),
    ("POSTGRES", "PostgreSQL"),
    ("TACHES_PLANIFIEES", "les tâches planifiées"),
    ("WEBHOOKS", "les webhooks entrants"),
    ("AUTHENTIFICATION", "l'authentification des utilisateurs"),
    ("PERMISSIONS", "les permissions des fichiers"),
    ("PAIEMENTS", "le module de paiement"),
    ("EMAILS", "l'envoi d'e-mails"),
    ("STOCKAGE", "le stockage des fichiers statiques"),
    ("PERFORMANCE", "les performances"),
    ("DELAIS", "les délais d'attente"),
    ("DEPENDANCES", "les dépendances"),
    ("VERSION_PYTHON", "la version de Python"),
    ("NODE", "le pipeline Node.js"),
    ("DOCKER", "l'image Docker"),
    ("RESEAU", "le réseau privé"),
    ("QUOTAS", "les quotas de la plateforme"),
    ("SAUVEGARDES", "les sauvegardes"),
    ("DOMAINE", "le domaine personnalisé"),
    ("SESSIONS", "les sessions utilisateur"),
    ("API", "l'API publique"),
    ("RECHERCHE", "le moteur de recherche interne"),
    ("TRADUCTIONS", "les traductions"),
    ("FACTURATION", "la facturation"),
];

/// What goes wrong: the key of the file name, and the start of the title.
pub const PROBLEMS: &[(&str, &str)] = &[
    ("ERREUR_502", "erreur 502 sur"),
    ("ECHEC_BUILD", "échec du build pour"),
    ("LENTEUR", "lenteur excessive sur"),
    ("PLANTAGE", "plantage au démarrage avec"),
    ("CONFIGURATION", "configuration de"),
    ("MIGRATION", "migration de"),
    ("DIAGNOSTIC", "diagnostic de"),
    ("RETOUR_ARRIERE", "retour arrière après un incident sur"),
    ("SURVEILLANCE", "surveillance de"),
    ("FUITE_MEMOIRE", "fuite mémoire liée à"),
    ("CONNEXION_REFUSEE", "connexion refusée par"),
    ("ENCODAGE", "problèmes d'encodage dans"),
    ("EXPIRATION", "expiration inattendue pour"),
    ("MISE_A_JOUR", "mise à jour de"),
    ("ACCES_REFUSE", "accès refusé sur"),
    ("DEPASSEMENT", "dépassement de capacité sur"),
];

/// The emoji that starts each title.
pub const TITLE_EMOJI: &[&str] =
    &["🚀", "🔧", "🛠️", "🐛", "🚑", "🔥", "📦", "🔐", "🧪", "🩺", "⚙️", "📉", "🗄️", "🌐", "⏱️", "🧹"];

/// H2 headings, one list per section, in the order of a guide.
pub const H2_CONTEXTE: &[&str] =
    &["📋 Contexte", "Contexte", "🧭 Présentation du problème", "Présentation du problème"];

pub const H2_SYMPTOMES: &[&str] = &["🔍 Symptômes", "Symptômes observés", "🚨 Symptômes fréquents"];

pub const H2_DIAGNOSTIC: &[&str] = &["🧪 Diagnostic", "Diagnostic détaillé", "🩺 Établir le diagnostic"];

pub const H2_RESOLUTION: &[&str] = &["🛠️ Résolution", "Résolution pas à pas", "🔧 Procédure de correction"];

pub const H2_VERIF: &[&str] =
    &["✅ Vérification", "Vérifier la correction", "✅ Contrôles après déploiement"];

pub const H2_PIEGES: &[&str] = &["⚠️ Pièges fréquents", "Erreurs à éviter", "⚠️ À savoir"];

pub const H2_VOIR: &[&str] = &["🔗 Voir aussi", "Guides associés", "📚 Pour aller plus loin"];

/// H3 headings of the diagnosis (no emoji: stable anchors).
pub const H3_DIAG: &[&str] = &[
    "Vérifier les journaux de l'application",
    "Contrôler la configuration active",
    "Inspecter les processus en cours",
    "Mesurer la consommation mémoire",
    "Comparer avec le dernier déploiement réussi",
    "Tester la connexion depuis un conteneur ponctuel",
    "Relire les variables d'environnement",
    "Identifier la requête fautive",
    "Examiner les métriques du routeur",
    "Reproduire le problème en local",
];

/// H3 headings of the resolution steps.
pub const H3_STEPS: &[&str] = &[
    "Corriger le fichier de processus",
    "Mettre à jour la configuration YAML",
    "Ajuster le fichier pyproject",
    "Redémarrer les processus web",
    "Purger le cache de build",
    "Régénérer les identifiants",
    "Appliquer les migrations en attente",
    "Augmenter la taille du conteneur",
    "Déclarer la bonne version de Python",
    "Réduire le nombre de workers",
    "Activer la reprise automatique",
    "Nettoyer les fichiers temporaires",
    "Recréer le déclencheur planifié",
    "Vérifier l'encodage des fichiers sources",
];

/// Application names (also the `app` of code blocks).
pub const APPS: &[&str] = &[
    "boutique-prod",
    "api-interne",
    "portail-clients",
    "facturation-v2",
    "tableau-de-bord",
    "site-vitrine",
    "agenda-medical",
    "gestion-stocks",
    "reservations",
    "espace-membre",
];

/// Process types.
pub const SERVICES: &[&str] = &["web", "worker", "clock", "release", "scheduler"];

/// WSGI/ASGI entry points of the Procfile blocks.
pub const MODULES: &[&str] =
    &["app.wsgi", "config.wsgi", "portail.asgi:application", "main:app", "serveur.wsgi"];

/// Environment variables named in sentences and code blocks.
pub const ENV_VARS: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "SENTRY_DSN",
    "WEB_CONCURRENCY",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONIOENCODING",
    "TZ",
    "LANG",
    "MAX_UPLOAD_SIZE",
    "EMAIL_HOST",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
    "LOG_LEVEL",
];

/// Project files named in sentences.
pub const FILES: &[&str] = &[
    "Procfile",
    "runtime.txt",
    "requirements.txt",
    "pyproject.toml",
    "app.json",
    "settings.py",
    "config/production.yaml",
    ".python-version",
    "manage.py",
    "celery.py",
    "docker-compose.yml",
    "nginx.conf",
    "gunicorn.conf.py",
    "Makefile",
];

/// Shell commands named in sentences.
pub const CMDS: &[&str] = &[
    "git push origin main",
    "plateforme logs --tail",
    "plateforme ps:restart web",
    "plateforme run python manage.py shell",
    "plateforme config:get DATABASE_URL",
    "plateforme releases:rollback",
    "pip install -r requirements.txt",
    "python manage.py migrate --plan",
    "curl -I https://exemple.fr/sante",
];

/// Paragraph sentences; `{name}` placeholders are filled by `guide::Writer::sentence`.
pub const SENTENCES: &[&str] = &[
    "Ce guide décrit la démarche à suivre lorsque {sujet} pose problème en production.",
    "Le problème apparaît le plus souvent juste après un déploiement ou une modification de configuration.",
    "Avant toute intervention, prévenez l'équipe d'astreinte et notez l'heure exacte du premier incident.",
    "Dans la majorité des cas, la cause est une différence entre l'environnement de développement et celui de production.",
    "Les journaux de la plateforme conservent les sept derniers jours ; au-delà, il faut consulter l'archive.",
    "Il est préférable de corriger la cause plutôt que de redémarrer en boucle les processus concernés.",
    "Si le problème persiste après ces étapes, ouvrez un ticket en joignant les journaux complets.",
    "Une mauvaise valeur dans {var} suffit à provoquer ce comportement, même si l'application démarre.",
    "Pensez à vérifier que le fichier {fichier} est bien versionné et présent dans la dernière release.",
    "L'équipe a déjà rencontré ce cas lors de la migration de {app}, documentée dans {lien}.",
    "Les métriques montrent généralement une hausse brutale du temps de réponse quelques minutes avant l'erreur.",
    "Ne modifiez jamais directement la base de production sans sauvegarde préalable.",
    "Cette procédure a été testée sur les environnements de recette et de pré-production.",
    "Le délai de propagation peut atteindre plusieurs minutes ; patientez avant de conclure à un échec.",
    "Conservez une trace de chaque commande exécutée dans le journal d'intervention.",
    "La commande `{cmd}` permet de confirmer rapidement l'état du service.",
    "Si vous utilisez des caractères accentués dans les noms de fichiers, vérifiez l'encodage UTF-8.",
    "Le comportement diffère légèrement selon que le processus `{service}` est actif ou non.",
    "Pour plus de détails sur ce point précis, consultez `{fichier_guide}`.",
    "Cette étape est idempotente : vous pouvez la relancer sans risque.",
    "Attention : la mise à l'échelle automatique peut masquer le problème pendant plusieurs heures.",
    "Le ticket d'origine mentionnait déjà une erreur similaire sur {app}, corrigée à l'époque par un redémarrage.",
];

/// Symptom bullets (`{code}`, `{err}`, `{service}`).
pub const BULLET_SYMPTOMS: &[&str] = &[
    "Le site renvoie une erreur `{code}` de façon intermittente.",
    "Les journaux affichent `{err}` à chaque requête.",
    "Le processus `{service}` redémarre toutes les quelques minutes.",
    "La consommation mémoire dépasse 95 % du quota alloué.",
    "Les tâches planifiées ne s'exécutent plus depuis le dernier déploiement.",
    "Les caractères accentués s'affichent mal (par exemple « Ã© » au lieu de « é »).",
    "Le build échoue à l'étape d'installation des dépendances.",
    "Les utilisateurs sont déconnectés après quelques secondes.",
    "Les e-mails de confirmation n'arrivent plus.",
    "❌ Le tableau de bord indique « application en échec ».",
];

/// Log messages of the symptoms and of the verification block.
pub const ERRORS: &[&str] = &[
    "H12 Request timeout",
    "R14 Memory quota exceeded",
    "ModuleNotFoundError: No module named 'app'",
    "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9",
    "connection refused (port 5432)",
    "ssl.SSLCertVerificationError",
    "OperationalError: FATAL: too many connections",
    "Killed (signal 9)",
    "boot timeout: web process failed to bind to $PORT",
];

/// Link texts; the first five have no `{h}` (heading) and serve links without an anchor.
pub const LINK_TEXTS: &[&str] = &[
    "le guide sur {t}",
    "{t}",
    "voir la procédure dédiée",
    "cette fiche",
    "le guide associé",
    "la section « {h} »",
    "l'étape « {h} »",
    "les détails ici",
];
