//! From the project's files to the template's: what is left out, and how the
//! name becomes placeholders without Liquid mangling anything else.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;
use std::process::Command;

use super::settings::Package;

/// Files by path relative to the project, with `/` separators.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The template machinery itself: never part of a generated project.
const ROOT_ONLY: &[&str] = &[
    "cargo-generate.toml",
    "template/",
    ".ci/",
    "tests/template.rs",
    "tests/template/",
    // my-todo's comparison with its peers; `benches/` times a project's own code.
    "bench/",
];

/// Lines from a comment starting `BEGIN root-only` to one starting
/// `END root-only` (`#`, `//` or `<!--` comments) stay out of the template.
const BEGIN_ROOT_ONLY: &str = "BEGIN root-only";
const END_ROOT_ONLY: &str = "END root-only";

fn is_marker(line: &str, marker: &str) -> bool {
    let line = line.trim_start();
    ["<!--", "//", "#"].iter().any(|comment| {
        line.strip_prefix(comment)
            .is_some_and(|rest| rest.trim_start().starts_with(marker))
    })
}

/// The project as a generated one would be: the files git tracks, less the
/// root-only ones and root-only regions, and which of them git marks as
/// executable. `Cargo.lock` is left as the root's: see `lock::project_lock`.
pub fn project_files(root: &Path) -> (Files, BTreeSet<String>) {
    let listed = Command::new("git")
        .args(["ls-files", "--stage", "-z"])
        .current_dir(root)
        .output()
        .expect("git lists the project's files");
    assert!(
        listed.status.success(),
        "`git ls-files` failed: {}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let mut files = Files::new();
    let mut executable = BTreeSet::new();
    for entry in String::from_utf8(listed.stdout)
        .unwrap()
        .split_terminator('\0')
    {
        // <mode> <object> <stage>\t<path>
        let (stage, path) = entry.split_once('\t').unwrap();
        let is_root_only = ROOT_ONLY
            .iter()
            .any(|only| path == *only || (only.ends_with('/') && path.starts_with(only)));
        let on_disk = root.join(path);
        // A file deleted but not yet staged is on its way out.
        if is_root_only || !on_disk.is_file() {
            continue;
        }
        let bytes = std::fs::read(&on_disk).unwrap();
        let bytes = match text(&bytes) {
            Some(text) => without_root_only_regions(path, text).into_bytes(),
            None => bytes,
        };
        files.insert(path.to_owned(), bytes);
        if stage.starts_with("100755") {
            executable.insert(path.to_owned());
        }
    }
    (files, executable)
}

/// The file as text, unless it is binary (not UTF-8, or holding a NUL).
pub fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|text| !text.contains('\0'))
}

fn without_root_only_regions(path: &str, text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut begun_at = None;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if is_marker(line, BEGIN_ROOT_ONLY) {
            assert!(
                begun_at.is_none(),
                "{path}:{}: nested root-only",
                number + 1
            );
            begun_at = Some(number + 1);
        } else if is_marker(line, END_ROOT_ONLY) {
            assert!(
                begun_at.is_some(),
                "{path}:{}: END without BEGIN",
                number + 1
            );
            begun_at = None;
        } else if begun_at.is_none() {
            kept.push_str(line);
        }
    }
    if let Some(line) = begun_at {
        panic!("{path}:{line}: root-only region never ends");
    }
    kept
}

/// What the template turns into placeholders: the project's name in every
/// spelling the project has, and its description and authors.
pub struct Names {
    package: String,
    /// As the project spells each, and the Liquid expression that replaces it.
    spellings: Vec<(String, String)>,
    /// The name as man pages spell it, `-` escaped as `\-`: in a file
    /// holding it, the description and authors are escaped the same way.
    roff: Vec<(String, &'static str)>,
    /// The description and authors, and their placeholders.
    values: Vec<(String, &'static str)>,
}

impl Names {
    pub fn of(package: &Package) -> Self {
        let name = package.name.as_str();
        let snake = name.replace('-', "_");
        let camel = name
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect();
        let replace = |with: &str| format!("project-name | replace: \"-\", \"{with}\"");
        let mut spellings = vec![
            (name.to_owned(), "project-name".to_owned()),
            // clap_complete's bash functions: `_my__todo`
            (name.replace('-', "__"), replace("__")),
            (name.replace('-', "\\-"), replace("\\-")),
            (
                snake.to_ascii_uppercase(),
                "project-name | shouty_snake_case".to_owned(),
            ),
            (snake, "crate_name".to_owned()),
            (camel, "project-name | upper_camel_case".to_owned()),
        ];
        let mut seen = Vec::new();
        spellings.retain(|(spelling, _)| {
            let first = !seen.contains(spelling);
            seen.push(spelling.clone());
            first
        });
        let roff = vec![(name.replace('-', "\\-"), "\\-")];
        let roff = roff
            .into_iter()
            .filter(|(spelling, _)| spelling != name)
            .collect();
        let values = [
            (&package.description, "description"),
            (&package.authors, "authors"),
            (&package.license, "license"),
            (&package.repository, "repository"),
        ]
        .into_iter()
        .filter_map(|(value, placeholder)| Some((value.clone()?, placeholder)))
        .filter(|(value, _)| !value.is_empty())
        .collect();
        Self {
            package: name.to_owned(),
            spellings,
            roff,
            values,
        }
    }

    /// Whether `bytes` still hold the name, in any case and spelling.
    pub fn appears_in(&self, bytes: &[u8]) -> bool {
        let squeeze = |bytes: &[u8]| -> Vec<u8> {
            bytes
                .iter()
                .filter(|byte| !b"-_/\\".contains(byte))
                .map(u8::to_ascii_lowercase)
                .collect()
        };
        let name = squeeze(self.package.as_bytes());
        squeeze(bytes)
            .windows(name.len())
            .any(|window| window == name)
    }

    /// `path` in the template: names become placeholders, which cargo-generate
    /// renders in paths as well.
    pub fn template_path(&self, path: &str) -> String {
        assert!(
            !path.contains(['{', '}', '%']),
            "{path}: Liquid would read braces in a path"
        );
        assert!(
            !path.ends_with(".liquid"),
            "{path}: cargo-generate drops a `.liquid` suffix"
        );
        assert!(
            ![".genignore", ".cargo-ok"].contains(&path),
            "{path}: cargo-generate leaves this file out of every project"
        );
        let mut rendered = String::new();
        for piece in split(path, &self.spellings) {
            match piece {
                Piece::Text(text) => rendered.push_str(&text),
                Piece::Value(expression) => rendered.push_str(&format!("{{{{{expression}}}}}")),
            }
        }
        rendered
    }

    /// `text` as a Liquid template that renders back to `text` when the
    /// placeholders take the project's own values.
    pub fn template_text(&self, text: &str) -> String {
        // In a man page, where the name is spelled as roff spells it, every
        // `-` of the description and authors is escaped too.
        let escape = self
            .roff
            .iter()
            .find(|(spelling, _)| text.contains(spelling.as_str()))
            .map(|(_, escape)| *escape);
        let mut spellings = self.spellings.clone();
        for (value, placeholder) in &self.values {
            let expression = match escape {
                Some(escape) => format!("{placeholder} | replace: \"-\", \"{escape}\""),
                None => placeholder.to_string(),
            };
            spellings.push((value.clone(), expression));
        }
        let mut pieces: Vec<Piece> = Vec::new();
        for line in text.split_inclusive('\n') {
            for piece in split(line, &spellings) {
                match (pieces.last_mut(), piece) {
                    (Some(Piece::Text(before)), Piece::Text(text)) => before.push_str(&text),
                    (_, piece) => pieces.push(piece),
                }
            }
        }
        let mut rendered = String::new();
        for (index, piece) in pieces.iter().enumerate() {
            match piece {
                Piece::Text(text) => {
                    let before_value = matches!(pieces.get(index + 1), Some(Piece::Value(_)));
                    rendered.push_str(&escape_liquid(text, before_value));
                }
                Piece::Value(expression) => rendered.push_str(&format!("{{{{{expression}}}}}")),
            }
        }
        rendered
    }
}

/// `text` cut where a spelling occurs, the leftmost first, the longest of
/// those starting at one place.
fn split(text: &str, spellings: &[(String, String)]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        let next = spellings
            .iter()
            .filter_map(|(spelling, expression)| {
                rest.find(spelling.as_str())
                    .map(|at| (at, spelling.len(), expression))
            })
            .min_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)));
        let Some((at, len, expression)) = next else {
            break;
        };
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_owned()));
        }
        pieces.push(Piece::Value(expression.to_owned()));
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    pieces
}

/// Part of a template: text to reproduce, or a Liquid expression.
enum Piece {
    Text(String),
    Value(String),
}

/// Text that renders as itself. Whole `{{ ... }}` and `{% ... %}` on one line,
/// such as GitHub Actions' `${{ matrix.os }}`, go in `{% raw %}`; any other
/// brace that Liquid would take for the start of a tag becomes `{{ "{" }}`.
fn escape_liquid(text: &str, before_value: bool) -> String {
    let spans = verbatim_spans(text);
    let mut spans = spans.iter().peekable();
    let mut escaped = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        if let Some(span) = spans.next_if(|span| span.start == at) {
            escaped.push_str("{% raw %}");
            escaped.push_str(&text[span.clone()]);
            escaped.push_str("{% endraw %}");
            at = span.end;
            continue;
        }
        let rest = &text[at..];
        let c = rest.chars().next().unwrap();
        let after = &rest[c.len_utf8()..];
        let next_is_tag = after.starts_with(['{', '%'])
            || spans.peek().is_some_and(|span| span.start == at + 1)
            || (after.is_empty() && before_value);
        if c == '{' && next_is_tag {
            escaped.push_str(r#"{{ "{" }}"#);
        } else {
            escaped.push(c);
        }
        at += c.len_utf8();
    }
    escaped
}

/// Spans of `text` that are a whole `{{ ... }}` or `{% ... %}` on one line
/// (with a `$` just before it), safe to wrap in `{% raw %}`.
fn verbatim_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some(found) = ["{{", "{%"]
        .iter()
        .filter_map(|opener| text[from..].find(opener).map(|at| from + at))
        .min()
    {
        let closer = if text[found..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let line_end = text[found..].find('\n').map_or(text.len(), |at| found + at);
        let Some(inner) = text[found + 2..line_end].find(closer) else {
            from = found + 1;
            continue;
        };
        let end = found + 2 + inner + 2;
        let start = if text[..found].ends_with('$') {
            found - 1
        } else {
            found
        };
        let body = &text[start..end];
        // A quote left open inside could swallow the `{% endraw %}`.
        let safe = !body.contains("endraw")
            && body.matches('"').count().is_multiple_of(2)
            && body.matches('\'').count().is_multiple_of(2);
        if !safe {
            from = found + 1;
            continue;
        }
        match spans.last_mut() {
            Some(last) if last.end >= start => last.end = end,
            _ => spans.push(start..end),
        }
        from = end;
    }
    spans
}

#[cfg(test)]
mod tests {
    // The escaping is proven by rendering the whole template back (see
    // `rendered_as_the_project_name_the_template_is_the_project`); these show
    // what it writes.
    use super::*;

    #[test]
    fn github_expressions_go_in_raw() {
        assert_eq!(
            escape_liquid("runs-on: ${{ matrix.os }}\n", false),
            "runs-on: {% raw %}${{ matrix.os }}{% endraw %}\n"
        );
    }

    #[test]
    fn a_lone_brace_pair_is_spelled_out() {
        assert_eq!(escape_liquid("\"{{\\n\"", false), r#""{{ "{" }}{\n""#);
        assert_eq!(escape_liquid("{", true), r#"{{ "{" }}"#);
    }
}
