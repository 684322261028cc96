//! Adapters: the outside world on either side of the ports.

pub mod cli;
pub mod git;
pub mod json_file;
pub mod memory;
pub mod time;
