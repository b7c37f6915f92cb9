//! Fuzzy lookup benchmark: indexed lookup against the brute-force scan, in one binary, on
//! memories of 10k, 100k and 1M units built from real parallel sentences plus a generator of
//! near-duplicates. Never run in CI. Run:
//!
//! ```text
//! cargo bench --bench lookup                       # sizes 10000,100000,1000000
//! TOMO_BENCH_SIZES=10000 cargo bench --bench lookup
//! cargo bench --bench lookup -- korean             # Korean: words vs syllables
//! ```
//!
//! Environment: `TOMO_BENCH_DATA` (default `../shared/data/alignment/dev`, read-only, the
//! `*.plain.jsonl` files with 1-1 gold links), `TOMO_BENCH_DIR` (default
//! `/tmp/tomo-fuzzy-bench`, where the memories are written), `TOMO_BENCH_BRUTE_SECS` (time budget
//! of the brute-force scan per row, default 20), `TOMO_BENCH_REUSE` (query memories built by
//! an earlier run; import figures then read 0), `TOMO_BENCH_SLOW` (print the slowest queries), `TOMO_BENCH_DUMP` (a folder to write the
//! query sets into, one file per set and size).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tomo::formats::ReadItem;
use tomo::lang::Lang;
use tomo::tm::fuzzy::Lookup;
use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Clone)]
struct Pair {
    en: String,
    ja: String,
}

fn data_dir() -> PathBuf {
    std::env::var_os("TOMO_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/alignment/dev"))
}

/// 1-1 gold links of the `*.plain.jsonl` files for (a, b), with the document id.
fn load_links(a: &str, b: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(data_dir()) else { return out };
    let mut files: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".plain.jsonl") {
            continue;
        }
        let (fwd, rev) = (format!(".{a}-{b}."), format!(".{b}-{a}."));
        let flip = if name.contains(&fwd) {
            false
        } else if name.contains(&rev) {
            true
        } else {
            continue;
        };
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let doc: serde_json::Value = serde_json::from_str(line).unwrap();
            let src = doc["src"].as_array().unwrap();
            let tgt = doc["tgt"].as_array().unwrap();
            for link in doc["gold"].as_array().unwrap() {
                let (s, t) = (link[0].as_array().unwrap(), link[1].as_array().unwrap());
                if s.len() != 1 || t.len() != 1 {
                    continue;
                }
                let x = src[s[0].as_u64().unwrap() as usize].as_str().unwrap().to_string();
                let y = tgt[t[0].as_u64().unwrap() as usize].as_str().unwrap().to_string();
                let id = doc["id"].as_str().unwrap_or("").to_string();
                out.push(if flip { (id, y, x) } else { (id, x, y) });
            }
        }
    }
    out
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Apply `n` random edits (replace, delete, insert from the vocabulary) to a sentence cut in
/// words (`spaced`) or characters.
fn edit(s: &str, n: usize, spaced: bool, vocab: &[String], rng: &mut Rng) -> String {
    let mut toks: Vec<String> =
        if spaced { words(s).into_iter().map(String::from).collect() } else { s.chars().map(String::from).collect() };
    for _ in 0..n {
        if toks.is_empty() {
            break;
        }
        let at = rng.below(toks.len());
        match rng.below(3) {
            0 => toks[at] = vocab[rng.below(vocab.len())].clone(),
            1 if toks.len() > 2 => {
                toks.remove(at);
            }
            _ => toks.insert(at, vocab[rng.below(vocab.len())].clone()),
        }
    }
    toks.join(if spaced { " " } else { "" })
}

#[allow(dead_code, reason = "the splice generator, kept for the adversarial run in the report")]
fn splice(a: &str, b: &str, f: f64, g: f64, spaced: bool) -> String {
    if spaced {
        let (x, y) = (words(a), words(b));
        let (i, j) = ((x.len() as f64 * f) as usize, (y.len() as f64 * g) as usize);
        let mut v: Vec<&str> = x[..i].to_vec();
        v.extend_from_slice(&y[j..]);
        v.join(" ")
    } else {
        let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let (i, j) = ((x.len() as f64 * f) as usize, (y.len() as f64 * g) as usize);
        x[..i].iter().chain(&y[j..]).collect()
    }
}

struct Corpus {
    memory: Vec<Pair>,
    held_out: Vec<Pair>,
    en_vocab: Vec<String>,
    ja_vocab: Vec<String>,
}

fn corpus() -> Corpus {
    let links = load_links("en", "ja");
    assert!(!links.is_empty(), "no en-ja sentences under {}", data_dir().display());
    let (mut memory, mut held_out) = (Vec::new(), Vec::new());
    for (doc, en, ja) in links {
        let h = doc.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let p = Pair { en, ja };
        if h % 7 == 0 { held_out.push(p) } else { memory.push(p) }
    }
    let mut en_vocab: Vec<String> = memory.iter().flat_map(|p| words(&p.en)).map(String::from).collect();
    en_vocab.sort();
    en_vocab.dedup();
    let mut ja_vocab: Vec<String> = memory.iter().flat_map(|p| p.ja.chars()).map(String::from).collect();
    ja_vocab.sort();
    ja_vocab.dedup();
    Corpus { memory, held_out, en_vocab, ja_vocab }
}

/// A word (en) or character-pair (ja) Markov chain learnt from the memory's real
/// sentences: generates new sentences with the corpus's vocabulary and token statistics,
/// so a large memory is not just copies of four thousand sentences.
struct Markov {
    next: std::collections::HashMap<String, Vec<String>>,
    starts: Vec<String>,
    spaced: bool,
}

impl Markov {
    fn learn(sentences: &[&str], spaced: bool) -> Markov {
        let mut next: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        let mut starts = Vec::new();
        for s in sentences {
            let toks: Vec<String> = if spaced {
                words(s).into_iter().map(String::from).collect()
            } else {
                s.chars().map(String::from).collect()
            };
            if toks.len() < 2 {
                continue;
            }
            // Japanese uses the previous two characters as the state, English the previous word.
            let state =
                |i: usize| if spaced || i == 0 { toks[i].clone() } else { format!("{}{}", toks[i - 1], toks[i]) };
            starts.push(toks[0].clone());
            for i in 0..toks.len() {
                let follow = toks.get(i + 1).cloned().unwrap_or_default();
                next.entry(state(i)).or_default().push(follow);
            }
        }
        Markov { next, starts, spaced }
    }

    fn sentence(&self, rng: &mut Rng) -> String {
        let mut toks = vec![self.starts[rng.below(self.starts.len())].clone()];
        while toks.len() < 80 {
            let i = toks.len() - 1;
            let state = if self.spaced || i == 0 { toks[i].clone() } else { format!("{}{}", toks[i - 1], toks[i]) };
            let Some(options) = self.next.get(&state) else { break };
            let t = options[rng.below(options.len())].clone();
            if t.is_empty() {
                break;
            }
            toks.push(t);
        }
        toks.join(if self.spaced { " " } else { "" })
    }
}

/// `n` units: the real pairs first, then 85 % new sentences from the Markov chains and 15 %
/// near-duplicates (1–3 random edits) of units generated before.
fn generate(c: &Corpus, n: usize, seed: u64) -> Vec<Pair> {
    let mut rng = Rng(seed);
    let en_m = Markov::learn(&c.memory.iter().map(|p| p.en.as_str()).collect::<Vec<_>>(), true);
    let ja_m = Markov::learn(&c.memory.iter().map(|p| p.ja.as_str()).collect::<Vec<_>>(), false);
    let mut out: Vec<Pair> = Vec::with_capacity(n);
    for i in 0..n {
        let pair = if i < c.memory.len() {
            c.memory[i].clone()
        } else if rng.below(100) < 15 {
            let a = out[rng.below(out.len())].clone();
            let k = 1 + rng.below(3);
            Pair { en: edit(&a.en, k, true, &c.en_vocab, &mut rng), ja: edit(&a.ja, k, false, &c.ja_vocab, &mut rng) }
        } else {
            Pair { en: en_m.sentence(&mut rng), ja: ja_m.sentence(&mut rng) }
        };
        out.push(pair);
    }
    out
}

fn units(pairs: &[Pair]) -> impl Iterator<Item = tomo::Result<ReadItem>> + '_ {
    let (en, ja) = (Lang::parse("en").unwrap(), Lang::parse("ja").unwrap());
    pairs.iter().enumerate().map(move |(i, p)| {
        let mut u = Unit::new(vec![Variant::from_plain(en.clone(), &p.en), Variant::from_plain(ja.clone(), &p.ja)]);
        let day = i % 1000;
        u.created = Some(format!("{}{:02}{:02}T000000Z", 2023 + day / 365, 1 + day % 365 / 31, 1 + day % 28));
        Ok(ReadItem::Unit(u))
    })
}

struct Built {
    path: PathBuf,
    import_secs: f64,
    import_secs_no_index: f64,
    file_bytes: u64,
    file_bytes_no_index: u64,
    index_blob_bytes: u64,
    text_bytes: u64,
}

fn build(c: &Corpus, n: usize) -> Built {
    let dir =
        std::env::var_os("TOMO_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp/tomo-fuzzy-bench"));
    std::fs::create_dir_all(&dir).unwrap();
    let pairs = generate(c, n, 0x5eed_0000 + n as u64);
    let time_import = |path: &Path, with_index: bool| -> f64 {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        let mut tm = TranslationMemory::open(path).unwrap();
        tomo::tm::index::set_enabled(with_index);
        let t = Instant::now();
        tm.import(units(&pairs), &ImportOptions::default()).unwrap();
        let secs = t.elapsed().as_secs_f64();
        tomo::tm::index::set_enabled(true);
        // Closing the last connection checkpoints the WAL into the file (an explicit
        // `wal_checkpoint(TRUNCATE)` here failed with "database table is locked").
        drop(tm);
        secs
    };
    let path = dir.join(format!("mem-{n}.db"));
    let plain_path = dir.join(format!("mem-{n}-noindex.db"));
    // TOMO_BENCH_REUSE=1: query an existing memory (import figures then read 0).
    let reuse = std::env::var_os("TOMO_BENCH_REUSE").is_some() && path.exists();
    let import_secs_no_index = if reuse { 0.0 } else { time_import(&plain_path, false) };
    let import_secs = if reuse { 0.0 } else { time_import(&path, true) };
    let tm = TranslationMemory::open(&path).unwrap();
    let q = |sql: &str| -> u64 { tm.conn().query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64 };
    let built = Built {
        import_secs,
        import_secs_no_index,
        file_bytes: std::fs::metadata(&path).unwrap().len(),
        file_bytes_no_index: std::fs::metadata(&plain_path).map_or(0, |m| m.len()),
        index_blob_bytes: q("SELECT sum(length(ids)) FROM fz_gram"),
        text_bytes: q("SELECT sum(length(CAST(norm AS BLOB))) FROM variant"),
        path: path.clone(),
    };
    if !reuse {
        let _ = std::fs::remove_file(&plain_path);
    }
    built
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

struct Row {
    qps: f64,
    p50: f64,
    p99: f64,
    brute_qps: f64,
    checked: usize,
    mismatches: usize,
    with_matches: usize,
}

fn look<'a>(text: &'a str, from: &'a Lang, to: &'a Lang) -> Lookup<'a> {
    Lookup { text, from, to, min_score: 75, limit: 5 }
}

fn measure(tm: &TranslationMemory, queries: &[String], from: &Lang, to: &Lang) -> Row {
    let mut lat = Vec::with_capacity(queries.len());
    let mut results = Vec::with_capacity(queries.len());
    let t = Instant::now();
    for q in queries {
        let s = Instant::now();
        let m = tm.lookup(&look(q, from, to)).unwrap();
        lat.push(s.elapsed());
        results.push(m.iter().map(|m| (m.unit, m.score)).collect::<Vec<_>>());
    }
    let total = t.elapsed().as_secs_f64();
    if std::env::var_os("TOMO_BENCH_SLOW").is_some() {
        let mut slow: Vec<(Duration, &String)> = lat.iter().copied().zip(queries).collect();
        slow.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (d, q) in slow.iter().take(5) {
            eprintln!("slow {:.2} ms: {q}", d.as_secs_f64() * 1e3);
        }
    }
    lat.sort();
    let budget: f64 = std::env::var("TOMO_BENCH_BRUTE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let (mut checked, mut mismatches) = (0, 0);
    let t = Instant::now();
    for (q, want) in queries.iter().zip(&results) {
        if t.elapsed().as_secs_f64() > budget && checked >= 3 {
            break;
        }
        let m = tm.lookup_brute_force(&look(q, from, to)).unwrap();
        let got: Vec<_> = m.iter().map(|m| (m.unit, m.score)).collect();
        checked += 1;
        if &got != want {
            mismatches += 1;
            eprintln!("MISMATCH {q:?}: indexed {want:?} brute {got:?}");
        }
    }
    let brute_qps = checked as f64 / t.elapsed().as_secs_f64();
    Row {
        qps: queries.len() as f64 / total,
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        brute_qps,
        checked,
        mismatches,
        with_matches: results.iter().filter(|r| !r.is_empty()).count(),
    }
}

/// [`stdin_batch_once`] three times in a row: each run's queries/s, and their median (one
/// process run swings by 10-15 % on a shared machine).
fn stdin_batches(db: &Path, queries: &[String], from: &str, to: &str) -> (f64, [f64; 3]) {
    let runs = [(); 3].map(|_| stdin_batch_once(db, queries, from, to));
    let mut sorted = runs;
    sorted.sort_by(f64::total_cmp);
    (sorted[1], runs)
}

/// `tomo lookup --stdin --json` over the queries, through the release binary: queries/s.
fn stdin_batch_once(db: &Path, queries: &[String], from: &str, to: &str) -> f64 {
    let t = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tomo"))
        .args(["--db", &db.to_string_lossy(), "lookup", "--stdin", "--from", from, "--to", to, "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = queries.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), queries.len());
    queries.len() as f64 / t.elapsed().as_secs_f64()
}

/// Put the memory at `db` in the state of a file read from the disk: its pages dropped from
/// the page cache (they are clean: the import has committed) and the file read back in
/// order, which the kernel does with read-ahead into large blocks. Pages written by SQLite
/// stay cached in blocks of its page size; a process mapping those takes about four times
/// the page faults (1M units, 1,000 Japanese lines: ~12,000 against ~3,200) and ~0.05 s
/// more.
fn rest(db: &Path) {
    let mut file = std::fs::File::open(db).unwrap();
    rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    std::io::copy(&mut file, &mut std::io::sink()).unwrap();
}

/// Wall time of one `tomo lookup TEXT` process (open, query, print), median of 5, in ms.
fn cold_lookup(db: &Path, text: &str, from: &str, to: &str) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let st = Command::new(env!("CARGO_BIN_EXE_tomo"))
                .args(["--db", &db.to_string_lossy(), "lookup", text, "--from", from, "--to", to])
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(st.code().is_some_and(|c| c <= 1));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

fn main() {
    if std::env::args().any(|a| a == "korean") {
        korean();
        return;
    }
    if std::env::args().any(|a| a == "--bench") && std::env::args().count() <= 2 {
        // `cargo bench` passes --bench; nothing else to parse.
    }
    let c = corpus();
    let sizes: Vec<usize> = std::env::var("TOMO_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let (en, ja) = (Lang::parse("en").unwrap(), Lang::parse("ja").unwrap());
    println!(
        "corpus: {} memory pairs, {} held-out pairs from {}",
        c.memory.len(),
        c.held_out.len(),
        data_dir().display()
    );
    println!(
        "| units | lang | queries | q/s | p50 ms | p99 ms | brute q/s | ratio | exact (checked) | with match | index MB | text MB | import s (no index) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for &n in &sizes {
        let b = build(&c, n);
        let tm = TranslationMemory::open(&b.path).unwrap();
        // As `tomo lookup` and `translate` do: the file mapped, lists read in place.
        tm.map_for_lookups().unwrap();
        let pairs = generate(&c, n, 0x5eed_0000 + n as u64);
        let mut rng = Rng(42 + n as u64);
        let (mut near_en, mut near_ja) = (Vec::new(), Vec::new());
        for _ in 0..1000 {
            let p = &pairs[rng.below(pairs.len())];
            let k = 1 + rng.below(2);
            near_en.push(edit(&p.en, k, true, &c.en_vocab, &mut rng));
            near_ja.push(edit(&p.ja, k, false, &c.ja_vocab, &mut rng));
        }
        let none_en: Vec<String> = c.held_out.iter().take(1000).map(|p| p.en.clone()).collect();
        let none_ja: Vec<String> = c.held_out.iter().take(1000).map(|p| p.ja.clone()).collect();
        if let Some(dir) = std::env::var_os("TOMO_BENCH_DUMP") {
            // The query sets as files, for `tomo lookup --stdin` and `perf` outside the bench.
            for (name, qs) in
                [("en-near", &near_en), ("en-none", &none_en), ("ja-near", &near_ja), ("ja-none", &none_ja)]
            {
                std::fs::write(Path::new(&dir).join(format!("{name}-{n}.txt")), qs.join("\n") + "\n").unwrap();
            }
        }
        let index_mb = (b.file_bytes.saturating_sub(b.file_bytes_no_index)) as f64 / 1e6;
        for (lang, set, qs, from, to) in [
            ("en", "near-dup", &near_en, &en, &ja),
            ("en", "no-match", &none_en, &en, &ja),
            ("ja", "near-dup", &near_ja, &ja, &en),
            ("ja", "no-match", &none_ja, &ja, &en),
        ] {
            let r = measure(&tm, qs, from, to);
            println!(
                "| {n} | {lang} | {set} ({}) | {:.0} | {:.2} | {:.2} | {:.2} | {:.0}× | {} ({}) | {} | {:.1} | {:.1} | {:.1} ({:.1}) |",
                qs.len(),
                r.qps,
                r.p50,
                r.p99,
                r.brute_qps,
                r.qps / r.brute_qps,
                if r.mismatches == 0 { "yes" } else { "NO" },
                r.checked,
                r.with_matches,
                index_mb,
                b.text_bytes as f64 / 1e6,
                b.import_secs,
                b.import_secs_no_index,
            );
        }
        println!(
            "  (index at {n}: file {:.1} MB vs {:.1} MB without index; posting blobs {:.1} MB; indexed text {:.1} MB; import {:.0} units/s with index, {:.0} without)",
            b.file_bytes as f64 / 1e6,
            b.file_bytes_no_index as f64 / 1e6,
            b.index_blob_bytes as f64 / 1e6,
            b.text_bytes as f64 / 1e6,
            n as f64 / b.import_secs,
            n as f64 / b.import_secs_no_index
        );
        if n == *sizes.iter().max().unwrap() {
            let (en_b, en_runs) = stdin_batches(&b.path, &near_en, "en", "ja");
            let (ja_b, ja_runs) = stdin_batches(&b.path, &near_ja, "ja", "en");
            let show = |r: [f64; 3]| r.map(|q| format!("{q:.0}")).join(" / ");
            println!(
                "  tomo lookup --stdin --json (release binary, near-dup, 1000 lines), median of 3 processes: en {en_b:.0} q/s ({}), ja {ja_b:.0} q/s ({})",
                show(en_runs),
                show(ja_runs)
            );
            let cold_en = cold_lookup(&b.path, &near_en[0], "en", "ja");
            let cold_ja = cold_lookup(&b.path, &near_ja[0], "ja", "en");
            println!(
                "  one `tomo lookup` process (open, query, print), median of 5: en {cold_en:.1} ms, ja {cold_ja:.1} ms"
            );
            // The same with the memory at rest: the file just written by the import sits in
            // the page cache as the import wrote it, a 16 KiB page at a time, and a process
            // mapping it takes ~4× the page faults of one mapping a file the kernel read
            // back from the disk (larger blocks); see `rest`.
            drop(tm);
            rest(&b.path);
            let (en_r, en_runs) = stdin_batches(&b.path, &near_en, "en", "ja");
            let (ja_r, ja_runs) = stdin_batches(&b.path, &near_ja, "ja", "en");
            let cold_en = cold_lookup(&b.path, &near_en[0], "en", "ja");
            let cold_ja = cold_lookup(&b.path, &near_ja[0], "ja", "en");
            println!(
                "  at rest (the file evicted from the page cache and read back, as after a restart): --stdin median of 3: en {en_r:.0} q/s ({}), ja {ja_r:.0} q/s ({}); one process: en {cold_en:.1} ms, ja {cold_ja:.1} ms",
                show(en_runs),
                show(ja_runs)
            );
        }
    }
}

/// Korean granularity: on the Korean sentences of the corpus, a revision that only changes
/// a particle or ending (은→는, 을→를 on one eojeol) should rank above a revision that
/// replaces a whole word. For each sentence both revisions are made and scored against the
/// original with syllable tokens and with eojeol tokens.
fn korean() {
    use tomo::tm::fuzzy::score::{Pattern, base_score};
    use tomo::tm::fuzzy::tokenize::{Granularity, tokenize};
    let mut ko: Vec<String> = load_links("en", "ko").into_iter().map(|(_, _, k)| k).collect();
    ko.sort();
    ko.dedup();
    let particles = ["은", "는", "이", "가", "을", "를", "에", "의", "로", "와", "과", "도", "만"];
    let mut vocab: Vec<String> = ko.iter().flat_map(|s| words(s)).map(String::from).collect();
    vocab.sort();
    vocab.dedup();
    let mut rng = Rng(7);
    let mut cases: Vec<(String, String, String)> = Vec::new();
    for s in &ko {
        let w: Vec<String> = words(s).into_iter().map(String::from).collect();
        let with_particle: Vec<usize> = (0..w.len())
            .filter(|&i| {
                w[i].chars().count() > 1
                    && w[i].chars().last().is_some_and(|c| particles.contains(&c.to_string().as_str()))
            })
            .collect();
        if w.len() < 4 || with_particle.is_empty() {
            continue;
        }
        let at = with_particle[rng.below(with_particle.len())];
        let old = w[at].chars().last().unwrap().to_string();
        let new = particles.iter().find(|p| **p != old && rng.below(3) == 0).unwrap_or(&"도");
        let mut minor = w.clone();
        minor[at] = w[at].chars().take(w[at].chars().count() - 1).collect::<String>() + new;
        let mut major = w.clone();
        let other = rng.below(w.len());
        major[other] = vocab[rng.below(vocab.len())].clone();
        cases.push((s.clone(), minor.join(" "), major.join(" ")));
    }
    for g in [Granularity::Chars, Granularity::Words] {
        let toks = |s: &str| -> Vec<u64> {
            let n = tomo::text::normalize(s);
            tokenize(&n, g).into_iter().map(|t| t.class).collect()
        };
        let (mut better, mut ties, mut sum_minor, mut sum_major) = (0, 0, 0.0, 0.0);
        for (orig, minor, major) in &cases {
            let q = toks(orig);
            let p = Pattern::new(&q);
            let score = |s: &str| {
                let c = toks(s);
                base_score(p.distance(&c), q.len(), c.len())
            };
            let (a, b) = (score(minor), score(major));
            better += usize::from(a > b);
            ties += usize::from(a == b);
            sum_minor += f64::from(a);
            sum_major += f64::from(b);
        }
        let n = cases.len() as f64;
        println!(
            "korean {g:?}: particle-only revision ranked above word replacement {better}/{} ({:.1} %), ties {ties}; mean score particle-only {:.1}, word replaced {:.1}",
            cases.len(),
            100.0 * better as f64 / n,
            sum_minor / n,
            sum_major / n
        );
    }
}
