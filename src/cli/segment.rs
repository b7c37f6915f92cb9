//! `tomo segment`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo segment`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo segment`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo segment` is not built yet"))
}
