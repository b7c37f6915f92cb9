//! CSV and TSV: one unit per row, one column per language, optional metadata columns.
//!
//! Layout: a header row of language tags (`ja-JP,en-US`; any case, `_` accepted),
//! optionally followed by the metadata columns `note`, `origin` and `created` (in any
//! order). The first language column is the unit's source language. A file without a
//! header row (common for TSV) needs its column languages from [`ReadOptions::langs`].
//!
//! Reading sniffs the encoding (UTF-8 with or without BOM, UTF-16LE/BE: what Excel's
//! "CSV UTF-8" and "Unicode text" write) and the delimiter (`,` `;` or tab) from the
//! header row. Quoted fields follow RFC 4180 for every delimiter, so a TSV field may be
//! quoted to hold a tab or a newline (Excel's "Unicode text" does this). An empty cell
//! means the unit has no variant in that language. A row with the wrong number of
//! fields, invalid UTF-8 or an unreadable `created` date is an error naming the row.
//!
//! Writing: CSV with a UTF-8 BOM (Excel on Japanese, Korean and Chinese Windows reads
//! BOM-less UTF-8 as the legacy code page), CRLF line ends and RFC 4180 quoting; TSV
//! without BOM, LF line ends, and the same quoting (a field with a tab, newline or `"`
//! is quoted, `"` doubled) so tabs and newlines inside a segment survive. Only the plain
//! text is written: CSV has no way to carry TMX inline codes.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use super::encoding::{Kind, Utf8Source};
use super::{Format, ReadItem, ReadOptions, ReadStream, Skip, UnitWriter, WriteHeader};
use crate::error::{Error, ErrorKind, Position, Result};
use crate::lang::Lang;
use crate::tm::{Note, Unit, Variant};

/// One column of a delimited file.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// Text in this language.
    Lang(Lang),
    Note,
    Origin,
    Created,
    /// A language column left out by [`ReadOptions::langs`].
    Ignored,
}

/// Stream the units of a CSV or TSV file (`format` gives the delimiter to prefer when the
/// header row does not settle it).
pub fn read_file(path: &Path, format: Format, opts: &ReadOptions) -> Result<ReadStream> {
    let mut source = Utf8Source::open(path, Kind::Text)?;
    let first_line = {
        let head = source.fill_buf().map_err(|e| Error::from(e).in_file(path))?;
        let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        String::from_utf8_lossy(&head[..end]).trim_end_matches('\r').to_string()
    };
    let preferred = if format == Format::Tsv { b'\t' } else { b',' };
    let (delimiter, header) = sniff(&first_line, preferred);
    let (columns, has_header) = match (header, &opts.langs) {
        (Some(cols), langs) => {
            (select(cols, langs.as_deref()).map_err(|e| e.at(Position::file(path).at_line(1, None)))?, true)
        }
        (None, Some(langs)) => (langs.iter().cloned().map(Column::Lang).collect(), false),
        (None, None) => {
            return Err(Error::invalid(
                "the first row is not a header of language tags (like ja-JP,en-US, optionally followed by \
                 note,origin,created); for a file without a header, pass --langs with its column languages (--langs ja,en)",
            )
            .at(Position::file(path).at_line(1, None)));
        }
    };
    let reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(source);
    let wanted = opts.langs.clone().filter(|_| has_header).unwrap_or_default();
    Ok(Box::new(DelimitedStream {
        path: path.to_path_buf(),
        reader,
        record: csv::StringRecord::new(),
        columns,
        wanted,
        skip_first: has_header,
        done: false,
    }))
}

/// The delimiter, and the header columns if the first line is a header.
fn sniff(first_line: &str, preferred: u8) -> (u8, Option<Vec<Column>>) {
    let mut candidates = vec![preferred];
    candidates.extend([b',', b';', b'\t'].into_iter().filter(|d| *d != preferred));
    for &d in &candidates {
        if let Some(cols) = header_columns(first_line, d) {
            return (d, Some(cols));
        }
    }
    let count = |d: u8| first_line.bytes().filter(|b| *b == d).count();
    if count(preferred) > 0 {
        return (preferred, None);
    }
    let best = candidates.iter().copied().max_by_key(|d| count(*d)).filter(|d| count(*d) > 0);
    (best.unwrap_or(preferred), None)
}

/// The columns named by `line` split on `delimiter`, if every field is a language tag or
/// a metadata column name and at least one is a language.
fn header_columns(line: &str, delimiter: u8) -> Option<Vec<Column>> {
    let mut cols = Vec::new();
    for field in line.split(delimiter as char) {
        let name = field.trim().trim_matches('"').trim();
        let col = match name.to_ascii_lowercase().as_str() {
            "note" => Column::Note,
            "origin" => Column::Origin,
            "created" => Column::Created,
            _ => {
                let lang = Lang::parse(name).ok()?;
                // A real tag's primary subtag has 2 or 3 letters; this keeps a first data
                // row of short English words ("Hello,Bonjour") from passing for a header.
                if lang.base().len() > 3 {
                    return None;
                }
                Column::Lang(lang)
            }
        };
        cols.push(col);
    }
    cols.iter().any(|c| matches!(c, Column::Lang(_))).then_some(cols)
}

/// Check the header's columns and keep only the languages in `langs` (if given).
fn select(mut cols: Vec<Column>, langs: Option<&[Lang]>) -> Result<Vec<Column>> {
    for (i, c) in cols.iter().enumerate() {
        if cols[..i].contains(c) {
            let name = match c {
                Column::Lang(l) => l.to_string(),
                other => format!("{other:?}").to_ascii_lowercase(),
            };
            return Err(Error::invalid(format!("the header names the column {name} twice")));
        }
    }
    if let Some(langs) = langs {
        for want in langs {
            if !cols.iter().any(|c| matches!(c, Column::Lang(l) if want.matches(l))) {
                let have: Vec<String> = cols
                    .iter()
                    .filter_map(|c| if let Column::Lang(l) = c { Some(l.to_string()) } else { None })
                    .collect();
                return Err(Error::invalid(format!(
                    "--langs asks for {want}, but the header has only {}",
                    have.join(", ")
                )));
            }
        }
        for c in &mut cols {
            let keep = match c {
                Column::Lang(l) => langs.iter().any(|w| w.matches(l)),
                _ => true,
            };
            if !keep {
                *c = Column::Ignored;
            }
        }
    }
    Ok(cols)
}

/// The rows of one delimited file, read one at a time.
struct DelimitedStream {
    path: PathBuf,
    reader: csv::Reader<Utf8Source>,
    record: csv::StringRecord,
    columns: Vec<Column>,
    /// Languages every row must have (`--langs` on a file with a header).
    wanted: Vec<Lang>,
    skip_first: bool,
    done: bool,
}

impl DelimitedStream {
    fn next_item(&mut self) -> Result<Option<ReadItem>> {
        loop {
            let more = self.reader.read_record(&mut self.record).map_err(|e| csv_error(e, &self.path))?;
            if !more {
                return Ok(None);
            }
            let pos = self.record.position().cloned().unwrap_or_else(csv::Position::new);
            let row = pos.record() + 1;
            let line = pos.line();
            if std::mem::take(&mut self.skip_first) {
                continue;
            }
            let at = || Position::file(&self.path).at_line(line, None);
            if self.record.len() != self.columns.len() {
                return Err(Error::parse(format!(
                    "row {row} has {} fields where the header has {} (a field holding the delimiter or a newline must be quoted)",
                    self.record.len(),
                    self.columns.len()
                ))
                .at(at()));
            }
            let mut unit = Unit::default();
            let mut first_lang = true;
            for (col, text) in self.columns.iter().zip(self.record.iter()) {
                match col {
                    Column::Lang(lang) => {
                        let present = !text.trim().is_empty();
                        if first_lang && present {
                            unit.srclang = Some(lang.clone());
                        }
                        first_lang = false;
                        if present {
                            unit.variants.push(Variant::from_plain(lang.clone(), text));
                        }
                    }
                    Column::Note if !text.is_empty() => unit.notes.push(Note { lang: None, text: text.to_string() }),
                    Column::Origin if !text.is_empty() => unit.origin = Some(text.to_string()),
                    Column::Created if !text.trim().is_empty() => match super::tmx::normalize_date(text) {
                        Some(d) => unit.created = Some(d),
                        None => {
                            return Err(Error::parse(format!(
                                "row {row}: created {text:?} is not a date (YYYY-MM-DD, or YYYYMMDDThhmmssZ)"
                            ))
                            .at(at()));
                        }
                    },
                    _ => {}
                }
            }
            let skip =
                |reason: String| ReadItem::Skipped(Skip { unit: format!("row {row}"), line: Some(line), reason });
            if unit.variants.is_empty() {
                return Ok(Some(skip("every language cell is empty".into())));
            }
            if let Some(missing) = self.wanted.iter().find(|w| !unit.variants.iter().any(|v| w.matches(&v.lang))) {
                return Ok(Some(skip(format!("its {missing} cell is empty"))));
            }
            return Ok(Some(ReadItem::Unit(unit)));
        }
    }
}

impl Iterator for DelimitedStream {
    type Item = Result<ReadItem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_item() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn csv_error(e: csv::Error, path: &Path) -> Error {
    let pos = e.position().cloned();
    let at = |p: &Option<csv::Position>| match p {
        Some(p) => Position::file(path).at_line(p.line(), None),
        None => Position::file(path),
    };
    let row = pos.as_ref().map(|p| p.record() + 1);
    let row_text = row.map(|r| format!("row {r}: ")).unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => Error::parse(format!(
            "{row_text}the text is not valid UTF-8 (save the file as \"CSV UTF-8\" or UTF-16 text)"
        ))
        .at(at(&pos)),
        csv::ErrorKind::Io(_) => Error::new(ErrorKind::Io, format!("{row_text}{e}")).at(at(&pos)),
        _ => Error::parse(format!("{row_text}{e}")).at(at(&pos)),
    }
}

/// Writes CSV (with a UTF-8 BOM) or TSV: the languages of the header, then `note`,
/// `origin`, `created`.
pub struct DelimitedWriter {
    out: csv::Writer<Box<dyn Write>>,
    langs: Vec<Lang>,
    row: Vec<String>,
}

impl DelimitedWriter {
    /// Start a file on `out` (writes the BOM for CSV, and the header row).
    pub fn new(mut out: Box<dyn Write>, format: Format, header: &WriteHeader) -> Result<Self> {
        let (delimiter, terminator) = match format {
            Format::Tsv => (b'\t', csv::Terminator::Any(b'\n')),
            _ => {
                out.write_all("\u{feff}".as_bytes())?;
                (b',', csv::Terminator::CRLF)
            }
        };
        let mut out = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        let names =
            header.langs.iter().map(|l| l.as_str().to_string()).chain(["note", "origin", "created"].map(String::from));
        out.write_record(names).map_err(write_error)?;
        Ok(DelimitedWriter { out, langs: header.langs.clone(), row: Vec::new() })
    }
}

fn write_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        other => Error::new(ErrorKind::Io, format!("{other:?}")),
    }
}

impl UnitWriter for DelimitedWriter {
    fn write_unit(&mut self, unit: &Unit) -> Result<()> {
        self.row.clear();
        for lang in &self.langs {
            self.row.push(unit.variant(lang).map(|v| v.plain.clone()).unwrap_or_default());
        }
        self.row.push(unit.notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join("\n"));
        self.row.push(unit.origin.clone().unwrap_or_default());
        self.row.push(unit.created.clone().unwrap_or_default());
        self.out.write_record(&self.row).map_err(write_error)
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
