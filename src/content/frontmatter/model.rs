//! What a guide's front matter says once read, whatever its format and its generator.

use serde_json::{Map, Value};

/// What a guide's front matter says: carnet's keys, what other generators' keys mean to carnet
/// (`foreign`), and every other key for templates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    /// `repair = false` keeps the text exactly as it is (no mojibake repair).
    pub repair: Option<bool>,
    /// Old paths of this guide, redirected to it.
    pub aliases: Vec<String>,
    /// Old paths from other generators' keys (`redirect_from`, Grav's `routes.aliases`):
    /// redirected like `aliases`, but one that is the address of another page is only a warning
    /// (they were written for the other generator's addresses).
    pub redirect_from: Vec<String>,
    /// The page's date, `YYYY-MM-DD`: its last update (`lastmod`…) when written, else `date`.
    pub date: Option<String>,
    /// Every key but carnet's, with its value, for templates (`page.extra`); a guide keeps at
    /// most `extra::MAX_KEPT_VALUES` values and `extra::MAX_KEPT_BYTES` bytes of text.
    pub extra: Map<String, Value>,
    /// The keys that mean nothing to carnet (kept in `extra` if they fit), for `carnet check`.
    pub unknown: Vec<String>,
}
