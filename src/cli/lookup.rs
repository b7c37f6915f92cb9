//! `tomo lookup TEXT --from ja --to en [--min 75] [--limit 5] [--json]`, and `--stdin` for
//! batches (one JSON line per input line, flushed before reading a line not yet there).

use std::io::{BufRead, Write};

use tomo::lang::Lang;
use tomo::tm::fuzzy::{DiffKind, Lookup, Match};

use super::Outcome;
use super::args::{Global, color_enabled, parse_lang};

/// Options of `tomo lookup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sentence to look up.
    #[arg(required_unless_present = "stdin", conflicts_with = "stdin")]
    text: Option<String>,
    /// Read one sentence per line from standard input.
    #[arg(long)]
    stdin: bool,
    /// Language of the sentence.
    #[arg(long, value_parser = parse_lang)]
    from: Lang,
    /// Language of the translations wanted.
    #[arg(long, value_parser = parse_lang)]
    to: Lang,
    /// Lowest match percentage shown.
    #[arg(long, default_value_t = 75, value_parser = clap::value_parser!(u8).range(0..=100))]
    min: u8,
    /// At most this many matches per sentence.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// One JSON object per sentence.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct JsonLine<'a> {
    query: &'a str,
    matches: &'a [Match],
}

/// Run `tomo lookup`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    tm.map_for_lookups()?;
    let color = !args.json && color_enabled();
    // Buffered here, flushed by the callers below: stdout's own line buffering wrote each
    // line with a system call of its own, which woke the reader of a pipe once a line.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let mut any = false;
    let mut one = |text: &str, out: &mut dyn Write| -> tomo::Result<()> {
        let q = Lookup { text, from: &args.from, to: &args.to, min_score: args.min, limit: args.limit };
        let matches = tm.lookup(&q)?;
        any |= !matches.is_empty();
        if args.json {
            serde_json::to_writer(&mut *out, &JsonLine { query: text, matches: &matches })?;
            out.write_all(b"\n")?;
        } else {
            print_human(out, text, &matches, color)?;
        }
        Ok(())
    };
    if args.stdin {
        // The lines of one read from standard input share a read transaction (one snapshot,
        // one lock: taking and dropping them per line was 1-2 % of a batch); it ends before
        // the next read, which may wait for a person or a script, so no snapshot is held
        // while waiting and each line sees what was committed before it was read.
        let mut input = std::io::BufReader::with_capacity(64 << 10, std::io::stdin().lock());
        // The lines share a copy of the pair frequencies once they have read enough of them
        // (the copy follows any commit: `index::batch_pair_rows`).
        let _pairs = tomo::tm::index::batch_pair_rows(tm.conn());
        let mut line = String::new();
        let mut open = false;
        loop {
            if open && input.buffer().is_empty() {
                tm.conn().execute_batch("COMMIT")?;
                open = false;
            }
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            if !open {
                tm.conn().execute_batch("BEGIN")?;
                open = true;
            }
            let text = line.strip_suffix('\n').unwrap_or(&line).trim_end_matches('\r');
            one(text, &mut out)?;
            // Each answer is out before the next read could wait: when the next line is
            // already here, whoever sent it is not waiting for this answer, and the
            // answers go out together (a `--stdin` batch piped to a script: one write a
            // 64 KB instead of one a line, 4-8 % of a Japanese batch at 1M units).
            if !input.buffer().contains(&b'\n') {
                out.flush()?;
            }
        }
        if open {
            tm.conn().execute_batch("COMMIT")?;
        }
    } else if let Some(text) = &args.text {
        one(text, &mut out)?;
    }
    out.flush()?;
    Ok(if any { Outcome::Success } else { Outcome::NoMatch })
}

fn print_human(out: &mut dyn Write, query: &str, matches: &[Match], color: bool) -> std::io::Result<()> {
    let (red, green, dim, bold, reset) =
        if color { ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m") } else { ("", "", "", "", "") };
    writeln!(out, "{bold}{query}{reset}")?;
    if matches.is_empty() {
        writeln!(out, "  no match")?;
    }
    for m in matches {
        let kind = serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let multiple = if m.multiple { " multiple" } else { "" };
        let when = m.changed.as_deref().map(|d| d.get(..8).unwrap_or(d)).unwrap_or("-");
        let origin = m.origin.as_deref().unwrap_or("-");
        writeln!(out, "{bold}{:>4}%{reset} {kind:<7} #{:<6} {dim}{origin} {when}{multiple}{reset}", m.score, m.unit)?;
        writeln!(out, "       {}", m.source)?;
        let changes: Vec<String> = m
            .diff
            .iter()
            .filter(|d| d.op != DiffKind::Equal)
            .map(|d| match d.op {
                DiffKind::Insert => format!("{green}+{}{reset}", d.query),
                DiffKind::Delete => format!("{red}-{}{reset}", d.source),
                _ => format!("{red}{}{reset}→{green}{}{reset}", d.source, d.query),
            })
            .collect();
        if !changes.is_empty() {
            writeln!(out, "       {dim}differs:{reset} {}", changes.join("  "))?;
        }
        if !m.penalties.is_empty() {
            let p: Vec<String> = m
                .penalties
                .iter()
                .map(|p| {
                    let k = serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(String::from));
                    format!("{} −{}", k.unwrap_or_default(), p.points)
                })
                .collect();
            writeln!(out, "       {dim}penalties:{reset} {}", p.join(", "))?;
        }
        writeln!(out, "     → {}", m.target)?;
    }
    Ok(())
}
