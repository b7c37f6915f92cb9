//! Edited drafts read back as units: the TSV and Markdown files `tomo translate --format
//! tsv|md` writes, after a translator filled and corrected their target column.
//!
//! Both files carry a marker with the draft's languages and article, written by the
//! renderers ([`crate::report::render`]) where an edit is unlikely to touch it: the first
//! line of the TSV (`#tomo-draft<TAB>ja<TAB>en<TAB>article.txt`) and an HTML comment in the
//! Markdown (`<!-- tomo-draft ja en article.txt -->`, invisible when rendered). Columns are
//! found by their header (`source`/`target` in TSV, the language tags in Markdown), so a
//! moved column still reads; rows are put back in article order by their index, so sorted
//! rows still give the right neighbours.
//!
//! Choices mirror the XLIFF reader ([`super::xliff`]): each sentence with a non-empty target
//! that is not a copy of its source becomes a unit of two variants (source and target
//! language) with the article as origin and the neighbouring sentences of the article
//! (translated or not; `""` at the start and end) as context. Cells are trimmed, because
//! editors pad table cells and spreadsheets keep stray spaces; the text is otherwise
//! verbatim, built with [`Variant::from_plain`], so a target left as the memory's exact
//! match imports as the same unit and the store de-duplicates it.

use std::path::Path;

use super::{ReadItem, ReadOptions, ReadStream, Skip};
use crate::error::{Error, Position, Result};
use crate::lang::Lang;
use crate::tm::{Unit, Variant};

/// The first word of the TSV marker line and of the Markdown marker comment.
pub const MARKER: &str = "#tomo-draft";

/// The Markdown marker comment's opening.
const MD_MARKER: &str = "<!-- tomo-draft";

/// Whether `head` (the first bytes of a file) is a TSV draft: its first line is the marker.
pub fn is_tsv_draft(head: &[u8]) -> bool {
    head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head).starts_with(MARKER.as_bytes())
}

/// What the marker says.
struct Header {
    from: Lang,
    to: Lang,
    article: Option<String>,
}

/// Where a table's sentence number, source and target are, and how many columns it has.
#[derive(Clone, Copy)]
struct Columns {
    index: Option<usize>,
    source: usize,
    target: usize,
    width: usize,
}

impl Columns {
    /// The row in `cells` (trimmed, unescaped by `text`), or an error when the row has too
    /// few cells for a source or more non-empty cells than the header has columns (a
    /// separator typed inside a translation would otherwise cut it short silently).
    fn row(&self, cells: &[&str], line: u64, text: impl Fn(&str) -> String, hint: &str) -> Result<Row> {
        let extra = cells.iter().skip(self.width).any(|c| !c.trim().is_empty());
        if cells.len() <= self.source || extra {
            return Err(Error::parse(format!("{} cells where the header has {}{hint}", cells.len(), self.width))
                .at(at_line(line)));
        }
        let index = match self.index.and_then(|c| cells.get(c)) {
            Some(i) => Some(parse_index(i).map_err(|e| e.at(at_line(line)))?),
            None => None,
        };
        Ok(Row {
            index,
            line,
            source: text(cells[self.source].trim()),
            // An editor may drop the empty cells at the end of a row.
            target: text(cells.get(self.target).map_or("", |t| t.trim())),
        })
    }
}

/// One sentence as read from the draft.
struct Row {
    index: Option<usize>,
    line: u64,
    source: String,
    target: String,
}

/// Read an edited TSV draft.
pub fn read_tsv_file(path: &Path, _opts: &ReadOptions) -> Result<ReadStream> {
    let text = read_text(path)?;
    let items = read_tsv(&text).map_err(|e| e.in_file(path))?;
    Ok(Box::new(items.into_iter().map(Ok)))
}

/// Read an edited Markdown draft.
pub fn read_md_file(path: &Path, _opts: &ReadOptions) -> Result<ReadStream> {
    let text = read_text(path)?;
    let items = read_md(&text).map_err(|e| e.in_file(path))?;
    Ok(Box::new(items.into_iter().map(Ok)))
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::from(e).in_file(path))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::parse(format!("not UTF-8: {e}")).in_file(path))?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

fn at_line(line: u64) -> Position {
    Position::default().at_line(line, None)
}

/// The lines of `text` with their 1-based numbers, `\r` of CRLF files removed.
fn numbered(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n').enumerate().map(|(i, l)| (i as u64 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// Parse a TSV draft (positions without the file name).
pub fn read_tsv(text: &str) -> Result<Vec<ReadItem>> {
    let mut lines = numbered(text);
    let header = match lines.next() {
        Some((_, first)) if first.starts_with(MARKER) => tsv_marker(first).map_err(|e| e.at(at_line(1)))?,
        _ => {
            return Err(Error::parse(format!(
                "not a tomo draft: the first line must be `{MARKER}<TAB>from<TAB>to<TAB>article` as `tomo translate --format tsv` writes it"
            ))
            .at(at_line(1)));
        }
    };
    let mut columns: Option<Columns> = None;
    let mut rows = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let Some(cols) = columns else {
            let find = |name: &str| fields.iter().position(|f| f.trim().eq_ignore_ascii_case(name));
            let (Some(source), Some(target)) = (find("source"), find("target")) else {
                return Err(Error::parse("the header row must name a `source` and a `target` column").at(at_line(n)));
            };
            columns = Some(Columns { index: find("index"), source, target, width: fields.len() });
            continue;
        };
        rows.push(cols.row(&fields, n, |t| tsv_unescape(&unquote(t)), " (a tab inside a cell? write it `\\t`)")?);
    }
    if columns.is_none() {
        return Err(Error::parse("no header row (`index paragraph score kind source target ...`) after the marker")
            .at(at_line(2)));
    }
    Ok(emit(&header, rows))
}

/// `#tomo-draft<TAB>ja<TAB>en<TAB>article`; spaces instead of tabs are accepted when a
/// person retyped the line.
fn tsv_marker(line: &str) -> Result<Header> {
    let fields: Vec<String> = if line.contains('\t') {
        line.split('\t').map(str::to_string).collect()
    } else {
        line.splitn(4, ' ').map(str::to_string).collect()
    };
    let fields: Vec<&str> = fields.iter().map(|f| f.trim()).collect();
    header(fields.get(1).copied(), fields.get(2).copied(), fields.get(3).map(|a| tsv_unescape(a)))
}

fn header(from: Option<&str>, to: Option<&str>, article: Option<String>) -> Result<Header> {
    let (Some(from), Some(to)) = (from.filter(|s| !s.is_empty()), to.filter(|s| !s.is_empty())) else {
        return Err(Error::parse("the tomo-draft marker must give the source and the target language"));
    };
    Ok(Header { from: Lang::parse(from)?, to: Lang::parse(to)?, article: article.filter(|a| !a.is_empty()) })
}

fn parse_index(s: &str) -> Result<usize> {
    s.trim().parse().map_err(|_| Error::parse(format!("the sentence number `{}` is not a number", s.trim())))
}

/// Undo the quoting a spreadsheet adds when it saves a cell holding a `"`: `"He said
/// ""go."""` is `He said "go."`. tomo never quotes, so a field is taken as quoted only
/// when every quote inside it is doubled and one is: a sentence that merely starts and ends
/// with a quote (`"Go," he said, "now."`) is left as it is.
fn unquote(s: &str) -> std::borrow::Cow<'_, str> {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if inner.contains("\"\"") && !inner.replace("\"\"", "").contains('"') => {
            inner.replace("\"\"", "\"").into()
        }
        _ => s.into(),
    }
}

/// Undo the TSV renderer's escapes (`\t`, `\n`, `\r`, `\\`); other backslashes stay.
fn tsv_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Parse a Markdown draft (positions without the file name).
pub fn read_md(text: &str) -> Result<Vec<ReadItem>> {
    let Some((n, marker)) = numbered(text).find(|(_, l)| l.trim_start().starts_with(MD_MARKER)) else {
        return Err(Error::parse(format!(
            "not a tomo draft: no `{MD_MARKER} from to article -->` line as `tomo translate --format md` writes it"
        ))
        .at(at_line(1)));
    };
    let header = md_marker(marker).map_err(|e| e.at(at_line(n)))?;
    let mut rows = Vec::new();
    // The row above a separator row is a header; its columns hold for the table below it.
    let mut previous: Option<(u64, Vec<String>)> = None;
    let mut columns: Option<Columns> = None;
    for (n, line) in numbered(text) {
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            previous = None;
            columns = None;
            continue;
        }
        let cells = md_cells(trimmed);
        if cells.iter().all(|c| is_separator(c)) {
            columns = previous.take().and_then(|(_, head)| md_columns(&head, &header));
            continue;
        }
        match columns {
            Some(cols) => {
                let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                rows.push(cols.row(&cells, n, str::to_string, " (a `|` inside a cell? write it `\\|`)")?);
            }
            None => previous = Some((n, cells)),
        }
    }
    if rows.is_empty() {
        return Err(Error::parse(format!(
            "no draft table: no table has a `{}` and a `{}` column",
            header.from, header.to
        ))
        .at(at_line(n)));
    }
    Ok(emit(&header, rows))
}

/// `<!-- tomo-draft ja en article name -->`: the article is the rest of the comment.
fn md_marker(line: &str) -> Result<Header> {
    let inner = line.trim().trim_start_matches(MD_MARKER);
    let inner = inner.rsplit_once("-->").map_or(inner, |(body, _)| body).trim();
    let mut parts = inner.splitn(3, ' ');
    let (from, to) = (parts.next(), parts.next());
    header(from, to, parts.next().map(|a| a.trim().to_string()))
}

/// Which cells hold the sentence number, the source and the target, by the header's names:
/// `#`, the source language tag, the target language tag. `None` for another table.
fn md_columns(head: &[String], h: &Header) -> Option<Columns> {
    let source = head.iter().position(|c| c.eq_ignore_ascii_case(h.from.as_str()))?;
    let target = head.iter().enumerate().position(|(i, c)| i != source && c.eq_ignore_ascii_case(h.to.as_str()))?;
    Some(Columns { index: head.iter().position(|c| c == "#"), source, target, width: head.len() })
}

/// `---`, `:--`, `--:`, `:-:`: the cells of a table's separator row.
fn is_separator(cell: &str) -> bool {
    let core = cell.trim_start_matches(':').trim_end_matches(':');
    !core.is_empty() && core.chars().all(|c| c == '-')
}

/// The cells of a table row, unescaped (`\|`, `\\`) and trimmed; the outer pipes are optional.
fn md_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('|' | '\\')) => cells.last_mut().expect("one cell at least").push(e),
                Some(other) => {
                    let cell = cells.last_mut().expect("one cell at least");
                    cell.push('\\');
                    cell.push(other);
                }
                None => cells.last_mut().expect("one cell at least").push('\\'),
            },
            '|' => cells.push(String::new()),
            _ => cells.last_mut().expect("one cell at least").push(c),
        }
    }
    // Only a row's leading pipe opens an empty first cell; a trailing pipe closes the row.
    if line.starts_with('|') {
        cells.remove(0);
    }
    if cells.len() > 1 && cells.last().is_some_and(|c| c.trim().is_empty()) && line.ends_with('|') {
        cells.pop();
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Turn the draft's sentences into read items, in article order, with neighbours as context.
fn emit(h: &Header, mut rows: Vec<Row>) -> Vec<ReadItem> {
    if rows.iter().all(|r| r.index.is_some()) {
        rows.sort_by_key(|r| r.index);
    }
    let sources: Vec<String> = rows.iter().map(|r| r.source.clone()).collect();
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.into_iter().enumerate() {
        let skip = |reason: &str| {
            ReadItem::Skipped(Skip {
                unit: r.index.map_or_else(|| format!("row {}", r.line), |n| format!("sentence {n}")),
                line: Some(r.line),
                reason: reason.into(),
            })
        };
        if r.target.is_empty() {
            out.push(skip("it has no translation"));
        } else if r.target == r.source && h.from.base() != h.to.base() {
            out.push(skip("its target is a copy of the source (not translated)"));
        } else if r.source.is_empty() {
            out.push(skip("its source is empty"));
        } else {
            let mut src = Variant::from_plain(h.from.clone(), &r.source);
            src.context_prev = Some(if i == 0 { String::new() } else { sources[i - 1].clone() });
            src.context_next = Some(sources.get(i + 1).cloned().unwrap_or_default());
            let tgt = Variant::from_plain(h.to.clone(), &r.target);
            let mut unit = Unit::new(vec![src, tgt]);
            unit.srclang = Some(h.from.clone());
            unit.origin = h.article.clone();
            out.push(ReadItem::Unit(unit));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::draft::tests::{draft_of, m};
    use crate::report::render;
    use crate::tm::fuzzy::MatchKind;

    /// Four sentences in two paragraphs: an exact match, a fuzzy one, a repetition of the
    /// first, and one without a draft. One source has a tab, a pipe and a backslash.
    fn sample() -> crate::report::Draft {
        draft_of("雨が降った。風が|強い\\。\n\n雨が降った。雪だ。", &mut |s| {
            Ok(match s {
                "雨が降った。" => vec![m(100, MatchKind::Exact, s, "It rained.", (Some(""), None))],
                "風が|強い\\。" => {
                    vec![m(88, MatchKind::Fuzzy, "風が強い。", "The wind is strong.", (None, None))]
                }
                _ => vec![],
            })
        })
    }

    fn rendered(f: fn(&crate::report::Draft, &mut dyn std::io::Write) -> Result<()>) -> String {
        let mut buf = Vec::new();
        f(&sample(), &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn units(items: &[ReadItem]) -> Vec<(&str, &str)> {
        items
            .iter()
            .filter_map(|i| match i {
                ReadItem::Unit(u) => Some((u.variants[0].plain.as_str(), u.variants[1].plain.as_str())),
                ReadItem::Skipped(_) => None,
            })
            .collect()
    }

    fn skipped(items: &[ReadItem]) -> Vec<(String, String, Option<u64>)> {
        items
            .iter()
            .filter_map(|i| match i {
                ReadItem::Skipped(s) => Some((s.unit.clone(), s.reason.clone(), s.line)),
                ReadItem::Unit(_) => None,
            })
            .collect()
    }

    fn first_unit(items: &[ReadItem]) -> &Unit {
        items
            .iter()
            .find_map(|i| match i {
                ReadItem::Unit(u) => Some(u),
                ReadItem::Skipped(_) => None,
            })
            .unwrap()
    }

    #[test]
    fn unedited_tsv_draft_reads_its_drafts_with_context_and_origin() {
        let items = read_tsv(&rendered(render::tsv)).unwrap();
        assert_eq!(
            units(&items),
            vec![
                ("雨が降った。", "It rained."),
                ("風が|強い\\。", "The wind is strong."),
                ("雨が降った。", "It rained.")
            ]
        );
        assert_eq!(skipped(&items), vec![("sentence 4".into(), "it has no translation".into(), Some(6))]);
        let u = first_unit(&items);
        assert_eq!(u.origin.as_deref(), Some("new.txt"));
        assert_eq!(u.srclang.as_ref().map(Lang::as_str), Some("ja"));
        assert_eq!(u.variants[0].context_prev.as_deref(), Some(""));
        assert_eq!(u.variants[0].context_next.as_deref(), Some("風が|強い\\。"));
        assert_eq!(u.variants[1].seg, Variant::from_plain(Lang::parse("en").unwrap(), "It rained.").seg);
        let ReadItem::Unit(third) = &items[2] else { panic!() };
        // The untranslated last sentence is still the neighbour.
        assert_eq!(third.variants[0].context_next.as_deref(), Some("雪だ。"));
    }

    #[test]
    fn tsv_translator_edits() {
        let tsv = rendered(render::tsv)
            // A changed target, with a tab typed as the escape the file uses.
            .replace("The wind is strong.", "The wind\\tblew hard.")
            // Spaces added around an unchanged exact match.
            .replacen("\tIt rained.\t", "\t  It rained. \t", 1)
            // The last sentence translated; the repetition's target emptied.
            .replacen("\t\t\t\n", "\tIt snowed.\t\t\n", 1)
            .replace("repetition\t雨が降った。\tIt rained.", "repetition\t雨が降った。\t");
        let mut lines: Vec<&str> = tsv.lines().collect();
        // Rows sorted in a spreadsheet by another column.
        lines[2..].reverse();
        let items = read_tsv(&lines.join("\r\n")).unwrap();
        assert_eq!(
            units(&items),
            vec![("雨が降った。", "It rained."), ("風が|強い\\。", "The wind\tblew hard."), ("雪だ。", "It snowed.")]
        );
        assert_eq!(skipped(&items)[0].0, "sentence 3");
        let ReadItem::Unit(last) = &items[3] else { panic!("{items:?}") };
        assert_eq!(last.variants[0].context_prev.as_deref(), Some("雨が降った。"));
        assert_eq!(last.variants[0].context_next.as_deref(), Some(""));
    }

    #[test]
    fn spreadsheet_quoting_is_undone_only_where_it_is_quoting() {
        assert_eq!(unquote(r#""He said, ""go.""""#), r#"He said, "go.""#);
        assert_eq!(unquote(r#""Go," he said, "now.""#), r#""Go," he said, "now.""#);
        assert_eq!(unquote(r#""Stay in.""#), r#""Stay in.""#);
        assert_eq!(unquote("plain"), "plain");
        let tsv =
            "#tomo-draft\tja\ten\ta.txt\nindex\tsource\ttarget\n1\t「行け」と言った。\t\"He said, \"\"Go.\"\"\"\n";
        assert_eq!(units(&read_tsv(tsv).unwrap()), vec![("「行け」と言った。", "He said, \"Go.\"")]);
    }

    #[test]
    fn tsv_target_copied_from_source_is_skipped() {
        let tsv = "#tomo-draft\tja\ten\ta.txt\nindex\tsource\ttarget\n1\t一。\t一。\n2\t二。\n";
        let items = read_tsv(tsv).unwrap();
        assert_eq!(skipped(&items)[0].1, "its target is a copy of the source (not translated)");
        assert_eq!(skipped(&items)[1], ("sentence 2".into(), "it has no translation".into(), Some(4)));
    }

    #[test]
    fn tsv_errors_name_the_line() {
        let err = read_tsv("index\tsource\ttarget\n").unwrap_err();
        assert!(err.to_string().starts_with("line 1: not a tomo draft"), "{err}");
        let err = read_tsv("#tomo-draft\tja\n").unwrap_err();
        assert!(err.to_string().starts_with("line 1: the tomo-draft marker"), "{err}");
        let err = read_tsv("#tomo-draft\tja\tx_y!\n").unwrap_err();
        assert!(err.to_string().starts_with("line 1:"), "{err}");
        let err = read_tsv("#tomo-draft\tja\ten\n\nindex\tsrc\n").unwrap_err();
        assert!(err.to_string().starts_with("line 3: the header row"), "{err}");
        let err = read_tsv("#tomo-draft\tja\ten\nindex\tsource\ttarget\n1\t一。\tOne.\nx\t二。\tTwo.\n").unwrap_err();
        assert!(err.to_string().starts_with("line 4: the sentence number `x`"), "{err}");
        let err = read_tsv("#tomo-draft\tja\ten\nindex\tsource\ttarget\n1\t一。\tOne\ttwo.\n").unwrap_err();
        assert!(err.to_string().starts_with("line 3: 4 cells where the header has 3 (a tab"), "{err}");
        // Empty cells after the last column (a spreadsheet's padding) are fine.
        assert_eq!(
            units(&read_tsv("#tomo-draft\tja\ten\nindex\tsource\ttarget\n1\t一。\tOne.\t\t\n").unwrap()).len(),
            1
        );
    }

    #[test]
    fn unedited_markdown_draft_reads_like_the_tsv() {
        let md = rendered(render::markdown);
        let from_md = read_md(&md).unwrap();
        let from_tsv = read_tsv(&rendered(render::tsv)).unwrap();
        assert_eq!(units(&from_md), units(&from_tsv));
        let (a, b) = (first_unit(&from_md), first_unit(&from_tsv));
        assert_eq!((&a.origin, &a.variants[0].context_next), (&b.origin, &b.variants[0].context_next));
        assert_eq!(skipped(&from_md)[0].0, "sentence 4");
    }

    #[test]
    fn markdown_translator_edits() {
        let md = rendered(render::markdown)
            .replace("| The wind is strong. |", "|   The wind \\| the rain.   |")
            .replace("| 雪だ。 |  |", "| 雪だ。 | It snowed. |")
            .replace("| 3 | 雨が降った。 | It rained. |", "| 3 | 雨が降った。 |  |");
        // A table editor realigns the separator and reorders the rows of a paragraph.
        let md = md.replace("| --: | --- | --- | --- | --- | --- |", "|---:|:--|---|---|---|---|");
        let mut lines: Vec<String> = md.lines().map(str::to_string).collect();
        let a = lines.iter().position(|l| l.starts_with("| 1 |")).unwrap();
        lines.swap(a, a + 1);
        let items = read_md(&lines.join("\n")).unwrap();
        assert_eq!(
            units(&items),
            vec![("雨が降った。", "It rained."), ("風が|強い\\。", "The wind | the rain."), ("雪だ。", "It snowed.")]
        );
        assert_eq!(skipped(&items)[0].0, "sentence 3");
        let u = first_unit(&items);
        assert_eq!(u.variants[0].context_next.as_deref(), Some("風が|強い\\。"));
    }

    #[test]
    fn markdown_marker_and_other_tables() {
        let md = "Notes.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n<!-- tomo-draft ja en-GB my article.txt -->\n\n| # | ja | en-GB |\n|---|---|---|\n| 1 | 一。 | One. |\n";
        let items = read_md(md).unwrap();
        assert_eq!(units(&items), vec![("一。", "One.")]);
        let u = first_unit(&items);
        assert_eq!(u.origin.as_deref(), Some("my article.txt"));
        assert_eq!(u.variants[1].lang.as_str(), "en-GB");
    }

    #[test]
    fn markdown_errors_name_the_line() {
        let err = read_md("# Draft\n| # | ja | en |\n").unwrap_err();
        assert!(err.to_string().starts_with("line 1: not a tomo draft"), "{err}");
        let err = read_md("\n<!-- tomo-draft ja -->\n").unwrap_err();
        assert!(err.to_string().starts_with("line 2: the tomo-draft marker"), "{err}");
        let err =
            read_md("<!-- tomo-draft ja en a -->\n| # | ja | en |\n|--|--|--|\n| one | 一。 | One. |\n").unwrap_err();
        assert!(err.to_string().starts_with("line 4: the sentence number `one`"), "{err}");
        let err = read_md("<!-- tomo-draft ja en a -->\n| # | ja | en |\n|--|--|--|\n| 1 | 一。 | One | two. |\n")
            .unwrap_err();
        assert!(err.to_string().starts_with("line 4: 4 cells where the header has 3 (a `|` inside"), "{err}");
        let err = read_md("<!-- tomo-draft ja en a -->\n| # | de | fr |\n|--|--|--|\n").unwrap_err();
        assert!(err.to_string().contains("no draft table"), "{err}");
    }

    #[test]
    fn detection() {
        use crate::formats::Format;
        assert_eq!(Format::from_path(Path::new("d.md")), Some(Format::DraftMd));
        assert!(is_tsv_draft(b"\xef\xbb\xbf#tomo-draft\tja\ten\ta\n"));
        assert!(!is_tsv_draft(b"ja\ten\n"));
    }
}
