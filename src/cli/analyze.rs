//! `tomo analyze ARTICLE... --from ja --to en [--json|--csv]`: the CAT-style match analysis
//! (bands, segments, words, characters) per file and overall.

use std::io::Write;
use std::path::PathBuf;

use tomo::lang::Lang;
use tomo::report::analysis;
use tomo::report::draft::{DraftOptions, draft_file};

use super::Outcome;
use super::args::{Global, parse_lang};

/// Options of `tomo analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The articles, analyzed in this order (a sentence met in an earlier one is a
    /// cross-file repetition).
    #[arg(required = true, value_name = "ARTICLE")]
    articles: Vec<PathBuf>,
    /// The articles' language.
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    from: Lang,
    /// The language they are to be translated into.
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    to: Lang,
    /// One JSON object instead of the table.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV rows (`file,band,segments,words,chars`) instead of the table.
    #[arg(long)]
    csv: bool,
}

/// Run `tomo analyze`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    tm.map_for_lookups()?;
    // 50 % is the lowest band; below it a sentence is "no match".
    let opts = DraftOptions { min_score: 50, limit: 1 };
    let drafts = args
        .articles
        .iter()
        .map(|a| draft_file(&tm, a, &args.from, &args.to, &opts))
        .collect::<tomo::Result<Vec<_>>>()?;
    let report = analysis::analyze(&drafts, &args.from, &args.to);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        analysis::json(&report, &mut out)?;
    } else if args.csv {
        analysis::csv(&report, &mut out)?;
    } else {
        analysis::table(&report, &mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
