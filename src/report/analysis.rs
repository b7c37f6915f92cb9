//! The match analysis a desk prices work with: how many segments, words and characters of
//! each article fall in each CAT match band, per file and overall.
//!
//! Bands are exclusive and ranked as CAT tools rank them: context (101 %) first, then
//! repetitions (within the file, then across the files analyzed before it), then the
//! match bands by score. So a sentence met twice is counted once at its match and once
//! as a repetition, and the totals add up to the article.

use super::count::{Counts, count};
use super::draft::{Draft, DraftKind};
use crate::lang::Lang;
use crate::text::normalize;

/// A match band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Band {
    /// 101 %: exact match with the same neighbouring sentences.
    #[serde(rename = "context")]
    Context,
    /// A sentence met earlier in the same file.
    #[serde(rename = "repetitions")]
    Repetition,
    /// A sentence met in a file analyzed before this one.
    #[serde(rename = "cross-file repetitions")]
    CrossFileRepetition,
    /// 100 %.
    #[serde(rename = "100")]
    Exact,
    /// 95–99 %.
    #[serde(rename = "95-99")]
    From95,
    /// 85–94 %.
    #[serde(rename = "85-94")]
    From85,
    /// 75–84 %.
    #[serde(rename = "75-84")]
    From75,
    /// 50–74 %.
    #[serde(rename = "50-74")]
    From50,
    /// Below 50 %, or nothing found.
    #[serde(rename = "no match")]
    NoMatch,
}

impl Band {
    /// Every band, in report order.
    pub const ALL: [Band; 9] = [
        Band::Context,
        Band::Repetition,
        Band::CrossFileRepetition,
        Band::Exact,
        Band::From95,
        Band::From85,
        Band::From75,
        Band::From50,
        Band::NoMatch,
    ];

    /// The label in reports (`101%`, `95-99%`, `no match` ...).
    pub fn label(self) -> &'static str {
        match self {
            Band::Context => "context 101%",
            Band::Repetition => "repetitions",
            Band::CrossFileRepetition => "cross-file repetitions",
            Band::Exact => "100%",
            Band::From95 => "95-99%",
            Band::From85 => "85-94%",
            Band::From75 => "75-84%",
            Band::From50 => "50-74%",
            Band::NoMatch => "no match",
        }
    }

    /// The band of a match percentage (repetitions aside).
    pub fn of_score(score: u8) -> Band {
        match score {
            101.. => Band::Context,
            100 => Band::Exact,
            95..=99 => Band::From95,
            85..=94 => Band::From85,
            75..=84 => Band::From75,
            50..=74 => Band::From50,
            _ => Band::NoMatch,
        }
    }
}

/// Segments, words and characters in one band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BandCount {
    /// Segments (sentences).
    pub segments: u64,
    /// Words, counted by the source language's convention ([`super::count`]).
    pub words: u64,
    /// Characters other than whitespace.
    pub chars: u64,
}

impl BandCount {
    fn add(&mut self, c: Counts) {
        self.segments += 1;
        self.words += c.words;
        self.chars += c.chars;
    }

    fn merge(&mut self, o: &BandCount) {
        self.segments += o.segments;
        self.words += o.words;
        self.chars += o.chars;
    }
}

/// The analysis of one file (or of all of them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileAnalysis {
    /// The file as named on the command line, or `total`.
    pub file: String,
    /// One count per band, in [`Band::ALL`] order.
    pub bands: Vec<(Band, BandCount)>,
    /// The sum over the bands: the whole file.
    pub total: BandCount,
}

impl FileAnalysis {
    fn empty(file: &str) -> Self {
        FileAnalysis {
            file: file.to_string(),
            bands: Band::ALL.iter().map(|b| (*b, BandCount::default())).collect(),
            total: BandCount::default(),
        }
    }

    /// The count for `band`.
    pub fn band(&self, band: Band) -> BandCount {
        self.bands.iter().find(|(b, _)| *b == band).map_or_else(BandCount::default, |(_, c)| *c)
    }

    fn slot(&mut self, band: Band) -> &mut BandCount {
        &mut self.bands.iter_mut().find(|(b, _)| *b == band).expect("every band has a slot").1
    }
}

/// The analysis of several files against one memory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Analysis {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// One per file, in the order given.
    pub files: Vec<FileAnalysis>,
    /// All files together.
    pub overall: FileAnalysis,
}

/// Analyze `drafts` (built with a threshold of 50 or lower, so every band is seen), in order:
/// a sentence already met in an earlier draft is a cross-file repetition.
pub fn analyze(drafts: &[Draft], from: &Lang, to: &Lang) -> Analysis {
    let mut seen_before: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut files = Vec::with_capacity(drafts.len());
    let mut overall = FileAnalysis::empty("total");
    for draft in drafts {
        let mut fa = FileAnalysis::empty(&draft.article);
        let mut seen_here = Vec::new();
        for seg in &draft.segments {
            let norm = normalize(&seg.source);
            let band = match seg.kind {
                DraftKind::Context => Band::Context,
                DraftKind::Repetition => Band::Repetition,
                _ if seen_before.contains(&norm) => Band::CrossFileRepetition,
                _ => Band::of_score(seg.score),
            };
            let c = count(&seg.source, &draft.from);
            fa.slot(band).add(c);
            fa.total.add(c);
            seen_here.push(norm);
        }
        seen_before.extend(seen_here);
        for (band, c) in &fa.bands {
            overall.slot(*band).merge(c);
        }
        overall.total.merge(&fa.total);
        files.push(fa);
    }
    Analysis { from: from.to_string(), to: to.to_string(), files, overall }
}

/// The analysis as a text table: one block per file, then the total when there are several.
pub fn table(a: &Analysis, out: &mut dyn std::io::Write) -> crate::Result<()> {
    let blocks: Vec<&FileAnalysis> =
        if a.files.len() == 1 { vec![&a.files[0]] } else { a.files.iter().chain([&a.overall]).collect() };
    for (i, fa) in blocks.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let title = if fa.file == "total" && a.files.len() > 1 { "all files".to_string() } else { fa.file.clone() };
        writeln!(out, "{title} ({} → {})", a.from, a.to)?;
        writeln!(out, "{:<24}{:>10}{:>10}{:>8}{:>10}", "band", "segments", "words", "words%", "chars")?;
        for (band, c) in &fa.bands {
            writeln!(
                out,
                "{:<24}{:>10}{:>10}{:>8}{:>10}",
                band.label(),
                c.segments,
                c.words,
                percent(c.words, fa.total.words),
                c.chars
            )?;
        }
        let t = &fa.total;
        writeln!(out, "{:<24}{:>10}{:>10}{:>8}{:>10}", "total", t.segments, t.words, "100.0", t.chars)?;
    }
    Ok(())
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 { "0.0".into() } else { format!("{:.1}", part as f64 * 100.0 / whole as f64) }
}

/// The analysis as CSV: `file,band,segments,words,chars`, a `total` row after each file's
/// bands, and the `total` file last when there are several files.
pub fn csv(a: &Analysis, out: &mut dyn std::io::Write) -> crate::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let io = |e: ::csv::Error| crate::Error::new(crate::ErrorKind::Io, e.to_string());
    w.write_record(["file", "band", "segments", "words", "chars"]).map_err(io)?;
    let blocks: Vec<&FileAnalysis> =
        if a.files.len() == 1 { vec![&a.files[0]] } else { a.files.iter().chain([&a.overall]).collect() };
    for fa in blocks {
        let rows = fa.bands.iter().map(|(b, c)| (b.label(), c)).chain([("total", &fa.total)]);
        for (label, c) in rows {
            let rec =
                [fa.file.clone(), label.to_string(), c.segments.to_string(), c.words.to_string(), c.chars.to_string()];
            w.write_record(&rec).map_err(io)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The analysis as one JSON object (bands keyed by label, per file and overall).
pub fn json(a: &Analysis, out: &mut dyn std::io::Write) -> crate::Result<()> {
    let file = |fa: &FileAnalysis| {
        let bands: serde_json::Map<String, serde_json::Value> =
            fa.bands.iter().map(|(b, c)| (b.label().to_string(), serde_json::json!(c))).collect();
        serde_json::json!({ "file": fa.file, "bands": bands, "total": fa.total })
    };
    let v = serde_json::json!({
        "from": a.from,
        "to": a.to,
        "files": a.files.iter().map(file).collect::<Vec<_>>(),
        "total": file(&a.overall),
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draft::tests::{draft_min, draft_of, m};
    use crate::tm::fuzzy::MatchKind;

    #[test]
    fn bands_and_totals_add_up_across_files() {
        let mut lookup = |s: &str| {
            Ok(match s {
                "雨が降った。" => vec![m(100, MatchKind::Exact, s, "It rained.", (Some(""), Some("風が強い。")))],
                "風が強い。" => {
                    vec![m(90, MatchKind::Fuzzy, "風が少し強い。", "It is a bit windy.", (None, None))]
                }
                "雪だ。" => vec![m(60, MatchKind::Fuzzy, "雨だ。", "It is rain.", (None, None))],
                _ => vec![],
            })
        };
        let a = draft_min("雨が降った。風が強い。\n\n雨が降った。雪だ。晴れた。", 50, &mut lookup);
        let mut b = draft_min("雪だ。曇った。", 50, &mut lookup);
        b.article = "b.txt".into();
        let (ja, en) = (Lang::parse("ja").unwrap(), Lang::parse("en").unwrap());
        let r = analyze(&[a, b], &ja, &en);
        let f = &r.files[0];
        assert_eq!(f.band(Band::Context), BandCount { segments: 1, words: 5, chars: 6 });
        assert_eq!(f.band(Band::From85).segments, 1);
        assert_eq!(f.band(Band::Repetition).segments, 1);
        assert_eq!(f.band(Band::From50).segments, 1);
        assert_eq!(f.band(Band::NoMatch).segments, 1);
        assert_eq!(f.total.segments, 5);
        assert_eq!(r.files[1].band(Band::CrossFileRepetition).segments, 1);
        assert_eq!(r.files[1].band(Band::NoMatch).segments, 1);
        assert_eq!(r.overall.total.segments, 7);
        let sum: u64 = r.overall.bands.iter().map(|(_, c)| c.words).sum();
        assert_eq!(sum, r.overall.total.words);
    }

    #[test]
    fn score_bands() {
        let got: Vec<Band> = [101, 100, 99, 95, 94, 85, 84, 75, 74, 50, 49, 0].map(Band::of_score).to_vec();
        use Band::*;
        assert_eq!(
            got,
            [Context, Exact, From95, From95, From85, From85, From75, From75, From50, From50, NoMatch, NoMatch]
        );
    }

    #[test]
    fn renderers() {
        let d = draft_of("雨が降った。晴れた。", &mut |s| {
            Ok(if s == "雨が降った。" {
                vec![m(97, MatchKind::Fuzzy, "雨が降る。", "It rains.", (None, None))]
            } else {
                vec![]
            })
        });
        let (ja, en) = (Lang::parse("ja").unwrap(), Lang::parse("en").unwrap());
        let a = analyze(&[d], &ja, &en);
        let mut t = Vec::new();
        table(&a, &mut t).unwrap();
        let t = String::from_utf8(t).unwrap();
        let row = |label: &str| -> Vec<String> {
            let line = t.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{label} in {t}"));
            line[label.len()..].split_whitespace().map(String::from).collect()
        };
        assert_eq!(row("95-99%"), ["1", "5", "62.5", "6"]);
        assert_eq!(row("total"), ["2", "8", "100.0", "10"]);
        let mut c = Vec::new();
        csv(&a, &mut c).unwrap();
        let c = String::from_utf8(c).unwrap();
        assert!(c.contains("new.txt,95-99%,1,5,6\n"), "{c}");
        assert!(c.ends_with("new.txt,total,2,8,10\n"), "{c}");
        let mut j = Vec::new();
        json(&a, &mut j).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
        assert_eq!(v["files"][0]["bands"]["no match"]["words"], 3);
        assert_eq!(v["total"]["total"]["segments"], 2);
    }
}
