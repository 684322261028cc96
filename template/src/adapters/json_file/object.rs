//! A record's JSON object read field by field, for what the record's own
//! `Fields` cannot say: a key given twice, and which field is wrong.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::position::{Spot, message, offset_in};

/// A string from the file, borrowed where it holds no escapes.
pub struct Str<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor)
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Owned(text.to_owned())))
    }
}

/// Why a record's text is not an object with each key once.
pub enum NotAnObject<'a> {
    /// Not JSON: serde_json says where and why.
    Json(serde_json::Error),
    /// JSON, but not an object.
    NotObject,
    /// A key given twice, which JSON leaves open to any reading: the key,
    /// its second value, and the object's first `"id"`, to name it by.
    Twice(Str<'a>, &'a RawValue, Option<u64>),
}

impl NotAnObject<'_> {
    /// Where in `raw` and what is wrong, for the record `what` names.
    pub fn explained(self, raw: &str, what: &str, noun: &str) -> (usize, String) {
        match self {
            Self::Json(e) => (offset_in(raw, &e), format!("{what}: {}", message(&e))),
            Self::NotObject => (0, format!("each {noun} must be a JSON object")),
            Self::Twice(key, value, id) => {
                let at = Spot::of(raw.as_bytes(), value).offset;
                let what = id.map_or_else(|| what.to_owned(), |id| format!("{noun} {id}"));
                (at, format!("{what}: {:?} is given twice", key.0))
            }
        }
    }
}

/// The fields of a JSON object, in the file's order, each as its raw text.
pub struct Object<'a>(Vec<(Str<'a>, &'a RawValue)>);

impl<'a> Object<'a> {
    pub fn parse(raw: &'a str) -> Result<Self, NotAnObject<'a>> {
        match serde_json::from_str::<Members<&'a RawValue>>(raw) {
            Ok(Members {
                twice: Some((key, value)),
                fields,
            }) => {
                let mut fields = Self(fields);
                let id = fields.optional("id", "").ok().flatten();
                Err(NotAnObject::Twice(key, value, id))
            }
            Ok(Members { fields, .. }) => Ok(Self(fields)),
            Err(e) if e.is_data() => Err(NotAnObject::NotObject),
            Err(e) => Err(NotAnObject::Json(e)),
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
pub fn unique_keys(raw: &str) -> Result<(), NotAnObject<'_>> {
    match serde_json::from_str::<Members<IgnoredAny>>(raw) {
        Ok(Members { twice: None, .. }) => Ok(()),
        // Read again in full, to say where and to name the record.
        Ok(_) => Object::parse(raw).map(drop),
        Err(e) if e.is_data() => Err(NotAnObject::NotObject),
        Err(e) => Err(NotAnObject::Json(e)),
    }
}

/// Why `raw` did not decode as a record's `Fields` (the error `e`), said
/// field by field: which key is missing, or which field holds what is wrong.
pub fn explain(raw: &str, e: &serde_json::Error, what: &str, noun: &str) -> (usize, String) {
    if !e.is_data() {
        return (offset_in(raw, e), format!("{what}: {}", message(e)));
    }
    let fields = match Object::parse(raw) {
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
struct Members<'a, V> {
    fields: Vec<(Str<'a>, V)>,
    twice: Option<(Str<'a>, V)>,
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Members<'de, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MembersVisitor(std::marker::PhantomData))
    }
}

struct MembersVisitor<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for MembersVisitor<V> {
    type Value = Members<'de, V>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Members {
            fields: Vec::with_capacity(8),
            twice: None,
        };
        while let Some(key) = map.next_key::<Str>()? {
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
