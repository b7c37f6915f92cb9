//! `tomo align`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo align`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo align`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo align` is not built yet"))
}
