//! `tomo stats`, the database location rules, and exit codes.

use predicates::prelude::*;

use crate::util::TestEnv;

#[test]
fn stats_creates_the_memory_under_tm_folder() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("tm")).unwrap();
    let out = env.tomo().args(["stats", "--json"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["units"], 0);
    assert!(v["path"].as_str().unwrap().ends_with("tm/tomo.db"), "{v}");
    assert!(env.path("tm/tomo.db").exists());
}

#[test]
fn db_flag_beats_env_and_tm_folder() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("tm")).unwrap();
    let out = env.tomo().args(["--db", "x.db", "stats", "--json"]).env("TOMO_DB", "y.db").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["path"], "x.db");
    let out = env.tomo().args(["stats", "--json"]).env("TOMO_DB", "y.db").assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["path"], "y.db");
}

#[test]
fn a_file_that_is_not_a_memory_is_an_error_with_exit_2() {
    let env = TestEnv::new();
    env.write("not.db", "this is not sqlite at all, just text that is long enough to be a header");
    env.tomo()
        .args(["--db", "not.db", "stats"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tomo: error:").and(predicates::str::contains("not.db")));
}

#[test]
fn csv_export_without_langs_keeps_units_missing_a_language() {
    let env = TestEnv::new();
    env.write("in.csv", "en,ja,ko\nHello,こんにちは,안녕하세요\nBye,さよなら,\n");
    env.tomo().args(["--db", "m.db", "import", "in.csv"]).assert().success();
    env.tomo().args(["--db", "m.db", "export", "-o", "out.csv"]).assert().success();
    let out = std::fs::read_to_string(env.path("out.csv")).unwrap();
    assert!(out.contains("Bye,さよなら,"), "{out}");
    assert!(out.contains("Hello,こんにちは,안녕하세요"), "{out}");
}

/// A reader that stops early (`tomo stats | head -1`) is not an error: exit 0, no panic.
#[test]
fn stats_and_import_into_a_closed_pipe_exit_quietly() {
    use assert_cmd::cargo::CommandCargoExt;
    let env = TestEnv::new();
    let tmx = env.write(
        "a.tmx",
        r#"<?xml version="1.0"?><tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="t" creationtoolversion="1"/><body><tu><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="ja"><seg>こんにちは。</seg></tuv></tu></body></tmx>"#,
    );
    for args in [vec!["--db", "m.db", "stats"], vec!["--db", "m.db", "import", tmx.to_str().unwrap()]] {
        let mut child = std::process::Command::cargo_bin("tomo")
            .unwrap()
            .args(&args)
            .current_dir(env.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before tomo has opened the memory, let alone printed.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
