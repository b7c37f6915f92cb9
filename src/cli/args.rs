//! Argument groups and resolution shared by several subcommands: which memory to open,
//! language lists, file formats, and terminal progress.

use std::io::IsTerminal;
use std::path::PathBuf;

use tomo::formats::Format;
use tomo::lang::Lang;
use tomo::tm::{TranslationMemory, folder};

/// Options every subcommand accepts.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// The memory database. Default: $TOMO_DB, else tm/tomo.db when a tm/ folder exists
    /// here, else tomo.db in the per-user data directory.
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl Global {
    /// Where the memory lives, by the rules in `--db`'s help.
    pub fn db_path(&self) -> tomo::Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        if let Some(p) = std::env::var_os("TOMO_DB").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        if std::path::Path::new("tm").is_dir() {
            return Ok(PathBuf::from("tm").join("tomo.db"));
        }
        let dir = dirs::data_dir()
            .ok_or_else(|| tomo::Error::invalid("no per-user data directory on this system; pass --db FILE"))?;
        Ok(dir.join("tomo").join("tomo.db"))
    }

    /// Open (creating if needed) the memory. When it lives in a `tm/` folder, the TMX, CSV
    /// and TSV files placed in that folder are imported first (each content once).
    pub fn open_tm(&self) -> tomo::Result<TranslationMemory> {
        let path = self.db_path()?;
        let mut tm = TranslationMemory::open_with(&path, |from, to| {
            eprintln!(
                "tomo: upgrading {} from schema {from} to {to}, once (about 20 s per million units)",
                path.display()
            );
        })?;
        if let Some(dir) = path.parent().filter(|d| d.file_name().is_some_and(|n| n == "tm")) {
            for event in folder::sync(&mut tm, dir)? {
                match event {
                    folder::SyncEvent::Imported(file, r) => eprintln!(
                        "tomo: imported {}: {} new, {} already present, {} skipped",
                        file.display(),
                        r.new,
                        r.present,
                        r.skipped.len()
                    ),
                    folder::SyncEvent::Failed(err) => eprintln!("tomo: warning: not imported: {err}"),
                }
            }
        }
        Ok(tm)
    }
}

/// A file format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// TMX 1.4b.
    Tmx,
    /// Comma-separated values with a header row of language tags.
    Csv,
    /// Tab-separated values with a header row of language tags.
    Tsv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Tmx => Format::Tmx,
            FormatArg::Csv => Format::Csv,
            FormatArg::Tsv => Format::Tsv,
        }
    }
}

/// A comma-separated language list (`ja,en-US`) as one option value. A newtype because clap
/// reads an `Option<Vec<_>>` field as a repeatable option and would not take the parser's
/// whole list as one value.
#[derive(Debug, Clone)]
pub struct LangList(pub Vec<Lang>);

/// clap value parser for a [`LangList`].
pub fn parse_langs(s: &str) -> Result<LangList, String> {
    let langs = tomo::lang::parse_list(s).map_err(|e| e.to_string())?;
    if langs.is_empty() { Err("give at least one language tag".into()) } else { Ok(LangList(langs)) }
}

/// clap value parser for one language tag.
pub fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).map_err(|e| e.to_string())
}

/// A progress spinner on stderr when it is a terminal; `None` otherwise.
pub fn spinner(message: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} units ({per_sec}, {elapsed})")
            .expect("the progress template is valid"),
    );
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Colour on standard output: only on a terminal, and never when `NO_COLOR` is set.
pub fn color_enabled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
