//! The manual pages, in roff, for any command line: clap's sections for
//! each command, its help's examples under EXAMPLES (other notes under
//! NOTES), `code` in bold, the program's name and version in every footer,
//! and the sections a program adds to its main page (EXIT STATUS,
//! ENVIRONMENT, FILES), each a list of terms and what they mean.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use clap::Command;
use clap_mangen::Man;
use roff::{Roff, bold, roman};

/// A section of the main page: its heading, a sentence that opens it, and
/// each term with what it means.
pub struct Section {
    pub heading: &'static str,
    pub opening: &'static str,
    pub terms: Vec<(String, String)>,
}

/// The main page of `cmd`, with `sections` after clap's.
pub fn page(cmd: &Command, sections: &[Section], out: &mut dyn Write) -> io::Result<()> {
    // `help` has no page of its own: each command's page is its help.
    let cmd = cmd.clone().disable_help_subcommand(true);
    let mut roff = render(&cmd, cmd.get_name())?;
    for section in sections {
        roff.push_str(&section_roff(section));
    }
    out.write_all(roff.as_bytes())
}

/// Writes the main page and one page for each command, `NAME-COMMAND.1`,
/// in `dir`; the names of the files written.
pub fn pages(cmd: &Command, sections: &[Section], dir: &Path) -> io::Result<Vec<String>> {
    let mut cmd = cmd.clone().disable_help_subcommand(true);
    cmd.build();
    let program = cmd.get_name().to_owned();
    let mut written = Vec::new();
    let main = format!("{program}.1");
    let mut file = fs::File::create(dir.join(&main))?;
    page(&cmd, sections, &mut file)?;
    written.push(main);
    let mut stack: Vec<Command> = cmd.get_subcommands().cloned().collect();
    while let Some(sub) = stack.pop() {
        if sub.is_hide_set() {
            continue;
        }
        stack.extend(sub.get_subcommands().cloned());
        let name = format!("{}.1", sub.get_display_name().unwrap_or(sub.get_name()));
        fs::write(dir.join(&name), render(&sub, &program)?)?;
        written.push(name);
    }
    Ok(written)
}

/// clap's sections of `cmd`'s page, the footer naming `program`.
fn render(cmd: &Command, program: &str) -> io::Result<String> {
    let version = cmd.get_version().unwrap_or(env!("CARGO_PKG_VERSION"));
    let man = Man::new(cmd.clone())
        .source(format!("{program} {version}"))
        .manual(format!("{program} manual"));
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    // Each section comes with clap's two lines that define a quote; once will do.
    let mut roff = String::new();
    let mut seen = Vec::new();
    for line in String::from_utf8_lossy(&out).split_inclusive('\n') {
        if line.starts_with(".ie ") || line.starts_with(".el ") {
            if seen.contains(&line) {
                continue;
            }
            seen.push(line);
        }
        roff.push_str(line);
    }
    if let Some(after) = cmd.get_after_help() {
        roff.push_str(&after_help_roff(&after.to_string()));
    }
    Ok(code_in_bold(&roff))
}

/// The help's text after the options, as EXAMPLES when it opens so, kept
/// line for line as a shell shows it.
fn after_help_roff(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let (heading, lines): (&str, Vec<&str>) = match first.starts_with("Example") {
        true => ("EXAMPLES", lines.collect()),
        false => ("NOTES", text.lines().collect()),
    };
    let mut roff = Roff::new();
    roff.control("SH", [heading]).control("nf", []);
    for line in lines {
        roff.text([roman(line.trim_start())]);
    }
    roff.control("fi", []);
    roff.to_roff()
}

fn section_roff(section: &Section) -> String {
    let mut roff = Roff::new();
    roff.control("SH", [section.heading]);
    roff.text([roman(section.opening)]);
    for (term, meaning) in &section.terms {
        roff.control("TP", [])
            .text([bold(term.as_str())])
            .text([roman(meaning.as_str())]);
    }
    code_in_bold(&roff.to_roff())
}

/// Text between backticks, in bold, on the lines of text (not requests).
fn code_in_bold(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for line in roff.split_inclusive('\n') {
        let pieces: Vec<&str> = line.split('`').collect();
        if line.starts_with('.') || pieces.len() < 3 || pieces.len().is_multiple_of(2) {
            out.push_str(line);
            continue;
        }
        for (n, piece) in pieces.iter().enumerate() {
            match n % 2 {
                1 => {
                    out.push_str("\\fB");
                    out.push_str(piece);
                    out.push_str("\\fR");
                }
                _ => out.push_str(piece),
            }
        }
    }
    out
}
