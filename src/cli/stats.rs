//! `tomo stats [--json]`: which memory is in use and what it holds.

use std::io::Write;

use super::Outcome;
use super::args::Global;

/// Options of `tomo stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// Run `tomo stats`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    let s = tm.stats()?;
    // writeln! rather than println!: a closed pipe (`tomo stats | head -1`) is an error the
    // caller turns into a quiet exit, where println! would panic.
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&s)?)?;
        return Ok(Outcome::Success);
    }
    let path = s.path.as_ref().map_or("(in memory)".to_string(), |p| p.display().to_string());
    writeln!(out, "memory:    {path}")?;
    writeln!(out, "schema:    version {}", s.schema_version)?;
    writeln!(out, "size:      {:.1} MB", s.file_bytes as f64 / 1e6)?;
    writeln!(out, "units:     {}", s.units)?;
    writeln!(out, "variants:  {}", s.variants)?;
    writeln!(out, "origins:   {}", s.origins)?;
    for (lang, n) in &s.languages {
        writeln!(out, "  {lang:<12} {n:>10}")?;
    }
    Ok(Outcome::Success)
}
