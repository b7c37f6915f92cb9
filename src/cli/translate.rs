//! `tomo translate ARTICLE --from ja --to en [--min 75] [--format table|tsv|md|json|xliff] [-o FILE]`:
//! draft a translation of an article from the memory.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use tomo::lang::Lang;
use tomo::report::draft::{DraftOptions, draft_file};
use tomo::report::render::{self, TableStyle};

use super::Outcome;
use super::args::{Global, parse_lang};

/// How to write the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DraftFormat {
    /// Source and draft side by side, for a terminal.
    Table,
    /// Tab-separated, one sentence per row, with a header.
    Tsv,
    /// A Markdown document for review, one table per paragraph.
    Md,
    /// One JSON object with every sentence and its candidates.
    Json,
    /// XLIFF 1.2 for a CAT tool (OmegaT, Okapi, Trados, memoQ).
    Xliff,
}

/// Options of `tomo translate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article: UTF-8 text, paragraphs separated by blank lines.
    #[arg(value_name = "ARTICLE")]
    article: PathBuf,
    /// The article's language.
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    from: Lang,
    /// The language to draft in.
    #[arg(long, value_parser = parse_lang, value_name = "LANG")]
    to: Lang,
    /// Lowest match percentage used as a draft.
    #[arg(long, default_value_t = 75, value_parser = clap::value_parser!(u8).range(0..=100))]
    min: u8,
    /// Most candidates kept per sentence (XLIFF alt-trans, JSON).
    #[arg(long, default_value_t = 3)]
    candidates: usize,
    /// Output format; default from the extension of -o (`.xlf`, `.md`, `.tsv`, `.json`), else table.
    #[arg(long, value_enum)]
    format: Option<DraftFormat>,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Run `tomo translate`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    tm.map_for_lookups()?;
    let opts = DraftOptions { min_score: args.min, limit: args.candidates };
    let draft = draft_file(&tm, &args.article, &args.from, &args.to, &opts)?;
    let format = args.format.or_else(|| args.output.as_deref().and_then(format_of)).unwrap_or(DraftFormat::Table);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => {
            Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(|e| tomo::Error::from(e).in_file(p))?))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let written = match format {
        DraftFormat::Table => {
            let color = to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            render::table(&draft, TableStyle { width: terminal_width(), color }, &mut out)
        }
        DraftFormat::Tsv => render::tsv(&draft, &mut out),
        DraftFormat::Md => render::markdown(&draft, &mut out),
        DraftFormat::Json => render::json(&draft, &mut out),
        DraftFormat::Xliff => tomo::formats::xliff::write_draft(&draft, &mut out),
    };
    let flushed = written.and_then(|()| Ok(out.flush()?));
    match &args.output {
        Some(p) => flushed.map_err(|e| e.in_file(p))?,
        None => flushed?,
    }
    Ok(Outcome::Success)
}

fn format_of(path: &std::path::Path) -> Option<DraftFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "xlf" | "xliff" => Some(DraftFormat::Xliff),
        "md" | "markdown" => Some(DraftFormat::Md),
        "tsv" | "tab" => Some(DraftFormat::Tsv),
        "json" => Some(DraftFormat::Json),
        _ => None,
    }
}

/// `$COLUMNS` when set (shells export it for interactive use), else 120.
fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 40).unwrap_or(120)
}
