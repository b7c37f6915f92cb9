//! `tomo stats [--json]`: which memory is in use and what it holds.

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
    if args.json {
        println!("{}", serde_json::to_string(&s)?);
        return Ok(Outcome::Success);
    }
    let path = s.path.as_ref().map_or("(in memory)".to_string(), |p| p.display().to_string());
    println!("memory:    {path}");
    println!("schema:    version {}", s.schema_version);
    println!("size:      {:.1} MB", s.file_bytes as f64 / 1e6);
    println!("units:     {}", s.units);
    println!("variants:  {}", s.variants);
    println!("origins:   {}", s.origins);
    for (lang, n) in &s.languages {
        println!("  {lang:<12} {n:>10}");
    }
    Ok(Outcome::Success)
}
