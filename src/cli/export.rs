//! `tomo export -o FILE [--format tmx|csv|tsv] [--langs en,ja] [--origin TEXT] [--since DATE] [--until DATE]`.

use std::io::Write;
use std::path::{Path, PathBuf};

use tomo::formats::{self, Format, WriteHeader};
use tomo::lang::Lang;
use tomo::tm::ExportFilter;

use super::Outcome;
use super::args::{FormatArg, Global, LangList, parse_langs};

/// Options of `tomo export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output file (`-` for stdout). Written to a temporary file and renamed when complete.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// The format; default from the extension, else TMX.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Only units with all these languages, and only those variants (`en,ja`). The first is
    /// the source language.
    #[arg(long, value_parser = parse_langs, value_name = "LANGS")]
    langs: Option<LangList>,
    /// Only units whose origin contains this text.
    #[arg(long, value_name = "TEXT")]
    origin: Option<String>,
    /// Only units created or changed on or after this date (YYYYMMDD or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    since: Option<String>,
    /// Only units created or changed before this date (YYYYMMDD or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    until: Option<String>,
}

/// Run `tomo export`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    let tm = global.open_tm()?;
    let format = args.format.map(Format::from).or_else(|| Format::from_path(&args.output)).unwrap_or(Format::Tmx);
    // Without --langs every unit is exported; CSV/TSV then need a column per language in the
    // memory, left empty where a unit has no variant in it.
    let filter_langs = args.langs.map(|l| l.0).unwrap_or_default();
    let columns = if filter_langs.is_empty() && format != Format::Tmx {
        tm.stats()?.languages.iter().filter_map(|(tag, _)| Lang::parse(tag).ok()).collect()
    } else {
        filter_langs.clone()
    };
    let srclang = match filter_langs.first() {
        Some(l) => Some(l.clone()),
        None => tm.dominant_srclang()?,
    };
    let header = WriteHeader { srclang, langs: columns };
    let filter = ExportFilter { langs: filter_langs, origin: args.origin, since: args.since, until: args.until };

    let to_stdout = args.output == Path::new("-");
    let tmp = args.output.with_extension("tomo-tmp");
    let out: Box<dyn Write> = if to_stdout {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    } else {
        let f = std::fs::File::create(&tmp).map_err(|e| tomo::Error::from(e).in_file(&tmp))?;
        Box::new(std::io::BufWriter::with_capacity(1 << 16, f))
    };
    let result = (|| {
        let mut writer = formats::writer(format, out, &header)?;
        let n = tm.export(&filter, &mut |unit| writer.write_unit(&unit))?;
        writer.finish()?;
        Ok::<u64, tomo::Error>(n)
    })();
    let n = match result {
        Ok(n) => n,
        Err(e) => {
            if !to_stdout {
                let _ = std::fs::remove_file(&tmp);
            }
            return Err(e.in_file(&args.output));
        }
    };
    if !to_stdout {
        std::fs::rename(&tmp, &args.output).map_err(|e| tomo::Error::from(e).in_file(&args.output))?;
        eprintln!("tomo: wrote {n} units to {}", args.output.display());
    }
    Ok(Outcome::Success)
}

/// Accept `YYYYMMDD`, `YYYY-MM-DD` or a full TMX date; return the TMX form for comparison.
fn parse_date(s: &str) -> Result<String, String> {
    let digits: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let ok = digits.len() >= 8 && digits[..8].chars().all(|c| c.is_ascii_digit());
    if ok { Ok(digits.to_ascii_uppercase()) } else { Err(format!("{s:?} is not a date (YYYYMMDD or YYYY-MM-DD)")) }
}
