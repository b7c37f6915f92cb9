//! `tomo lookup`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo lookup`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo lookup`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo lookup` is not built yet"))
}
