//! Times `translate` and `analyze` of a 200-sentence Japanese article against a large memory,
//! to show the cost per sentence is one indexed lookup (no scan of the memory per article):
//!
//! ```sh
//! cargo run --release --example translate_bench -- 1000000     # units in the memory
//! ```
//!
//! The memory (sentences generated from a 60,000-word synthetic Japanese vocabulary with
//! text-like word frequencies, a deterministic PRNG) is kept in `$BENCH_DB` (default: the temp
//! dir) and reused when it already holds that many units, since building it takes longer than
//! the measurement.

use std::time::Instant;

use tomo::formats::ReadItem;
use tomo::lang::Lang;
use tomo::report::{DraftOptions, analyze, draft::draft_text};
use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};

/// A small deterministic PRNG (xorshift64*), so every run builds the same memory.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A rank in `0..n`, log-uniform: a few words are very common, most are rare, as in text.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

/// Words of 1–4 characters drawn from kanji and katakana, and particles between them.
struct Vocabulary {
    words: Vec<String>,
}

const PARTICLES: &[&str] = &["は", "が", "を", "に", "で", "と", "の", "から", "まで", "も"];

impl Vocabulary {
    fn new(size: usize, rng: &mut Rng) -> Self {
        let pool: Vec<char> = (0x4E00u32..0x4E00 + 3000).chain(0x30A2..0x30F3).filter_map(char::from_u32).collect();
        let words = (0..size)
            .map(|_| {
                let len = 1 + rng.below(4);
                (0..len).map(|_| pool[rng.below(pool.len())]).collect()
            })
            .collect();
        Vocabulary { words }
    }

    /// A sentence of 6–13 words with particles, a number, and a full stop.
    fn sentence(&self, rng: &mut Rng) -> String {
        let mut s = String::new();
        let n = 6 + rng.below(8);
        for k in 0..n {
            s.push_str(&self.words[rng.zipf(self.words.len())]);
            if k == n / 2 {
                s.push_str(&format!("{}人", rng.below(1000)));
            }
            s.push_str(PARTICLES[rng.below(PARTICLES.len())]);
        }
        s.push_str("した。");
        s
    }
}

fn main() -> tomo::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let path = std::env::var_os("BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("tomo-translate-bench-{n}.db")));
    let (ja, en) = (Lang::parse("ja")?, Lang::parse("en")?);
    let mut tm = TranslationMemory::open(&path)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let vocab = Vocabulary::new(60_000, &mut rng);
    let mut stored = Vec::with_capacity(200);
    if tm.stats()?.units < n as u64 {
        let t = Instant::now();
        let mut gen_rng = Rng(42);
        let items = (0..n).map(|i| {
            let ja_text = vocab.sentence(&mut gen_rng);
            let unit = Unit::new(vec![
                Variant::from_plain(ja.clone(), &ja_text),
                Variant::from_plain(en.clone(), &format!("Sentence {i}.")),
            ]);
            Ok(ReadItem::Unit(unit))
        });
        let r = tm.import(items, &ImportOptions { origin: Some("generated".into()) })?;
        println!("memory: {} units imported in {:.1}s ({})", r.new, t.elapsed().as_secs_f64(), path.display());
    }
    println!("memory: {} units", tm.stats()?.units);
    // Re-generate the first sentences to draw the article's known sentences from.
    let mut gen_rng = Rng(42);
    for _ in 0..n.min(5_000) {
        stored.push(vocab.sentence(&mut gen_rng));
    }

    // 200 sentences: a quarter as stored (exact), a quarter with one word changed, a quarter
    // with a number changed, a quarter new.
    let mut article = String::new();
    for k in 0..200 {
        let known = &stored[(k * 24 + 7) % stored.len()];
        let s = match k % 4 {
            0 => known.clone(),
            1 => {
                let cut = known.char_indices().nth(known.chars().count() / 3).map_or(0, |(i, _)| i);
                format!("{}{}{}", &known[..cut], vocab.words[rng.below(vocab.words.len())], &known[cut..])
            }
            2 => known.replacen("人", "0人", 1),
            _ => vocab.sentence(&mut rng),
        };
        article.push_str(&s);
        article.push_str(if k % 5 == 4 { "\n\n" } else { "" });
    }

    let opts = DraftOptions::default();
    let t = Instant::now();
    let draft = draft_text(&tm, "bench.txt", &article, &ja, &en, &opts)?;
    let secs = t.elapsed().as_secs_f64();
    let sentences = draft.segments.len();
    let found = draft.segments.iter().filter(|s| s.best.is_some()).count();
    println!(
        "translate: {sentences} sentences in {:.3}s: {:.0} lookups/s ({found} with a draft at {}%+)",
        secs,
        sentences as f64 / secs,
        opts.min_score
    );

    let t = Instant::now();
    let opts50 = DraftOptions { min_score: 50, limit: 1 };
    let draft50 = draft_text(&tm, "bench.txt", &article, &ja, &en, &opts50)?;
    let report = analyze(&[draft50], &ja, &en);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "analyze:   {} sentences in {:.3}s: {:.0} lookups/s",
        report.overall.total.segments,
        secs,
        sentences as f64 / secs
    );
    Ok(())
}
