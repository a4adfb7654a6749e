//! The values of front matter keys carnet does not read itself, kept for templates
//! (`page.extra`) within a budget per guide: `Bounded` reads one value as JSON while the budget
//! lasts; a value over it is dropped and the rest of it skipped unread, so a YAML alias inside it
//! is never expanded past the budget (`IgnoredAny` skips aliases without following them).

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Values (scalars, lists, tables, table keys) kept per guide.
pub(super) const MAX_KEPT_VALUES: usize = 1_000;

/// Bytes of text kept per guide.
pub(super) const MAX_KEPT_BYTES: usize = 64 * 1024;

/// Values read per guide, kept or not: what aliases make the reader go through again is bounded
/// by this, however many keys repeat them.
pub(super) const MAX_READ_VALUES: usize = 20_000;

/// What is left to keep and to read for one guide.
#[derive(Debug, Default)]
pub(super) struct Budget {
    kept_values: usize,
    kept_bytes: usize,
    read_values: usize,
}

impl Budget {
    /// Takes one value of `bytes` bytes; false when it cannot be kept.
    fn take(&mut self, bytes: usize) -> bool {
        self.read_values += 1;
        let fits = self.read_values <= MAX_READ_VALUES
            && self.kept_values < MAX_KEPT_VALUES
            && self.kept_bytes + bytes <= MAX_KEPT_BYTES;
        if fits {
            self.kept_values += 1;
            self.kept_bytes += bytes;
        }
        fits
    }
}

/// Reads one value within the budget: `Some` when it was kept whole, `None` when it was over
/// (what it had taken is given back, its reading stays counted).
pub(super) struct Bounded<'b>(pub &'b mut Budget);

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        let budget = self.0;
        let (values, bytes) = (budget.kept_values, budget.kept_bytes);
        let value = deserializer.deserialize_any(BoundedVisitor(&mut *budget))?;
        if value.is_none() {
            (budget.kept_values, budget.kept_bytes) = (values, bytes);
        }
        Ok(value)
    }
}

/// The key TOML's deserializer gives a date and time under (`1979-05-27T07:32:00Z`).
const TOML_DATETIME: &str = "$__toml_private_datetime";

struct BoundedVisitor<'b>(&'b mut Budget);

impl BoundedVisitor<'_> {
    fn scalar<E>(self, value: Value, bytes: usize) -> Result<Option<Value>, E> {
        Ok(self.0.take(bytes).then_some(value))
    }
}

impl<'de> Visitor<'de> for BoundedVisitor<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any front matter value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.scalar(Value::Bool(v), 1)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.scalar(Value::Number(v.into()), 8)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.scalar(Value::Number(v.into()), 8)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let value = Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number);
        self.scalar(value, 8)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.scalar(Value::String(v.to_string()), v.len())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        let bytes = v.len();
        self.scalar(Value::String(v), bytes)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        self.scalar(Value::String(String::from_utf8_lossy(v).into_owned()), v.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.scalar(Value::Null, 1)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.scalar(Value::Null, 1)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if !self.0.take(1) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(None);
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Bounded(&mut *self.0))? {
            match item {
                Some(item) => items.push(item),
                None => {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(None);
                }
            }
        }
        Ok(Some(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let kept = self.0.take(1);
        let mut table = Map::new();
        while let Some(key) = map.next_key_seed(Bounded(&mut *self.0))? {
            let key = match key {
                Some(Value::String(key)) => Some(key),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::Bool(b)) => Some(b.to_string()),
                _ => None,
            };
            let Some(key) = key.filter(|_| kept) else {
                map.next_value::<IgnoredAny>()?;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(None);
            };
            if key == TOML_DATETIME {
                let text: String = map.next_value()?;
                let bytes = text.len();
                return BoundedVisitor(self.0).scalar(Value::String(text), bytes);
            }
            match map.next_value_seed(Bounded(&mut *self.0))? {
                Some(value) => {
                    table.insert(key, value);
                }
                None => {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    return Ok(None);
                }
            }
        }
        Ok(kept.then_some(Value::Object(table)))
    }

    /// A YAML tag (`!secret valeur`): the value is kept, the tag left out.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (_, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(Bounded(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> (Option<Value>, Budget) {
        let mut budget = Budget::default();
        let value = Bounded(&mut budget).deserialize(serde_yaml_ng::Deserializer::from_str(text)).unwrap();
        (value, budget)
    }

    #[test]
    fn values_of_every_shape_are_kept_as_json() {
        let (value, _) = yaml("a: [1, 2.5, true, ~, texte]\nb: {c: d}\n3: !tag x\n");
        assert_eq!(
            value.unwrap(),
            serde_json::json!({"a": [1, 2.5, true, null, "texte"], "b": {"c": "d"}, "3": "x"})
        );
        let mut budget = Budget::default();
        let toml = toml::Deserializer::parse("d = 1979-05-27T07:32:00Z\n").unwrap();
        let value = Bounded(&mut budget).deserialize(toml).unwrap();
        assert_eq!(value.unwrap(), serde_json::json!({"d": "1979-05-27T07:32:00Z"}));
    }

    #[test]
    fn a_value_over_the_budget_is_dropped_whole_and_gives_its_share_back() {
        let big = format!("[{}]", vec!["x"; MAX_KEPT_VALUES + 1].join(","));
        let (value, budget) = yaml(&big);
        assert_eq!(value, None);
        assert_eq!((budget.kept_values, budget.kept_bytes), (0, 0));
        let long = format!("\"{}\"", "a".repeat(MAX_KEPT_BYTES + 1));
        assert_eq!(yaml(&long).0, None);
    }

    #[test]
    fn aliases_are_followed_only_within_the_budget() {
        // Billion laughs: 3,000 aliases of a 3,000-item list would be 9 million values.
        let items = vec!["x"; 3000].join(",");
        let aliases = vec!["*a"; 3000].join(",");
        let started = std::time::Instant::now();
        let (value, budget) = yaml(&format!("a: &a [{items}]\nb: [{aliases}]\n"));
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "took {:?}", started.elapsed());
        assert_eq!(value, None);
        assert!(budget.read_values <= MAX_READ_VALUES + 1, "{}", budget.read_values);
    }
}
