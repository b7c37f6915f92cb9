//! Closing the loop with the TSV and Markdown drafts (issue 6): `tomo translate --format
//! tsv|md`, a translator's edits, `tomo import` of the edited file, and the next analysis.

use predicates::prelude::*;

use crate::util::TestEnv;

const NEW: &str = "examples/articles/ja/new-20260815-typhoon.txt";
/// A sentence of the example article the sample memory has nothing for.
const UNKNOWN: &str = "台風の影響で、野菜の価格が上がる可能性がある。";
const UNKNOWN_EN: &str = "Vegetable prices may rise because of the typhoon.";
/// The fuzzy draft of sentence 2, and the translator's correction of it.
const FUZZY_EN: &str =
    "The large and powerful Typhoon No. 10 made landfall in Kagoshima Prefecture on the morning of the 14th.";
const FIXED_EN: &str =
    "The large and powerful Typhoon No. 10 made landfall again in Kochi Prefecture early on the 15th.";
/// An exact match the translator keeps.
const EXACT_EN: &str = "JR Kyushu suspended all Kyushu Shinkansen services on the 14th.";

fn seeded() -> TestEnv {
    let env = TestEnv::new();
    env.import_json(&TestEnv::repo("tests/data/reuse/20260814-typhoon.xlf"));
    env
}

fn analyze(env: &TestEnv) -> serde_json::Value {
    let out = env
        .tomo()
        .args(["--db", "tm.db", "analyze"])
        .arg(TestEnv::repo(NEW))
        .args(["--from", "ja", "--to", "en", "--json"])
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn band(analysis: &serde_json::Value, name: &str) -> u64 {
    analysis["files"][0]["bands"][name]["segments"].as_u64().unwrap_or_else(|| panic!("band {name} in {analysis}"))
}

fn translate(env: &TestEnv, out: &str) -> String {
    env.tomo()
        .args(["--db", "tm.db", "translate"])
        .arg(TestEnv::repo(NEW))
        .args(["--from", "ja", "--to", "en", "-o", out])
        .assert()
        .success();
    std::fs::read_to_string(env.path(out)).unwrap()
}

/// The import of the edited draft, its re-import, and the analysis before and after.
fn check_loop(env: &TestEnv, before: &serde_json::Value, done: &std::path::Path) {
    let r = env.import_json(done);
    // 21 sentences: 9 without a draft, one of them now translated; 6 exact or context
    // matches (one a repetition) left as they were.
    assert_eq!(r["read"], 21, "{r}");
    assert_eq!(r["present"], 6, "unchanged exact matches are not added again: {r}");
    assert_eq!(r["new"], 7, "the translated, corrected and accepted fuzzy/number drafts: {r}");
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 8, "{r}");
    assert!(skipped.iter().all(|s| s["reason"] == "it has no translation" && s["line"].as_u64().is_some()), "{r}");
    assert_eq!(skipped[0]["unit"], "sentence 1");
    let count = env.units();

    let again = env.import_json(done);
    assert_eq!((again["new"].as_u64(), again["present"].as_u64()), (Some(0), Some(13)), "{again}");
    assert_eq!(env.units(), count);

    let after = analyze(env);
    assert_eq!(band(&after, "no match"), band(before, "no match") - 1, "{after}");
    assert!(band(&after, "context 101%") > band(before, "context 101%") + 5, "{after}");
}

/// Issue 6: an edited TSV draft imports back with the article's context.
#[test]
fn edited_tsv_draft_imports_back_and_improves_the_next_analysis() {
    let env = seeded();
    let before = analyze(&env);
    let tsv = translate(&env, "draft.tsv");
    assert!(tsv.starts_with("#tomo-draft\tja\ten\t"), "{tsv}");
    let mut rows: Vec<Vec<String>> = tsv.lines().map(|l| l.split('\t').map(str::to_string).collect()).collect();
    for row in rows.iter_mut().skip(2) {
        if row[4] == UNKNOWN {
            row[5] = UNKNOWN_EN.into();
        } else if row[5] == FUZZY_EN {
            row[5] = FIXED_EN.into();
        } else if row[5] == EXACT_EN {
            // Stray spaces around a kept exact match.
            row[5] = format!(" {EXACT_EN}  ");
        }
    }
    // Sorted by match kind in a spreadsheet; saved with CRLF.
    rows[2..].sort_by(|a, b| a[3].cmp(&b[3]));
    let edited: Vec<String> = rows.iter().map(|r| r.join("\t")).collect();
    let done = env.write("done.tsv", edited.join("\r\n") + "\r\n");
    check_loop(&env, &before, &done);
}

/// Issue 6: an edited Markdown draft imports back the same way.
#[test]
fn edited_markdown_draft_imports_back_and_improves_the_next_analysis() {
    let env = seeded();
    let before = analyze(&env);
    let md = translate(&env, "draft.md");
    assert!(md.starts_with("<!-- tomo-draft ja en "), "{md}");
    let unknown_row = format!("| {UNKNOWN} |  |");
    assert!(md.contains(&unknown_row), "{md}");
    let mut edited = md
        .replace(&unknown_row, &format!("| {UNKNOWN} | {UNKNOWN_EN} |"))
        .replace(&format!("| {FUZZY_EN} |"), &format!("|    {FIXED_EN}     |"))
        .replace("| --: | --- | --- |", "|--:|:--|---|");
    // Two rows of a paragraph swapped in an editor.
    let mut lines: Vec<&str> = edited.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("| 8 |")).unwrap();
    lines.swap(i, i + 1);
    edited = lines.join("\n");
    let done = env.write("done.md", edited);
    check_loop(&env, &before, &done);
}

/// A draft TSV is told from a TSV memory by its first line, whatever the extension says.
#[test]
fn draft_tsv_is_told_from_a_memory_tsv() {
    let env = TestEnv::new();
    let memory = env.write("memory.tsv", "ja\ten\n雨だ。\tIt is raining.\n");
    let r = env.import_json(&memory);
    assert_eq!(r["new"], 1, "{r}");
    let draft = "#tomo-draft\tja\ten\tarticle.txt\nindex\tparagraph\tscore\tkind\tsource\ttarget\n1\t1\t0\tnone\t雪だ。\tIt is snowing.\n2\t1\t0\tnone\t雨だ。\t\n";
    for name in ["returned.tsv", "returned.txt"] {
        let r = env.import_json(&env.write(name, draft));
        assert_eq!((r["read"].as_u64(), r["skipped"].as_array().map(Vec::len)), (Some(2), Some(1)), "{name}: {r}");
    }
    assert_eq!(env.units(), 2);
    let r = env
        .tomo()
        .args(["--db", "tm.db", "import", "--json", "--format", "tsv"])
        .arg(env.path("returned.txt"))
        .assert()
        .success();
    let r: serde_json::Value = serde_json::from_slice(&r.get_output().stdout).unwrap();
    assert_eq!(r["present"], 1, "an explicit --format tsv still reads the draft as a draft: {r}");
}

/// A broken draft names the file and line, exits 2, and imports nothing.
#[test]
fn broken_drafts_name_file_and_line() {
    let env = TestEnv::new();
    let tsv =
        env.write("bad.tsv", "#tomo-draft\tja\ten\ta.txt\nindex\tsource\ttarget\n1\t一。\tOne.\nsecond\t二。\tTwo.\n");
    env.tomo()
        .args(["--db", "tm.db", "import"])
        .arg(&tsv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.tsv").and(predicate::str::contains("line 4")));
    let md = env.write("notes.md", "# Notes\n\nNot a draft.\n");
    env.tomo()
        .args(["--db", "tm.db", "import"])
        .arg(&md)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.md").and(predicate::str::contains("not a tomo draft")));
    assert_eq!(env.units(), 0);
}
