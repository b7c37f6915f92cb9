//! TMX 1.4b reader and writer (TMX 1.1 read), streaming.

use std::io::Write;
use std::path::Path;

use super::{ReadOptions, ReadStream, UnitWriter, WriteHeader};
use crate::error::{Error, ErrorKind, Result};
use crate::tm::Unit;

/// Stream the units of a TMX file.
pub fn read_file(path: &Path, _opts: &ReadOptions) -> Result<ReadStream> {
    Err(Error::new(ErrorKind::Unsupported, "TMX reading is not built yet").in_file(path))
}

/// Writes TMX 1.4b, one unit at a time.
pub struct TmxWriter {
    _out: Box<dyn Write>,
}

impl TmxWriter {
    /// Start a TMX document on `out` (writes the header).
    pub fn new(out: Box<dyn Write>, _header: &WriteHeader) -> Result<Self> {
        Ok(TmxWriter { _out: out })
    }
}

impl UnitWriter for TmxWriter {
    fn write_unit(&mut self, _unit: &Unit) -> Result<()> {
        Err(Error::new(ErrorKind::Unsupported, "TMX writing is not built yet"))
    }
    fn finish(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
