//! SRX conformance against the shared data (used by `.ci/conformance/srx.sh`).
//!
//! ```text
//! cargo run --release --example srx_conformance -- SHARED_DIR
//! ```
//!
//! Loads the SRX files in `SHARED_DIR/data/segmentation/srx/`, prints how many rules of each
//! translate, then segments OmegaT 3.6's reference cases (`…/omegat36/{en,ja}.cases.jsonl`)
//! with `omegat_defaultRules.srx` and prints the agreement as `omegat_<lang> PASSED TOTAL`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use tomo::lang::Lang;
use tomo::segment::srx::{SrxRules, SrxSegmenter};
use tomo::segment::{NewlineMode, segment};

fn main() -> ExitCode {
    let Some(shared) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: srx_conformance SHARED_DIR [--show-failures]");
        return ExitCode::from(2);
    };
    let show = std::env::args().any(|a| a == "--show-failures");
    match run(&shared, show) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("[srx_conformance error]: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(shared: &Path, show: bool) -> tomo::Result<()> {
    let dir = shared.join("data/segmentation");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("srx"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "srx"))
        .collect();
    files.sort();
    for file in &files {
        let rules = SrxRules::load(file)?;
        let total: usize = rules.language_rules.iter().map(|s| s.rules.len()).sum();
        let mut ok = 0;
        for set in &rules.language_rules {
            let (segmenter, warnings) = SrxSegmenter::compile(&[set]);
            ok += segmenter.rule_count();
            for w in warnings {
                eprintln!("warning: {w}");
            }
        }
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "translated {name} {ok} {total} ({} rule sets, {} language maps)",
            rules.language_rules.len(),
            rules.maps.len()
        );
    }
    let rules = SrxRules::load(&dir.join("srx/omegat_defaultRules.srx"))?;
    for lang in ["en", "ja"] {
        let cases = dir.join(format!("omegat36/{lang}.cases.jsonl"));
        let Ok(text) = std::fs::read_to_string(&cases) else { continue };
        let (segmenter, warnings) = rules.segmenter(&Lang::parse(lang)?)?;
        for w in &warnings {
            eprintln!("warning: {w}");
        }
        let (mut passed, mut total) = (0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value =
                serde_json::from_str(line).map_err(|e| tomo::Error::parse(e.to_string()).in_file(&cases))?;
            let input = case["input"].as_str().unwrap_or_default();
            let expected: Vec<&str> = case["expected"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default();
            // OmegaT segments each paragraph as one block: a single newline is not a boundary.
            let got: Vec<&str> = segment(input, &segmenter, NewlineMode::Wrap).iter().map(|s| s.text(input)).collect();
            total += 1;
            if got == expected {
                passed += 1;
            } else if show {
                println!("FAIL {}\n  expected {expected:?}\n  got      {got:?}", case["id"]);
            }
        }
        println!("omegat_{lang} {passed} {total}");
    }
    Ok(())
}
