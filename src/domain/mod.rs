//! The rules of a todo list. Pure: no files, no clock, no command line.

mod list;
mod reference;
mod title;
mod todo;

pub use list::{Entry, InvalidList, ListFull, TodoList, UnknownTodos, UnreadableTodo};
pub use reference::{InvalidReference, TodoRef, parse_ulid};
pub use title::{BlankTitle, Title};
pub use todo::{Needle, Todo, TodoId};
