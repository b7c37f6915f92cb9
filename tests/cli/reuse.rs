//! Reuse on a new article (issue 6): `tomo translate`, `tomo analyze`, and importing the
//! finished XLIFF back into the memory.

use predicates::prelude::*;

use crate::util::TestEnv;

/// Issue 6: a translated XLIFF imports back; the exact match the translator left unchanged
/// is not duplicated, the untranslated unit is skipped with its line, alt-trans is ignored.
#[test]
fn translated_xliff_imports_back_without_duplicating_unchanged_exact_matches() {
    let env = TestEnv::new();
    let old = env.import_json(&TestEnv::repo("tests/data/reuse/old-translated.xlf"));
    assert_eq!((old["new"].as_u64(), old["present"].as_u64()), (Some(2), Some(0)), "{old}");

    let done = TestEnv::repo("tests/data/reuse/done-omegat.xlf");
    let r = env.import_json(&done);
    assert_eq!(r["read"], 4, "{r}");
    assert_eq!(r["new"], 2, "the edited and the new translation: {r}");
    assert_eq!(r["present"], 1, "the unchanged exact match: {r}");
    let skipped = r["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["unit"], "trans-unit id=\"4\"");
    assert_eq!(skipped[0]["reason"], "it has no translation");
    assert!(skipped[0]["line"].as_u64().is_some());
    assert_eq!(env.units(), 4);

    // Importing the same file again adds nothing.
    let again = env.import_json(&done);
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

const NEW: &str = "examples/articles/ja/new-20260815-typhoon.txt";

/// A memory holding the older typhoon article as a translator returned it.
fn seeded() -> TestEnv {
    let env = TestEnv::new();
    env.import_json(&TestEnv::repo("tests/data/reuse/20260814-typhoon.xlf"));
    env
}

fn run_json(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let out = env.tomo().args(["--db", "tm.db"]).args(args).assert().success();
    serde_json::from_slice(&out.get_output().stdout).expect("the command prints JSON")
}

fn translate_json(env: &TestEnv) -> serde_json::Value {
    let article = TestEnv::repo(NEW);
    run_json(env, &["translate", article.to_str().unwrap(), "--from", "ja", "--to", "en", "--format", "json"])
}

fn band(analysis: &serde_json::Value, name: &str) -> u64 {
    analysis["files"][0]["bands"][name]["segments"].as_u64().unwrap_or_else(|| panic!("band {name} in {analysis}"))
}

fn analyze_json(env: &TestEnv, articles: &[&std::path::Path]) -> serde_json::Value {
    let mut args: Vec<String> = vec!["analyze".into()];
    args.extend(articles.iter().map(|a| a.display().to_string()));
    args.extend(["--from", "ja", "--to", "en", "--json"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_json(env, &args)
}

/// Issue 6: the draft of the new example article marks context, exact, number-substituted,
/// fuzzy, repeated and unmatched sentences.
#[test]
fn draft_of_the_example_article_shows_every_kind() {
    let env = seeded();
    let d = translate_json(&env);
    let segs = d["segments"].as_array().unwrap();
    assert_eq!(segs.len(), 21);
    let kind = |i: usize| segs[i - 1]["kind"].as_str().unwrap().to_string();
    let target = |i: usize| segs[i - 1]["best"]["target"].as_str().unwrap_or("").to_string();
    assert_eq!((kind(1), segs[0]["score"].as_u64()), ("none".into(), Some(0)));
    assert_eq!((kind(8), segs[7]["score"].as_u64()), ("context".into(), Some(101)));
    assert_eq!(kind(9), "context");
    assert_eq!(kind(7), "exact", "same sentence, other neighbours: 100, not 101");
    assert_eq!(kind(3), "numbers");
    assert!(target(3).contains("at 20 kilometers per hour"), "{}", target(3));
    assert!(target(6).contains("more than 600 millimeters"), "{}", target(6));
    assert_eq!(kind(13), "fuzzy");
    assert_eq!((kind(21), segs[20]["repeats"].as_u64()), ("repetition".into(), Some(7)));
    assert_eq!(target(21), target(7));
    assert!(segs[7]["origin"].as_str().unwrap().contains("20260814-typhoon"));
    for (i, s) in segs.iter().enumerate() {
        assert_eq!(s["index"], i + 1);
    }
    assert_eq!(segs[20]["paragraph"], 6);
}

#[test]
fn draft_formats_table_md_tsv() {
    let env = seeded();
    let article = TestEnv::repo(NEW);
    let a = article.to_str().unwrap();
    let table = env.tomo().args(["--db", "tm.db", "translate", a, "--from", "ja", "--to", "en"]).assert().success();
    let table = String::from_utf8(table.get_output().stdout.clone()).unwrap();
    assert!(table.contains("101% context") && table.contains("│ Kyushu Electric Power"), "{table}");
    assert!(!table.contains('\x1b'), "no colour when not on a terminal");
    env.tomo().args(["--db", "tm.db", "translate", a, "--from", "ja", "--to", "en", "-o", "d.md"]).assert().success();
    let md = std::fs::read_to_string(env.path("d.md")).unwrap();
    assert!(md.contains("## Paragraph 7") && md.contains("| 8 | 鹿児島県と宮崎県では約12万世帯が停電した。 |"), "{md}");
    let tsv = env
        .tomo()
        .args(["--db", "tm.db", "translate", a, "--from", "ja", "--to", "en", "--format", "tsv"])
        .assert()
        .success();
    let tsv = String::from_utf8(tsv.get_output().stdout.clone()).unwrap();
    assert_eq!(tsv.lines().count(), 23);
    assert!(tsv.starts_with(&format!("#tomo-draft\tja\ten\t{a}\nindex\t")), "{tsv}");
    assert!(tsv.lines().nth(10).unwrap().starts_with("9\t4\t101\tcontext\t九州電力"), "{tsv}");
}

/// Issue 6: the analysis has every band and its totals add up; a second file repeating the
/// first is all repetitions across files.
#[test]
fn analysis_of_the_example_article() {
    let env = seeded();
    let article = TestEnv::repo(NEW);
    let a = analyze_json(&env, &[&article]);
    assert_eq!(band(&a, "context 101%"), 2);
    assert_eq!(band(&a, "repetitions"), 1);
    assert!(band(&a, "100%") >= 3);
    assert!(band(&a, "no match") >= 3);
    let total = &a["files"][0]["total"];
    assert_eq!(total["segments"], 21);
    let words: u64 = a["files"][0]["bands"].as_object().unwrap().values().map(|b| b["words"].as_u64().unwrap()).sum();
    assert_eq!(total["words"].as_u64(), Some(words));

    let copy = env.write("copy.txt", std::fs::read(&article).unwrap());
    let two = analyze_json(&env, &[&article, &copy]);
    let second = &two["files"][1]["bands"];
    assert_eq!(
        second["cross-file repetitions"]["segments"].as_u64().unwrap()
            + second["context 101%"]["segments"].as_u64().unwrap()
            + second["repetitions"]["segments"].as_u64().unwrap(),
        21
    );
    assert_eq!(two["total"]["total"]["segments"], 42);

    let csv = env
        .tomo()
        .args(["--db", "tm.db", "analyze"])
        .arg(&article)
        .args(["--from", "ja", "--to", "en", "--csv"])
        .assert()
        .success();
    let csv = String::from_utf8(csv.get_output().stdout.clone()).unwrap();
    assert!(csv.starts_with("file,band,segments,words,chars\n"));
    assert_eq!(csv.lines().count(), 1 + 9 + 1);
}

/// Issue 6, the loop: draft as XLIFF, the translator fills a sentence the memory did not
/// know, the file imports back, and the next analysis of the article is better.
#[test]
fn xliff_round_trip_improves_the_next_analysis() {
    let env = seeded();
    let article = TestEnv::repo(NEW);
    let before = analyze_json(&env, &[&article]);
    env.tomo()
        .args(["--db", "tm.db", "translate"])
        .arg(&article)
        .args(["--from", "ja", "--to", "en", "-o", "draft.xlf"])
        .assert()
        .success();
    let xlf = std::fs::read_to_string(env.path("draft.xlf")).unwrap();
    assert!(xlf.contains(r#"state="needs-review-translation" state-qualifier="exact-match""#));
    assert!(xlf.contains(r#"<alt-trans match-quality="101""#));
    let src = "<source xml:lang=\"ja\">台風の影響で、野菜の価格が上がる可能性がある。</source>";
    assert!(xlf.contains(src));
    let done = xlf.replace(
        src,
        &format!("{src}\n          <target xml:lang=\"en\" state=\"translated\">Vegetable prices may rise because of the typhoon.</target>"),
    );
    let done = env.write("done.xlf", done);
    let r = env.import_json(&done);
    let exact_targets = xlf.matches(r#"state-qualifier="exact-match""#).count() as u64;
    assert_eq!(r["present"].as_u64(), Some(exact_targets), "unchanged exact matches are not added again: {r}");
    assert!(r["new"].as_u64().unwrap() >= 1, "{r}");

    let after = analyze_json(&env, &[&article]);
    assert_eq!(band(&after, "no match"), band(&before, "no match") - 1, "{after}");
    assert!(band(&after, "context 101%") > band(&before, "context 101%"), "{after}");
}

fn contains(s: &str) -> predicates::str::ContainsPredicate {
    predicates::str::contains(s)
}

/// Issue 6, the whole loop from raw articles: align and import the older articles, analyze
/// the new one, draft it as XLIFF, translate what the memory did not know, import it back,
/// and the next analysis finds every sentence.
#[test]
fn whole_loop_from_aligned_articles() {
    let env = TestEnv::new();
    for id in ["20260814-typhoon", "20260820-prices", "20260905-court", "20260912-defector"] {
        let file = |lang: &str| TestEnv::repo(&format!("examples/articles/{lang}/{id}.txt"));
        env.tomo()
            .args(["--db", "tm.db", "align"])
            .args([file("ja"), file("en"), file("ko")])
            .args(["--langs", "ja,en,ko", "--import"])
            .assert()
            .success();
    }
    assert!(env.units() >= 30, "the older articles fill the memory");
    let article = TestEnv::repo(NEW);
    let before = analyze_json(&env, &[&article]);
    assert!(band(&before, "context 101%") >= 1, "aligned units carry their neighbours: {before}");
    assert!(band(&before, "no match") >= 3, "{before}");

    env.tomo()
        .args(["--db", "tm.db", "translate"])
        .arg(&article)
        .args(["--from", "ja", "--to", "en", "-o", "draft.xlf"])
        .assert()
        .success();
    // The translator's pass: every sentence without a draft gets a translation.
    let xlf = std::fs::read_to_string(env.path("draft.xlf")).unwrap();
    let lines: Vec<&str> = xlf.lines().collect();
    let mut done = String::new();
    for (i, line) in lines.iter().enumerate() {
        done.push_str(line);
        done.push('\n');
        // A trans-unit's own source (alt-trans sources are indented deeper) with no target.
        let own_source = line.starts_with("          <source") && !line.starts_with("            ");
        if own_source && !lines[i + 1].trim_start().starts_with("<target") {
            let text = line.trim().trim_start_matches("<source xml:lang=\"ja\">").trim_end_matches("</source>");
            done.push_str(&format!("          <target xml:lang=\"en\">EN: {text}</target>\n"));
        }
    }
    env.import_json(&env.write("done.xlf", done));
    let after = analyze_json(&env, &[&article]);
    assert_eq!(band(&after, "no match"), 0, "{after}");
    assert!(band(&after, "context 101%") > band(&before, "context 101%"), "{after}");
}

/// Issue 6: tm/sample.tmx is what examples/build-sample-tm.sh makes of the examples today.
#[test]
fn sample_memory_is_rebuilt_identically() {
    let env = TestEnv::new();
    let out = env.path("sample.tmx");
    let run = std::process::Command::new("bash")
        .arg(TestEnv::repo("examples/build-sample-tm.sh"))
        .arg(&out)
        .env("TOMO", assert_cmd::cargo::cargo_bin("tomo"))
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("bash runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let rebuilt = std::fs::read_to_string(&out).unwrap();
    let shipped = std::fs::read_to_string(TestEnv::repo("tm/sample.tmx")).expect("tm/sample.tmx is shipped");
    assert!(rebuilt == shipped, "tm/sample.tmx has drifted: run examples/build-sample-tm.sh and commit it");
}
