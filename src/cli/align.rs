//! `tomo align SRC TGT [MORE...] --langs ja,en[,ko] [--format table|tsv|json|tmx] [--import]
//! [--min-confidence X]` and `tomo align --jsonl IN.jsonl` (batch, pre-segmented).

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tomo::align::multi::{self, Row};
use tomo::align::raw::{self, Sentence};
use tomo::align::{Aligner, Bead, DEFAULT_MIN_CONFIDENCE, Lexicon, LineCache};
use tomo::formats::{self, Format, ReadItem, WriteHeader};
use tomo::lang::Lang;
use tomo::report::render::{pad, wrap_plain};
use tomo::tm::{ImportOptions, Prop, TranslationMemory, Unit, Variant};
use tomo::{Error, Position};

use super::Outcome;
use super::args::{Global, LangList, parse_langs};

/// Options of `tomo align`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article and its translation(s), raw text; the first is the pivot.
    #[arg(value_name = "FILE", required_unless_present = "jsonl", num_args = 2..)]
    files: Vec<PathBuf>,
    /// Languages of the files, in order (`ja,en` or `en,ja,ko`).
    #[arg(long, value_parser = parse_langs, value_name = "LANGS", required_unless_present = "jsonl")]
    langs: Option<LangList>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Store the confident beads in the memory (1-1, 1-2, 2-1 at or above --min-confidence).
    #[arg(long)]
    import: bool,
    /// Lowest confidence (0–1) of a bead that --import stores and --format tmx writes.
    #[arg(long, value_name = "X", default_value_t = DEFAULT_MIN_CONFIDENCE)]
    min_confidence: f64,
    /// Batch mode: one pre-segmented document per line (`id`, `src_lang`, `tgt_lang`, `src`,
    /// `tgt`); writes `{"id", "beads", "confidence"}` per line.
    #[arg(long, value_name = "IN.jsonl", conflicts_with_all = ["files", "import"])]
    jsonl: Option<PathBuf>,
    /// Batch mode: learn the lexicon from these line-aligned (1-1) JSONL documents instead
    /// of the memory; used to measure the lexicon's gain.
    #[arg(long, value_name = "PAIRS.jsonl", hide = true, requires = "jsonl")]
    lexicon_from: Vec<PathBuf>,
    /// Batch mode: align once, without the self-training pass (for measurements).
    #[arg(long, hide = true, requires = "jsonl")]
    no_self_train: bool,
}

/// Output formats of `tomo align`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Side-by-side columns for review in a terminal.
    Table,
    /// One bead per line: kind, confidence, paragraph, one text column per file.
    Tsv,
    /// One JSON object per bead (JSON lines).
    Json,
    /// TMX 1.4b with the aligned units.
    Tmx,
}

/// Run `tomo align`.
pub fn run(args: Args, global: &Global) -> tomo::Result<Outcome> {
    if let Some(path) = &args.jsonl {
        return batch(path, &args.lexicon_from, !args.no_self_train);
    }
    if !(0.0..=1.0).contains(&args.min_confidence) {
        return Err(Error::invalid(format!("--min-confidence {} is not between 0 and 1", args.min_confidence)));
    }
    let langs = args.langs.clone().map(|l| l.0).unwrap_or_default();
    if langs.len() != args.files.len() {
        return Err(Error::invalid(format!(
            "{} files but {} languages in --langs: give one language per file",
            args.files.len(),
            langs.len()
        )));
    }
    if args.files.len() > 3 {
        return Err(Error::invalid("tomo aligns two or three versions of an article at a time"));
    }
    let docs: Vec<Vec<Sentence>> = args
        .files
        .iter()
        .zip(&langs)
        .map(|(f, l)| {
            let text = std::fs::read_to_string(f).map_err(|e| Error::from(e).in_file(f))?;
            Ok(raw::sentences(&text, tomo::segment::builtin(l).as_ref()))
        })
        .collect::<tomo::Result<_>>()?;
    // Learn from the memory when there is one (or when importing into it); a missing memory
    // is not created just to align.
    let mut tm = if args.import || global.db_path()?.exists() { Some(global.open_tm()?) } else { None };
    let aligner_for = |a: &Lang, b: &Lang| -> tomo::Result<Aligner> {
        match &tm {
            Some(tm) => Aligner::with_memory(a, b, tm),
            None => Ok(Aligner::new(a, b)),
        }
    };
    let pivot = &docs[0];
    let rows: Vec<Row> = if docs.len() == 2 {
        multi::from_pair(&raw::align(&aligner_for(&langs[0], &langs[1])?, pivot, &docs[1]))
    } else {
        let to_x = raw::align(&aligner_for(&langs[0], &langs[1])?, pivot, &docs[1]);
        let to_y = raw::align(&aligner_for(&langs[0], &langs[2])?, pivot, &docs[2]);
        let xy = aligner_for(&langs[1], &langs[2])?;
        multi::fill_pivot_gaps(multi::through_pivot(&to_x, &to_y), &mut |x, y| {
            raw::align(&xy, &docs[1][x], &docs[2][y])
        })
    };
    let names: Vec<String> = args.files.iter().map(|f| display_name(f)).collect();
    let view = View { docs: &docs, langs: &langs, names: &names, rows: &rows };
    if args.import {
        let tm = tm.as_mut().expect("the memory is open when importing");
        let units = view.units(args.min_confidence);
        let kept = units.len();
        let report = tm.import(units.into_iter().map(|u| Ok(ReadItem::Unit(u))), &ImportOptions::default())?;
        eprintln!(
            "tomo: aligned {} rows; imported {kept} units ({} new, {} already present); {} rows not imported (omissions, other shapes or below confidence {})",
            rows.len(),
            report.new,
            report.present,
            rows.len() - kept,
            args.min_confidence
        );
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        OutputFormat::Table => view.table(&mut out, terminal_width())?,
        OutputFormat::Tsv => view.tsv(&mut out)?,
        OutputFormat::Json => view.json(&mut out)?,
        OutputFormat::Tmx => {
            out.flush()?;
            let header = WriteHeader { srclang: Some(langs[0].clone()), langs: langs.clone() };
            let mut w = formats::writer(Format::Tmx, Box::new(std::io::stdout()), &header)?;
            for u in view.units(args.min_confidence) {
                w.write_unit(&u)?;
            }
            w.finish()?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &usize| w >= 40).unwrap_or(120)
}

/// An alignment with what it needs for display and import.
struct View<'a> {
    docs: &'a [Vec<Sentence>],
    langs: &'a [Lang],
    names: &'a [String],
    rows: &'a [Row],
}

impl View<'_> {
    fn text(&self, doc: usize, r: &std::ops::Range<usize>) -> String {
        let sep = if matches!(self.langs[doc].base(), "ja" | "zh") { "" } else { " " };
        self.docs[doc][r.clone()].iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(sep)
    }

    /// 1-based paragraph of the row in the first document that has lines in it.
    fn paragraph(&self, row: &Row) -> usize {
        row.parts
            .iter()
            .enumerate()
            .find(|(_, r)| !r.is_empty())
            .map_or(1, |(d, r)| self.docs[d][r.start].paragraph + 1)
    }

    /// Whether an import keeps the row: two or more documents, every pair of present
    /// parts a 1-1, 1-2 or 2-1 shape, confident enough.
    fn importable(&self, row: &Row, min_confidence: f64) -> bool {
        let present: Vec<usize> = row.parts.iter().filter(|r| !r.is_empty()).map(|r| r.len()).collect();
        present.len() >= 2
            && row.confidence >= min_confidence
            && present.iter().all(|&n| n <= 2)
            && present.iter().filter(|&&n| n == 2).count() < present.len()
    }

    fn units(&self, min_confidence: f64) -> Vec<Unit> {
        // Editions usually share a file name in per-language folders: name it once then.
        let origin =
            if self.names.iter().all(|n| n == &self.names[0]) { self.names[0].clone() } else { self.names.join("+") };
        let mut out = Vec::new();
        for row in self.rows.iter().filter(|r| self.importable(r, min_confidence)) {
            let mut variants = Vec::new();
            for (d, r) in row.parts.iter().enumerate() {
                if r.is_empty() {
                    continue;
                }
                let mut v = Variant::from_plain(self.langs[d].clone(), &self.text(d, r));
                let doc = &self.docs[d];
                v.context_prev = Some(if r.start > 0 { doc[r.start - 1].text.clone() } else { String::new() });
                v.context_next = Some(doc.get(r.end).map(|s| s.text.clone()).unwrap_or_default());
                variants.push(v);
            }
            let mut unit = Unit::new(variants);
            unit.srclang = Some(self.langs[0].clone());
            unit.origin = Some(format!("{origin}#p{}", self.paragraph(row)));
            unit.props.push(Prop { kind: "x-bead".into(), lang: None, text: row.kind() });
            unit.props.push(Prop { kind: "x-confidence".into(), lang: None, text: format!("{:.3}", row.confidence) });
            out.push(unit);
        }
        out
    }

    fn tsv(&self, out: &mut dyn Write) -> tomo::Result<()> {
        let clean = |s: String| s.replace(['\t', '\n', '\r'], " ");
        write!(out, "bead\tconfidence\tparagraph")?;
        for l in self.langs {
            write!(out, "\t{l}")?;
        }
        writeln!(out)?;
        for row in self.rows {
            write!(out, "{}\t{:.3}\t{}", row.kind(), row.confidence, self.paragraph(row))?;
            for (d, r) in row.parts.iter().enumerate() {
                write!(out, "\t{}", clean(self.text(d, r)))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> tomo::Result<()> {
        for row in self.rows {
            let mut lines = serde_json::Map::new();
            let mut texts = serde_json::Map::new();
            for (d, r) in row.parts.iter().enumerate() {
                lines.insert(self.langs[d].to_string(), serde_json::json!(r.clone().collect::<Vec<_>>()));
                texts.insert(self.langs[d].to_string(), serde_json::json!(self.text(d, r)));
            }
            let v = serde_json::json!({
                "bead": row.kind(),
                "confidence": row.confidence,
                "paragraph": self.paragraph(row),
                "lines": lines,
                "text": texts,
            });
            writeln!(out, "{v}")?;
        }
        Ok(())
    }

    /// Side-by-side columns wrapped to `width` display columns (CJK characters count two).
    fn table(&self, out: &mut dyn Write, width: usize) -> tomo::Result<()> {
        let n = self.langs.len();
        let gutter = 12;
        let col = ((width.saturating_sub(gutter + 3 * n)) / n).max(12);
        let mut header = format!("{:<gutter$}", "bead  conf");
        for (d, name) in self.names.iter().enumerate() {
            header.push_str(" | ");
            header.push_str(&pad(&format!("{name} ({})", self.langs[d]), col));
        }
        writeln!(out, "{}", header.trim_end())?;
        writeln!(out, "{}", "-".repeat(gutter + n * (col + 3)))?;
        for row in self.rows {
            let cells: Vec<Vec<String>> = row
                .parts
                .iter()
                .enumerate()
                .map(|(d, r)| if r.is_empty() { vec!["—".to_string()] } else { wrap_plain(&self.text(d, r), col) })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1);
            let mark = if row.present() < n { "!" } else { " " };
            for k in 0..height {
                let mut line =
                    if k == 0 { format!("{mark}{:<5} {:.2} ", row.kind(), row.confidence) } else { " ".repeat(gutter) };
                line = pad(&line, gutter);
                for c in &cells {
                    line.push_str(" | ");
                    line.push_str(&pad(c.get(k).map_or("", String::as_str), col));
                }
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        Ok(())
    }
}

/// A line of a batch document, borrowed from the input unless it holds escapes. (serde
/// borrows a `Cow` field only at the top level: inside a `Vec` it would always copy.)
struct Line<'a>(Cow<'a, str>);

impl AsRef<str> for Line<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Line<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Line<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Line<'de>, E> {
                Ok(Line(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Line<'de>, E> {
                Ok(Line(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Line<'de>, E> {
                Ok(Line(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visit)
    }
}

/// One batch document: the fields read (others, `gold` included, are skipped unread).
/// Strings borrow from the input where they hold no escapes: a batch has tens of
/// thousands of lines, each an allocation otherwise.
#[derive(serde::Deserialize)]
struct BatchDoc<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    src_lang: Cow<'a, str>,
    #[serde(borrow)]
    tgt_lang: Cow<'a, str>,
    #[serde(borrow)]
    src: Vec<Line<'a>>,
    #[serde(borrow)]
    tgt: Vec<Line<'a>>,
}

impl BatchDoc<'_> {
    fn into_owned(self) -> BatchDoc<'static> {
        let own = |v: Vec<Line<'_>>| v.into_iter().map(|s| Line(Cow::Owned(s.0.into_owned()))).collect();
        BatchDoc {
            id: Cow::Owned(self.id.into_owned()),
            src_lang: Cow::Owned(self.src_lang.into_owned()),
            tgt_lang: Cow::Owned(self.tgt_lang.into_owned()),
            src: own(self.src),
            tgt: own(self.tgt),
        }
    }
}

/// One line of batch output: `{"id", "beads": [[[src idx...], [tgt idx...]], ...],
/// "confidence": [...]}`, serialized from the beads as they are (no vectors built per bead).
#[derive(serde::Serialize)]
struct BatchOut<'a> {
    id: &'a str,
    beads: BeadLines<'a>,
    confidence: Confidences<'a>,
}

/// The beads' line indices, each bead a pair of arrays.
struct BeadLines<'a>(&'a [Bead]);

/// The beads' confidences.
struct Confidences<'a>(&'a [Bead]);

impl serde::Serialize for BeadLines<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|b| (Lines(&b.src), Lines(&b.tgt))))
    }
}

impl serde::Serialize for Confidences<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|b| b.confidence))
    }
}

/// A range of line indices as an array.
struct Lines<'a>(&'a std::ops::Range<usize>);

impl serde::Serialize for Lines<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.clone())
    }
}

/// The text of `bytes` read from `path`, checked as UTF-8 with SIMD: a batch is megabytes of
/// mostly non-ASCII text, where the standard check goes character by character (3 % of a
/// batch's time). An invalid file is named with the line of its first bad byte.
fn utf8<'a>(bytes: &'a [u8], path: &Path) -> tomo::Result<&'a str> {
    simdutf8::basic::from_utf8(bytes).map_err(|_| {
        let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |s| s.len());
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::parse("not UTF-8 text").at(Position::file(path).at_line(line, None))
    })
}

/// The lines of `text` as [`str::lines`] gives them, found with the `memchr` crate's
/// vectorized search (a batch file is megabytes).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    std::iter::from_fn(move || {
        let end = ends.next()?;
        if end == text.len() && start == end {
            return None;
        }
        let line = &text[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// The bytes of the file at `path`. A large file goes into an anonymous mapping that asks
/// for transparent huge pages: a batch file is megabytes that the batch keeps to the end,
/// and faulting in its 4 KiB pages one at a time took longer than reading them (a dev
/// batch: 1,900 faults, about a twentieth of its time).
fn read_whole(path: &Path) -> std::io::Result<Bytes> {
    use std::io::Read;
    const LARGE: u64 = 4 << 20;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < LARGE {
        let mut bytes = Vec::with_capacity(len as usize);
        file.read_to_end(&mut bytes)?;
        return Ok(Bytes::Heap(bytes));
    }
    // Huge pages back only the 2 MiB-aligned stretches of a mapping: map one more and read
    // from the first aligned address.
    const HUGE: usize = 2 << 20;
    let mut map = memmap2::MmapOptions::new().len(len as usize + HUGE).map_anon()?;
    // Advice only: where huge pages are off, the mapping is ordinary memory.
    let _ = map.advise(memmap2::Advice::HugePage);
    let start = match map.as_ptr().align_offset(HUGE) {
        k if k < HUGE => k,
        _ => 0,
    };
    file.read_exact(&mut map[start..start + len as usize])?;
    if file.read(&mut [0u8])? != 0 {
        return Err(std::io::Error::other("the file grew while it was read"));
    }
    Ok(Bytes::Mapped(map, start..start + len as usize))
}

/// What [`read_whole`] read.
enum Bytes {
    Heap(Vec<u8>),
    Mapped(memmap2::MmapMut, std::ops::Range<usize>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Heap(v) => v,
            Bytes::Mapped(m, at) => &m[at.clone()],
        }
    }
}

fn batch(path: &Path, lexicon_from: &[PathBuf], self_train: bool) -> tomo::Result<Outcome> {
    let bytes = read_whole(path).map_err(|e| Error::from(e).in_file(path))?;
    let text = utf8(&bytes, path)?;
    let lexicon_docs = read_lexicon_docs(lexicon_from)?;
    let mut docs: Vec<BatchDoc> = Vec::new();
    let mut pairs: Vec<(Lang, Lang)> = Vec::new();
    let mut pair_of: Vec<usize> = Vec::new();
    for (k, line) in lines(text).enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || Position::file(path).at_line(k as u64 + 1, None);
        let doc: BatchDoc =
            serde_json::from_str(line).map_err(|e| Error::parse(format!("not a batch document: {e}")).at(at()))?;
        // Most documents name the pair the one before did: parsed only when it changes.
        let p = match (docs.last(), pair_of.last()) {
            (Some(last), Some(&p)) if last.src_lang == doc.src_lang && last.tgt_lang == doc.tgt_lang => p,
            _ => {
                let src = Lang::parse(&doc.src_lang).map_err(|e| e.at(at()))?;
                let tgt = Lang::parse(&doc.tgt_lang).map_err(|e| e.at(at()))?;
                match pairs.iter().position(|(a, b)| *a == src && *b == tgt) {
                    Some(p) => p,
                    None => {
                        pairs.push((src, tgt));
                        pairs.len() - 1
                    }
                }
            }
        };
        pair_of.push(p);
        docs.push(doc);
    }
    let mut beads: Vec<Vec<Bead>> = vec![Vec::new(); docs.len()];
    // Pairs that share a language (en-ja and en-ko editions of one article) share lines.
    let mut cache = LineCache::default();
    for (p, (src, tgt)) in pairs.iter().enumerate() {
        let mut aligner = Aligner::new(src, tgt);
        let extra = if lexicon_docs.is_empty() { Vec::new() } else { lexicon_pairs(&lexicon_docs, src, tgt)? };
        if !extra.is_empty() {
            aligner =
                aligner.with_lexicon(Lexicon::learn(src, tgt, extra.iter().map(|(a, b)| (a.as_str(), b.as_str()))));
        }
        let mine: Vec<usize> = (0..docs.len()).filter(|&k| pair_of[k] == p).collect();
        let sides: Vec<(&[Line<'_>], &[Line<'_>])> =
            mine.iter().map(|&k| (docs[k].src.as_slice(), docs[k].tgt.as_slice())).collect();
        for (k, b) in mine.iter().zip(aligner.align_batch_cached(&sides, self_train, &extra, &mut cache)) {
            beads[*k] = b;
        }
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (doc, beads) in docs.iter().zip(beads) {
        let o = BatchOut { id: &doc.id, beads: BeadLines(&beads), confidence: Confidences(&beads) };
        serde_json::to_writer(&mut out, &o)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Line-aligned documents for `--lexicon-from`.
fn read_lexicon_docs(paths: &[PathBuf]) -> tomo::Result<Vec<BatchDoc<'static>>> {
    let mut docs = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| Error::from(e).in_file(path))?;
        for (k, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let doc: BatchDoc = serde_json::from_str(line).map_err(|e| {
                Error::parse(format!("not a batch document: {e}")).at(Position::file(path).at_line(k as u64 + 1, None))
            })?;
            docs.push(doc.into_owned());
        }
    }
    Ok(docs)
}

/// The pairs a memory built from line-aligned documents would teach: the line pairs are
/// imported into a scratch memory and read back through it.
fn lexicon_pairs(docs: &[BatchDoc<'_>], src: &Lang, tgt: &Lang) -> tomo::Result<Vec<(String, String)>> {
    let mut tm = TranslationMemory::open_in_memory()?;
    let mut units = Vec::new();
    for d in docs {
        let (Ok(a), Ok(b)) = (Lang::parse(&d.src_lang), Lang::parse(&d.tgt_lang)) else { continue };
        for (s, t) in d.src.iter().zip(&d.tgt) {
            units.push(Ok(ReadItem::Unit(Unit::new(vec![
                Variant::from_plain(a.clone(), s.as_ref()),
                Variant::from_plain(b.clone(), t.as_ref()),
            ]))));
        }
    }
    tm.import(units, &ImportOptions::default())?;
    tomo::align::lexicon::pairs_from_memory(&tm, src, tgt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_str_lines_gives_them() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "a\n\nb\n", "{\"x\": 1}\r\n\r\n{}"] {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}
