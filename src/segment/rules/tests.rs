//! Tests of the built-in rules: the data-driven cases in `tests/data/segment/*.tsv` (one
//! file per language, run all at once so a new file or case needs no code) and the
//! lossless-segmentation property.

use std::path::Path;

use proptest::prelude::*;

use crate::lang::Lang;
use crate::segment::{NewlineMode, Segmenter, builtin, segment};

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn data_driven_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/segment");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/segment exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected the en, ja, ko, zh case files in {}", dir.display());
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in &files {
        let lang =
            Lang::parse(file.file_stem().and_then(|s| s.to_str()).expect("file stem")).expect("file named by tag");
        let seg = builtin(&lang);
        let text = std::fs::read_to_string(file).expect("readable case file");
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.starts_with('#') || line.trim().is_empty() && !line.contains('\t') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "{}:{}: want newline, input, expected", file.display(), n + 1);
            let mode = match cols[0] {
                "para" => NewlineMode::Para,
                "break" => NewlineMode::Break,
                "wrap" => NewlineMode::Wrap,
                other => panic!("{}:{}: unknown newline mode {other:?}", file.display(), n + 1),
            };
            let input = unescape(cols[1]);
            let expected: Vec<String> =
                if cols[2].is_empty() { Vec::new() } else { cols[2].split(" ‖ ").map(unescape).collect() };
            let got: Vec<String> =
                segment(&input, seg.as_ref(), mode).iter().map(|s| s.text(&input).to_string()).collect();
            cases += 1;
            if got != expected {
                failures.push(format!(
                    "{}:{}\n   input: {input:?}\n     got: {got:?}\nexpected: {expected:?}",
                    file.display(),
                    n + 1
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// Offsets from `breaks` are ascending, inside the block and on char boundaries.
fn valid_breaks(seg: &dyn Segmenter, block: &str) -> bool {
    let b = seg.breaks(block);
    b.windows(2).all(|w| w[0] < w[1]) && b.iter().all(|&p| p > 0 && p < block.len() && block.is_char_boundary(p))
}

fn tiles(input: &str, mode: NewlineMode, seg: &dyn Segmenter) -> Result<(), String> {
    let mut pos = 0;
    for s in segment(input, seg, mode) {
        let gap = &input[pos..s.range.start];
        if s.range.start < pos || !gap.trim().is_empty() {
            return Err(format!("gap {gap:?} before {:?}", s.range));
        }
        let text = s.text(input);
        if text.is_empty() || text.trim() != text {
            return Err(format!("segment {text:?} is empty or untrimmed"));
        }
        pos = s.range.end;
    }
    if input[pos..].trim().is_empty() { Ok(()) } else { Err(format!("tail {:?} lost", &input[pos..])) }
}

proptest! {
    #[test]
    fn segmentation_is_lossless(
        input in "[a-zA-Z0-9 .?!…,'\"()\\[\\]「」『』（）“”。．？！、\n\r\t가-힣ㅎ~^😀あ-んア-ン漢字(^o^)*]{0,80}",
        lang in prop::sample::select(vec!["en", "ja", "ko", "zh", "de", "ru"]),
    ) {
        let seg = builtin(&Lang::parse(lang).unwrap());
        for mode in [NewlineMode::Para, NewlineMode::Break, NewlineMode::Wrap] {
            prop_assert!(tiles(&input, mode, seg.as_ref()).is_ok(), "{:?}", tiles(&input, mode, seg.as_ref()));
        }
        prop_assert!(valid_breaks(seg.as_ref(), &input));
    }
}

#[test]
fn unclosed_bracket_is_capped() {
    // A 「 that never closes must not hold a whole article together.
    let ja = builtin(&Lang::parse("ja").unwrap());
    let body = "「始まり。".to_string() + &"これは長い文です。".repeat(200);
    let n = segment(&body, ja.as_ref(), NewlineMode::Para).len();
    assert!(n > 150, "only {n} segments");
}
