//! `tomo align` (issue 4): two-way and three-way alignment of the article triple in
//! tests/data/align (ja original; en condensed: paragraph 4 dropped, two sentences of
//! paragraph 2 merged; ko complete), `--import` into the memory, and batch mode.
//!
//! The assertions hold whether the segmenter splits paragraphs into sentences or not.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::TestEnv;

fn fixture(name: &str) -> String {
    TestEnv::repo(&format!("tests/data/align/{name}")).display().to_string()
}

fn json_rows(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

#[test]
fn two_way_table_marks_the_dropped_paragraph() {
    let env = TestEnv::new();
    let out = env
        .tomo()
        .args(["align", &fixture("ja.txt"), &fixture("en.txt"), "--langs", "ja,en"])
        .env("COLUMNS", "100")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("ja.txt (ja)") && text.contains("en.txt (en)"), "{text}");
    // The omission is marked with `!`, its shape and an em dash in the empty column.
    let omitted = text.lines().find(|l| l.contains("市内の小学生")).expect("the dropped paragraph is shown");
    assert!(omitted.starts_with("!1-0"), "{omitted}");
    assert!(omitted.trim_end().ends_with('—'), "{omitted}");
    // Columns are wrapped by display width: no line is wider than the terminal.
    for l in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 100, "{l}");
    }
    // No memory was created just to align.
    assert!(!env.path("tomo.db").exists());
}

#[test]
fn two_way_json_pairs_the_right_sentences() {
    let env = TestEnv::new();
    let out = env
        .tomo()
        .args(["align", &fixture("ja.txt"), &fixture("en.txt"), "--langs", "ja,en", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = json_rows(&out);
    let find = |ja: &str| rows.iter().filter(|r| r["text"]["ja"].as_str().unwrap().contains(ja)).collect::<Vec<_>>();
    for r in find("小学生").into_iter().chain(find("展示は")) {
        assert_eq!(r["text"]["en"], "", "the dropped paragraph has no English: {r}");
        assert!(r["bead"] == "1-0");
    }
    let robot = find("ブックロボ");
    assert_eq!(robot.len(), 1);
    assert!(robot[0]["text"]["en"].as_str().unwrap().contains("Book Robot"));
    let crowd = find("１，５００人");
    assert!(crowd[0]["text"]["en"].as_str().unwrap().contains("1,500 people"));
    for r in &rows {
        let c = r["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
    }
    // TSV: a header of language tags, one row per bead.
    let out = env
        .tomo()
        .args(["align", &fixture("ja.txt"), &fixture("en.txt"), "--langs", "ja,en", "--format", "tsv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let tsv = String::from_utf8(out).unwrap();
    assert_eq!(tsv.lines().next(), Some("bead\tconfidence\tparagraph\tja\ten"));
    assert_eq!(tsv.lines().count(), rows.len() + 1);
}

#[test]
fn three_way_gives_units_where_all_agree_and_pairs_where_two_do() {
    let env = TestEnv::new();
    let out = env
        .tomo()
        .args([
            "align",
            &fixture("en.txt"),
            &fixture("ja.txt"),
            &fixture("ko.txt"),
            "--langs",
            "en,ja,ko",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = json_rows(&out);
    let present = |r: &Value, l: &str| !r["text"][l].as_str().unwrap().is_empty();
    let crowd = rows.iter().find(|r| r["text"]["en"].as_str().unwrap().contains("1,500")).unwrap();
    assert!(present(crowd, "ja") && present(crowd, "ko"), "{crowd}");
    assert!(crowd["text"]["ko"].as_str().unwrap().contains("1,500명"));
    // en dropped paragraph 4: ja and ko still pair up.
    let kids: Vec<&Value> = rows.iter().filter(|r| r["text"]["ja"].as_str().unwrap().contains("小学生")).collect();
    assert_eq!(kids.len(), 1);
    assert!(!present(kids[0], "en") && kids[0]["text"]["ko"].as_str().unwrap().contains("초등학생"), "{}", kids[0]);
}

#[test]
fn import_fills_the_memory_and_reimport_adds_nothing() {
    let env = TestEnv::new();
    let args = ["--db", "t.db", "align", &fixture("ja.txt"), &fixture("en.txt"), "--langs", "ja,en", "--import"];
    let first = env.tomo().args(args).assert().success().get_output().stderr.clone();
    let first = String::from_utf8(first).unwrap();
    assert!(first.contains(" new, 0 already present"), "{first}");
    let conn = rusqlite::Connection::open(env.path("t.db")).unwrap();
    let units: i64 = conn.query_row("SELECT count(*) FROM unit", [], |r| r.get(0)).unwrap();
    assert!(units >= 4, "{units}");
    // Provenance: file names and paragraph; bead shape and confidence as properties.
    let (origin, props): (String, String) = conn
        .query_row("SELECT origin, props FROM unit ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(origin, "ja.txt+en.txt#p1");
    assert!(props.contains("x-bead") && props.contains("x-confidence"), "{props}");
    // The first sentence starts its document: its previous context is empty, not unknown.
    let prev: Option<String> = conn
        .query_row("SELECT context_prev FROM variant WHERE lang = 'ja' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(prev.as_deref(), Some(""));
    // The dropped paragraph is not a translation of anything.
    let dropped: i64 =
        conn.query_row("SELECT count(*) FROM variant WHERE plain LIKE '%小学生%'", [], |r| r.get(0)).unwrap();
    assert_eq!(dropped, 0);
    drop(conn);
    let again = env.tomo().args(args).assert().success().get_output().stderr.clone();
    let again = String::from_utf8(again).unwrap();
    assert!(again.contains("(0 new,"), "{again}");
    let conn = rusqlite::Connection::open(env.path("t.db")).unwrap();
    let after: i64 = conn.query_row("SELECT count(*) FROM unit", [], |r| r.get(0)).unwrap();
    assert_eq!(after, units);
}

#[test]
fn batch_mode_writes_beads_and_confidences_per_line() {
    let env = TestEnv::new();
    let out =
        env.tomo().args(["align", "--jsonl", &fixture("batch.jsonl")]).assert().success().get_output().stdout.clone();
    let docs = json_rows(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], "a");
    assert_eq!(docs[0]["beads"], serde_json::json!([[[0, 1], [0]], [[2], [1]]]));
    assert_eq!(docs[0]["confidence"].as_array().unwrap().len(), 2);
    assert_eq!(docs[1]["beads"], serde_json::json!([[[0], [0]], [[1], [1]]]));
}

#[test]
fn batch_lines_with_escapes_align_as_their_text() {
    // Lines with JSON escapes are read as the text they stand for (the others borrow the
    // input as it is): the same document written both ways gives the same beads.
    let env = TestEnv::new();
    let plain = r#"{"id": "q", "src_lang": "en", "tgt_lang": "ja", "src": ["He said \"no\" at 50 km\/h.", "Caf\u00e9 sales rose 5%."], "tgt": ["彼は時速５０キロで「ノー」と言った。", "カフェの売り上げは５％増えた。"]}"#;
    let literal = plain.replace(r"\/", "/").replace(r"\u00e9", "é");
    let run = |name: &str, text: &str| {
        let f = env.write(name, format!("{text}\n"));
        let out = env.tomo().args(["align", "--jsonl"]).arg(f).assert().success().get_output().stdout.clone();
        json_rows(&out)
    };
    let escaped = run("escaped.jsonl", plain);
    assert_eq!(escaped[0]["beads"], serde_json::json!([[[0], [0]], [[1], [1]]]));
    let literal = run("literal.jsonl", &literal);
    assert_eq!(escaped[0]["beads"], literal[0]["beads"]);
    assert_eq!(escaped[0]["confidence"], literal[0]["confidence"]);
}

#[test]
fn batch_file_not_utf8_is_named_with_its_line() {
    let env = TestEnv::new();
    let f = env.write("latin1.jsonl", b"{\"id\": \"a\"}\n{\"id\": \"caf\xe9\"}\n");
    env.tomo()
        .args(["align", "--jsonl"])
        .arg(f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("latin1.jsonl: line 2: not UTF-8 text"));
}

#[test]
fn errors_exit_2_naming_the_file_and_line() {
    let env = TestEnv::new();
    env.tomo()
        .args(["align", "--jsonl", &fixture("bad.jsonl")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.jsonl: line 2:"));
    env.tomo()
        .args(["align", &fixture("ja.txt"), &fixture("en.txt"), "--langs", "ja"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("one language per file"));
    env.tomo()
        .args(["align", "missing.txt", &fixture("en.txt"), "--langs", "ja,en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
}

#[test]
fn a_batch_file_of_megabytes_aligns_as_a_small_one() {
    // Files of 4 MB or more are read into a mapping of their own (src/cli/align.rs
    // `read_whole`); the same documents padded past that with an ignored field align the
    // same as without it.
    let env = TestEnv::new();
    let docs = std::fs::read_to_string(fixture("batch.jsonl")).unwrap();
    let docs: Vec<&str> = docs.lines().collect();
    let padding = "x".repeat(100_000);
    let (mut small, mut large) = (String::new(), String::new());
    for k in 0..45 {
        let doc = docs[k % docs.len()].trim_end().strip_suffix('}').expect("a JSON object");
        let doc = doc.replacen("\"id\": \"", &format!("\"id\": \"{k}-"), 1);
        small.push_str(&format!("{doc}}}\n"));
        large.push_str(&format!("{doc}, \"pad\": \"{padding}\"}}\n"));
    }
    assert!(large.len() > 4 << 20);
    let run = |name: &str, text: &str| {
        let f = env.write(name, text);
        env.tomo().args(["align", "--jsonl"]).arg(f).assert().success().get_output().stdout.clone()
    };
    let (small, large) = (run("small.jsonl", &small), run("large.jsonl", &large));
    assert_eq!(json_rows(&small).len(), 45);
    assert_eq!(String::from_utf8(small).unwrap(), String::from_utf8(large).unwrap());
}
