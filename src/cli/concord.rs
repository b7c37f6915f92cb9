//! `tomo concord TERM [--lang ja] [--limit 20] [--json]`: a term in context, with the
//! unit's other-language variants, most recent first.

use std::io::Write;

use tomo::lang::Lang;

use super::Outcome;
use super::args::{Global, color_enabled, parse_lang};

/// Options of `tomo concord`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The word, phrase or characters to find.
    term: String,
    /// Search only variants in this language (default: every language).
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// At most this many hits.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// One JSON object: the term and its hits.
    #[arg(long)]
    json: bool,
}

/// Run `tomo concord`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    tm.map_for_lookups()?;
    let hits = tm.concord(&args.term, args.lang.as_ref(), args.limit)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer(&mut out, &serde_json::json!({ "term": args.term, "hits": hits }))?;
        writeln!(out)?;
    } else {
        let (hl, hl_end, dim, dim_end) =
            if color_enabled() { ("\x1b[1;33m", "\x1b[0m", "\x1b[2m", "\x1b[0m") } else { ("[", "]", "", "") };
        for h in &hits {
            let left: String = {
                let chars: Vec<char> = h.left.chars().collect();
                let from = chars.len().saturating_sub(40);
                chars[from..].iter().collect()
            };
            let right: String = h.right.chars().take(40).collect();
            let when = h.changed.as_deref().map(|d| d.get(..8).unwrap_or(d)).unwrap_or("-");
            writeln!(out, "{dim}#{} {} {when}{dim_end}  {left}{hl}{}{hl_end}{right}", h.unit, h.lang, h.keyword)?;
            for (lang, text) in &h.others {
                writeln!(out, "      {dim}{lang}{dim_end}  {text}")?;
            }
        }
    }
    out.flush()?;
    Ok(if hits.is_empty() { Outcome::NoMatch } else { Outcome::Success })
}
