//! A record's JSON object read field by field, for what the record's own
//! `Fields` cannot say: a key given twice, and which field is wrong.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::position::{Spot, message, offset_in};

/// A string from the file, borrowed where it holds no escapes.
pub struct Text<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }
}

/// Why a record's text is not an object with each key once.
pub enum NotFields<'a> {
    /// Not JSON: serde_json says where and why.
    Json(serde_json::Error),
    /// JSON, but not an object.
    NotAnObject,
    /// A key given twice, which JSON leaves open to any reading: the key,
    /// its second value, and the object's first `"id"`, to name it by.
    Twice(Text<'a>, &'a RawValue, Option<u64>),
}

impl NotFields<'_> {
    /// Where in `raw` and what is wrong, for the record `what` names.
    pub fn explained(self, raw: &str, what: &str, noun: &str) -> (usize, String) {
        match self {
            Self::Json(e) => (offset_in(raw, &e), format!("{what}: {}", message(&e))),
            Self::NotAnObject => (0, format!("each {noun} must be a JSON object")),
            Self::Twice(key, value, id) => {
                let at = Spot::of(raw.as_bytes(), value).offset;
                let what = id.map_or_else(|| what.to_owned(), |id| format!("{noun} {id}"));
                (at, format!("{what}: {:?} is given twice", key.0))
            }
        }
    }
}

/// The fields of a JSON object, in the file's order, each as its raw text.
pub struct Fields<'a>(Vec<(Text<'a>, &'a RawValue)>);

impl<'a> Fields<'a> {
    pub fn parse(raw: &'a str) -> Result<Self, NotFields<'a>> {
        match serde_json::from_str::<Object<&'a RawValue>>(raw) {
            Ok(Object {
                twice: Some((key, value)),
                fields,
            }) => {
                let mut fields = Self(fields);
                let id = fields.optional("id", "").ok().flatten();
                Err(NotFields::Twice(key, value, id))
            }
            Ok(Object { fields, .. }) => Ok(Self(fields)),
            Err(e) if e.is_data() => Err(NotFields::NotAnObject),
            Err(e) => Err(NotFields::Json(e)),
        }
    }

    /// Each field's key and raw value, in the file's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.0.as_ref(), value.get()))
    }

    /// The value of `key`, which the record `what` names must have; the
    /// error says where in the record's text and what is wrong.
    pub fn take<T: Deserialize<'a>>(
        &mut self,
        key: &str,
        what: &str,
    ) -> Result<T, (usize, String)> {
        self.optional(key, what)?
            .ok_or_else(|| (0, format!("{what} has no \"{key}\"")))
    }

    /// The value of `key`, if the record has one.
    pub fn optional<T: Deserialize<'a>>(
        &mut self,
        key: &str,
        what: &str,
    ) -> Result<Option<T>, (usize, String)> {
        let Some(at) = self.0.iter().position(|(k, _)| k.0 == key) else {
            return Ok(None);
        };
        let (_, raw) = self.0.swap_remove(at);
        serde_json::from_str(raw.get())
            .map(Some)
            .map_err(|e| (0, format!("{what}: \"{key}\": {}", message(&e))))
    }
}

/// Whether `raw` is a JSON object with each key once: the check of every
/// line before a list is written back, so it only looks at the keys.
pub fn unique_keys(raw: &str) -> Result<(), NotFields<'_>> {
    match serde_json::from_str::<Object<IgnoredAny>>(raw) {
        Ok(Object { twice: None, .. }) => Ok(()),
        // Read again in full, to say where and to name the record.
        Ok(_) => Fields::parse(raw).map(drop),
        Err(e) if e.is_data() => Err(NotFields::NotAnObject),
        Err(e) => Err(NotFields::Json(e)),
    }
}

/// Why `raw` did not decode as a record's `Fields` (the error `e`), said
/// field by field: which key is missing, or which field holds what is wrong.
pub fn explain(raw: &str, e: &serde_json::Error, what: &str, noun: &str) -> (usize, String) {
    if !e.is_data() {
        return (offset_in(raw, e), format!("{what}: {}", message(e)));
    }
    let fields = match Fields::parse(raw) {
        Ok(fields) => fields,
        Err(not) => return not.explained(raw, what, noun),
    };
    let message = message(e);
    if let Some(key) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return (0, format!("{what} has no \"{key}\""));
    }
    let at = offset_in(raw, e);
    let holder = fields
        .0
        .iter()
        .filter(|(_, value)| Spot::of(raw.as_bytes(), value).offset <= at)
        .max_by_key(|(_, value)| Spot::of(raw.as_bytes(), value).offset);
    match holder {
        Some((key, _)) => (0, format!("{what}: \"{}\": {message}", key.0)),
        None => (0, format!("{what}: {message}")),
    }
}

/// An object's fields, with values read as `V`, and the first key given twice.
struct Object<'a, V> {
    fields: Vec<(Text<'a>, V)>,
    twice: Option<(Text<'a>, V)>,
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Object<'de, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
    }
}

struct ObjectVisitor<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for ObjectVisitor<V> {
    type Value = Object<'de, V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Object {
            fields: Vec::with_capacity(8),
            twice: None,
        };
        while let Some(key) = map.next_key::<Text>()? {
            let value = map.next_value()?;
            if object.twice.is_none() && object.fields.iter().any(|(k, _)| k.0 == key.0) {
                object.twice = Some((key, value));
            } else {
                object.fields.push((key, value));
            }
        }
        Ok(object)
    }
}
