//! Times the store's import of generated units (no file parsing), to see what the store
//! alone costs: `cargo run --release --example import_bench -- 200000`.

use std::time::Instant;

use tomo::formats::ReadItem;
use tomo::lang::Lang;
use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};

fn main() -> tomo::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let path = std::env::var_os("BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("tomo-import-bench.db"));
    let _ = std::fs::remove_file(&path);
    let mut tm = TranslationMemory::open(&path)?;
    let (en, ja) = (Lang::parse("en-US")?, Lang::parse("ja-JP")?);
    let items = (0..n).map(|i| {
        Ok(ReadItem::Unit(Unit::new(vec![
            Variant::from_plain(en.clone(), &format!("The ministry said on Tuesday that {i} people were evacuated.")),
            Variant::from_plain(ja.clone(), &format!("同省は火曜日、{i}人が避難したと発表した。")),
        ])))
    });
    let t = Instant::now();
    let r = tm.import(items, &ImportOptions::default())?;
    let s = t.elapsed().as_secs_f64();
    println!("{} units in {s:.2}s: {:.0} units/s", r.new, r.new as f64 / s);
    Ok(())
}
