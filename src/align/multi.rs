//! Three (or more) versions of an article, aligned through a pivot (the first): each other
//! version is aligned with the pivot, and beads that cover the same pivot lines on every
//! side become one multilingual unit; where only two versions agree, a pair.

use std::ops::Range;

use super::Bead;

/// One row of a multi-way alignment: a line range per document (empty where the document
/// has nothing here), the shape (`1-1-1`, `2-1-0`) and a confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// A range per document, pivot first. An empty range means "not in this document".
    pub parts: Vec<Range<usize>>,
    /// The lowest confidence of the beads it was made from.
    pub confidence: f64,
}

impl Row {
    /// `1-1-1`, `2-1`, `1-0-1` ...: lines per document.
    pub fn kind(&self) -> String {
        self.parts.iter().map(|r| r.len().to_string()).collect::<Vec<_>>().join("-")
    }

    /// How many documents have lines in this row.
    pub fn present(&self) -> usize {
        self.parts.iter().filter(|r| !r.is_empty()).count()
    }
}

/// Rows of a two-way alignment.
pub fn from_pair(beads: &[Bead]) -> Vec<Row> {
    beads.iter().map(|b| Row { parts: vec![b.src.clone(), b.tgt.clone()], confidence: b.confidence }).collect()
}

/// Combine pivot→X beads (`to_x`) and pivot→Y beads (`to_y`) into rows of three parts
/// (pivot, X, Y). Where both chains have a non-null bead over the same pivot lines, one
/// row holds all three; a non-null bead without such a partner gives a pair (its pivot
/// lines then also sit in the other chain's rows); lines that no chain aligns give rows of
/// one part. Rows are ordered by pivot position; every X and Y line is in exactly one row.
pub fn through_pivot(to_x: &[Bead], to_y: &[Bead]) -> Vec<Row> {
    let mut rows: Vec<(usize, usize, Row)> = Vec::new();
    let mut used_y = vec![false; to_y.len()];
    let n_pivot = to_x.iter().chain(to_y).map(|b| b.src.end).max().unwrap_or(0);
    let mut pivot_aligned = vec![false; n_pivot];
    for b in to_x.iter().chain(to_y).filter(|b| !b.is_null()) {
        for k in b.src.clone() {
            pivot_aligned[k] = true;
        }
    }
    for bx in to_x {
        let row = if bx.is_null() {
            if bx.tgt.is_empty() {
                continue;
            }
            Row { parts: vec![bx.src.start..bx.src.start, bx.tgt.clone(), 0..0], confidence: bx.confidence }
        } else if let Some(k) = to_y.iter().position(|by| !by.is_null() && by.src == bx.src) {
            used_y[k] = true;
            let by = &to_y[k];
            Row {
                parts: vec![bx.src.clone(), bx.tgt.clone(), by.tgt.clone()],
                confidence: bx.confidence.min(by.confidence),
            }
        } else {
            Row { parts: vec![bx.src.clone(), bx.tgt.clone(), 0..0], confidence: bx.confidence }
        };
        rows.push((bx.src.start, 0, row));
    }
    for (k, by) in to_y.iter().enumerate() {
        if used_y[k] || (by.is_null() && by.tgt.is_empty()) {
            continue;
        }
        let p = if by.is_null() { by.src.start..by.src.start } else { by.src.clone() };
        rows.push((by.src.start, 1, Row { parts: vec![p, 0..0, by.tgt.clone()], confidence: by.confidence }));
    }
    for (k, done) in pivot_aligned.iter().enumerate() {
        if !done {
            let confidence = to_x.iter().chain(to_y).find(|b| b.src.contains(&k)).map_or(0.0, |b| b.confidence);
            rows.push((k, 2, Row { parts: vec![k..k + 1, 0..0, 0..0], confidence }));
        }
    }
    // At one pivot position, lines without pivot text come first: they precede it.
    rows.sort_by_key(|(start, chain, r)| (*start, !r.parts[0].is_empty(), *chain));
    rows.into_iter().map(|(_, _, r)| r).collect()
}

/// Lines that the pivot lacks but both X and Y have (a passage the pivot edition dropped)
/// come out of [`through_pivot`] as X-only and Y-only rows. Align each such run of X
/// lines with the Y lines beside it (`align_xy(x lines, y lines)` gives beads relative to
/// the ranges), so they become X–Y pairs.
pub fn fill_pivot_gaps(rows: Vec<Row>, align_xy: &mut dyn FnMut(Range<usize>, Range<usize>) -> Vec<Bead>) -> Vec<Row> {
    let mut out = Vec::with_capacity(rows.len());
    let mut k = 0;
    while k < rows.len() {
        if !rows[k].parts[0].is_empty() {
            out.push(rows[k].clone());
            k += 1;
            continue;
        }
        let start = k;
        while k < rows.len() && rows[k].parts[0].is_empty() {
            k += 1;
        }
        let run = &rows[start..k];
        let span = |d: usize| {
            let parts: Vec<&Range<usize>> = run.iter().map(|r| &r.parts[d]).filter(|r| !r.is_empty()).collect();
            match (parts.first(), parts.last()) {
                (Some(a), Some(b)) => a.start..b.end,
                _ => 0..0,
            }
        };
        let (x, y) = (span(1), span(2));
        if x.is_empty() || y.is_empty() {
            out.extend_from_slice(run);
            continue;
        }
        for b in align_xy(x.clone(), y.clone()) {
            let xs = if b.src.is_empty() { 0..0 } else { x.start + b.src.start..x.start + b.src.end };
            let ys = if b.tgt.is_empty() { 0..0 } else { y.start + b.tgt.start..y.start + b.tgt.end };
            out.push(Row { parts: vec![0..0, xs, ys], confidence: b.confidence });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: Range<usize>, t: Range<usize>) -> Bead {
        Bead { src: s, tgt: t, confidence: 0.9 }
    }

    #[test]
    fn agreement_gives_three_way_units_and_pairs_otherwise() {
        // en 0 ↔ ja 0, en 1 ↔ ja 1-2, en 2 dropped in ja.
        let to_ja = [b(0..1, 0..1), b(1..2, 1..3), b(2..3, 3..3)];
        // en 0 ↔ ko 0, en 1 ↔ ko 1, en 2 ↔ ko 2.
        let to_ko = [b(0..1, 0..1), b(1..2, 1..2), b(2..3, 2..3)];
        let rows = through_pivot(&to_ja, &to_ko);
        let kinds: Vec<String> = rows.iter().map(Row::kind).collect();
        assert_eq!(kinds, ["1-1-1", "1-2-1", "1-0-1"]);
        let rows = through_pivot(&[b(0..1, 0..1)], &[b(0..1, 0..0), b(1..1, 0..1)]);
        let kinds: Vec<String> = rows.iter().map(Row::kind).collect();
        assert_eq!(kinds, ["1-1-0", "0-0-1"]);
    }

    #[test]
    fn lines_the_pivot_dropped_pair_up() {
        // en 0 ↔ ja 0 ↔ ko 0; ja 1 and ko 1 have no en line; en 1 ↔ ja 2 ↔ ko 2.
        let to_ja = [b(0..1, 0..1), b(1..1, 1..2), b(1..2, 2..3)];
        let to_ko = [b(0..1, 0..1), b(1..1, 1..2), b(1..2, 2..3)];
        let rows = through_pivot(&to_ja, &to_ko);
        let rows = fill_pivot_gaps(rows, &mut |x, y| {
            assert_eq!((x.clone(), y.clone()), (1..2, 1..2));
            vec![b(0..1, 0..1)]
        });
        let kinds: Vec<String> = rows.iter().map(Row::kind).collect();
        assert_eq!(kinds, ["1-1-1", "0-1-1", "1-1-1"]);
        assert_eq!(rows[1].parts, vec![0..0, 1..2, 1..2]);
    }
}
