//! Exchange formats: TMX 1.4b (read 1.1 too), CSV and TSV, XLIFF 1.2, and the edited TSV
//! and Markdown drafts of `tomo translate`; detection by extension, then content.
//!
//! Every reader yields [`ReadItem`]s (a unit, or a unit skipped with a reason) so the
//! store can import them in one transaction; every writer takes [`Unit`]s one at a time,
//! so neither side holds a whole file in memory.

pub mod delimited;
pub mod draft;
pub mod encoding;
pub mod tmx;
pub mod xliff;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::tm::Unit;

/// A file format tomo reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TMX 1.4b (TMX 1.1 is read too).
    Tmx,
    /// Comma-separated values, header row of language tags.
    Csv,
    /// Tab-separated values, header row of language tags (or `--langs`).
    Tsv,
    /// XLIFF 1.2: drafts are written as XLIFF ([`xliff::write_draft`]); translated files
    /// are read back as units.
    Xliff,
    /// A TSV draft from `tomo translate --format tsv`, edited and read back as units. Told
    /// from a TSV memory by its first line, `#tomo-draft`.
    DraftTsv,
    /// A Markdown draft from `tomo translate --format md`, edited and read back as units.
    DraftMd,
}

impl Format {
    /// The format a file name's extension says (`.tmx`, `.csv`, `.tsv`/`.tab`, `.xlf`, `.md`),
    /// if any. A `.tsv` file may still turn out to be a draft ([`read_file`] looks).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tmx" => Some(Format::Tmx),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "xlf" | "xliff" => Some(Format::Xliff),
            "md" | "markdown" => Some(Format::DraftMd),
            _ => None,
        }
    }
}

/// What a reader yields: a unit, or a unit it skipped and why.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "nearly every item is a Unit; boxing would cost an allocation each")]
pub enum ReadItem {
    /// A unit to import.
    Unit(Unit),
    /// A unit that cannot be imported, with the reason; the import goes on.
    Skipped(Skip),
}

/// A skipped unit: which one (by `tuid` or ordinal), where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// `tuid="..."` or `tu #12` / `row 12`.
    pub unit: String,
    /// 1-based line where the unit starts, when known.
    pub line: Option<u64>,
    /// Why it was skipped ("no variant in the source language en-US").
    pub reason: String,
}

/// Options for reading a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The format; detected from the extension (and content) when `None`.
    pub format: Option<Format>,
    /// Languages of the columns of a headerless TSV/CSV; for TMX, keep only these languages.
    pub langs: Option<Vec<Lang>>,
}

/// A boxed stream of read items.
pub type ReadStream = Box<dyn Iterator<Item = Result<ReadItem>> + Send>;

/// Open `path` and stream its units. Errors carry the file name and position.
pub fn read_file(path: &Path, opts: &ReadOptions) -> Result<ReadStream> {
    let format = match opts.format.or_else(|| Format::from_path(path)) {
        // A draft is TSV too: only its first line tells it from a memory file.
        Some(Format::Tsv) => match sniff(path)? {
            Format::DraftTsv => Format::DraftTsv,
            _ => Format::Tsv,
        },
        Some(f) => f,
        None => sniff(path)?,
    };
    match format {
        Format::Tmx => tmx::read_file(path, opts),
        Format::Csv | Format::Tsv => delimited::read_file(path, format, opts),
        Format::Xliff => xliff::read_file(path, opts),
        Format::DraftTsv => draft::read_tsv_file(path, opts),
        Format::DraftMd => draft::read_md_file(path, opts),
    }
}

/// Guess the format of a file without a known extension from its first bytes.
fn sniff(path: &Path) -> Result<Format> {
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).map_err(|e| Error::from(e).in_file(path))?;
    let text: String = head[..n].iter().filter(|b| **b != 0).map(|&b| b as char).collect();
    if draft::is_tsv_draft(&head[..n]) {
        Ok(Format::DraftTsv)
    } else if text.contains("<!-- tomo-draft") {
        Ok(Format::DraftMd)
    } else if text.contains("<xliff") {
        Ok(Format::Xliff)
    } else if text.contains("<tmx") || text.trim_start_matches('\u{feff}').trim_start().starts_with("<?xml") {
        Ok(Format::Tmx)
    } else if text.contains('\t') {
        Ok(Format::Tsv)
    } else {
        Ok(Format::Csv)
    }
}

/// What a writer needs to know before the first unit.
#[derive(Debug, Clone, Default)]
pub struct WriteHeader {
    /// The source language (TMX header `srclang`; `None` writes `*all*`).
    pub srclang: Option<Lang>,
    /// The languages to write, in column order for CSV/TSV. Empty: every language met
    /// (TMX only; CSV/TSV need the columns up front).
    pub langs: Vec<Lang>,
}

/// A streaming writer of units in one format.
pub trait UnitWriter {
    /// Write one unit.
    fn write_unit(&mut self, unit: &Unit) -> Result<()>;
    /// Write what closes the file and flush.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A writer for `format` over `out`.
pub fn writer(format: Format, out: Box<dyn Write>, header: &WriteHeader) -> Result<Box<dyn UnitWriter>> {
    match format {
        Format::Tmx => Ok(Box::new(tmx::TmxWriter::new(out, header)?)),
        Format::Csv | Format::Tsv => Ok(Box::new(delimited::DelimitedWriter::new(out, format, header)?)),
        Format::Xliff => Err(Error::new(
            crate::error::ErrorKind::Unsupported,
            "XLIFF is written from a draft (`tomo translate --format xliff`), not exported from the memory",
        )),
        Format::DraftTsv | Format::DraftMd => Err(Error::new(
            crate::error::ErrorKind::Unsupported,
            "drafts are written by `tomo translate --format tsv|md`, not exported from the memory",
        )),
    }
}
