//! Throughput of the SRX engine (`cargo bench --bench srx`): segments a few MB of English and
//! Japanese built from the shared dev-set inputs, with OmegaT's and LanguageTool's rules.
//!
//! Reads `$SHARED` (default `../shared`), since the rule files cannot ship with tomo.
//! Prints one line per run: rules, language, MB, seconds, MB/s, segments.

use std::path::PathBuf;
use std::time::Instant;

use tomo::lang::Lang;
use tomo::segment::srx::SrxRules;
use tomo::segment::{NewlineMode, segment};

const TARGET_BYTES: usize = 5 << 20;

fn corpus(shared: &std::path::Path, lang: &str) -> Option<String> {
    let text = std::fs::read_to_string(shared.join(format!("data/segmentation/{lang}.jsonl"))).ok()?;
    let paragraphs: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["input"].as_str().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    let mut out = String::with_capacity(TARGET_BYTES + 4096);
    while out.len() < TARGET_BYTES {
        for p in &paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
    }
    Some(out)
}

fn main() {
    let shared = std::env::var_os("SHARED").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared"));
    let srx = shared.join("data/segmentation/srx");
    // `cargo bench --bench srx -- omegat_defaultRules.srx:en` runs only the named runs.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (file, lang) in [
        ("omegat_defaultRules.srx", "en"),
        ("omegat_defaultRules.srx", "ja"),
        ("languagetool_segment.srx", "en"),
        ("languagetool_segment.srx", "ja"),
    ] {
        if !only.is_empty() && !only.iter().any(|o| format!("{file}:{lang}").contains(o.as_str())) {
            continue;
        }
        let (Ok(rules), Some(text)) = (SrxRules::load(&srx.join(file)), corpus(&shared, lang)) else {
            eprintln!("skipped {file} {lang}: shared data not found under {}", shared.display());
            continue;
        };
        let lang_tag = Lang::parse(lang).expect("bench languages are valid tags");
        let (segmenter, _) = rules.segmenter(&lang_tag).expect("rules compile");
        // One warm-up pass fills the lazy DFA caches, as a long run would.
        let mut warm = text.len().min(1 << 16);
        while !text.is_char_boundary(warm) {
            warm -= 1;
        }
        let _ = segment(&text[..warm], &segmenter, NewlineMode::Para);
        let start = Instant::now();
        let segments = segment(&text, &segmenter, NewlineMode::Para);
        let secs = start.elapsed().as_secs_f64();
        let mb = text.len() as f64 / 1e6;
        println!("{file:<26} {lang}  {mb:6.2} MB  {secs:7.3} s  {:8.1} MB/s  {} segments", mb / secs, segments.len());
    }
}
