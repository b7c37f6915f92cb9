//! Throughput of the format readers and writers alone, without the store: how many units
//! per second `tmx::read_file` yields and `TmxWriter` writes, and what the text
//! normalization the store applies to every variant costs on the same units.
//!
//!     cargo bench --bench read_write -- /tmp/tomo-bench/bench-1000000.tmx
//!
//! (benches/import_export.sh generates that file.) Prints one line per stage. With
//! `--read-only` only the first stage runs, which is what a profile of the reader wants
//! (`valgrind --tool=callgrind target/release/deps/read_write-* --read-only FILE`).

use std::time::Instant;

use tomo::formats::{self, Format, ReadItem, ReadOptions, WriteHeader};

fn main() -> tomo::Result<()> {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench read_write -- FILE.tmx");
        return Ok(());
    };
    let path = std::path::PathBuf::from(path);

    let start = Instant::now();
    let mut units = 0u64;
    let mut bytes = 0usize;
    for item in formats::read_file(&path, &ReadOptions::default())? {
        if let ReadItem::Unit(u) = item? {
            units += 1;
            bytes += u.variants.iter().map(|v| v.seg.len()).sum::<usize>();
        }
    }
    report("read TMX", units, start);
    if std::env::args().any(|a| a == "--read-only") {
        eprintln!("({bytes} bytes of segments)");
        return Ok(());
    }

    let start = Instant::now();
    let mut n = 0u64;
    for item in formats::read_file(&path, &ReadOptions::default())? {
        if let ReadItem::Unit(u) = item? {
            for v in &u.variants {
                n += tomo::text::normalize(&v.plain).len() as u64;
            }
        }
    }
    report("read TMX + normalize every variant", units, start);

    let start = Instant::now();
    let out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create("/dev/null")?);
    let mut writer = formats::writer(Format::Tmx, Box::new(out), &WriteHeader::default())?;
    for item in formats::read_file(&path, &ReadOptions::default())? {
        if let ReadItem::Unit(u) = item? {
            writer.write_unit(&u)?;
        }
    }
    writer.finish()?;
    report("read TMX + write TMX", units, start);
    eprintln!("({bytes} bytes of segments, {n} bytes normalized)");
    Ok(())
}

fn report(stage: &str, units: u64, start: Instant) {
    let secs = start.elapsed().as_secs_f64();
    println!("{stage:<40} {secs:8.2} s {:>12.0} units/s", units as f64 / secs);
}
