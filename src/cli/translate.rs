//! `tomo translate`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo translate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo translate`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo translate` is not built yet"))
}
