//! `tomo import FILE... [--format tmx|csv|tsv] [--langs ja,en] [--json]`.

use std::io::Write;
use std::path::PathBuf;

use tomo::formats::{self, ReadOptions};
use tomo::tm::{ImportOptions, ImportReport};

use super::Outcome;
use super::args::{FormatArg, Global, LangList, parse_langs, spinner};

/// Options of `tomo import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to import (TMX, CSV, TSV); each is one transaction.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The format, when the extension does not say it.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Column languages of a TSV/CSV without a header row (`ja,en`); for TMX, import only
    /// these languages.
    #[arg(long, value_parser = parse_langs, value_name = "LANGS")]
    langs: Option<LangList>,
    /// One JSON object per file on stdout instead of the summary lines.
    #[arg(long)]
    json: bool,
}

/// Run `tomo import`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let mut tm = global.open_tm()?;
    let read_opts = ReadOptions { format: args.format.map(Into::into), langs: args.langs.clone().map(|l| l.0) };
    for file in &args.files {
        let name = file.display().to_string();
        let items = formats::read_file(file, &read_opts)?;
        let opts = ImportOptions { origin: file.file_name().map(|n| n.to_string_lossy().into_owned()) };
        let bar = spinner(&format!("importing {name}"));
        let report = tm
            .import_stream(items, &opts, &mut |r| {
                if let Some(b) = &bar {
                    b.set_position(r.read);
                }
            })
            .map_err(|e| e.in_file(file))?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        for s in &report.skipped {
            let at = s.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            eprintln!("tomo: warning: {name}: {at}{}: skipped: {}", s.unit, s.reason);
        }
        if args.json {
            writeln!(std::io::stdout(), "{}", json_line(&name, &report)?)?;
        } else {
            writeln!(std::io::stdout(), "{}", summary(&name, &report))?;
        }
    }
    Ok(Outcome::Success)
}

fn summary(name: &str, r: &ImportReport) -> String {
    let mut line = format!(
        "{name}: {} units read, {} new, {} already present, {} skipped",
        r.read,
        r.new,
        r.present,
        r.skipped.len()
    );
    if r.multiple > 0 {
        line.push_str(&format!(" ({} new translations of sources already in the memory)", r.multiple));
    }
    line
}

fn json_line(name: &str, r: &ImportReport) -> tomo::Result<String> {
    let mut value = serde_json::to_value(r)?;
    value["file"] = serde_json::Value::String(name.to_string());
    Ok(serde_json::to_string(&value)?)
}
