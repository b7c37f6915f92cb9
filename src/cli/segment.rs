//! `tomo segment`: split a text into paragraphs and sentences, by the built-in rules or an
//! SRX file, and print the segments as text, JSON or JSON lines; or export the built-in
//! rules as SRX.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use tomo::lang::Lang;
use tomo::segment::srx::SrxRules;
use tomo::segment::{self, NewlineMode, Segment, Segmenter};

use super::Outcome;
use super::args::{Global, parse_lang};

/// Options of `tomo segment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to segment (UTF-8); `-` reads standard input.
    #[arg(value_name = "FILE", default_value = "-")]
    pub file: PathBuf,
    /// The text's language (BCP 47: en, ja, ko, zh-TW ...); picks the rules.
    #[arg(long, value_parser = parse_lang, required_unless_present = "export_srx")]
    pub lang: Option<Lang>,
    /// What a single newline means: it ends a paragraph, ends a sentence, or is a wrap
    /// inside a sentence. A blank line always ends a paragraph.
    #[arg(long, value_enum, default_value_t = NewlineArg::Para)]
    pub newline: NewlineArg,
    /// Segment by the rules of this SRX 2.0 file instead of tomo's own.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<PathBuf>,
    /// Output: one segment per line with a blank line between paragraphs, a JSON array, or
    /// one JSON object per line (text, start and end byte offsets, paragraph).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Write tomo's built-in rules as an SRX 2.0 file (for OmegaT, Okapi ...) and exit.
    #[arg(long, value_name = "FILE", conflicts_with = "rules")]
    pub export_srx: Option<PathBuf>,
}

/// `--newline` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewlineArg {
    /// A newline ends a paragraph.
    Para,
    /// A newline ends a sentence; the paragraph goes on.
    Break,
    /// A newline is a line wrap inside a sentence.
    Wrap,
}

impl From<NewlineArg> for NewlineMode {
    fn from(n: NewlineArg) -> NewlineMode {
        match n {
            NewlineArg::Para => NewlineMode::Para,
            NewlineArg::Break => NewlineMode::Break,
            NewlineArg::Wrap => NewlineMode::Wrap,
        }
    }
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One segment per line, a blank line between paragraphs.
    Text,
    /// A JSON array of {"text", "start", "end", "paragraph"}.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Run `tomo segment`.
pub fn run(args: Args, _global: &Global) -> tomo::Result<Outcome> {
    if let Some(path) = &args.export_srx {
        let xml = segment::rules::builtin_srx().to_xml();
        std::fs::write(path, xml).map_err(|e| tomo::Error::from(e).in_file(path))?;
        return Ok(Outcome::Success);
    }
    let lang = args.lang.as_ref().ok_or_else(|| tomo::Error::invalid("give the text's language with --lang"))?;
    let segmenter: Box<dyn Segmenter> = match &args.rules {
        Some(path) => {
            let rules = SrxRules::load(path)?;
            let (seg, warnings) = rules.segmenter(lang).map_err(|e| e.in_file(path))?;
            for w in warnings {
                eprintln!("tomo: warning: {}: {w}", path.display());
            }
            Box::new(seg)
        }
        None => segment::builtin(lang),
    };
    let text = read_input(&args.file)?;
    let segments = segment::segment(&text, segmenter.as_ref(), args.newline.into());
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    write_segments(&mut out, &text, &segments, args.format).map_err(tomo::Error::from)?;
    out.flush().map_err(tomo::Error::from)?;
    Ok(Outcome::Success)
}

fn read_input(path: &Path) -> tomo::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| tomo::Error::from(e).in_file("<stdin>"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| tomo::Error::from(e).in_file(path))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        let name = if path.as_os_str() == "-" { Path::new("<stdin>") } else { path };
        tomo::Error::parse(format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
            .in_file(name)
    })
}

#[derive(serde::Serialize)]
struct JsonSegment<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    paragraph: usize,
}

fn write_segments(out: &mut impl Write, text: &str, segments: &[Segment], format: OutputFormat) -> std::io::Result<()> {
    let json = |s: &Segment| JsonSegment {
        text: s.text(text),
        start: s.range.start,
        end: s.range.end,
        paragraph: s.paragraph,
    };
    match format {
        OutputFormat::Text => {
            let mut paragraph = segments.first().map_or(0, |s| s.paragraph);
            for s in segments {
                if s.paragraph != paragraph {
                    out.write_all(b"\n")?;
                    paragraph = s.paragraph;
                }
                // One segment per line: a newline inside a segment (--newline wrap) shows
                // as a space here; the JSON formats keep the exact text.
                let t = s.text(text);
                if t.contains(['\n', '\r']) {
                    out.write_all(t.replace("\r\n", " ").replace(['\n', '\r'], " ").as_bytes())?;
                } else {
                    out.write_all(t.as_bytes())?;
                }
                out.write_all(b"\n")?;
            }
        }
        OutputFormat::Json => {
            out.write_all(b"[")?;
            for (i, s) in segments.iter().enumerate() {
                out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *out, &json(s)).map_err(std::io::Error::other)?;
            }
            out.write_all(if segments.is_empty() { b"]\n" } else { b"\n]\n" })?;
        }
        OutputFormat::Jsonl => {
            for s in segments {
                serde_json::to_writer(&mut *out, &json(s)).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
