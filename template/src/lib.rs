//! {{project-name}}: a todo list for the terminal, kept in `todo.json`.
//!
//! Layers point inward: [`adapters`] -> [`app`] -> [`domain`], with [`ports`]
//! as the traits the use cases need from the outside world.

pub mod adapters;
pub mod app;
pub mod domain;
pub mod ports;
