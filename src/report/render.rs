//! Draft renderers: `table` for a terminal (source and draft side by side, wrapped by display
//! width, differences from the memory's source highlighted when colour is on), `md` for
//! review, `tsv` and `json` for tools. XLIFF lives with the other exchange formats
//! ([`crate::formats::xliff`]).

use std::io::Write;
use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use super::diff::changed_spans;
use super::draft::{Draft, DraftKind, DraftSegment};
use crate::error::Result;

/// How to render a table for a terminal.
#[derive(Debug, Clone, Copy)]
pub struct TableStyle {
    /// Total width in columns.
    pub width: usize,
    /// Use ANSI colours (only when writing to a terminal and `NO_COLOR` is unset).
    pub color: bool,
}

const HIGHLIGHT: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// The draft as a side-by-side table, paragraphs separated by a blank line.
pub fn table(draft: &Draft, style: TableStyle, out: &mut dyn Write) -> Result<()> {
    // "  12 101% context    " before the two text columns and " │ " between them.
    let fixed = 4 + 5 + 11 + 3;
    let text_width = (style.width.saturating_sub(fixed) / 2).max(12);
    let header = format!("{:>4} {:>4} {:<10} ", "#", "%", "kind");
    let src_head = pad(&format!("source ({})", draft.from), text_width);
    writeln!(out, "{header}{src_head} │ draft ({})", draft.to)?;
    let mut paragraph = None;
    for seg in &draft.segments {
        if paragraph.is_some_and(|p| p != seg.paragraph) {
            writeln!(out)?;
        }
        paragraph = Some(seg.paragraph);
        let spans = match &seg.best {
            Some(b) if style.color && b.kind != DraftKind::Context && b.kind != DraftKind::Exact => {
                changed_spans(&seg.source, &b.source, &draft.from)
            }
            _ => Vec::new(),
        };
        let left = wrap(&seg.source, &spans, text_width);
        let right = wrap(seg.target(), &[], text_width);
        let score = if seg.best.is_some() { format!("{}%", seg.score) } else { "-".into() };
        for row in 0..left.len().max(right.len()) {
            let lead = if row == 0 {
                format!("{:>4} {:>4} {:<10} ", seg.index, score, seg.kind.as_str())
            } else {
                " ".repeat(header.chars().count())
            };
            let l = left.get(row).map_or_else(|| " ".repeat(text_width), |line| line.render(text_width, style.color));
            let r = right.get(row).map_or(String::new(), |line| line.render(0, false));
            writeln!(out, "{lead}{l} │ {r}")?;
        }
    }
    Ok(())
}

/// One wrapped line: its characters, which are highlighted, and its display width.
struct Line {
    chars: Vec<(char, bool)>,
    width: usize,
}

impl Line {
    /// The line padded to `width` columns (no padding when 0), highlighted runs in colour.
    fn render(&self, width: usize, color: bool) -> String {
        let mut s = String::new();
        let mut on = false;
        for &(c, hl) in &self.chars {
            if color && hl != on {
                s.push_str(if hl { HIGHLIGHT } else { RESET });
                on = hl;
            }
            s.push(c);
        }
        if on {
            s.push_str(RESET);
        }
        s.push_str(&" ".repeat(width.saturating_sub(self.width)));
        s
    }
}

/// Characters that must not begin a line in Japanese and Chinese typesetting.
const NO_LINE_START: &str = "。、，．・：；？！」』）】〉》〕ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ.,:;?!)]}%";

/// Wrap `text` to lines of at most `width` display columns, breaking at a space when the
/// line has one, else between any two characters (CJK text has no spaces to break at).
fn wrap(text: &str, spans: &[Range<usize>], width: usize) -> Vec<Line> {
    let mut lines = vec![Line { chars: Vec::new(), width: 0 }];
    for (i, c) in text.char_indices() {
        let c = if c == '\n' || c == '\t' { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        let hl = spans.iter().any(|r| r.contains(&i));
        let line = lines.last_mut().expect("there is always a line");
        if line.width + w > width && !line.chars.is_empty() {
            let carry = match line.chars.iter().rposition(|(ch, _)| *ch == ' ') {
                Some(p) if p > 0 => line.chars.split_off(p + 1),
                // Japanese line-breaking rule: closing punctuation never starts a line, so the
                // character before it moves down with it.
                _ if NO_LINE_START.contains(c) && line.chars.len() > 1 => line.chars.split_off(line.chars.len() - 1),
                _ => Vec::new(),
            };
            while line.chars.last().is_some_and(|(ch, _)| *ch == ' ') {
                line.chars.pop();
            }
            line.width = line.chars.iter().map(|(ch, _)| ch.width().unwrap_or(0)).sum();
            let carried = carry.iter().map(|(ch, _)| ch.width().unwrap_or(0)).sum();
            lines.push(Line { chars: carry, width: carried });
        }
        let line = lines.last_mut().expect("there is always a line");
        if line.chars.is_empty() && c == ' ' {
            continue;
        }
        line.chars.push((c, hl));
        line.width += w;
    }
    lines
}

/// Wrap plain `text` into lines of at most `width` display columns, by the same rules as the
/// draft table (spaces first, else between characters; closing CJK punctuation never starts a
/// line). For other side-by-side views, such as `tomo align`'s.
pub fn wrap_plain(text: &str, width: usize) -> Vec<String> {
    wrap(text, &[], width).iter().map(|l| l.render(0, false)).collect()
}

/// `s` padded with spaces to `width` display columns (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The draft as a Markdown document: one table per paragraph, with the memory's source
/// shown where it differs from the sentence. The first line, an HTML comment invisible when
/// rendered, names the languages and the article for `tomo import` of the edited file.
pub fn markdown(draft: &Draft, out: &mut dyn Write) -> Result<()> {
    // Line breaks would end the comment's line; "-->" would end the comment.
    let article = draft.article.replace(['\n', '\r'], " ").replace("-->", "--\\>");
    writeln!(out, "<!-- tomo-draft {} {} {article} -->", draft.from, draft.to)?;
    writeln!(out, "# Draft: {} ({} → {})\n", md_cell(&draft.article), draft.from, draft.to)?;
    let n = draft.segments.len();
    let found = draft.segments.iter().filter(|s| s.best.is_some()).count();
    writeln!(out, "{found} of {n} sentences have a draft at {} % or better.", draft.min_score)?;
    let mut paragraph = None;
    for seg in &draft.segments {
        if paragraph != Some(seg.paragraph) {
            paragraph = Some(seg.paragraph);
            writeln!(out, "\n## Paragraph {}\n", seg.paragraph + 1)?;
            writeln!(out, "| # | {} | {} | match | memory source | from |", draft.from, draft.to)?;
            writeln!(out, "| --: | --- | --- | --- | --- | --- |")?;
        }
        let tm_source = seg.best.as_ref().filter(|b| b.source != seg.source).map_or("", |b| b.source.as_str());
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            seg.index,
            md_cell(&seg.source),
            md_cell(seg.target()),
            match_label(seg),
            md_cell(tm_source),
            md_cell(seg.origin.as_deref().unwrap_or("")),
        )?;
    }
    Ok(())
}

fn match_label(seg: &DraftSegment) -> String {
    match (&seg.best, seg.repeats) {
        (None, Some(first)) => format!("repetition of {first}"),
        (None, None) => "no match".into(),
        (Some(_), Some(first)) if seg.kind == DraftKind::Repetition => {
            format!("{} % repetition of {first}", seg.score)
        }
        (Some(_), _) => format!("{} % {}", seg.score, seg.kind.as_str()),
    }
}

/// A table cell: `|` escaped, line breaks as spaces.
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The draft as TSV: a marker line `#tomo-draft from to article` (tab-separated, for `tomo
/// import` of the edited file), then a header row: `index paragraph score kind source target
/// origin tm_source`; tabs, newlines and backslashes in text escaped as `\t`, `\n`, `\\`.
pub fn tsv(draft: &Draft, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{}\t{}\t{}\t{}", crate::formats::draft::MARKER, draft.from, draft.to, tsv_field(&draft.article))?;
    writeln!(out, "index\tparagraph\tscore\tkind\tsource\ttarget\torigin\ttm_source")?;
    for s in &draft.segments {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            s.index,
            s.paragraph + 1,
            s.score,
            s.kind.as_str(),
            tsv_field(&s.source),
            tsv_field(s.target()),
            tsv_field(s.origin.as_deref().unwrap_or("")),
            tsv_field(s.best.as_ref().map_or("", |b| b.source.as_str())),
        )?;
    }
    Ok(())
}

fn tsv_field(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

/// The draft as one pretty-printed JSON object.
pub fn json(draft: &Draft, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, draft)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draft::tests::{draft_of, m};
    use crate::tm::fuzzy::MatchKind;

    fn sample() -> Draft {
        draft_of("宮崎県では600ミリの雨が降った。\n\n風|強い。", &mut |s| {
            Ok(match s {
                "宮崎県では600ミリの雨が降った。" => {
                    vec![m(
                        90,
                        MatchKind::Fuzzy,
                        "宮崎県では500ミリの雨が降った。",
                        "500 mm fell in Miyazaki.",
                        (None, None),
                    )]
                }
                _ => vec![],
            })
        })
    }

    fn render(f: impl Fn(&Draft, &mut dyn Write) -> Result<()>) -> String {
        let mut buf = Vec::new();
        f(&sample(), &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn table_wraps_by_display_width_and_colours_only_when_asked() {
        let plain = render(|d, o| table(d, TableStyle { width: 60, color: false }, o));
        assert!(!plain.contains('\x1b'));
        for line in plain.lines() {
            let w: usize = line.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert!(w <= 60 + 30, "{line}");
        }
        let src_col: String = plain.lines().skip(1).take(2).map(|l| l.split('│').next().unwrap()).collect();
        assert!(src_col.contains("宮崎") && src_col.contains("降った"), "{plain}");
        for line in plain.lines() {
            let cell = line.split('│').next().unwrap().trim_start();
            assert!(!cell.starts_with('。'), "no line starts with closing punctuation: {plain}");
        }
        let coloured = render(|d, o| table(d, TableStyle { width: 60, color: true }, o));
        assert!(coloured.contains(&format!("{HIGHLIGHT}6{RESET}")), "{coloured}");
    }

    #[test]
    fn markdown_escapes_and_shows_memory_source() {
        let md = render(markdown);
        assert!(md.starts_with("<!-- tomo-draft ja en new.txt -->\n# Draft: new.txt"), "{md}");
        assert!(md.contains("| 1 | 宮崎県では600ミリの雨が降った。 | 500 mm fell in Miyazaki. | 90 % fuzzy | 宮崎県では500ミリの雨が降った。 | old.txt#p1 |"), "{md}");
        assert!(md.contains("風\\|強い。"), "{md}");
        assert!(md.contains("## Paragraph 2"));
    }

    #[test]
    fn tsv_and_json() {
        let t = render(tsv);
        let rows: Vec<&str> = t.lines().collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], "#tomo-draft\tja\ten\tnew.txt");
        assert!(rows[1].starts_with("index\tparagraph\t"));
        assert!(rows[2].starts_with("1\t1\t90\tfuzzy\t宮崎県では600ミリ"));
        assert!(rows[3].starts_with("2\t2\t0\tnone\t風|強い。\t\t"));
        let v: serde_json::Value = serde_json::from_str(&render(json)).unwrap();
        assert_eq!(v["segments"][0]["best"]["score"], 90);
        assert_eq!(v["from"], "ja");
    }
}
