//! The `todo.json` format, version 1: one todo per line, unknown fields kept.
//!
//! Opening a list reads what every command needs: the header, and each
//! todo's number and ULID. The rest of a todo is read only when it is shown,
//! searched or completed, and a todo nobody touched is written back byte for
//! byte, unknown fields and all.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use ulid::Ulid;

use super::parallel;
use crate::domain::{
    Entry, InvalidList, Needle, Title, Todo, TodoId, TodoList, UnreadableTodo, parse_ulid,
};

pub const VERSION: u64 = 1;

/// A list as stored, with the top-level fields this version does not know.
#[derive(Debug, Default)]
pub struct Document {
    pub list: TodoList<StoredTodo>,
    unknown_top: BTreeMap<String, Box<RawValue>>,
}

/// The text of a list file, shared by the todos read from it.
pub struct Source {
    /// How messages name the file.
    name: String,
    /// Checked as far as the list was opened with `Checks` asked.
    bytes: Box<dyn AsRef<[u8]> + Send + Sync>,
}

impl Source {
    fn bytes(&self) -> &[u8] {
        self.bytes.as_ref().as_ref()
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish()
    }
}

/// A todo read from the file, as the span of text it takes there, or added since.
#[derive(Debug, Clone)]
pub enum StoredTodo {
    Read {
        id: TodoId,
        ulid: Ulid,
        source: Arc<Source>,
        span: Range<usize>,
    },
    Added(Box<Todo>),
}

impl From<Todo> for StoredTodo {
    fn from(todo: Todo) -> Self {
        Self::Added(Box::new(todo))
    }
}

impl Entry for StoredTodo {
    fn id(&self) -> TodoId {
        match self {
            Self::Read { id, .. } => *id,
            Self::Added(todo) => todo.id,
        }
    }

    fn ulid(&self) -> Ulid {
        match self {
            Self::Read { ulid, .. } => *ulid,
            Self::Added(todo) => todo.ulid,
        }
    }

    fn todo(&self) -> Result<Todo, UnreadableTodo> {
        match self {
            Self::Read {
                id,
                ulid,
                source,
                span,
            } => {
                let raw = std::str::from_utf8(&source.bytes()[span.clone()]);
                let decoded = match raw {
                    Ok(raw) => decode_todo(*id, *ulid, raw),
                    Err(e) => Err((e.valid_up_to(), format!("todo {id} is not UTF-8 text"))),
                };
                decoded.map_err(|(at, message)| {
                    let spot = Spot {
                        text: source.bytes(),
                        offset: span.start + at,
                    };
                    UnreadableTodo(format!(
                        "{} is not a todo list we can use: {}",
                        source.name,
                        spot.error(message)
                    ))
                })
            }
            Self::Added(todo) => Ok(Todo::clone(todo)),
        }
    }

    /// Searches the file's text once, rather than todo by todo, a part per
    /// core. A todo may mention the needle if the needle occurs in its text,
    /// or if its text has escapes or characters beyond ASCII, which only
    /// decoding can judge. A needle that cannot be searched for as ASCII
    /// makes every todo worth reading.
    fn may_mention(entries: &[Self], needle: &Needle) -> Vec<bool> {
        let every = || vec![true; entries.len()];
        let Some(Self::Read { source, .. }) =
            entries.iter().find(|e| matches!(e, Self::Read { .. }))
        else {
            return every();
        };
        let parts =
            parallel::even_ranges(entries.len(), parallel::part_count(source.bytes().len()));
        let found = parallel::each(parts, |part| may_mention_in(&entries[part], source, needle));
        match found.into_iter().collect::<Option<Vec<_>>>() {
            Some(parts) => parts.concat(),
            None => every(),
        }
    }
}

/// `may_mention` for `entries`, where those read from `source` lie in the
/// order of the file.
fn may_mention_in(
    entries: &[StoredTodo],
    source: &Arc<Source>,
    needle: &Needle,
) -> Option<Vec<bool>> {
    let from_source = |entry: &StoredTodo| match entry {
        StoredTodo::Read {
            source: from, span, ..
        } if Arc::ptr_eq(from, source) => Some(span.clone()),
        _ => None,
    };
    let start = entries.iter().find_map(from_source).map_or(0, |s| s.start);
    let end = entries
        .iter()
        .rev()
        .find_map(from_source)
        .map_or(0, |s| s.end);
    let text = &source.bytes()[start..end.max(start)];
    let mut marks = needle.ascii_matches(text)?;
    marks.extend(memchr::memchr_iter(b'\\', text));
    marks.sort_unstable();
    let marked = |span: Range<usize>| {
        let span = span.start - start..span.end - start;
        let first = marks.partition_point(|&at| at < span.start);
        marks.get(first).is_some_and(|&at| at < span.end) || !text[span].is_ascii()
    };
    Some(
        entries
            .iter()
            .map(|entry| from_source(entry).is_none_or(marked))
            .collect(),
    )
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("it is format version {0}, and this version of my-todo reads version {VERSION}")]
    Newer(u64),
    #[error("it is not UTF-8 text (invalid byte at offset {0})")]
    NotText(usize),
    #[error(transparent)]
    Invalid(#[from] InvalidList),
}

/// How much of a list to check when opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Everything: what a command that writes the list back needs, so that
    /// it never writes over a file it could not read.
    All,
    /// The shape of the list, and each todo's number and ULID, once each;
    /// what a todo says is checked when that todo is read. For a list in
    /// the layout `render` writes, this skips checking that every other
    /// todo's line is JSON, which is most of the work of opening a long list.
    Shape,
}

/// Reads a list from the bytes of a file; `name` is how messages about its
/// todos name the file.
pub fn parse(
    name: &str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    checks: Checks,
) -> Result<Document, FormatError> {
    let source = Arc::new(Source {
        name: name.to_owned(),
        bytes: Box::new(bytes),
    });
    if let Some((next_id, entries)) = read_as_written(&source, checks) {
        return Ok(Document {
            list: TodoList::from_parts(next_id, entries)?,
            unknown_top: BTreeMap::new(),
        });
    }
    read_any_layout(&source, checks)
}

/// What `render` writes around the todos of a list with no fields beyond this version's.
const HEAD: &[u8] = b"{\n  \"version\": 1,\n  \"next_id\": ";
const TODOS: &[u8] = b",\n  \"todos\": [";
const NO_TODOS: &[u8] = b"]\n}\n";
const TAIL: &[u8] = b"\n  ]\n}\n";
/// What comes before each todo's line in that layout.
const INDENT: &str = "\n    ";

/// A list laid out exactly as `render` writes it, with one todo per line.
/// Checking that each line is JSON is most of the work of opening a long
/// list: when asked for, it is shared out a part per core, while this
/// thread reads each todo's number and ULID. `None` for any other layout,
/// and for anything amiss, which `read_any_layout` then reads or explains.
fn read_as_written(source: &Arc<Source>, checks: Checks) -> Option<(u64, Vec<StoredTodo>)> {
    let bytes = source.bytes();
    let rest = bytes.strip_prefix(HEAD)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 1 && rest[0] == b'0' {
        return None; // JSON numbers have no leading zeros
    }
    let next_id = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let rest = rest[digits..].strip_prefix(TODOS)?;
    if rest == NO_TODOS {
        return Some((next_id, Vec::new()));
    }
    let lines = rest.strip_suffix(TAIL)?;
    let start = bytes.len() - rest.len();
    if checks == Checks::Shape {
        return Some((next_id, todos_on_lines(source, start, lines)?));
    }
    let parts = line_parts(lines, parallel::part_count(lines.len()));
    let mut done = parallel::each(parts.into_iter().enumerate().collect(), |(n, part)| {
        let json = lines_are_json(&lines[part]);
        match n {
            0 if json => todos_on_lines(source, start, lines),
            _ => json.then(Vec::new),
        }
    });
    let entries = done
        .iter()
        .all(Option::is_some)
        .then(|| done.swap_remove(0))??;
    Some((next_id, entries))
}

/// `lines` cut into about `count` parts, each a run of whole lines that
/// begins where a line does. The first part is checked on the thread that
/// also reads every todo's number and ULID, so it is half the size of the others.
fn line_parts(lines: &[u8], count: usize) -> Vec<Range<usize>> {
    let share = lines.len() * 2 / (2 * count).saturating_sub(1).max(1);
    let mut cuts = vec![0];
    for n in 1..count {
        let from = (share / 2 + (n - 1) * share).max(cuts[cuts.len() - 1] + 1);
        if let Some(found) = lines
            .get(from..)
            .and_then(|after| memchr::memchr(b'\n', after))
        {
            cuts.push(from + found);
        }
    }
    cuts.push(lines.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Whether each line of `lines`, less its indent and comma, is a JSON
/// object with no key twice.
fn lines_are_json(lines: &[u8]) -> bool {
    // Parts begin at a line break, so each holds whole characters.
    let Ok(text) = std::str::from_utf8(lines) else {
        return false;
    };
    let ends = memchr::memchr_iter(b'\n', lines)
        .skip(1)
        .chain([lines.len()]);
    let starts = memchr::memchr_iter(b'\n', lines);
    starts.zip(ends).all(|(start, end)| {
        let line = text[start..end].trim_start().trim_end_matches(',');
        Fields::parse(line).is_ok()
    })
}

/// The todos on `lines`, which begin at `start` in the file: each line an
/// indent, a todo, and a comma but after the very last.
fn todos_on_lines(source: &Arc<Source>, start: usize, lines: &[u8]) -> Option<Vec<StoredTodo>> {
    let mut entries = Vec::new();
    let (mut rest, mut at) = (lines, start);
    while !rest.is_empty() {
        let line = rest.strip_prefix(INDENT.as_bytes())?;
        let end = memchr::memchr(b'\n', line).unwrap_or(line.len());
        let (todo, more) = line.split_at(end);
        let todo = if more.is_empty() {
            todo
        } else {
            todo.strip_suffix(b",")?
        };
        let (id, ulid) = identify_written_layout(todo)?;
        let begin = at + INDENT.len();
        entries.push(StoredTodo::Read {
            id,
            ulid,
            source: Arc::clone(source),
            span: begin..begin + todo.len(),
        });
        at = begin + end;
        rest = more;
    }
    Some(entries)
}

/// A list in any layout, read by a JSON parser, which explains what is wrong.
fn read_any_layout(source: &Arc<Source>, checks: Checks) -> Result<Document, FormatError> {
    let text =
        std::str::from_utf8(source.bytes()).map_err(|e| FormatError::NotText(e.valid_up_to()))?;
    if text.trim().is_empty() {
        return Ok(Document::default());
    }
    let at_start = Spot {
        text: text.as_bytes(),
        offset: 0,
    };
    let top: Top = serde_json::from_str(text).map_err(|e| positioned(&e))?;
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
        .todos
        .ok_or_else(|| at_start.error("the list has no \"todos\"".into()))?;

    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let here = Spot::of(text.as_bytes(), item);
        let (id, ulid) = identify(item.get(), checks).map_err(|(at, message)| {
            Spot {
                offset: here.offset + at,
                ..here
            }
            .error(message)
        })?;
        let end = here.offset + item.get().len();
        entries.push(StoredTodo::Read {
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
    Ok(Document {
        list: TodoList::from_parts(next_id, entries)?,
        unknown_top,
    })
}

/// The top level of the file, read in one pass; todos are kept as spans.
struct Top<'a> {
    version: Option<u64>,
    next_id: Option<u64>,
    todos: Option<Vec<&'a RawValue>>,
    unknown: Vec<(String, &'a RawValue)>,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with \"version\", \"next_id\" and \"todos\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = Top {
            version: None,
            next_id: None,
            todos: None,
            unknown: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<Cow<str>>()? {
            // Which of two values counts is anyone's guess: refuse to guess.
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!("{key:?} is given twice")));
            }
            match key.as_ref() {
                "version" => top.version = Some(map.next_value()?),
                "next_id" => top.next_id = Some(map.next_value()?),
                "todos" => {
                    top.todos = map.next_value_seed(TodosSeed {
                        version: top.version,
                    })?
                }
                _ => top.unknown.push((key.into_owned(), map.next_value()?)),
            }
        }
        Ok(top)
    }
}

/// The todos array, each todo as its raw text. A list whose version came
/// first and is newer than this one may shape its todos otherwise: skipped.
struct TodosSeed {
    version: Option<u64>,
}

impl<'de> DeserializeSeed<'de> for TodosSeed {
    type Value = Option<Vec<&'de RawValue>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.version.is_some_and(|v| v > VERSION) {
            IgnoredAny::deserialize(deserializer)?;
            return Ok(Some(Vec::new()));
        }
        deserializer.deserialize_seq(TodosVisitor).map(Some)
    }
}

struct TodosVisitor;

impl<'de> Visitor<'de> for TodosVisitor {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"todos\" to be an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// A todo's number and ULID: read straight off the layout this module
/// writes, or from the JSON in any other layout. Checking every todo in
/// full reads each todo's fields, to find a key given twice. The error says
/// where in `raw` and what is wrong.
fn identify(raw: &str, checks: Checks) -> Result<(TodoId, Ulid), (usize, String)> {
    if checks == Checks::Shape
        && let Some(found) = identify_written_layout(raw.as_bytes())
    {
        return Ok(found);
    }
    let mut fields = Fields::parse(raw).map_err(|e| e.explained(raw, "a todo"))?;
    let id: u64 = fields.take("id", "a todo")?;
    let what = format!("todo {id}");
    let ulid: Text = fields.take("ulid", &what)?;
    let ulid = parse_ulid(&ulid.0)
        .ok_or_else(|| (0, format!("{what}: \"ulid\" is not a ULID: {:?}", ulid.0)))?;
    Ok((TodoId(id), ulid))
}

/// `{"id": 12, "ulid": "01…",` as `render_todo` writes it, read without a parser.
fn identify_written_layout(raw: &[u8]) -> Option<(TodoId, Ulid)> {
    let rest = raw.strip_prefix(b"{\"id\": ")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 1 && rest[0] == b'0' {
        return None; // JSON numbers have no leading zeros
    }
    let id = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    let rest = rest[digits..].strip_prefix(b", \"ulid\": \"")?;
    let ulid = parse_ulid(std::str::from_utf8(rest.get(..26)?).ok()?)?;
    (rest.get(26) == Some(&b'"')).then_some((TodoId(id), ulid))
}

/// The rest of a todo whose number and ULID were read when the list was
/// opened; the error says where in `raw` and what is wrong with it.
fn decode_todo(id: TodoId, ulid: Ulid, raw: &str) -> Result<Todo, (usize, String)> {
    let what = format!("todo {id}");
    let mut fields = Fields::parse(raw).map_err(|e| e.explained(raw, &what))?;
    let title: Text = fields.take("title", &what)?;
    let description: Option<Text> = fields.optional("description", &what)?;
    let created_at: Text = fields.take("created_at", &what)?;
    let title = Title::new(&title.0).map_err(|e| (0, format!("{what}: {e}")))?;
    let created_at: Timestamp = created_at.0.parse().map_err(|_| {
        let message = format!(
            "{what}: \"created_at\" is not an RFC 3339 time: {:?}",
            created_at.0
        );
        (0, message)
    })?;
    Ok(Todo {
        id,
        ulid,
        title,
        description: description.map(|d| d.0.into_owned()).unwrap_or_default(),
        created_at,
    })
}

/// Where in `text` serde_json found `e`.
fn offset_in(text: &str, e: &serde_json::Error) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + e.column().saturating_sub(1)).min(text.len())
}

/// A string from the file, borrowed where it holds no escapes.
struct Text<'a>(Cow<'a, str>);

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

/// The fields of a JSON object, in the file's order, each as its raw text.
struct Fields<'a>(Vec<(Text<'a>, &'a RawValue)>);

/// Why text did not give the fields of an object.
enum NotFields<'a> {
    /// Not JSON: serde_json says where and why.
    Json(serde_json::Error),
    /// JSON, but not an object.
    NotAnObject,
    /// A key given twice, which JSON leaves open to any reading: the key,
    /// its second value, and the object's first "id", to name it by.
    Twice(Text<'a>, &'a RawValue, Option<u64>),
}

impl<'a> NotFields<'a> {
    /// Where in `raw` and what is wrong, for the todo `what` names.
    fn explained(self, raw: &str, what: &str) -> (usize, String) {
        match self {
            Self::Json(e) => (offset_in(raw, &e), format!("{what}: {}", message(&e))),
            Self::NotAnObject => (0, "each todo must be a JSON object".into()),
            Self::Twice(key, value, id) => {
                let at = Spot::of(raw.as_bytes(), value).offset;
                let what = id.map_or_else(|| what.to_owned(), |id| format!("todo {id}"));
                (at, format!("{what}: {:?} is given twice", key.0))
            }
        }
    }
}

impl<'a> Fields<'a> {
    fn parse(raw: &'a str) -> Result<Self, NotFields<'a>> {
        match serde_json::from_str::<Object>(raw) {
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

    /// The value of `key`, which `what` must have.
    fn take<T: Deserialize<'a>>(&mut self, key: &str, what: &str) -> Result<T, (usize, String)> {
        self.optional(key, what)?
            .ok_or_else(|| (0, format!("{what} has no \"{key}\"")))
    }

    /// The value of `key`, if `what` has one.
    fn optional<T: Deserialize<'a>>(
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

/// An object read by `Fields::parse`.
struct Object<'a> {
    fields: Vec<(Text<'a>, &'a RawValue)>,
    twice: Option<(Text<'a>, &'a RawValue)>,
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = Object {
            fields: Vec::new(),
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

/// serde_json's message for `e`, without the position it appends.
fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// A place in the file, for messages that say where to look.
#[derive(Clone, Copy)]
struct Spot<'a> {
    text: &'a [u8],
    offset: usize,
}

impl<'a> Spot<'a> {
    /// Where `raw`, borrowed from `text`, begins.
    fn of(text: &'a [u8], raw: &RawValue) -> Self {
        let start = text.as_ptr() as usize;
        let offset = (raw.get().as_ptr() as usize)
            .checked_sub(start)
            .filter(|&o| o <= text.len())
            .unwrap_or(0);
        Self { text, offset }
    }

    fn error(self, message: String) -> FormatError {
        let before = &self.text[..self.offset.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        FormatError::Malformed {
            line,
            column: self.offset - line_start + 1,
            message,
        }
    }
}

/// An error from serde_json, which knows its own position.
fn positioned(e: &serde_json::Error) -> FormatError {
    FormatError::Malformed {
        line: e.line(),
        // A wrong type found at the very start is reported at column 0.
        column: e.column().max(1),
        message: message(e),
    }
}

/// Writes `doc` as version 1: readable in an editor, one todo per line.
pub fn render(doc: &Document, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": {VERSION},\n  \"next_id\": {},\n",
        doc.list.next_id()
    )?;
    for (key, raw) in &doc.unknown_top {
        out.write_all(b"  ")?;
        serde_json::to_writer(&mut *out, key)?;
        writeln!(out, ": {},", raw.get())?;
    }
    out.write_all(b"  \"todos\": [")?;
    let entries = doc.list.entries();
    let mut n = 0;
    while n < entries.len() {
        out.write_all(if n == 0 { b"\n    " } else { SEPARATOR })?;
        match &entries[n] {
            StoredTodo::Read { source, span, .. } => {
                // Todos that lie side by side in the file, as this function
                // writes them, go out as they are in one piece.
                let run = run_as_written(source, span, &entries[n + 1..]);
                out.write_all(&source.bytes()[span.start..run.end])?;
                n += run.count;
            }
            StoredTodo::Added(todo) => render_todo(todo, out)?,
        }
        n += 1;
    }
    if !doc.list.entries().is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]\n}\n")
}

/// What stands between two todos in the layout `render` writes.
const SEPARATOR: &[u8] = b",\n    ";

/// How many todos follow one in the file exactly as `render` would write
/// them, and where the last of them ends.
struct Run {
    count: usize,
    end: usize,
}

fn run_as_written(source: &Arc<Source>, span: &Range<usize>, next: &[StoredTodo]) -> Run {
    let bytes = source.bytes();
    let mut run = Run {
        count: 0,
        end: span.end,
    };
    for entry in next {
        match entry {
            StoredTodo::Read {
                source: from, span, ..
            } if Arc::ptr_eq(from, source) && bytes.get(run.end..span.start) == Some(SEPARATOR) => {
                run.count += 1;
                run.end = span.end;
            }
            _ => break,
        }
    }
    run
}

fn render_todo(todo: &Todo, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "{{\"id\": {}, \"ulid\": \"{}\", \"title\": ",
        todo.id, todo.ulid
    )?;
    serde_json::to_writer(&mut *out, todo.title.as_str())?;
    out.write_all(b", \"description\": ")?;
    serde_json::to_writer(&mut *out, &todo.description)?;
    write!(out, ", \"created_at\": \"{}\"}}", todo.created_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load(text: &str) -> Result<Document, FormatError> {
        parse("todo.json", String::from(text), Checks::All)
    }

    fn ids(doc: &Document) -> Vec<(TodoId, Ulid)> {
        doc.list
            .entries()
            .iter()
            .map(|e| (e.id(), e.ulid()))
            .collect()
    }

    /// A list of `count` todos as `render` writes it.
    fn written(count: u64) -> String {
        let mut doc = Document::default();
        for n in 0..count {
            doc.list
                .add(
                    Title::new(&format!("errand {n}")).unwrap(),
                    "é".repeat(n as usize),
                    Ulid::from_parts(n, 7),
                    Timestamp::from_second(n as i64).unwrap(),
                )
                .unwrap();
        }
        rendered(&doc)
    }

    fn rendered(doc: &Document) -> String {
        let mut out = Vec::new();
        render(doc, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn all(doc: &Document) -> Vec<Todo> {
        doc.list.recent(usize::MAX).unwrap()
    }

    const HAND_WRITTEN: &str = r#"{"todos": [
  { "title" : "Buy milk",  "id":1, "ulid":"01M81V6XYR0000000000000001",
    "created_at":"2026-11-22T14:40:23+01:00", "tags": ["x", 1.50] },
  {"id": 2, "ulid": "01M81V6XYR0000000000000002", "title": "  ", "created_at": "2026-11-22T14:40:23Z"}
], "next_id": 2, "version": 1}"#;

    #[test]
    fn any_layout_is_read_and_untouched_todos_are_written_back_verbatim() {
        let mut doc = load(HAND_WRITTEN).unwrap();
        assert_eq!(doc.list.next_id(), TodoId(3));
        let first = doc.list.entries()[0].todo().unwrap();
        assert_eq!(first.title.as_str(), "Buy milk");
        assert_eq!(first.created_at.to_string(), "2026-11-22T13:40:23Z");
        doc.list
            .add(
                Title::new("new").unwrap(),
                String::new(),
                Ulid::from_parts(1, 3),
                Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        let text = rendered(&doc);
        assert!(text.contains(
            r#"{ "title" : "Buy milk",  "id":1, "ulid":"01M81V6XYR0000000000000001",
    "created_at":"2026-11-22T14:40:23+01:00", "tags": ["x", 1.50] }"#
        ));
        assert!(text.contains(r#""title": "  ""#));
        assert_eq!(load(&text).unwrap().list.entries().len(), 3);
    }

    #[test]
    fn a_broken_todo_is_reported_when_read_with_its_place() {
        let doc = load(HAND_WRITTEN).unwrap();
        let err = doc.list.recent(1).unwrap_err().to_string();
        assert_eq!(
            err,
            "todo.json is not a todo list we can use: line 4, column 3: todo 2: a title must not be blank"
        );
    }

    #[test]
    fn numbers_and_ulids_are_checked_when_the_list_is_opened() {
        let err = load(r#"{"version": 1, "next_id": 1, "todos": [{"id": 1, "ulid": "nope"}]}"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            r#"line 1, column 40: todo 1: "ulid" is not a ULID: "nope""#
        );
    }

    #[test]
    fn find_sees_through_escapes_and_beyond_ascii() {
        let todo = |id: u64, title: &str| {
            format!(
                r#"{{"id": {id}, "ulid": "01M81V6XYR000000000000000{id}", "title": "{title}", "created_at": "2026-11-22T14:40:23Z"}}"#
            )
        };
        let text = format!(
            r#"{{"version": 1, "next_id": 1, "todos": [{}, {}, {}, {}]}}"#,
            todo(1, r"a\u0062c \u041c\u041e\u041b\u041e\u041a\u041e"),
            todo(2, "5 \u{212A}m run"),
            todo(3, "plain abc"),
            todo(4, "Straße"),
        );
        let doc = load(&text).unwrap();
        let ids = |needle: &str| -> Vec<u64> {
            doc.list
                .find(needle)
                .unwrap()
                .iter()
                .map(|t| t.id.0)
                .collect()
        };
        assert_eq!(ids("ABC"), [3, 1]);
        assert_eq!(ids("молоко"), [1]);
        assert_eq!(ids("km"), [2]);
        assert_eq!(ids("STRAßE"), [4]);
        assert_eq!(ids("run"), [2]);
        assert_eq!(ids("zzz"), Vec::<u64>::new());
    }

    #[test]
    fn opened_for_reading_a_todo_is_checked_when_it_is_read() {
        let text = written(3).replace("errand 1\"", "errand \\q1\"");
        let err = load(&text).unwrap_err().to_string();
        assert_eq!(err, "line 6, column 71: invalid escape");
        let doc = parse("todo.json", text.clone(), Checks::Shape).unwrap();
        assert_eq!(doc.list.recent(1).unwrap()[0].title.as_str(), "errand 2");
        let err = doc.list.recent(3).unwrap_err().to_string();
        assert_eq!(
            err,
            "todo.json is not a todo list we can use: line 6, column 71: todo 2: invalid escape"
        );
        // Its backslash makes it worth decoding for any search.
        assert_eq!(doc.list.find("errand 0").unwrap_err().to_string(), err);
        // Bytes that are not UTF-8 are found the same way.
        let text = written(3);
        let mut bytes = text.clone().into_bytes();
        bytes[text.find("errand 0").unwrap()] = 0xff;
        assert!(matches!(
            parse("todo.json", bytes.clone(), Checks::All),
            Err(FormatError::NotText(_))
        ));
        let doc = parse("todo.json", bytes, Checks::Shape).unwrap();
        assert_eq!(doc.list.recent(2).unwrap().len(), 2);
        let err = doc.list.recent(3).unwrap_err().to_string();
        assert!(
            err.ends_with("line 5, column 63: todo 1 is not UTF-8 text"),
            "{err}"
        );
        assert!(doc.list.find("errand").is_err());
    }

    #[test]
    fn a_long_list_is_checked_to_its_last_line() {
        // Long enough to be checked a part per core where there are several.
        let mut doc = Document::default();
        for n in 0..20_000u64 {
            doc.list
                .add(
                    Title::new(&format!("errand {n}")).unwrap(),
                    "x".repeat(200),
                    Ulid::from_parts(n, 7),
                    Timestamp::from_second(n as i64).unwrap(),
                )
                .unwrap();
        }
        let text = rendered(&doc).replace("errand 19990\"", "errand \\q\"");
        let err = load(&text).unwrap_err().to_string();
        assert!(err.starts_with("line 19995, column "), "{err}");
        let doc = parse("todo.json", text, Checks::Shape).unwrap();
        assert_eq!(doc.list.recent(9).unwrap().len(), 9);
        assert!(doc.list.recent(10).is_err());
    }

    #[test]
    fn lines_are_shared_out_whole_and_all_of_them() {
        let lines = "\n    {\"id\": 1},".repeat(100);
        for count in 1..5 {
            let parts = line_parts(lines.as_bytes(), count);
            assert_eq!(parts.len(), count);
            assert_eq!(parts[0].start, 0);
            assert_eq!(parts[count - 1].end, lines.len());
            for pair in parts.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
                assert_eq!(lines.as_bytes()[pair[1].start], b'\n');
                assert!(parts[0].len() < pair[1].len(), "{parts:?}");
            }
        }
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        // Unknown fields are skipped without recursion; a todo list's own
        // structure is shallow, and deeper nesting there is an error.
        for depth in [1_000, 1_000_000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let unknown =
                format!("{{\"version\": 1, \"next_id\": 1, \"todos\": [], \"x\": {deep}}}");
            assert!(load(&unknown).is_ok());
            let in_todos = format!("{{\"version\": 1, \"next_id\": 1, \"todos\": {deep}}}");
            assert!(load(&in_todos).is_err());
            let in_a_todo =
                format!("{{\"version\": 1, \"next_id\": 1, \"todos\": [{{\"id\": {deep}}}]}}");
            assert!(load(&in_a_todo).is_err());
        }
    }

    #[test]
    fn an_empty_file_is_an_empty_list() {
        let doc = load(" \n").unwrap();
        assert_eq!(doc.list.next_id(), TodoId(1));
        assert!(doc.list.entries().is_empty());
    }

    proptest! {
        #[test]
        fn any_bytes_give_a_list_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(doc) = load(&String::from_utf8_lossy(&bytes)) {
                let _ = doc.list.recent(usize::MAX);
            }
        }

        #[test]
        fn a_damaged_list_read_whole_for_reading_is_one_that_opens_whole(
            count in 1..6u64,
            damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let mut bytes = written(count).into_bytes();
            for (at, byte) in damage {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            let whole = parse("todo.json", bytes.clone(), Checks::All);
            if let Ok(doc) = parse("todo.json", bytes, Checks::Shape) {
                let _ = doc.list.find("errand");
                if let Ok(todos) = doc.list.recent(usize::MAX) {
                    let whole = whole.expect("what reads todo by todo opens whole");
                    prop_assert_eq!(ids(&whole), ids(&doc));
                    prop_assert_eq!(all(&whole), todos);
                }
            }
        }

        #[test]
        fn any_text_built_from_json_tokens_gives_a_list_or_an_error(
            tokens in proptest::collection::vec(
                prop_oneof![
                    Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
                    Just("\"version\""), Just("\"next_id\""), Just("\"todos\""), Just("\"id\""),
                    Just("\"ulid\""), Just("\"title\""), Just("\"created_at\""), Just("1"),
                    Just("\"01M81V6XYR0000000000000001\""), Just("\"2026-11-22T14:40:23Z\""),
                    Just("\"x\""), Just("null"), Just("-1"), Just("1e999"),
                ],
                0..64,
            )
        ) {
            if let Ok(doc) = load(&tokens.concat()) {
                let _ = doc.list.find("x");
            }
        }

        #[test]
        fn what_is_written_reads_back_the_same(
            titles in proptest::collection::vec(any::<String>(), 0..8),
            description in any::<String>(),
        ) {
            let mut doc = Document::default();
            for (n, title) in titles.iter().filter_map(|t| Title::new(t).ok()).enumerate() {
                doc.list.add(
                    title,
                    description.clone(),
                    Ulid::from_parts(n as u64, n as u128),
                    Timestamp::from_second(n as i64 * 1_000_000).unwrap(),
                )
                .unwrap();
            }
            let text = rendered(&doc);
            let again = load(&text).unwrap();
            prop_assert_eq!(all(&again), all(&doc));
            prop_assert_eq!(rendered(&again), text);
        }
    }
}
