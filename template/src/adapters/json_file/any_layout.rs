//! The way in for a list in any layout (hand-edited, reformatted, or with
//! fields this version does not know): a JSON parser, which also explains
//! what is wrong with a file that is not a list.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use ulid::Ulid;

use super::document::Parts;
use super::layout::{self, VERSION};
use super::object::{Object, Str};
use super::position::{Spot, positioned};
use super::record::JsonRecord;
use super::source::{Checks, FormatError, Source, Stored};
use crate::domain::{Id, parse_ulid};

/// Reads the list in `source`. Every record's number and ULID are read;
/// with `Checks::All`, so is every record's set of keys.
pub fn read<R: JsonRecord>(source: &Arc<Source>, checks: Checks) -> Result<Parts<R>, FormatError> {
    let text =
        std::str::from_utf8(source.bytes()).map_err(|e| FormatError::NotText(e.valid_up_to()))?;
    if text.trim().is_empty() {
        return Ok(Parts {
            next_id: 1,
            unknown_top: Default::default(),
            entries: Vec::new(),
            lines_check: None,
        });
    }
    let at_start = Spot {
        text: text.as_bytes(),
        offset: 0,
    };
    let collection = R::COLLECTION;
    let mut json = serde_json::Deserializer::from_str(text);
    let top = TopSeed::<R>(PhantomData)
        .deserialize(&mut json)
        .and_then(|top| json.end().map(|()| top))
        .map_err(|e| positioned(text, &e))?;
    let version = top
        .version
        .ok_or_else(|| at_start.error("the list has no \"version\"".into()))?;
    if version > VERSION {
        return Err(FormatError::Newer(version));
    }
    if version != VERSION {
        return Err(at_start.error(format!("unknown format version {version}")));
    }
    let next_id = top
        .next_id
        .ok_or_else(|| at_start.error("the list has no \"next_id\"".into()))?;
    let items = top
        .records
        .ok_or_else(|| at_start.error(format!("the list has no \"{collection}\"")))?;

    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let here = Spot::of(text.as_bytes(), item);
        let (id, ulid) = identify::<R>(item.get(), checks)
            .map_err(|(at, message)| here.plus(at).error(message))?;
        let end = here.offset + item.get().len();
        entries.push(Stored::Read {
            id,
            ulid,
            source: Arc::clone(source),
            span: here.offset..end,
        });
    }
    let unknown_top = top
        .unknown
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();
    Ok(Parts {
        next_id,
        unknown_top,
        entries,
        lines_check: None,
    })
}

/// A record's number and ULID: read straight off the layout `render`
/// writes, or from the JSON in any other layout. Checking everything reads
/// each record's keys, to find one given twice. The error says where in
/// `raw` and what is wrong.
pub(super) fn identify<R: JsonRecord>(
    raw: &str,
    checks: Checks,
) -> Result<(Id, Ulid), (usize, String)> {
    if checks == Checks::Shape
        && let Some(found) = layout::read_identity(raw.as_bytes())
    {
        return Ok(found);
    }
    let nameless = R::WORDS.a_one;
    let mut fields = Object::parse(raw).map_err(|e| e.explained(raw, nameless, R::WORDS.one))?;
    let id: u64 = fields.take("id", nameless)?;
    let what = format!("{} {id}", R::WORDS.one);
    let ulid: Str = fields.take("ulid", &what)?;
    let ulid = parse_ulid(&ulid.0)
        .ok_or_else(|| (0, format!("{what}: \"ulid\" is not a ULID: {:?}", ulid.0)))?;
    Ok((Id(id), ulid))
}

/// The top level of the file, read in one pass; records are kept as spans.
struct Top<'a> {
    version: Option<u64>,
    next_id: Option<u64>,
    records: Option<Vec<&'a RawValue>>,
    unknown: Vec<(String, &'a RawValue)>,
}

/// Reads a `Top` for the record `R`, whose array has its own key.
struct TopSeed<R>(PhantomData<R>);

impl<'de, R: JsonRecord> DeserializeSeed<'de> for TopSeed<R> {
    type Value = Top<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: JsonRecord> Visitor<'de> for TopSeed<R> {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "a JSON object with \"version\", \"next_id\" and \"{}\"",
            R::COLLECTION
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = Top {
            version: None,
            next_id: None,
            records: None,
            unknown: Vec::new(),
        };
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<Cow<str>>()? {
            // Which of two values counts is anyone's guess: refuse to guess.
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!("{key:?} is given twice")));
            }
            match key.as_ref() {
                "version" => top.version = Some(map.next_value()?),
                "next_id" => top.next_id = Some(map.next_value()?),
                k if k == R::COLLECTION => {
                    top.records = map.next_value_seed(RecordsSeed::<R> {
                        version: top.version,
                        record: PhantomData,
                    })?
                }
                _ => top.unknown.push((key.into_owned(), map.next_value()?)),
            }
        }
        Ok(top)
    }
}

/// The records' array, each record as its raw text. A list whose version
/// came first and is newer than this one may shape its records otherwise:
/// skipped.
struct RecordsSeed<R> {
    version: Option<u64>,
    record: PhantomData<R>,
}

impl<'de, R: JsonRecord> DeserializeSeed<'de> for RecordsSeed<R> {
    type Value = Option<Vec<&'de RawValue>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.version.is_some_and(|v| v > VERSION) {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Some(Vec::new()));
        }
        deserializer.deserialize_seq(self).map(Some)
    }
}

impl<'de, R: JsonRecord> Visitor<'de> for RecordsSeed<R> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "\"{}\" to be an array", R::COLLECTION)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}
