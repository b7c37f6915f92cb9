//! The library's error type: what went wrong, and where (file, line/column, record or unit).
//!
//! Shaped like the `csv` crate's error: an [`Error`] wrapping a `#[non_exhaustive]`
//! [`ErrorKind`], with a [`Position`] the message names so the user knows what to fix
//! (`x.tmx: line 12, column 5: <tuv> has no xml:lang`).

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` with tomo's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io,
    /// The input is malformed (XML, CSV, SRX, JSON ...).
    Parse,
    /// The input is well-formed but not acceptable (missing language, bad option value ...).
    Invalid,
    /// The SQLite database failed or is not a tomo memory.
    Database,
    /// Something the input asks for is not supported (an SRX regex feature, a format version).
    Unsupported,
}

/// Where in the input an error happened. Every field is optional; the message shows
/// the ones that are set, in the order file, line, column, record, unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The file being read or written.
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: Option<u64>,
    /// 1-based column (in characters).
    pub column: Option<u64>,
    /// 1-based record (CSV row, JSONL line, TU ordinal).
    pub record: Option<u64>,
    /// A unit identifier (TMX `tuid`), when the input has one.
    pub unit: Option<String>,
}

impl Position {
    /// A position naming only a file.
    pub fn file(path: impl AsRef<Path>) -> Self {
        Position { file: Some(path.as_ref().to_path_buf()), ..Default::default() }
    }

    /// This position with a line (and column, if known).
    pub fn at_line(mut self, line: u64, column: Option<u64>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    /// This position with a record number.
    pub fn at_record(mut self, record: u64) -> Self {
        self.record = Some(record);
        self
    }

    fn is_empty(&self) -> bool {
        self == &Position::default()
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.display().to_string());
        }
        match (self.line, self.column) {
            (Some(l), Some(c)) => parts.push(format!("line {l}, column {c}")),
            (Some(l), None) => parts.push(format!("line {l}")),
            _ => {}
        }
        if let Some(r) = self.record {
            parts.push(format!("record {r}"));
        }
        if let Some(u) = &self.unit {
            parts.push(format!("unit {u}"));
        }
        f.write_str(&parts.join(": "))
    }
}

/// tomo's error: a kind, a message saying what to fix, a position, and the cause.
/// Boxed so that `Result<T>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    position: Position,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner { kind, message: message.into(), position: Position::default(), source: None }))
    }

    /// Shorthand for a [`ErrorKind::Parse`] error.
    pub fn parse(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse, message)
    }

    /// Shorthand for an [`ErrorKind::Invalid`] error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    /// Attach a position (replacing fields that are set in `pos`, keeping the others).
    pub fn at(mut self, pos: Position) -> Self {
        let p = &mut self.0.position;
        p.file = pos.file.or(p.file.take());
        p.line = pos.line.or(p.line);
        p.column = pos.column.or(p.column);
        p.record = pos.record.or(p.record);
        p.unit = pos.unit.or(p.unit.take());
        self
    }

    /// Attach a file, unless one is already set (the innermost file wins).
    pub fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        if self.0.position.file.is_none() {
            self.0.position.file = Some(path.as_ref().to_path_buf());
        }
        self
    }

    /// Attach the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Where it happened.
    pub fn position(&self) -> &Position {
        &self.0.position
    }

    /// The message, without the position.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.position.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{}: {}", self.0.position, self.0.message)
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, e.to_string()).with_source(e)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::new(ErrorKind::Database, e.to_string()).with_source(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        let line = e.line() as u64;
        let col = e.column() as u64;
        let err = Error::new(ErrorKind::Parse, e.to_string());
        if line > 0 { err.at(Position::default().at_line(line, Some(col))) } else { err }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_file_line_and_column() {
        let e = Error::parse("<tuv> has no xml:lang").at(Position::file("x.tmx").at_line(12, Some(5)));
        assert_eq!(e.to_string(), "x.tmx: line 12, column 5: <tuv> has no xml:lang");
        assert_eq!(e.kind(), ErrorKind::Parse);
    }

    #[test]
    fn innermost_file_wins() {
        let e = Error::invalid("bad").in_file("inner.csv").in_file("outer.csv");
        assert_eq!(e.to_string(), "inner.csv: bad");
    }
}
