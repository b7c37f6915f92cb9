//! `tomo analyze`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo analyze`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo analyze` is not built yet"))
}
