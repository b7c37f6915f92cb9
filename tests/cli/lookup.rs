//! `tomo lookup` and `tomo concord`: output forms, exit codes (issue 5). The memory is built
//! through the library, since the CLI's readers are another part's work.

use predicates::prelude::*;
use tomo::formats::ReadItem;
use tomo::lang::Lang;
use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};

use crate::util::TestEnv;

fn env_with_memory() -> TestEnv {
    let env = TestEnv::new();
    let mut tm = TranslationMemory::open(&env.path("tm.db")).unwrap();
    let ja = Lang::parse("ja").unwrap();
    let en = Lang::parse("en").unwrap();
    let pairs = [
        ("東京で雪が降りました。", "It snowed in Tokyo.", "20240101T000000Z"),
        ("脱北者が増えた。", "More defectors arrived.", "20240201T000000Z"),
        ("北朝鮮から脱北した。", "He defected from North Korea.", "20250101T000000Z"),
        ("売上は3月に5%増えた。", "Sales rose 5% in month 3.", "20240301T000000Z"),
    ];
    let units = pairs.iter().map(|(j, e, d)| {
        let mut u = Unit::new(vec![Variant::from_plain(ja.clone(), j), Variant::from_plain(en.clone(), e)]);
        u.changed = Some(d.to_string());
        u.origin = Some("desk.tmx".into());
        Ok(ReadItem::Unit(u))
    });
    tm.import(units, &ImportOptions::default()).unwrap();
    env
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn lookup_json_has_the_documented_fields() {
    let env = env_with_memory();
    let out = env
        .tomo()
        .args(["--db", "tm.db", "lookup", "東京で雨が降りました。", "--from", "ja", "--to", "en", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = &json_lines(&out)[0];
    assert_eq!(v["query"], "東京で雨が降りました。");
    let m = &v["matches"][0];
    assert_eq!(m["score"], 90);
    assert_eq!(m["kind"], "fuzzy");
    assert_eq!(m["source"], "東京で雪が降りました。");
    assert_eq!(m["target"], "It snowed in Tokyo.");
    assert_eq!(m["origin"], "desk.tmx");
    assert_eq!(m["changed"], "20240101T000000Z");
    assert!(m["unit"].as_i64().is_some());
    let diff = m["diff"].as_array().unwrap();
    assert!(diff.iter().any(|d| d["op"] == "replace" && d["query"] == "雨" && d["source"] == "雪"), "{diff:?}");
}

#[test]
fn lookup_numbers_match_substitutes_in_the_translation() {
    let env = env_with_memory();
    let out = env
        .tomo()
        .args(["--db", "tm.db", "lookup", "売上は4月に5%増えた。", "--from", "ja", "--to", "en", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let m = &json_lines(&out)[0]["matches"][0];
    assert_eq!((m["kind"].as_str(), m["target"].as_str()), (Some("numbers"), Some("Sales rose 5% in month 4.")));
}

#[test]
fn lookup_without_match_exits_1_and_bad_language_exits_2() {
    let env = env_with_memory();
    env.tomo().args(["--db", "tm.db", "lookup", "まったく関係のない文", "--from", "ja", "--to", "en"]).assert().code(1);
    env.tomo()
        .args(["--db", "tm.db", "lookup", "x", "--from", "j", "--to", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("language tag"));
}

#[test]
fn lookup_stdin_prints_one_json_line_per_input_line() {
    let env = env_with_memory();
    let out = env
        .tomo()
        .args(["--db", "tm.db", "lookup", "--stdin", "--from", "ja", "--to", "en", "--json", "--min", "60"])
        .write_stdin("東京で雪が降りました。\nまったく関係のない文\n脱北者が増えました。\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["matches"][0]["score"].as_u64(), lines[0]["matches"][0]["kind"].as_str()),
        (Some(100), Some("exact"))
    );
    assert_eq!(lines[1]["matches"].as_array().unwrap().len(), 0);
    assert_eq!(lines[2]["matches"][0]["target"], "More defectors arrived.");
}

/// Issue 5: `--stdin` lines may end in LF, CRLF or nothing (the last line); an empty line
/// is a query with no match.
#[test]
fn lookup_stdin_lines_end_with_lf_crlf_or_nothing() {
    let env = env_with_memory();
    let out = env
        .tomo()
        .args(["--db", "tm.db", "lookup", "--stdin", "--from", "ja", "--to", "en", "--json"])
        .write_stdin("東京で雪が降りました。\r\n\n脱北者が増えた。")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let lines = json_lines(&out);
    let queries: Vec<&str> = lines.iter().map(|l| l["query"].as_str().unwrap()).collect();
    assert_eq!(queries, ["東京で雪が降りました。", "", "脱北者が増えた。"]);
    assert_eq!(lines[0]["matches"][0]["kind"], "exact");
    assert_eq!(lines[1]["matches"].as_array().unwrap().len(), 0);
    assert_eq!(lines[2]["matches"][0]["target"], "More defectors arrived.");
}

/// Issue 5: the lines of one read from standard input share a read transaction, which ends
/// before `--stdin` waits for more: a unit committed meanwhile (here by another connection)
/// is found by the next line.
#[test]
fn lookup_stdin_sees_units_added_while_it_waits_for_input() {
    use std::io::{BufRead, BufReader, Write};
    let env = env_with_memory();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tomo"))
        .current_dir(env.root())
        .env_remove("TOMO_DB")
        .args(["--db", "tm.db", "lookup", "--stdin", "--from", "ja", "--to", "en", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ask = |text: &str| {
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    assert_eq!(ask("猫が座った。")["matches"].as_array().unwrap().len(), 0);
    let mut tm = TranslationMemory::open(&env.path("tm.db")).unwrap();
    let (ja, en) = (Lang::parse("ja").unwrap(), Lang::parse("en").unwrap());
    let unit = Unit::new(vec![Variant::from_plain(ja, "猫が座った。"), Variant::from_plain(en, "The cat sat.")]);
    tm.import([Ok(ReadItem::Unit(unit))], &ImportOptions::default()).unwrap();
    assert_eq!(ask("猫が座った。")["matches"][0]["target"], "The cat sat.");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn lookup_human_output_shows_differences_and_translation_without_colour_when_piped() {
    let env = env_with_memory();
    env.tomo()
        .args(["--db", "tm.db", "lookup", "東京で雨が降りました。", "--from", "ja", "--to", "en"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("90%")
                .and(predicate::str::contains("雪→雨"))
                .and(predicate::str::contains("→ It snowed in Tokyo."))
                .and(predicate::str::contains("\x1b[").not()),
        );
}

#[test]
fn concord_finds_two_character_cjk_term_most_recent_first() {
    let env = env_with_memory();
    let out = env
        .tomo()
        .args(["--db", "tm.db", "concord", "脱北", "--lang", "ja", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = &json_lines(&out)[0];
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0]["text"], "北朝鮮から脱北した。");
    assert_eq!(hits[0]["others"][0][1], "He defected from North Korea.");
    env.tomo()
        .args(["--db", "tm.db", "concord", "north"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[North]").and(predicate::str::contains("北朝鮮から脱北した。")));
    env.tomo().args(["--db", "tm.db", "concord", "南"]).assert().code(1);
}
