//! `tomo segment`: every output format and newline mode, SRX export and the error exits.

use predicates::prelude::*;

use crate::util::TestEnv;

fn stdout_of(env: &TestEnv, args: &[&str], input: &str) -> String {
    let out = env.tomo().args(args).write_stdin(input).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("tomo writes UTF-8")
}

#[test]
fn text_is_one_segment_per_line_with_blank_lines_between_paragraphs() {
    let env = TestEnv::new();
    let out = stdout_of(&env, &["segment", "--lang", "en"], "Mr. Lee left. He was late.\n\nNew paragraph here.\n");
    assert_eq!(out, "Mr. Lee left.\nHe was late.\n\nNew paragraph here.\n");
}

#[test]
fn file_argument_and_dash_read_the_same_text() {
    let env = TestEnv::new();
    let path = env.write("a.txt", "今日は晴れ。明日は雨。");
    let from_file = stdout_of(&env, &["segment", path.to_str().unwrap(), "--lang", "ja"], "");
    let from_stdin = stdout_of(&env, &["segment", "-", "--lang", "ja"], "今日は晴れ。明日は雨。");
    assert_eq!(from_file, "今日は晴れ。\n明日は雨。\n");
    assert_eq!(from_file, from_stdin);
}

#[test]
fn json_gives_byte_offsets_and_paragraphs() {
    let env = TestEnv::new();
    let input = "Hi. Bye.\n\n一つ。";
    let out = stdout_of(&env, &["segment", "--lang", "en", "--format", "json"], input);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let segs = v.as_array().unwrap();
    assert_eq!(segs.len(), 3);
    for s in segs {
        let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(&input[start..end], s["text"].as_str().unwrap());
    }
    assert_eq!(segs[1]["text"], "Bye.");
    assert_eq!(segs[2]["paragraph"], 1);
    assert_eq!(segs[2]["start"], 10);
}

#[test]
fn jsonl_is_one_object_per_line() {
    let env = TestEnv::new();
    let out = stdout_of(&env, &["segment", "--lang", "ko", "--format", "jsonl"], "회의가 끝났다. 다음은 금요일이다.");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["text"], "회의가 끝났다.");
    assert_eq!(lines[1]["paragraph"], 0);
}

#[test]
fn empty_input_gives_empty_output() {
    let env = TestEnv::new();
    assert_eq!(stdout_of(&env, &["segment", "--lang", "en", "--format", "json"], ""), "[]\n");
    assert_eq!(stdout_of(&env, &["segment", "--lang", "en"], "\n\n"), "");
}

#[test]
fn newline_modes() {
    let env = TestEnv::new();
    let input = "一行目\n二行目。\n\n次の段落";
    let json = |mode: &str| -> Vec<(String, u64)> {
        let out = stdout_of(&env, &["segment", "--lang", "ja", "--format", "jsonl", "--newline", mode], input);
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["text"].as_str().unwrap().to_string(), v["paragraph"].as_u64().unwrap())
            })
            .collect()
    };
    let s = |t: &str, p: u64| (t.to_string(), p);
    assert_eq!(json("para"), [s("一行目", 0), s("二行目。", 1), s("次の段落", 2)]);
    assert_eq!(json("break"), [s("一行目", 0), s("二行目。", 0), s("次の段落", 1)]);
    assert_eq!(json("wrap"), [s("一行目\n二行目。", 0), s("次の段落", 1)]);
    // Text output keeps one segment per line: a wrapped segment's newline shows as a space.
    let text = stdout_of(&env, &["segment", "--lang", "ja", "--newline", "wrap"], input);
    assert_eq!(text, "一行目 二行目。\n\n次の段落\n");
}

#[test]
fn a_bad_newline_or_format_value_is_a_usage_error() {
    let env = TestEnv::new();
    env.tomo().args(["segment", "--lang", "en", "--newline", "never"]).write_stdin("x").assert().code(2);
    env.tomo().args(["segment", "--lang", "en", "--format", "xml"]).write_stdin("x").assert().code(2);
}

#[test]
fn lang_is_required_and_must_be_a_tag() {
    let env = TestEnv::new();
    env.tomo().args(["segment"]).write_stdin("x").assert().code(2).stderr(predicate::str::contains("--lang"));
    env.tomo().args(["segment", "--lang", "1"]).write_stdin("x").assert().code(2);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let env = TestEnv::new();
    env.tomo()
        .args(["segment", "nope.txt", "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tomo: error:").and(predicate::str::contains("nope.txt")));
}

#[test]
fn text_that_is_not_utf8_is_an_error_naming_the_file() {
    let env = TestEnv::new();
    let path = env.write("latin1.txt", b"caf\xe9 au lait.");
    env.tomo()
        .args(["segment", path.to_str().unwrap(), "--lang", "fr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("latin1.txt").and(predicate::str::contains("UTF-8")));
}

#[test]
fn an_srx_file_that_cannot_be_used_is_an_error_naming_it() {
    let env = TestEnv::new();
    env.tomo()
        .args(["segment", "--lang", "en", "--rules", "missing.srx"])
        .write_stdin("A. B.")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.srx"));
    let bad = env.write("broken.srx", "<srx version=\"2.0\"><body><languagerules>");
    env.tomo()
        .args(["segment", "--lang", "en", "--rules", bad.to_str().unwrap()])
        .write_stdin("A. B.")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tomo: error:").and(predicate::str::contains("broken.srx")));
}

#[test]
fn export_srx_writes_the_file_without_needing_lang() {
    let env = TestEnv::new();
    env.tomo().args(["segment", "--export-srx", "tomo.srx"]).assert().success();
    assert!(env.path("tomo.srx").exists());
    env.tomo()
        .args(["segment", "--export-srx", "no/such/dir/tomo.srx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tomo.srx"));
}
