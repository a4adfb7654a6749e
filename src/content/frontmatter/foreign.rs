//! Front matter keys of other generators (Jekyll, Hugo, MkDocs, Docusaurus, Grav, GitBook), read
//! for what they mean to carnet, so that guides written for them build as they are. carnet's own
//! key wins when both are written; among the others, the first of each list below.
//!
//! | carnet        | other keys                                                                  |
//! |---------------|-----------------------------------------------------------------------------|
//! | `weight`      | `nav_order` (Jekyll Just the Docs), `sidebar_position` (Docusaurus), `order` |
//! | `draft`       | `published: false` (Jekyll, Grav)                                           |
//! | `description` | `summary` (Hugo), `excerpt` (Jekyll), when they are text                    |
//! | `aliases`     | `redirect_from` (Jekyll), `routes.aliases` (Grav); and the page's address  |
//! |               | there: `permalink` (Jekyll), `url` (Hugo), `routes.default` (Grav)          |
//! | `date`        | `lastmod` (Hugo), `last_modified_at`, `last_modified_date` (Jekyll),        |
//! |               | `last_update.date` (Docusaurus), then `date` (all of them)                  |

use serde_json::{Map, Value};

use super::model::FrontMatter;

/// Keys giving the weight, in order of precedence after `weight`.
const WEIGHT_KEYS: &[&str] = &["nav_order", "sidebar_position", "order"];

/// Keys giving the description when they are text, after `description`.
const DESCRIPTION_KEYS: &[&str] = &["summary", "excerpt"];

/// Keys giving the page's date: its last update first, then its date of writing.
const DATE_KEYS: &[&str] = &["lastmod", "last_modified_at", "last_modified_date", "last_update", "date"];

/// Every key `understand` may read, whose values are read within a budget of their own (a guide
/// with a lot of other keys keeps its `nav_order`).
pub(super) const KEYS: &[&str] = &[
    "nav_order",
    "sidebar_position",
    "order",
    "published",
    "summary",
    "excerpt",
    "lastmod",
    "last_modified_at",
    "last_modified_date",
    "last_update",
    "date",
    "redirect_from",
    "routes",
    "permalink",
    "url",
];

/// What reading the other generators' keys found: the values carnet could not use (key, why),
/// for warnings.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Understood {
    pub unusable: Vec<(&'static str, String)>,
}

/// Sets what `extra` (every key carnet does not read itself) says in other generators' words,
/// where carnet's own keys (`own`, the ones written) left it unset.
pub(super) fn understand(front: &mut FrontMatter, extra: &Map<String, Value>, own: &[&str]) -> Understood {
    let mut understood = Understood::default();
    if !own.contains(&"weight") {
        front.weight = first(extra, WEIGHT_KEYS, &mut understood, weight);
    }
    if !own.contains(&"draft") && extra.get("published") == Some(&Value::Bool(false)) {
        front.draft = true;
    }
    if !own.contains(&"description") {
        front.description =
            first(extra, DESCRIPTION_KEYS, &mut understood, |v| v.as_str().map(str::to_string));
    }
    front.date = first(extra, DATE_KEYS, &mut understood, date);
    let routes = extra.get("routes");
    let addresses = ["redirect_from", "permalink", "url"].map(|key| extra.get(key));
    let grav = ["aliases", "default", "canonical"].map(|key| routes.and_then(|routes| routes.get(key)));
    for value in addresses.into_iter().chain(grav).flatten() {
        front.redirect_from.extend(paths(value));
    }
    understood
}

/// The value of the first key of `keys` that `read` understands; a key written with a value it
/// does not understand is reported (and the next one tried).
fn first<T>(
    extra: &Map<String, Value>,
    keys: &[&'static str],
    understood: &mut Understood,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    for &key in keys {
        let Some(value) = extra.get(key) else { continue };
        match read(value) {
            Some(found) => return Some(found),
            None if key == "summary" && value.is_object() => {} // Grav's summary settings.
            None if key == "last_update" => {}                  // Docusaurus: an author only.
            None => {
                understood.unusable.push((key, format!("`{key}: {}` is not {}", shown(value), meant(key))))
            }
        }
    }
    None
}

fn meant(key: &str) -> &'static str {
    if WEIGHT_KEYS.contains(&key) {
        "a number: not used to order the guides"
    } else if DATE_KEYS.contains(&key) {
        "a date (YYYY-MM-DD): not used as the page's date"
    } else {
        "text: not used as the description"
    }
}

fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// A weight: an integer, or a decimal number rounded down (`1.5` orders between 1 and 2 only
/// by title).
fn weight(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `YYYY-MM-DD` from a date as generators write it: `2024-03-01`, `2024-03-01T10:00:00Z`,
/// `2024-03-01 10:00:00 +0100`, Grav's `03/01/2024` (month first) and `01-03-2024` (day first),
/// or Docusaurus' `{date: …, author: …}`.
fn date(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => text.split([' ', 'T']).find_map(calendar_date),
        Value::Object(table) => table.get("date").and_then(date),
        _ => None,
    }
}

fn calendar_date(token: &str) -> Option<String> {
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| s.chars().all(|c| c.is_ascii_digit()));
    let (year, month, day) = match token.split(['-', '/']).collect::<Vec<_>>()[..] {
        [y, m, d] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        [m, d, y] if y.len() == 4 && token.contains('/') => (number(y)?, number(m)?, number(d)?),
        [d, m, y] if y.len() == 4 => (number(y)?, number(m)?, number(d)?),
        _ => return None,
    };
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// Addresses of the page on the other generator's site: one path, or a list of them. Patterns
/// (`/:categories/:title/`) and URLs of other sites are left out.
fn paths(value: &Value) -> Vec<String> {
    let path = |text: &str| (!text.contains(':')).then(|| text.to_string());
    match value {
        Value::String(text) => path(text).into_iter().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_str).filter_map(path).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn understood(extra: Value, own: &[&str]) -> (FrontMatter, Understood) {
        let mut front = FrontMatter::default();
        let Value::Object(extra) = extra else { panic!() };
        let understood = understand(&mut front, &extra, own);
        (front, understood)
    }

    #[test]
    fn weights_of_every_generator() {
        assert_eq!(understood(json!({"nav_order": 3}), &[]).0.weight, Some(3));
        assert_eq!(understood(json!({"sidebar_position": 2.5}), &[]).0.weight, Some(2));
        assert_eq!(understood(json!({"order": "7"}), &[]).0.weight, Some(7));
        assert_eq!(understood(json!({"order": 1, "nav_order": 9}), &[]).0.weight, Some(9), "nav_order first");
        assert_eq!(understood(json!({"nav_order": 3}), &["weight"]).0.weight, None, "carnet's own key wins");
        let (front, found) = understood(json!({"nav_order": "premier", "order": 4}), &[]);
        assert_eq!(front.weight, Some(4));
        assert_eq!(found.unusable[0].0, "nav_order");
    }

    #[test]
    fn drafts_descriptions_and_redirects() {
        let (front, _) = understood(
            json!({"published": false, "excerpt": "Court", "redirect_from": ["/ancien/", "/vieux.html"],
                   "permalink": "/:categories/:title/", "url": "https://ailleurs.org/x",
                   "routes": {"default": "/x", "aliases": ["/autre"]}}),
            &[],
        );
        assert!(front.draft);
        assert_eq!(front.description.as_deref(), Some("Court"));
        assert_eq!(front.redirect_from, ["/ancien/", "/vieux.html", "/autre", "/x"]);
        assert_eq!(understood(json!({"permalink": "/contact/"}), &[]).0.redirect_from, ["/contact/"]);
        assert!(!understood(json!({"published": true}), &[]).0.draft);
        assert!(!understood(json!({"published": false}), &["draft"]).0.draft);
        let grav_summary = understood(json!({"summary": {"enabled": false}}), &[]);
        assert_eq!((grav_summary.0.description, grav_summary.1), (None, Understood::default()));
        assert_eq!(understood(json!({"redirect_from": "/seul/"}), &[]).0.redirect_from, ["/seul/"]);
    }

    #[test]
    fn dates_as_generators_write_them_the_last_update_first() {
        let date_of = |extra: Value| understood(extra, &[]).0.date;
        assert_eq!(date_of(json!({"date": "2024-03-01"})).as_deref(), Some("2024-03-01"));
        assert_eq!(date_of(json!({"date": "2024-03-01T10:00:00Z"})).as_deref(), Some("2024-03-01"));
        assert_eq!(date_of(json!({"date": "2019-05-01 10:00:00 +0200"})).as_deref(), Some("2019-05-01"));
        assert_eq!(date_of(json!({"date": "17:14 03/01/2014"})).as_deref(), Some("2014-03-01"), "Grav m/d/y");
        assert_eq!(date_of(json!({"date": "01-03-2014"})).as_deref(), Some("2014-03-01"), "Grav d-m-y");
        assert_eq!(
            date_of(json!({"date": "2020-01-01", "lastmod": "2024-06-30"})).as_deref(),
            Some("2024-06-30"),
            "the last update first"
        );
        let docusaurus = json!({"last_update": {"date": "2023-02-03", "author": "Lou"}});
        assert_eq!(date_of(docusaurus).as_deref(), Some("2023-02-03"));
        let (front, found) = understood(json!({"date": "hier"}), &[]);
        assert_eq!(front.date, None);
        assert_eq!(
            found.unusable,
            [("date", "`date: hier` is not a date (YYYY-MM-DD): not used as the page's date".into())]
        );
        assert_eq!(date_of(json!({"date": "2024-13-01"})), None);
    }
}
