//! The `todo.json` format, version 1: one todo per line, unknown fields kept.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use ulid::Ulid;

use crate::domain::{InvalidList, Title, Todo, TodoId, TodoList};

pub const VERSION: u64 = 1;

/// A list as stored, with every field this version does not know, to be written back as read.
#[derive(Debug, Default)]
pub struct Document {
    pub list: TodoList,
    unknown_top: BTreeMap<String, Box<RawValue>>,
    unknown_in_todos: HashMap<Ulid, BTreeMap<String, Box<RawValue>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("line {line}, column {column}: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("it is format version {0}, and this version of {{project-name}} reads version {VERSION}")]
    Newer(u64),
    #[error(transparent)]
    Invalid(#[from] InvalidList),
}

type Fields<'a> = BTreeMap<String, &'a RawValue>;

pub fn parse(text: &str) -> Result<Document, FormatError> {
    if text.trim().is_empty() {
        return Ok(Document::default());
    }
    let at_start = Spot { text, offset: 0 };
    let mut top: Fields = serde_json::from_str(text).map_err(|e| at_start.serde(e))?;
    let version: u64 = take_required(&mut top, "version", at_start, "the list")?;
    if version > VERSION {
        return Err(FormatError::Newer(version));
    }
    if version != VERSION {
        return Err(at_start.error(format!("unknown format version {version}")));
    }
    let next_id: u64 = take_required(&mut top, "next_id", at_start, "the list")?;
    let raw_todos = take_raw(&mut top, "todos", at_start, "the list")?;
    let in_todos = Spot::of(text, raw_todos);
    let items: Vec<&RawValue> = serde_json::from_str(raw_todos.get())
        .map_err(|_| in_todos.error("\"todos\" must be an array".into()))?;

    let mut todos = Vec::with_capacity(items.len());
    let mut unknown_in_todos = HashMap::new();
    for item in items {
        let (todo, unknown) = parse_todo(text, item)?;
        if !unknown.is_empty() {
            unknown_in_todos.insert(todo.ulid, unknown);
        }
        todos.push(todo);
    }
    Ok(Document {
        list: TodoList::from_parts(next_id, todos)?,
        unknown_top: own(top),
        unknown_in_todos,
    })
}

fn parse_todo<'a>(
    text: &'a str,
    item: &'a RawValue,
) -> Result<(Todo, BTreeMap<String, Box<RawValue>>), FormatError> {
    let here = Spot::of(text, item);
    let mut fields: Fields = serde_json::from_str(item.get())
        .map_err(|_| here.error("each todo must be a JSON object".into()))?;
    let id: u64 = take_required(&mut fields, "id", here, "a todo")?;
    let what = format!("todo {id}");
    let ulid: String = take_required(&mut fields, "ulid", here, &what)?;
    let ulid = Ulid::from_string(&ulid)
        .map_err(|_| here.error(format!("{what}: \"ulid\" is not a ULID: {ulid:?}")))?;
    let title: String = take_required(&mut fields, "title", here, &what)?;
    let title = Title::new(&title).map_err(|e| here.error(format!("{what}: {e}")))?;
    let description: String = match fields.remove("description") {
        Some(raw) => value(text, raw, "description", &what)?,
        None => String::new(),
    };
    let created_at: String = take_required(&mut fields, "created_at", here, &what)?;
    let created_at: Timestamp = created_at.parse().map_err(|_| {
        here.error(format!(
            "{what}: \"created_at\" is not an RFC 3339 time: {created_at:?}"
        ))
    })?;
    let todo = Todo {
        id: TodoId(id),
        ulid,
        title,
        description,
        created_at,
    };
    Ok((todo, own(fields)))
}

fn take_raw<'a>(
    fields: &mut Fields<'a>,
    key: &str,
    here: Spot,
    what: &str,
) -> Result<&'a RawValue, FormatError> {
    fields
        .remove(key)
        .ok_or_else(|| here.error(format!("{what} has no \"{key}\"")))
}

fn take_required<T: DeserializeOwned>(
    fields: &mut Fields,
    key: &str,
    here: Spot,
    what: &str,
) -> Result<T, FormatError> {
    let raw = take_raw(fields, key, here, what)?;
    value(here.text, raw, key, what)
}

fn value<T: DeserializeOwned>(
    text: &str,
    raw: &RawValue,
    key: &str,
    what: &str,
) -> Result<T, FormatError> {
    serde_json::from_str(raw.get())
        .map_err(|e| Spot::of(text, raw).error(format!("{what}: \"{key}\": {}", message(&e))))
}

fn own(fields: Fields) -> BTreeMap<String, Box<RawValue>> {
    fields.into_iter().map(|(k, v)| (k, v.to_owned())).collect()
}

/// A place in the file, for messages that say where to look.
#[derive(Clone, Copy)]
struct Spot<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> Spot<'a> {
    /// Where `raw`, borrowed from `text`, begins.
    fn of(text: &'a str, raw: &RawValue) -> Self {
        let start = text.as_ptr() as usize;
        let offset = (raw.get().as_ptr() as usize)
            .checked_sub(start)
            .filter(|&o| o <= text.len())
            .unwrap_or(0);
        Self { text, offset }
    }

    fn error(self, message: String) -> FormatError {
        let before = &self.text.as_bytes()[..self.offset];
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

    /// An error from parsing the text this spot starts.
    fn serde(self, e: serde_json::Error) -> FormatError {
        if e.is_data() {
            return self.error(format!(
                "expected a JSON object with \"version\", \"next_id\" and \"todos\" ({})",
                message(&e)
            ));
        }
        FormatError::Malformed {
            line: e.line(),
            column: e.column(),
            message: message(&e),
        }
    }
}

/// serde_json's message without the position it appends.
fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

/// Writes `doc` as version 1: readable in an editor, one todo per line.
pub fn render(doc: &Document, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "{{ "{" }}{\n  \"version\": {VERSION},\n  \"next_id\": {},\n",
        doc.list.next_id()
    )?;
    for (key, raw) in &doc.unknown_top {
        out.write_all(b"  ")?;
        serde_json::to_writer(&mut *out, key)?;
        writeln!(out, ": {},", raw.get())?;
    }
    out.write_all(b"  \"todos\": [")?;
    for (n, todo) in doc.list.todos().iter().enumerate() {
        out.write_all(if n == 0 { b"\n    " } else { b",\n    " })?;
        render_todo(todo, doc.unknown_in_todos.get(&todo.ulid), out)?;
    }
    if !doc.list.todos().is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]\n}\n")
}

fn render_todo(
    todo: &Todo,
    unknown: Option<&BTreeMap<String, Box<RawValue>>>,
    out: &mut impl Write,
) -> io::Result<()> {
    write!(
        out,
        "{{ "{" }}{\"id\": {}, \"ulid\": \"{}\", \"title\": ",
        todo.id, todo.ulid
    )?;
    serde_json::to_writer(&mut *out, todo.title.as_str())?;
    out.write_all(b", \"description\": ")?;
    serde_json::to_writer(&mut *out, &todo.description)?;
    write!(out, ", \"created_at\": \"{}\"", todo.created_at)?;
    for (key, raw) in unknown.into_iter().flatten() {
        out.write_all(b", ")?;
        serde_json::to_writer(&mut *out, key)?;
        write!(out, ": {}", raw.get())?;
    }
    out.write_all(b"}")
}
