//! The length model: how long a translation is, in characters after NFKC without
//! whitespace, given the length of its source (Gale & Church 1993, per language pair).
//!
//! A model is directional. `c` is target characters per source character and `s2` the
//! variance of `target − c·source` per source character. The defaults come from the 1-1
//! beads of the shared dev set; the reverse of a measured pair is derived, not guessed
//! (`c' = 1/c`, `s2' = s2/c³`), and a memory that holds enough pairs re-estimates both.

use crate::lang::{Lang, Script};

/// A calibrated length model for one ordered language pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthModel {
    /// Target characters per source character.
    pub c: f64,
    /// Variance of `target − c·source` per source character.
    pub s2: f64,
}

/// Measured defaults (source base, target base, c, s2): dev-length-stats.json.
const MEASURED: &[(&str, &str, f64, f64)] = &[
    ("en", "ja", 0.5513, 0.997),
    ("ja", "en", 2.2251, 10.063),
    ("en", "ko", 0.4784, 1.881),
    ("ja", "ko", 0.9375, 2.077),
];

/// Fewest pairs a memory must hold before its own estimate is used at all.
pub const MIN_PAIRS: usize = 100;

impl LengthModel {
    /// The model for `src` → `tgt`: measured when known, the reverse of a measured pair
    /// when that is known, else a guess from how dense each script is.
    pub fn for_pair(src: &Lang, tgt: &Lang) -> LengthModel {
        let (s, t) = (src.base(), tgt.base());
        if let Some(&(_, _, c, s2)) = MEASURED.iter().find(|m| m.0 == s && m.1 == t) {
            return LengthModel { c, s2 };
        }
        if let Some(&(_, _, c, s2)) = MEASURED.iter().find(|m| m.0 == t && m.1 == s) {
            return LengthModel { c, s2 }.reversed();
        }
        let c = density(tgt) / density(src);
        // Variance grows with the square of the ratio; 3.5·c² fits the measured pairs
        // within a factor of two and is wide enough not to mislead.
        LengthModel { c, s2: 3.5 * c * c }
    }

    /// The model of the opposite direction.
    pub fn reversed(self) -> LengthModel {
        LengthModel { c: 1.0 / self.c, s2: self.s2 / (self.c * self.c * self.c) }
    }

    /// Re-estimate from `(source chars, target chars)` pairs (1-1 translations), blended
    /// with `self` by the number of pairs; `self` unchanged below [`MIN_PAIRS`].
    pub fn reestimated(self, pairs: &[(f64, f64)]) -> LengthModel {
        let pairs: Vec<(f64, f64)> = pairs.iter().copied().filter(|&(s, t)| s >= 1.0 && t >= 1.0).collect();
        if pairs.len() < MIN_PAIRS {
            return self;
        }
        let c = pairs.iter().map(|p| p.1).sum::<f64>() / pairs.iter().map(|p| p.0).sum::<f64>();
        let mut dev: Vec<f64> = pairs.iter().map(|&(s, t)| (t - c * s).powi(2) / s).collect();
        // Memories hold some bad pairs; the top 5 % would dominate a variance.
        dev.sort_by(f64::total_cmp);
        dev.truncate(dev.len() * 95 / 100);
        let s2 = (dev.iter().sum::<f64>() / dev.len() as f64).max(1e-3) * 1.3;
        let w = pairs.len() as f64 / (pairs.len() as f64 + 500.0);
        LengthModel { c: w * c + (1.0 - w) * self.c, s2: w * s2 + (1.0 - w) * self.s2 }
    }

    /// Cost (−ln probability) that `tgt` characters translate `src` characters:
    /// `−ln 2(1 − Φ(|δ|))` with `δ = (tgt − c·src) / √(s2·mean)`, where `mean` averages
    /// the two lengths in source units. Finite for every input.
    pub fn cost(&self, src: f64, tgt: f64) -> f64 {
        self.cost_with_tail(src, tgt, f64::INFINITY)
    }

    /// [`cost`](Self::cost) with a heavier tail: beyond `|δ| = tail` the cost grows
    /// linearly (a Laplace tail) instead of quadratically, so one loose translation does
    /// not outweigh the evidence of its neighbours.
    #[inline]
    pub fn cost_with_tail(&self, src: f64, tgt: f64, tail: f64) -> f64 {
        self.cost_with_tail_inv_c(src, tgt, tail, 1.0 / self.c)
    }

    /// [`cost_with_tail`](Self::cost_with_tail) with `inv_c` = `1 / c` computed ahead by
    /// the caller: a division less in a cost the DP asks for in nearly every cell. Same
    /// values, as long as `inv_c` is `1.0 / self.c`.
    #[inline]
    pub fn cost_with_tail_inv_c(&self, src: f64, tgt: f64, tail: f64, inv_c: f64) -> f64 {
        // (Comparisons rather than `max` and `min`, which also take care of NaN: these
        // give the same values, NaN included, in fewer instructions.)
        let mean = (src + tgt * inv_c) / 2.0;
        let mean = if mean > 1.0 { mean } else { 1.0 };
        let delta = ((tgt - self.c * src) / (self.s2 * mean).sqrt()).abs();
        // Without a branch (which mispredicted on beads near the tail): up to `tail` from
        // the table, the rest linearly. `far` is exactly 0 when `delta <= tail`, and then
        // adds nothing, even to an infinite `tail` (where `tail * far` would be NaN).
        let near = if delta <= tail { delta } else { tail };
        let far = delta - near;
        let cost = tail_cost(near) + if far == 0.0 { 0.0 } else { tail * far };
        if cost < 60.0 { cost } else { 60.0 }
    }
}

/// Characters per "word-ish unit" of a script, relative to English.
fn density(lang: &Lang) -> f64 {
    match lang.script() {
        Script::Spaced | Script::NoSpaces => 1.0,
        Script::Japanese => 0.55,
        Script::Chinese => 0.35,
        Script::Korean => 0.5,
    }
}

/// Steps per unit of the table of [`neg_ln_two_tail`].
const TABLE_STEPS: f64 = 512.0;
/// The table covers `0..=TABLE_MAX`; beyond, the function is computed.
const TABLE_MAX: f64 = 8.0;

/// [`neg_ln_two_tail`] from a table, linearly interpolated (error below 1e-6 nats, far
/// below any difference between two beads that matters): the DP asks for it in nearly
/// every cell, and the logarithm and polynomial were most of a bead's cost.
#[inline]
fn tail_cost(x: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if x.is_nan() || x >= TABLE_MAX {
        return far_tail_cost(x);
    }
    // The rare paths (the far tail, filling the table) are calls, so that this one is
    // inlined into the bead cost.
    #[cold]
    #[inline(never)]
    fn fill() -> Vec<f64> {
        (0..=(TABLE_MAX * TABLE_STEPS) as usize + 1).map(|k| neg_ln_two_tail(k as f64 / TABLE_STEPS)).collect()
    }
    let table = TABLE.get_or_init(fill);
    let at = x * TABLE_STEPS;
    // (Through i32: 0 ≤ at < 4,096, and the conversions to and from i32 are single
    // instructions where usize's take a dozen.)
    let k = at as i32;
    let frac = at - f64::from(k);
    let k = k as usize;
    table[k] + (table[k + 1] - table[k]) * frac
}

/// [`neg_ln_two_tail`] past the table.
#[cold]
#[inline(never)]
fn far_tail_cost(x: f64) -> f64 {
    neg_ln_two_tail(x)
}

/// `−ln(2(1 − Φ(x)))` = `−ln erfc(x/√2)` for `x ≥ 0`, without underflow (the
/// Numerical Recipes erfc approximation, relative error below 1.2e-7, taken in log form).
fn neg_ln_two_tail(x: f64) -> f64 {
    let z = x / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    -(t.ln() - z * z + poly)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    #[test]
    fn both_directions_prefer_the_right_ratio() {
        // An English sentence of 100 characters and its Japanese translation of ~55.
        let en_ja = LengthModel::for_pair(&lang("en"), &lang("ja"));
        assert!(en_ja.cost(100.0, 55.0) < 0.1);
        assert!(en_ja.cost(100.0, 180.0) > 10.0, "inverted ratio must be expensive");
        // The same pair read the other way: ja (55) → en (100). The measured ja→en default
        // (2.23) is used, and so is the right ratio.
        let ja_en = LengthModel::for_pair(&lang("ja-JP"), &lang("en-US"));
        assert!(ja_en.cost(45.0, 100.0) < 0.5);
        assert!(ja_en.cost(100.0, 45.0) > 10.0);
    }

    #[test]
    fn reverse_directions_are_derived() {
        let ko_en = LengthModel::for_pair(&lang("ko"), &lang("en"));
        assert!((ko_en.c - 1.0 / 0.4784).abs() < 1e-9);
        assert!((ko_en.s2 - 1.881 / 0.4784f64.powi(3)).abs() < 1e-9);
        assert!(ko_en.cost(48.0, 100.0) < 0.1);
        let ko_ja = LengthModel::for_pair(&lang("ko"), &lang("ja"));
        assert!((ko_ja.c - 1.0 / 0.9375).abs() < 1e-9);
    }

    #[test]
    fn unknown_pairs_get_a_sensible_default() {
        let fr_de = LengthModel::for_pair(&lang("fr"), &lang("de"));
        assert_eq!(fr_de.c, 1.0);
        let zh_en = LengthModel::for_pair(&lang("zh"), &lang("en"));
        assert!(zh_en.c > 2.0);
    }

    #[test]
    fn cost_is_finite_and_monotone() {
        let m = LengthModel { c: 1.0, s2: 6.8 };
        let mut last = m.cost(50.0, 50.0);
        for t in [60.0, 80.0, 150.0, 1000.0, 1e9] {
            let c = m.cost(50.0, t);
            assert!(c.is_finite() && c >= last, "{t}: {c} < {last}");
            last = c;
        }
        assert!(m.cost(0.0, 0.0).is_finite());
    }

    #[test]
    fn table_matches_the_function() {
        for k in 0..4000 {
            let x = f64::from(k) * 0.0023;
            assert!((tail_cost(x) - neg_ln_two_tail(x)).abs() < 1e-6, "{x}");
        }
    }

    #[test]
    fn reestimation_moves_towards_the_memory() {
        let base = LengthModel { c: 1.0, s2: 6.8 };
        let pairs: Vec<(f64, f64)> =
            (0..2000).map(|i| (40.0 + f64::from(i % 50), 2.0 * (40.0 + f64::from(i % 50)))).collect();
        let m = base.reestimated(&pairs);
        assert!(m.c > 1.7 && m.c < 2.0, "{m:?}");
        assert_eq!(base.reestimated(&pairs[..10]), base);
    }
}
