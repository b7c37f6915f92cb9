//! CSV and TSV: a header row of language tags, optional metadata columns.

use std::io::Write;
use std::path::Path;

use super::{Format, ReadOptions, ReadStream, UnitWriter, WriteHeader};
use crate::error::{Error, ErrorKind, Result};
use crate::tm::Unit;

/// Stream the units of a CSV or TSV file.
pub fn read_file(path: &Path, _format: Format, _opts: &ReadOptions) -> Result<ReadStream> {
    Err(Error::new(ErrorKind::Unsupported, "CSV/TSV reading is not built yet").in_file(path))
}

/// Writes CSV (with a UTF-8 BOM) or TSV.
pub struct DelimitedWriter {
    _out: Box<dyn Write>,
}

impl DelimitedWriter {
    /// Start a file on `out` (writes the header row).
    pub fn new(out: Box<dyn Write>, _format: Format, _header: &WriteHeader) -> Result<Self> {
        Ok(DelimitedWriter { _out: out })
    }
}

impl UnitWriter for DelimitedWriter {
    fn write_unit(&mut self, _unit: &Unit) -> Result<()> {
        Err(Error::new(ErrorKind::Unsupported, "CSV/TSV writing is not built yet"))
    }
    fn finish(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
