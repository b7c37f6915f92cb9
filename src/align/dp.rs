//! The dynamic programme over beads, inside a band around the diagonal.
//!
//! Invariants: the returned beads cover both sides in order, each line exactly once;
//! every cost is finite, so a path always exists (the band is built so that consecutive
//! rows overlap and (0,0) and (n,m) lie inside it) and non-empty input never gives an
//! empty alignment. Time and memory are O(n · band width), linear in document length.

/// The bead shapes tried, as (source lines, target lines).
pub const SHAPES: [(usize, usize); 8] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)];

/// Half-width of the band in lines, beyond the diagonal's own spread: a tenth of the
/// longer side, at least [`MIN_BAND`] and at most [`BAND`] lines. Omissions longer than
/// that in one place are what the paragraph pass is for.
pub const BAND: usize = 60;

/// The narrowest band (short documents). The dev set's alignments are the same, byte for
/// byte, from twelve lines past the diagonal's spread down to three; five keeps a margin
/// for longer runs of omissions on one side.
pub const MIN_BAND: usize = 5;

/// A cost every real path beats; used for cells outside the band, never returned.
const UNREACHED: f64 = 1e300;

/// One step of the best path: source lines `i..i+di`, target lines `j..j+dj`, and its cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// First source line.
    pub i: usize,
    /// Source lines in the bead.
    pub di: usize,
    /// First target line.
    pub j: usize,
    /// Target lines in the bead.
    pub dj: usize,
    /// The bead's cost.
    pub cost: f64,
}

/// The best path from (0,0) to (n,m) under `cost(shape, i, di, j, dj, budget)` (finite
/// costs; `shape` indexes [`SHAPES`]). `budget` is what the bead must cost less than to
/// matter; a cost function may return any value at or above it once it knows it cannot.
/// Generic over the cost function so that it is inlined into the inner loop.
pub fn best_path(
    n: usize,
    m: usize,
    cost: &mut impl FnMut(usize, usize, usize, usize, usize, f64) -> f64,
) -> Vec<Step> {
    SCRATCH.with_borrow_mut(|s| {
        band(n, m, &mut s.lo, &mut s.hi);
        best_path_in(n, m, s, cost)
    })
}

/// The band and the tables of one DP, kept between documents: a batch aligns thousands of
/// short documents, and allocating (and first touching) these for each was a tenth of the
/// allocations of a batch.
#[derive(Default)]
struct Scratch {
    /// The band: target columns `lo[i]..=hi[i]` of each source row.
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Rows widened by [`best_path_around`].
    wide: Vec<bool>,
    /// Where each row starts in `best` and `back`.
    offset: Vec<usize>,
    /// Per cell of the band: the cost of the best path to it, and the shape of its last bead.
    best: Vec<f64>,
    back: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Lines on each side of an earlier path that [`best_path_near`] searches.
pub const NEAR: usize = 3;

/// [`best_path`] inside a corridor of [`NEAR`] lines around an earlier path `near` (of the
/// same grid): a second pass with a better cost model corrects a first pass locally, so
/// it need not search the whole band again. The earlier path lies inside the corridor,
/// so a path always exists.
pub fn best_path_near(
    n: usize,
    m: usize,
    near: &[Step],
    cost: &mut impl FnMut(usize, usize, usize, usize, usize, f64) -> f64,
) -> Vec<Step> {
    best_path_around(n, m, near, &vec![true; near.len()], cost)
}

/// [`best_path_near`] where only the steps marked in `unsure` (and the rows within
/// [`NEAR`] lines of them) get the corridor of [`NEAR`] lines; elsewhere the search keeps
/// to the earlier path's own cells (which still allow a one-line detour). A second pass
/// then costs in proportion to what the first was unsure of, not to the document.
pub fn best_path_around(
    n: usize,
    m: usize,
    near: &[Step],
    unsure: &[bool],
    cost: &mut impl FnMut(usize, usize, usize, usize, usize, f64) -> f64,
) -> Vec<Step> {
    SCRATCH.with_borrow_mut(|scratch| {
        around(n, m, near, unsure, scratch);
        best_path_in(n, m, scratch, cost)
    })
}

/// The band of [`best_path_around`], into `scratch.lo` and `scratch.hi`.
fn around(n: usize, m: usize, near: &[Step], unsure: &[bool], scratch: &mut Scratch) {
    let Scratch { lo, hi, wide, .. } = scratch;
    lo.clear();
    lo.resize(n + 1, usize::MAX);
    hi.clear();
    hi.resize(n + 1, 0);
    wide.clear();
    wide.resize(n + 1, false);
    for (s, &u) in near.iter().zip(unsure) {
        for r in s.i..=s.i + s.di {
            lo[r] = lo[r].min(s.j);
            hi[r] = hi[r].max(s.j + s.dj);
        }
        if u {
            for w in &mut wide[s.i.saturating_sub(NEAR)..=(s.i + s.di + NEAR).min(n)] {
                *w = true;
            }
        }
    }
    // Rows the earlier path did not reach (only when it does not cover the grid) get
    // the whole row; the rest are widened by NEAR where the earlier path was unsure.
    for r in 0..=n {
        if lo[r] > hi[r] {
            (lo[r], hi[r]) = (0, m);
        }
        if wide[r] {
            lo[r] = lo[r].saturating_sub(NEAR);
            hi[r] = (hi[r] + NEAR).min(m);
        }
    }
    lo[0] = 0;
    hi[n] = m;
}

/// The best path inside the band of target columns `lo[i]..=hi[i]` of each source row
/// (`scratch.lo`, `scratch.hi`; the rest of `scratch` is overwritten).
fn best_path_in(
    n: usize,
    m: usize,
    scratch: &mut Scratch,
    cost: &mut impl FnMut(usize, usize, usize, usize, usize, f64) -> f64,
) -> Vec<Step> {
    let Scratch { lo, hi, offset, best, back, .. } = scratch;
    offset.clear();
    let mut total = 0usize;
    for i in 0..=n {
        offset.push(total);
        total += hi[i] - lo[i] + 1;
    }
    best.clear();
    best.resize(total, UNREACHED);
    back.clear();
    back.resize(total, u8::MAX);
    best[0] = 0.0;
    for i in 0..=n {
        // The band and table offset of rows i, i-1, i-2 and i-3, which the shapes reach
        // back to (a row before the first is never read).
        let row = |d: usize| if d <= i { (lo[i - d], hi[i - d], offset[i - d]) } else { (0, 0, 0) };
        let rows = [row(0), row(1), row(2), row(3)];
        for j in lo[i]..=hi[i] {
            if i == 0 && j == 0 {
                continue;
            }
            let mut cell = UNREACHED;
            let mut from = u8::MAX;
            // Each shape in SHAPES order, written out so that its line counts are constants
            // in the (inlined) cost function: a loop over the table left them variables.
            macro_rules! shape {
                ($k:literal) => {{
                    const DI: usize = SHAPES[$k].0;
                    const DJ: usize = SHAPES[$k].1;
                    let (plo, phi, poff) = rows[DI];
                    if DI <= i && DJ <= j {
                        let (pi, pj) = (i - DI, j - DJ);
                        if pj >= plo && pj <= phi {
                            let prev = best[poff + pj - plo];
                            if prev < UNREACHED {
                                let c = prev + cost($k, pi, DI, pj, DJ, cell - prev);
                                if c < cell {
                                    cell = c;
                                    from = $k;
                                }
                            }
                        }
                    }
                }};
            }
            const _: () = assert!(SHAPES.len() == 8);
            shape!(0);
            shape!(1);
            shape!(2);
            shape!(3);
            shape!(4);
            shape!(5);
            shape!(6);
            shape!(7);
            let at = offset[i] + j - lo[i];
            best[at] = cell;
            back[at] = from;
        }
    }
    let mut path = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let k = back[offset[i] + j - lo[i]];
        let (di, dj) = SHAPES[usize::from(k)];
        let (pi, pj) = (i - di, j - dj);
        let c = best[offset[i] + j - lo[i]] - best[offset[pi] + pj - lo[pi]];
        // The chosen bead was computed in full (it beat its budget), so `c` is its cost.
        path.push(Step { i: pi, di, j: pj, dj, cost: c });
        i = pi;
        j = pj;
    }
    path.reverse();
    path
}

/// The band: for each source row `i`, the target columns `lo[i]..=hi[i]` searched.
fn band(n: usize, m: usize, lo: &mut Vec<usize>, hi: &mut Vec<usize>) {
    let band = (n.max(m) / 10).clamp(MIN_BAND, BAND);
    let ratio = m as f64 / n.max(1) as f64;
    lo.clear();
    hi.clear();
    for i in 0..=n {
        // The diagonal's span over rows i-1..=i+1 keeps consecutive rows overlapping
        // however different the two lengths are.
        let a = ((i.saturating_sub(1)) as f64 * ratio).floor() as usize;
        let b = (((i + 1) as f64) * ratio).ceil() as usize;
        lo.push(a.saturating_sub(band).min(m));
        hi.push((b + band).min(m));
    }
    lo[0] = 0;
    hi[n] = m;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(path: &[Step], n: usize, m: usize) -> bool {
        let (mut i, mut j) = (0, 0);
        for s in path {
            if s.i != i || s.j != j || s.di + s.dj == 0 {
                return false;
            }
            i += s.di;
            j += s.dj;
        }
        i == n && j == m
    }

    #[test]
    fn diagonal_when_one_to_one_is_cheap() {
        let p = best_path(5, 5, &mut |_, _, di, _, dj, _| if di == 1 && dj == 1 { 0.1 } else { 5.0 });
        assert_eq!(p.len(), 5);
        assert!(covers(&p, 5, 5));
    }

    #[test]
    fn near_an_earlier_path_finds_the_same_best() {
        // A cost with a clear optimum off the diagonal: a 2-1 bead at row 4 and a 1-0 at 9.
        let mut cost = |_: usize, i: usize, di: usize, _: usize, dj: usize, _: f64| match (i, di, dj) {
            (4, 2, 1) | (9, 1, 0) => 0.0,
            (_, 1, 1) => 1.0,
            _ => 6.0,
        };
        let full = best_path(30, 28, &mut cost);
        let diagonal: Vec<Step> =
            best_path(30, 28, &mut |_, _, di, _, dj, _| if di == 1 && dj == 1 { 0.0 } else { 1.0 });
        assert_eq!(best_path_near(30, 28, &diagonal, &mut cost), full);
        assert!(covers(&best_path_near(30, 28, &full, &mut cost), 30, 28));
    }

    #[test]
    fn around_an_earlier_path_corrects_where_it_was_unsure() {
        // The optimum leaves the diagonal at row 9 (a 1-0 bead, then the diagonal shifted).
        let mut cost = |_: usize, i: usize, di: usize, j: usize, dj: usize, _: f64| match (di, dj) {
            (1, 0) if i == 9 => 0.0,
            (1, 1) if (i < 9 && i == j) || (i > 9 && i == j + 1) => 0.0,
            (0, 1) if j == 29 => 0.0,
            _ => 6.0,
        };
        let full = best_path(31, 30, &mut cost);
        let diagonal: Vec<Step> = (0..30)
            .map(|k| Step { i: k, di: 1, j: k, dj: 1, cost: 0.0 })
            .chain([Step { i: 30, di: 1, j: 30, dj: 0, cost: 0.0 }])
            .collect();
        // Unsure only near the change: the corridor there is wide enough to find it.
        let unsure: Vec<bool> = (0..31).map(|k| (8..=11).contains(&k) || k == 30).collect();
        let around = best_path_around(31, 30, &diagonal, &unsure, &mut cost);
        assert!(covers(&around, 31, 30));
        assert_eq!(around.iter().map(|s| s.cost).sum::<f64>(), full.iter().map(|s| s.cost).sum::<f64>());
        // Sure everywhere: the earlier path (or a one-line detour) is all it can give.
        let kept = best_path_around(31, 30, &diagonal, &[false; 31], &mut cost);
        assert!(covers(&kept, 31, 30));
    }

    #[test]
    fn empty_sides_still_give_beads() {
        let p = best_path(0, 3, &mut |_, _, _, _, _, _| 1.0);
        assert!(covers(&p, 0, 3));
        assert_eq!(p.len(), 3);
        assert!(best_path(0, 0, &mut |_, _, _, _, _, _| 1.0).is_empty());
    }

    #[test]
    fn very_different_lengths_align_inside_the_band() {
        for (n, m) in [(3000, 40), (40, 3000), (5000, 5000), (2500, 5000)] {
            let p = best_path(n, m, &mut |_, _, di, _, dj, _| if di == dj { 0.5 } else { 2.0 });
            assert!(covers(&p, n, m), "{n}x{m}");
        }
    }
}
