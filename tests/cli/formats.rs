//! `tomo import` / `tomo export` over TMX, CSV and TSV files (tests/data/tmx, tests/data/csv).

use predicates::prelude::*;

use crate::util::TestEnv;

fn tmx(name: &str) -> String {
    TestEnv::repo(&format!("tests/data/tmx/{name}")).display().to_string()
}

fn csv(name: &str) -> String {
    TestEnv::repo(&format!("tests/data/csv/{name}")).display().to_string()
}

fn stats(env: &TestEnv, db: &str) -> serde_json::Value {
    let out = env.tomo().args(["--db", db, "stats", "--json"]).assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

fn languages(v: &serde_json::Value) -> Vec<String> {
    let mut tags: Vec<String> =
        v["languages"].as_array().unwrap().iter().map(|p| p[0].as_str().unwrap().to_string()).collect();
    tags.sort();
    tags
}

/// An export without the header's creation date (the only part that depends on the clock).
fn export_tmx(env: &TestEnv, db: &str, out: &str) -> String {
    env.tomo().args(["--db", db, "export", "-o", out]).assert().success();
    let text = std::fs::read_to_string(env.path(out)).unwrap();
    let start = text.find(" creationdate=\"").unwrap();
    let end = start + text[start + 15..].find('"').unwrap() + 16;
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn import_export_import_gives_the_same_units() {
    let env = TestEnv::new();
    let files = [tmx("metadata.tmx"), tmx("inline.tmx"), tmx("trilingual.tmx"), tmx("utf16le-bom-no-declaration.tmx")];
    env.tomo().args(["--db", "a.db", "import"]).args(&files).assert().success();
    let first = export_tmx(&env, "a.db", "a.tmx");
    env.tomo().args(["--db", "b.db", "import", "a.tmx"]).assert().success();
    let second = export_tmx(&env, "b.db", "b.tmx");
    assert_eq!(first, second);
    assert_eq!(stats(&env, "a.db")["units"], 7);
    assert!(first.contains("<ph x=\"4\"/>"), "inline codes survive: {first}");
    assert!(first.contains("<prop type=\"x-tomo-origin\">trilingual.tmx</prop>"), "origin recorded: {first}");
}

#[test]
fn second_import_of_the_same_file_adds_nothing() {
    let env = TestEnv::new();
    env.tomo().args(["--db", "t.db", "import", &tmx("trilingual.tmx")]).assert().success();
    env.tomo()
        .args(["--db", "t.db", "import", &tmx("trilingual.tmx")])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 units read, 0 new, 3 already present"));
}

#[test]
fn malformed_file_exits_2_with_position_and_leaves_the_memory_unchanged() {
    let env = TestEnv::new();
    env.tomo().args(["--db", "t.db", "import", &tmx("trilingual.tmx")]).assert().success();
    env.tomo()
        .args(["--db", "t.db", "import", &tmx("malformed.tmx")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("malformed.tmx: line 7, column 37: malformed XML"))
        .stderr(predicate::str::contains("panicked").not());
    // malformed.tmx has a good unit before the error: it must not be there.
    let s = stats(&env, "t.db");
    assert_eq!(s["units"], 3);
    assert_eq!(languages(&s), ["en-US", "ja-JP", "ko-KR"]);
}

#[test]
fn refused_files_never_panic() {
    let env = TestEnv::new();
    for (file, says) in [
        (tmx("truncated.tmx"), "ends inside <seg>"),
        (tmx("unknown-entity.tmx"), "unknown entity &nbsp;"),
        (tmx("external-entity.tmx"), "&secret;"),
        (tmx("not-tmx.tmx"), "not a TMX file"),
        (csv("wrong-field-count.csv"), "row 3 has 3 fields"),
        (csv("headerless.tsv"), "--langs"),
    ] {
        env.tomo()
            .args(["--db", "t.db", "import", &file])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains("tomo: error:")));
    }
    assert_eq!(stats(&env, "t.db")["units"], 0);
}

#[test]
fn skipped_units_are_counted_and_named() {
    let env = TestEnv::new();
    let out = env
        .tomo()
        .args(["--db", "t.db", "import", "--json", &tmx("no-source-variant.tmx")])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "line 6: tuid=\"orphan\": skipped: it has no variant in the source language en-US",
        ))
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!((v["read"].as_u64(), v["new"].as_u64()), (Some(4), Some(2)));
    assert_eq!(v["skipped"].as_array().unwrap().len(), 2);
    assert_eq!(v["skipped"][1]["unit"], "tu #3");
}

#[test]
fn langs_filters_import_and_export() {
    let env = TestEnv::new();
    env.tomo().args(["--db", "t.db", "import", "--langs", "ja,EN", &tmx("trilingual.tmx")]).assert().success();
    let s = stats(&env, "t.db");
    assert_eq!((s["units"].as_u64(), languages(&s)), (Some(3), vec!["en-US".to_string(), "ja-JP".to_string()]));

    env.tomo().args(["--db", "all.db", "import", &tmx("trilingual.tmx")]).assert().success();
    env.tomo().args(["--db", "all.db", "export", "-o", "ko-en.tmx", "--langs", "ko,en"]).assert().success();
    let text = std::fs::read_to_string(env.path("ko-en.tmx")).unwrap();
    assert_eq!(text.matches("</tu>").count(), 2, "{text}");
    assert!(!text.contains("ja-JP\""), "only ko and en variants: {text}");
    assert!(text.contains("srclang=\"ko\""), "the first --langs is the source: {text}");
    assert!(!text.contains("*all*"), "every unit has the header's source language: {text}");
}

#[test]
fn csv_with_bom_and_semicolons_imports_and_exports_with_bom() {
    let env = TestEnv::new();
    env.tomo()
        .args(["--db", "t.db", "import", &csv("bom-semicolon.csv")])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 units read, 2 new"));
    env.tomo().args(["--db", "t.db", "export", "-o", "out.csv", "--langs", "ja,en"]).assert().success();
    let bytes = std::fs::read(env.path("out.csv")).unwrap();
    assert!(
        bytes.starts_with("\u{feff}ja,en,note,origin,created\r\n".as_bytes()),
        "{:?}",
        String::from_utf8_lossy(&bytes)
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\"Yes; \"\"so\"\"\nsaid he.\""), "{text}");

    // And back: the export imports into a fresh memory with the same texts.
    env.tomo().args(["--db", "u.db", "import", "out.csv"]).assert().success();
    env.tomo().args(["--db", "u.db", "export", "-o", "again.csv", "--langs", "ja,en"]).assert().success();
    assert_eq!(std::fs::read_to_string(env.path("again.csv")).unwrap(), text);
}

#[test]
fn headerless_tsv_with_langs_and_tsv_export() {
    let env = TestEnv::new();
    env.tomo().args(["--db", "t.db", "import", "--langs", "ja,en", &csv("headerless.tsv")]).assert().success();
    env.tomo().args(["--db", "t.db", "export", "-o", "out.tsv", "--langs", "en,ja"]).assert().success();
    let text = std::fs::read_to_string(env.path("out.tsv")).unwrap();
    assert!(
        text.starts_with("en\tja\tnote\torigin\tcreated\nSunny in Tokyo.\t東京は晴れ。\t\theaderless.tsv\t"),
        "{text}"
    );
}

#[test]
fn utf16_files_from_windows_tools() {
    let env = TestEnv::new();
    env.tomo()
        .args(["--db", "t.db", "import", &csv("excel-unicode-utf16le.tsv"), &tmx("utf16be-declaration.tmx")])
        .assert()
        .success();
    let s = stats(&env, "t.db");
    assert_eq!(s["units"], 3);
    assert_eq!(languages(&s), ["en", "en-US", "ko-KR"]);
}

#[test]
fn files_dropped_in_the_tm_folder_are_imported_once() {
    let env = TestEnv::new();
    env.write("tm/client.tmx", std::fs::read(tmx("trilingual.tmx")).unwrap());
    env.write("tm/glossary.csv", std::fs::read(csv("bom-semicolon.csv")).unwrap());
    env.write("tm/broken.tmx", std::fs::read(tmx("malformed.tmx")).unwrap());
    let out = env.tomo().args(["stats", "--json"]).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("client.tmx: 3 new") && err.contains("glossary.csv: 2 new"), "{err}");
    assert!(err.contains("not imported") && err.contains("broken.tmx: line 7, column 37"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["units"], 5);
    // The second time, only the broken file is tried again.
    let out = env.tomo().args(["stats"]).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!err.contains("client.tmx") && err.contains("broken.tmx"), "{err}");
    // Rewritten with the same content (a newer modification time): read, found unchanged.
    env.write("tm/client.tmx", std::fs::read(tmx("trilingual.tmx")).unwrap());
    let out = env.tomo().args(["stats"]).assert().success();
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("client.tmx"));
    // A changed file is imported again, de-duplicated: only its new unit is added.
    let changed = std::fs::read_to_string(tmx("trilingual.tmx")).unwrap().replace(
        "</body>",
        "<tu><tuv xml:lang=\"ja-JP\"><seg>札幌は雪。</seg></tuv><tuv xml:lang=\"en-US\"><seg>Snow in Sapporo.</seg></tuv></tu>\n</body>",
    );
    env.write("tm/client.tmx", changed);
    let out = env.tomo().args(["stats", "--json"]).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("client.tmx: 1 new, 3 already present"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["units"], 6);
}
