//! Reuse on a new article (issue 6): `tomo translate`, `tomo analyze`, and importing the
//! finished XLIFF back into the memory.

use predicates::prelude::*;

use crate::util::TestEnv;

fn import_json(env: &TestEnv, file: &std::path::Path) -> serde_json::Value {
    let out = env.tomo().args(["--db", "tm.db", "import", "--json"]).arg(file).assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("import --json prints one JSON object")
}

fn units(env: &TestEnv) -> u64 {
    let out = env.tomo().args(["--db", "tm.db", "stats", "--json"]).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["units"].as_u64().unwrap()
}

/// Issue 6: a translated XLIFF imports back; the exact match the translator left unchanged
/// is not duplicated, the untranslated unit is skipped with its line, alt-trans is ignored.
#[test]
fn translated_xliff_imports_back_without_duplicating_unchanged_exact_matches() {
    let env = TestEnv::new();
    let old = import_json(&env, &TestEnv::repo("tests/data/reuse/old-translated.xlf"));
    assert_eq!((old["new"].as_u64(), old["present"].as_u64()), (Some(2), Some(0)), "{old}");

    let done = TestEnv::repo("tests/data/reuse/done-omegat.xlf");
    let r = import_json(&env, &done);
    assert_eq!(r["read"], 4, "{r}");
    assert_eq!(r["new"], 2, "the edited and the new translation: {r}");
    assert_eq!(r["present"], 1, "the unchanged exact match: {r}");
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["unit"], "trans-unit id=\"4\"");
    assert_eq!(skipped[0]["reason"], "it has no translation");
    assert!(skipped[0]["line"].as_u64().is_some());
    assert_eq!(units(&env), 4);

    // Importing the same file again adds nothing.
    let again = import_json(&env, &done);
    assert_eq!((again["new"].as_u64(), again["present"].as_u64()), (Some(0), Some(3)), "{again}");
}

#[test]
fn xliff_is_detected_by_content_without_the_extension() {
    let env = TestEnv::new();
    let body = std::fs::read(TestEnv::repo("tests/data/reuse/old-translated.xlf")).unwrap();
    let file = env.write("returned.txt", body);
    env.tomo().args(["--db", "tm.db", "import"]).arg(&file).assert().success().stdout(contains("2 new"));
}

#[test]
fn broken_xliff_names_file_and_line() {
    let env = TestEnv::new();
    let file = env
        .write("bad.xlf", "<xliff version=\"1.2\">\n<file original=\"a\" datatype=\"plaintext\">\n</file></xliff>\n");
    env.tomo()
        .args(["--db", "tm.db", "import"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(contains("bad.xlf").and(contains("line 2")).and(contains("source-language")));
}

#[test]
fn translate_names_a_missing_article() {
    let env = TestEnv::new();
    env.tomo()
        .args(["--db", "tm.db", "translate", "nope.txt", "--from", "ja", "--to", "en"])
        .assert()
        .code(2)
        .stderr(contains("nope.txt"));
}

#[test]
fn analyze_takes_one_output_format() {
    let env = TestEnv::new();
    env.tomo()
        .args(["--db", "tm.db", "analyze", "a.txt", "--from", "ja", "--to", "en", "--json", "--csv"])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
}

fn contains(s: &str) -> predicates::str::ContainsPredicate {
    predicates::str::contains(s)
}
