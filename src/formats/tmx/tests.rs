//! Reader and writer tests on the fixtures in tests/data/tmx and on generated units.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::formats::{ReadItem, ReadOptions, Skip, UnitWriter, WriteHeader};
use crate::lang::Lang;
use crate::tm::{Note, Prop, Unit, Variant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tmx").join(name)
}

fn l(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn read_all(path: &Path, opts: &ReadOptions) -> Vec<Result<ReadItem>> {
    read_file(path, opts).unwrap().collect()
}

fn units(name: &str) -> Vec<Unit> {
    read_all(&fixture(name), &ReadOptions::default())
        .into_iter()
        .map(|item| match item.unwrap() {
            ReadItem::Unit(u) => u,
            ReadItem::Skipped(s) => panic!("unexpected skip: {s:?}"),
        })
        .collect()
}

fn skip(unit: &str, line: u64, reason_has: &str, item: &Result<ReadItem>) {
    match item {
        Ok(ReadItem::Skipped(Skip { unit: u, line: Some(n), reason })) => {
            assert_eq!((u.as_str(), *n), (unit, line), "{reason}");
            assert!(reason.contains(reason_has), "{reason:?} should mention {reason_has:?}");
        }
        other => panic!("expected {unit} skipped, got {other:?}"),
    }
}

fn unit_of(item: &Result<ReadItem>) -> &Unit {
    match item {
        Ok(ReadItem::Unit(u)) => u,
        other => panic!("expected a unit, got {other:?}"),
    }
}

fn err_of(item: &Result<ReadItem>) -> String {
    match item {
        Err(e) => e.to_string(),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn utf16le_with_bom_and_no_declaration_keeps_whitespace_references() {
    let u = units("utf16le-bom-no-declaration.tmx");
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].tuid.as_deref(), Some("ws"));
    let en = u[0].variant(&l("en-US")).unwrap();
    assert_eq!(en.plain, "Name:\tvalue  end");
    assert_eq!(en.seg, "Name:\tvalue  end");
    assert_eq!(u[0].variant(&l("ja")).unwrap().plain, "名前：\t値　終わり");
    assert_eq!(u[1].variants[0].plain, "  leading and trailing  ");
    assert_eq!(u[1].srclang, Some(l("en-US")));
}

#[test]
fn utf16be_without_bom_with_declaration() {
    let u = units("utf16be-declaration.tmx");
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].variants[0].lang, l("ko-KR"));
    assert_eq!(u[0].variants[0].plain, "서울에 눈이 왔다.");
    assert_eq!(u[0].srclang, Some(l("ko")), "ko-KR satisfies srclang ko");
}

#[test]
fn tmx11_lang_attribute_and_characters_outside_the_bmp() {
    let u = units("tmx11-lang.tmx");
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].variants[0].lang, l("en"));
    assert_eq!(u[0].variants[0].plain, "Bold A: 𝐀, emoji 😀");
    assert_eq!(u[0].variants[1].plain, "太字A：𝐀、絵文字😀");
    let tags: Vec<&str> = u[1].variants.iter().map(|v| v.lang.as_str()).collect();
    assert_eq!(tags, ["ja", "en-US"], "input order kept, EN_us canonicalized");
    assert_eq!(u[1].srclang, Some(l("en")));
}

#[test]
fn inline_codes_stay_in_seg_and_leave_plain() {
    let u = units("inline.tmx");
    let en = &u[0].variants[0];
    assert_eq!(
        en.seg,
        "The <bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;</bpt>big<ept i=\"1\">&lt;/b&gt;</ept> cat &amp; \
         <ph x=\"2\" type=\"image\">&lt;img alt=&quot;<sub>A cat</sub>&quot;/&gt;</ph>\
         <it pos=\"begin\" x=\"3\">&lt;i&gt;</it>sleeps <hi type=\"em\">now</hi><ut>{\\b}</ut> \
         &quot;here&quot; 'x' &gt; 1.<ph x=\"4\"/>"
    );
    assert_eq!(en.plain, "The big cat & sleeps now \"here\" 'x' > 1.");
    let fr = &u[0].variants[1];
    assert_eq!(
        fr.seg,
        "Le <bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;</bpt>gros<ept i=\"1\">&lt;/b&gt;</ept> chat &amp; &lt;co&gt; "
    );
    assert_eq!(fr.plain, "Le gros chat & <co> ");
}

#[test]
fn text_without_markup_gets_the_same_seg_as_from_plain() {
    let u = units("inline.tmx");
    let text = &u[0].variants[1].plain;
    // The same text from a CSV would de-duplicate against this segment if it had no codes.
    let v = Variant::from_plain(l("fr"), text);
    let mut canonical = String::new();
    inline::push_text(&mut canonical, text);
    assert_eq!(v.seg, canonical);
}

#[test]
fn malformed_xml_is_an_error_with_file_line_and_column() {
    let items = read_all(&fixture("malformed.tmx"), &ReadOptions::default());
    assert_eq!(items.len(), 2, "one good unit, then the error, then nothing");
    unit_of(&items[0]);
    let msg = err_of(&items[1]);
    assert!(msg.contains("malformed.tmx: line 7, column 37: malformed XML"), "{msg}");
    assert!(msg.contains("seg"), "{msg}");
}

#[test]
fn truncated_file_is_an_error() {
    let items = read_all(&fixture("truncated.tmx"), &ReadOptions::default());
    unit_of(&items[0]);
    let msg = err_of(&items[1]);
    assert!(msg.contains("truncated.tmx: line 6") && msg.contains("ends inside <seg>"), "{msg}");
}

#[test]
fn unknown_and_external_entities_are_errors_not_expansions() {
    let items = read_all(&fixture("unknown-entity.tmx"), &ReadOptions::default());
    let msg = err_of(&items[0]);
    assert!(msg.contains("line 5") && msg.contains("unknown entity &nbsp;"), "{msg}");
    let items = read_all(&fixture("external-entity.tmx"), &ReadOptions::default());
    let msg = err_of(&items[0]);
    assert!(msg.contains("line 8") && msg.contains("&secret;"), "{msg}");
    assert!(!msg.contains("root:"), "the entity was never expanded: {msg}");
}

#[test]
fn a_file_whose_root_is_not_tmx_is_refused() {
    let items = read_all(&fixture("not-tmx.tmx"), &ReadOptions::default());
    assert!(err_of(&items[0]).contains("not a TMX file: the root element is <xliff>"));
}

#[test]
fn tu_without_source_variant_is_skipped_with_region_fallback() {
    let items = read_all(&fixture("no-source-variant.tmx"), &ReadOptions::default());
    assert_eq!(items.len(), 4);
    assert_eq!(unit_of(&items[0]).variants[0].lang, l("en"), "EN is accepted for srclang en-US");
    skip("tuid=\"orphan\"", 6, "no variant in the source language en-US", &items[1]);
    skip("tu #3", 10, "en-US", &items[2]);
    let only = unit_of(&items[3]);
    assert_eq!(only.variants.len(), 1, "a unit with one variant is kept");
}

#[test]
fn two_variants_in_one_language_skip_the_tu() {
    let items = read_all(&fixture("duplicate-language.tmx"), &ReadOptions::default());
    skip("tu #1", 5, "two variants in fr-CA", &items[0]);
    assert_eq!(unit_of(&items[1]).variants.len(), 2);
}

#[test]
fn unparsable_tags_and_tu_srclang() {
    let items = read_all(&fixture("bad-language.tmx"), &ReadOptions::default());
    assert_eq!(items.len(), 4);
    skip("tuid=\"t1\"", 5, "\"x\" is not a language tag", &items[0]);
    skip("tuid=\"t2\"", 6, "no xml:lang", &items[1]);
    assert_eq!(unit_of(&items[2]).srclang, Some(l("ja")));
    skip("tuid=\"t4\"", 8, "source language ko", &items[3]);
}

#[test]
fn metadata_maps_to_unit_fields() {
    let u = units("metadata.tmx");
    let mut en = Variant::from_plain(l("en-US"), "It snowed.");
    en.attrs = vec![("creationid".into(), "ben".into())];
    en.context_prev = Some(String::new());
    en.context_next = Some("The river froze.".into());
    let mut ja = Variant::from_plain(l("ja-JP"), "雪が降った。");
    ja.notes = vec![Note { lang: None, text: "訳注".into() }];
    let expected = Unit {
        tuid: Some("m1".into()),
        srclang: Some(l("ja-JP")),
        created: Some("20240102T030405Z".into()),
        created_by: Some("aki".into()),
        changed: Some("20240203T040506Z".into()),
        changed_by: Some("ben".into()),
        origin: Some("article-17.txt#p3".into()),
        usage_count: 7,
        last_used: Some("20240304T050607Z".into()),
        attrs: vec![
            ("datatype".into(), "plaintext".into()),
            ("segtype".into(), "sentence".into()),
            ("x-vendor".into(), "v".into()),
        ],
        notes: vec![Note { lang: Some("en".into()), text: "Checked by the desk.".into() }],
        props: vec![Prop { kind: "x-client".into(), lang: None, text: "Daily & Weekly".into() }],
        variants: vec![en, ja],
    };
    assert_eq!(u, vec![expected]);
}

#[test]
fn langs_option_keeps_those_variants_and_needs_all_of_them() {
    let opts = ReadOptions { langs: Some(vec![l("ja"), l("en")]), ..Default::default() };
    let items = read_all(&fixture("trilingual.tmx"), &opts);
    assert_eq!(items.len(), 3);
    for item in &items {
        let tags: Vec<&str> = unit_of(item).variants.iter().map(|v| v.lang.as_str()).collect();
        assert_eq!(tags, ["ja-JP", "en-US"], "input order, ko dropped");
    }
    let opts = ReadOptions { langs: Some(vec![l("ko"), l("en")]), ..Default::default() };
    let items = read_all(&fixture("trilingual.tmx"), &opts);
    let u = unit_of(&items[0]);
    assert_eq!(u.srclang, None, "ja is not kept, so the unit has no source language left");
    assert_eq!(unit_of(&items[1]).variants.len(), 2);
    skip("tu #3", 7, "no ko variant", &items[2]);
}

#[test]
fn dates_are_normalized_to_tmx_form() {
    assert_eq!(normalize_date("20240102T030405Z").as_deref(), Some("20240102T030405Z"));
    assert_eq!(normalize_date("2024-01-02").as_deref(), Some("20240102T000000Z"));
    assert_eq!(normalize_date("2024-01-02T03:04:05Z").as_deref(), Some("20240102T030405Z"));
    assert_eq!(normalize_date("2024-01-02 03:04:05").as_deref(), Some("20240102T030405Z"));
    assert_eq!(normalize_date("2024-01-02T03:04:05+09:00"), None);
    assert_eq!(normalize_date("yesterday"), None);
    assert_eq!(normalize_date("20241302"), None);
}

/// Write `units` as TMX into a temporary file and return its path (kept alive by the dir).
fn write_tmx(dir: &tempfile::TempDir, header: &WriteHeader, units: &[Unit]) -> PathBuf {
    let path = dir.path().join("out.tmx");
    let file = std::fs::File::create(&path).unwrap();
    let mut w: Box<dyn UnitWriter> = Box::new(TmxWriter::new(Box::new(file), header).unwrap());
    for u in units {
        w.write_unit(u).unwrap();
    }
    w.finish().unwrap();
    path
}

#[test]
fn writer_output_has_the_dtd_shape() {
    let dir = tempfile::tempdir().unwrap();
    let u = units("metadata.tmx");
    let path = write_tmx(&dir, &WriteHeader { srclang: Some(l("ja-JP")), langs: vec![] }, &u);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">"));
    for attr in [
        "creationtool=\"tomo\"",
        concat!("creationtoolversion=\"", env!("CARGO_PKG_VERSION"), "\""),
        "segtype=\"sentence\"",
        "o-tmf=\"tomo\"",
        "adminlang=\"en\"",
        "srclang=\"ja-JP\"",
        "datatype=\"plaintext\"",
    ] {
        assert!(text.contains(attr), "header lacks {attr}:\n{text}");
    }
    // x-vendor is not a tu attribute in the DTD: it travels as a prop.
    assert!(!text.contains("x-vendor=\""), "{text}");
    assert!(text.contains("<prop type=\"x-tomo-attr-x-vendor\">v</prop>"), "{text}");
    assert!(text.contains("<prop type=\"x-tomo-origin\">article-17.txt#p3</prop>"), "{text}");
    // Notes and props come before the first tuv; in a tuv before the seg.
    let tu = &text[text.find("<tu ").unwrap()..];
    assert!(tu.find("<prop").unwrap() < tu.find("<tuv").unwrap());
    assert!(tu.find("<note").unwrap() < tu.find("<tuv").unwrap());
    let tuv = &tu[tu.find("<tuv").unwrap()..];
    assert!(tuv.find("x-tomo-context-prev").unwrap() < tuv.find("<seg>").unwrap());
    assert!(!tu.contains(" srclang="), "the unit's srclang is the header's: {tu}");
}

#[test]
fn fixtures_round_trip_through_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["metadata.tmx", "inline.tmx", "tmx11-lang.tmx", "utf16le-bom-no-declaration.tmx"] {
        let first = units(name);
        let header = WriteHeader { srclang: first[0].srclang.clone(), langs: vec![] };
        let path = write_tmx(&dir, &header, &first);
        let again: Vec<Unit> = read_file(&path, &ReadOptions::default())
            .unwrap()
            .map(|i| match i.unwrap() {
                ReadItem::Unit(u) => u,
                ReadItem::Skipped(s) => panic!("{name}: {s:?}"),
            })
            .collect();
        assert_eq!(again, first, "{name}");
    }
}

#[test]
fn writer_guards_characters_xml_cannot_carry() {
    let dir = tempfile::tempdir().unwrap();
    let u = Unit::new(vec![Variant::from_plain(l("en"), "a\u{1}b\rc"), Variant::from_plain(l("fr"), "ok")]);
    let path = write_tmx(&dir, &WriteHeader::default(), &[u]);
    let got = units_at(&path);
    assert_eq!(got[0].variants[0].plain, "a\u{FFFD}b\rc");
}

#[test]
fn units_without_srclang_round_trip_under_a_header_srclang() {
    let dir = tempfile::tempdir().unwrap();
    let mut with = Unit::new(vec![Variant::from_plain(l("ja"), "一"), Variant::from_plain(l("en"), "one")]);
    with.srclang = Some(l("ja"));
    let without = Unit::new(vec![Variant::from_plain(l("ko"), "둘"), Variant::from_plain(l("en"), "two")]);
    let mut other = Unit::new(vec![Variant::from_plain(l("ko"), "셋"), Variant::from_plain(l("en"), "three")]);
    other.srclang = Some(l("ko"));
    let units = vec![with, without, other];
    let path = write_tmx(&dir, &WriteHeader { srclang: Some(l("ja")), langs: vec![] }, &units);
    assert_eq!(units_at(&path), units);
    // A unit whose source variant is gone (exported with --langs en,ko) inherits the header's.
    let mut cut = Unit::new(vec![Variant::from_plain(l("en"), "one"), Variant::from_plain(l("ko"), "하나")]);
    cut.srclang = Some(l("ja"));
    let path = write_tmx(&dir, &WriteHeader { srclang: Some(l("en")), langs: vec![] }, &[cut]);
    assert!(!std::fs::read_to_string(&path).unwrap().contains("<tu srclang"));
    assert_eq!(units_at(&path)[0].srclang, Some(l("en")));
}

fn units_at(path: &Path) -> Vec<Unit> {
    read_file(path, &ReadOptions::default())
        .unwrap()
        .map(|i| match i.unwrap() {
            ReadItem::Unit(u) => u,
            ReadItem::Skipped(s) => panic!("{s:?}"),
        })
        .collect()
}

fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", " ", "  ", "\t", "\n", "<", ">", "&", "\"", "'", "&amp;", "]]>", "日本", "한국", "😀", "𝐀", "é",
        "\u{3000}", "x=\"1\"", "<b>", "\u{FEFF}",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

fn unit_strategy() -> impl Strategy<Value = Unit> {
    let tags = vec!["en", "en-US", "ja", "ja-JP", "ko-KR", "fr-CA", "zh-Hant-TW", "de"];
    (
        prop::sample::subsequence(tags, 1..5).prop_shuffle(),
        prop::collection::vec(text_strategy(), 5),
        prop::option::of("[a-z0-9]{1,6}"),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop::option::of(text_strategy()),
        prop::option::of(text_strategy()),
    )
        .prop_map(|(langs, texts, tuid, src, has_src, note, context)| {
            let variants: Vec<Variant> = langs
                .iter()
                .zip(texts.iter())
                .map(|(tag, text)| {
                    let mut v = Variant::from_plain(l(tag), text);
                    v.context_next = context.clone();
                    v
                })
                .collect();
            let srclang = has_src.then(|| variants[src.index(variants.len())].lang.clone());
            let mut unit = Unit::new(variants);
            unit.tuid = tuid;
            unit.srclang = srclang;
            if let Some(n) = note {
                unit.notes.push(Note { lang: None, text: n.clone() });
                unit.props.push(Prop { kind: "x-any".into(), lang: Some("en".into()), text: n });
            }
            unit
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// TMX write-then-read is the identity on units.
    #[test]
    fn write_then_read_returns_the_same_units(units in prop::collection::vec(unit_strategy(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_tmx(&dir, &WriteHeader::default(), &units);
        prop_assert_eq!(units_at(&path), units);
    }

    /// Through the store: import, export as TMX, import that into a fresh memory, export
    /// again: the memory's units come back unchanged (text, markup, languages, metadata).
    #[test]
    fn store_export_then_import_is_the_identity(units in prop::collection::vec(unit_strategy(), 1..8)) {
        use crate::tm::{ExportFilter, ImportOptions, TranslationMemory};
        let stored = |tm: &TranslationMemory| {
            let mut out = Vec::new();
            tm.export(&ExportFilter::default(), &mut |u| { out.push(u); Ok(()) }).unwrap();
            out
        };
        let mut first = TranslationMemory::open_in_memory().unwrap();
        first.import(units.into_iter().map(|u| Ok(ReadItem::Unit(u))), &ImportOptions::default()).unwrap();
        let exported = stored(&first);
        let dir = tempfile::tempdir().unwrap();
        let path = write_tmx(&dir, &WriteHeader::default(), &exported);
        let mut second = TranslationMemory::open_in_memory().unwrap();
        second.import(read_all(&path, &ReadOptions::default()), &ImportOptions::default()).unwrap();
        prop_assert_eq!(stored(&second), exported);
    }
}

#[test]
fn invalid_utf8_is_reported_where_the_text_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.tmx");
    std::fs::write(
        &path,
        b"<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body>\n\
          <tu><tuv xml:lang=\"en\"><seg>bad \x93\xfa here</seg></tuv></tu>\n</body></tmx>\n",
    )
    .unwrap();
    let items = read_all(&path, &ReadOptions::default());
    let msg = err_of(&items[0]);
    assert!(msg.contains("bad.tmx: line 3, column 29: malformed XML"), "{msg}");
}

/// Read `path` with and without the fast path ([`super::fast`]): the items (units, skips,
/// error messages with their positions) must be the same. Returns how many units the
/// fast path read when it tries every tu (by default it pauses after declining some).
fn same_by_both_paths(path: &Path, opts: &ReadOptions) -> u64 {
    let show = |item: Result<ReadItem>| item.map_err(|e| e.to_string());
    let by_events: Vec<_> = reader::open(path, opts).unwrap().events_only().map(show).collect();
    let mut fast_units = 0;
    for eager in [false, true] {
        let mut fast = reader::open(path, opts).unwrap();
        if eager {
            fast = fast.eager();
        }
        let by_fast: Vec<_> = fast.by_ref().map(show).collect();
        assert_eq!(by_fast.len(), by_events.len(), "{}", path.display());
        for (i, (a, b)) in by_fast.iter().zip(&by_events).enumerate() {
            assert_eq!(a, b, "item {i} of {}", path.display());
        }
        fast_units = fast.fast_units();
    }
    fast_units
}

#[test]
fn fast_path_reads_the_fixtures_as_the_events_do() {
    let mut fast = 0;
    for entry in std::fs::read_dir(fixture("")).unwrap() {
        let path = entry.unwrap().path();
        fast += same_by_both_paths(&path, &ReadOptions::default());
        fast += same_by_both_paths(&path, &ReadOptions { langs: Some(vec![l("en")]), ..Default::default() });
    }
    assert!(fast > 0, "the fixtures have units of the common shape");
}

/// Units of every shape the fast path reads or declines, and the skips it must report
/// the same way; repeated past the reader's 64 KB buffer so some are cut by its end.
const MIXED_TUS: &[&str] = &[
    r#"<tu creationdate="20240101T000000Z" tuid='t1'><tuv xml:lang="en"><seg>It snowed.</seg></tuv><tuv xml:lang="ja-JP"><seg>雪が降った。</seg></tuv></tu>"#,
    "<tu>\n  <tuv xml:lang=\"EN_us\" creationid=\"me\">\n    <seg>a &lt;b&gt; &amp; &#x1D400; &#233; \"q\" 'a'</seg>\n  </tuv>\n  <tuv lang=\"fr\"><seg></seg></tuv>\n</tu>",
    r#"<tu usagecount="3" srclang="ja" x-custom="v" lastusagedate="20240102T000000Z"><tuv xml:lang="ja"><seg>  前後の空白  </seg></tuv></tu>"#,
    r#"<tu usagecount="many"><tuv xml:lang="en"><seg>x</seg></tuv></tu>"#,
    r#"<tu srclang="de"><tuv xml:lang="en"><seg>no source</seg></tuv><tuv xml:lang="fr"><seg>pas de source</seg></tuv></tu>"#,
    r#"<tu srclang="!!"><tuv xml:lang="en"><seg>bad srclang</seg></tuv></tu>"#,
    r#"<tu><tuv xml:lang="en"><seg>one</seg></tuv><tuv xml:lang="en"><seg>two</seg></tuv></tu>"#,
    r#"<tu><tuv xml:lang="??"><seg>bad tag</seg></tuv></tu>"#,
    r#"<tu><tuv><seg>no lang</seg></tuv></tu>"#,
    r#"<tu></tu>"#,
    r#"<tu/>"#,
    r#"<tu><tuv xml:lang="en"></tuv></tu>"#,
    r#"<tu><prop type="x-origin">p</prop><note>n</note><tuv xml:lang="en"><prop type="k">v</prop><seg>with props</seg></tuv></tu>"#,
    "<tu tuid=\"p2\">\n  <prop type=\"Txt::FileName\" xml:lang=\"en\">a &amp; b.info</prop>\n  <prop type=\"x-tomo-attr-o-tmf\">x</prop>\n  <note lang=\"fr\" xml:lang=\"de\">first\nsecond line</note>\n  <tuv xml:lang=\"en\" creationdate=\"20200101T000000Z\">\n    <note>on the tuv</note><prop type=\"x-tomo-context-prev\">before</prop>\n    <prop type=\"x-tomo-context-next\"></prop><prop type=\"x-tomo-attr-o-encoding\">UTF-8</prop>\n    <seg>context</seg>\n  </tuv>\n  <tuv xml:lang=\"ja\"><seg>文脈</seg></tuv>\n  <note>after the tuvs &#x1D400;</note>\n</tu>",
    r#"<tu><note lang="fr">only lang</note><prop>no type</prop><tuv xml:lang="en"><seg>x</seg></tuv></tu>"#,
    r#"<tu><prop type="a">x <b/></prop><tuv xml:lang="en"><seg>element in a prop</seg></tuv></tu>"#,
    r#"<tu><note/><tuv xml:lang="en"><seg>empty note</seg></tuv></tu>"#,
    r#"<tu><tuv xml:lang="en"><seg>note after the seg</seg><note>n</note></tuv></tu>"#,
    r#"<tu><tuv xml:lang="en"><seg>a <bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept> <ph/></seg></tuv></tu>"#,
    r#"<tu><tuv xml:lang="en"><seg><![CDATA[a < b]]> c</seg></tuv></tu>"#,
    "<tu><tuv xml:lang=\"en\"><seg>carriage\r\nreturn</seg></tuv></tu>",
    "<tu a=\"tab\there\"><tuv xml:lang=\"en\"><seg>attribute whitespace</seg></tuv></tu>",
    r#"<tu a="&amp;"><tuv xml:lang="en"><seg>attribute reference</seg></tuv></tu>"#,
    r#"<tu><!-- a comment --><tuv xml:lang="en"><seg>comment</seg></tuv></tu>"#,
    r#"<tu><tuv xml:lang="en"><seg>a</seg></tuv >  </tu >"#,
    r#"<unknown><tu><tuv xml:lang="en"><seg>skipped with its element</seg></tuv></tu></unknown>"#,
];

fn mixed_tmx(tus: &[&str], repeat: usize, tail: &str) -> String {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header srclang=\"*all*\"/>\n<body>",
    );
    for i in 0..repeat {
        for tu in tus {
            doc.push_str(if i % 2 == 0 { "\n    " } else { "" });
            doc.push_str(tu);
        }
    }
    doc.push_str(tail);
    doc
}

#[test]
fn fast_path_reads_every_shape_as_the_events_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.tmx");
    let doc = mixed_tmx(MIXED_TUS, 150, "\n</body>\n</tmx>\n");
    assert!(doc.len() > 3 * 64 * 1024);
    std::fs::write(&path, &doc).unwrap();
    let fast = same_by_both_paths(&path, &ReadOptions::default());
    // 13 of the 26 shapes, less those cut by the buffer's end.
    assert!(fast >= 150 * 12, "{fast} units by the fast path");
    let langs = ReadOptions { langs: Some(vec![l("en"), l("ja")]), ..Default::default() };
    same_by_both_paths(&path, &langs);
    // Windows line ends: a carriage return between elements is whitespace, one in a
    // text is declined (the events turn CRLF into LF there).
    std::fs::write(&path, doc.replace('\n', "\r\n")).unwrap();
    assert!(same_by_both_paths(&path, &ReadOptions::default()) >= 150 * 10);
    // The same in UTF-16: transcoded input goes through the same buffer.
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(doc.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(&path, utf16).unwrap();
    assert!(same_by_both_paths(&path, &ReadOptions::default()) >= 150 * 12);
}

#[test]
fn errors_after_fast_units_keep_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late-error.tmx");
    let good = MIXED_TUS[..3].to_vec();
    for (tail, expect) in [
        ("\n<tu><tuv xml:lang=\"en\"><seg>x</tuv></tu></body></tmx>", "expected `</seg>`"),
        ("\n<tu><tuv xml:lang=\"en\"><seg>&nbsp;</seg></tuv></tu></body></tmx>", "unknown entity &nbsp;"),
        ("\n<tu><tuv xml:lang=\"en\"><seg>a & b</seg></tuv></tu></body></tmx>", "malformed XML"),
        ("\n<tu a=\"1\" a=\"2\"><tuv xml:lang=\"en\"><seg>x</seg></tuv></tu></body></tmx>", "malformed attribute"),
        ("\n<tu><tuv xml:lang=\"en\"><seg>cut", "ends inside <seg>"),
    ] {
        let doc = mixed_tmx(&good, 400, tail);
        std::fs::write(&path, &doc).unwrap();
        let items = read_all(&path, &ReadOptions::default());
        let msg = err_of(items.last().unwrap());
        assert!(msg.contains(expect), "{msg}");
        let line = doc[..doc.len() - tail.len()].matches('\n').count() + 2;
        assert!(msg.contains(&format!("line {line}, column ")), "{msg}");
        same_by_both_paths(&path, &ReadOptions::default());
    }
    // Bytes that are not UTF-8 in a tu of the common shape: the scanner declines it and
    // quick-xml reports it where the text starts.
    let doc = mixed_tmx(&good, 400, "\n<tu><tuv xml:lang=\"en\"><seg>bad ");
    let line = doc.matches('\n').count() + 1;
    let mut doc = doc.into_bytes();
    doc.extend(b"\x93\xfa</seg></tuv></tu></body></tmx>");
    std::fs::write(&path, doc).unwrap();
    let msg = err_of(read_all(&path, &ReadOptions::default()).last().unwrap());
    assert!(msg.contains(&format!("line {line}, column 29: malformed XML")), "{msg}");
    same_by_both_paths(&path, &ReadOptions::default());
}
