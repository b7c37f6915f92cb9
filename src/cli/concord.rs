//! `tomo concord`.

use super::Outcome;
use super::args::Global;

/// Options of `tomo concord`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `tomo concord`.
pub fn run(_args: Args, _global: &Global) -> tomo::Result<Outcome> {
    Err(tomo::Error::new(tomo::ErrorKind::Unsupported, "`tomo concord` is not built yet"))
}
