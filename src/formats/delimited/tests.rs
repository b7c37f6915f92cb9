//! CSV/TSV reader and writer tests on the fixtures in tests/data/csv.

use std::path::{Path, PathBuf};

use super::*;
use crate::formats::{ReadItem, ReadOptions, UnitWriter, WriteHeader};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv").join(name)
}

fn l(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn format_of(path: &Path) -> Format {
    Format::from_path(path).unwrap()
}

fn items(name: &str, opts: &ReadOptions) -> Result<Vec<Result<ReadItem>>> {
    let path = fixture(name);
    Ok(read_file(&path, format_of(&path), opts)?.collect())
}

fn units(name: &str, opts: &ReadOptions) -> Vec<Unit> {
    items(name, opts)
        .unwrap()
        .into_iter()
        .filter_map(|i| match i.unwrap() {
            ReadItem::Unit(u) => Some(u),
            ReadItem::Skipped(_) => None,
        })
        .collect()
}

fn plain(u: &Unit, tag: &str) -> String {
    u.variant(&l(tag)).map(|v| v.plain.clone()).unwrap_or_default()
}

#[test]
fn utf8_bom_semicolon_and_quoted_fields() {
    let u = units("bom-semicolon.csv", &ReadOptions::default());
    assert_eq!(u.len(), 2);
    assert_eq!(u[0].variants[0].lang, l("ja-JP"), "JA_jp read as ja-JP");
    assert_eq!(u[0].srclang, Some(l("ja-JP")), "the first language column is the source");
    assert_eq!(plain(&u[0], "en-US"), "It snowed.");
    assert!(u[0].notes.is_empty(), "an empty note cell adds no note");
    assert_eq!(plain(&u[1], "ja"), "「はい」；そう");
    assert_eq!(plain(&u[1], "en"), "Yes; \"so\"\nsaid he.");
    assert_eq!(u[1].variants[1].seg, "Yes; &quot;so&quot;\nsaid he.");
    assert_eq!(u[1].notes[0].text, "quoted");
}

#[test]
fn utf16_with_and_without_bom() {
    let u = units("excel-unicode-utf16le.tsv", &ReadOptions::default());
    assert_eq!(u.len(), 2);
    assert_eq!(plain(&u[0], "ko"), "서울");
    assert_eq!(plain(&u[1], "en"), "tab\tinside");
    let u = units("utf16be-no-bom.csv", &ReadOptions::default());
    assert_eq!((plain(&u[0], "ja").as_str(), plain(&u[0], "en").as_str()), ("東京", "Tokyo"));
}

#[test]
fn headerless_tsv_needs_langs() {
    let err = items("headerless.tsv", &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("headerless.tsv: line 1") && err.contains("--langs"), "{err}");
    let opts = ReadOptions { langs: Some(vec![l("ja"), l("en")]), ..Default::default() };
    let u = units("headerless.tsv", &opts);
    assert_eq!(u.len(), 2, "the first row is data, not a header");
    assert_eq!(plain(&u[1], "en"), "Rain in Osaka.");
}

#[test]
fn wrong_field_count_is_an_error_naming_the_row() {
    let all = items("wrong-field-count.csv", &ReadOptions::default()).unwrap();
    assert!(matches!(all[0], Ok(ReadItem::Unit(_))));
    let err = all[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("wrong-field-count.csv: line 3: row 3 has 3 fields where the header has 2"), "{err}");
    assert_eq!(all.len(), 2, "nothing after the error");
}

#[test]
fn invalid_utf8_is_an_error_naming_the_row() {
    let all = items("invalid-utf8.csv", &ReadOptions::default()).unwrap();
    let err = all.last().unwrap().as_ref().unwrap_err().to_string();
    assert!(err.contains("row 3") && err.contains("not valid UTF-8"), "{err}");
}

#[test]
fn metadata_columns_and_empty_cells() {
    let all = items("metadata.csv", &ReadOptions::default()).unwrap();
    assert_eq!(all.len(), 3);
    let ReadItem::Unit(first) = all[0].as_ref().unwrap() else { panic!("{:?}", all[0]) };
    assert_eq!(first.variants.len(), 2, "the empty ko cell is no variant");
    assert_eq!(first.origin.as_deref(), Some("desk-7.txt"));
    assert_eq!(first.created.as_deref(), Some("20240501T000000Z"));
    assert_eq!(first.notes[0].text, "first, greeting");
    let ReadItem::Skipped(s) = all[1].as_ref().unwrap() else { panic!("{:?}", all[1]) };
    assert_eq!((s.unit.as_str(), s.line), ("row 3", Some(3)));
    let ReadItem::Unit(third) = all[2].as_ref().unwrap() else { panic!("{:?}", all[2]) };
    assert_eq!(third.srclang, Some(l("en-US")));
    assert_eq!(third.created.as_deref(), Some("20240502T101010Z"));
}

#[test]
fn langs_selects_columns_of_a_file_with_header() {
    let opts = ReadOptions { langs: Some(vec![l("ja"), l("en")]), ..Default::default() };
    let all = items("metadata.csv", &opts).unwrap();
    let ReadItem::Unit(first) = all[0].as_ref().unwrap() else { panic!() };
    let tags: Vec<&str> = first.variants.iter().map(|v| v.lang.as_str()).collect();
    assert_eq!(tags, ["en-US", "ja-JP"]);
    assert!(matches!(all[2], Ok(ReadItem::Skipped(_))), "row 4 has no ja text");
    let opts = ReadOptions { langs: Some(vec![l("de")]), ..Default::default() };
    let err = items("metadata.csv", &opts).unwrap_err().to_string();
    assert!(err.contains("--langs asks for de"), "{err}");
}

#[test]
fn bad_header_and_dates() {
    let err = items("duplicate-column.csv", &ReadOptions::default()).unwrap_err().to_string();
    assert!(err.contains("names the column en twice"), "{err}");
    let all = items("bad-date.csv", &ReadOptions::default()).unwrap();
    let err = all[0].as_ref().unwrap_err().to_string();
    assert!(err.contains("line 2: row 2: created \"yesterday\" is not a date"), "{err}");
}

#[test]
fn delimiter_and_header_sniffing() {
    assert_eq!(sniff("ja,en", b'\t').0, b',');
    assert_eq!(sniff("ja\ten-US\tnote", b',').0, b'\t');
    // No header: the extension's delimiter wins when present, even with commas in the text.
    let (d, h) = sniff("東京, 大阪\tTokyo, Osaka", b'\t');
    assert_eq!((d, h), (b'\t', None));
    assert!(header_columns("Hello,Bonjour", b',').is_none(), "not language tags");
    assert!(header_columns("note,origin", b',').is_none(), "no language column");
}

fn write(format: Format, header: &WriteHeader, units: &[Unit]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out");
    let file = std::fs::File::create(&path).unwrap();
    let mut w: Box<dyn UnitWriter> = Box::new(DelimitedWriter::new(Box::new(file), format, header).unwrap());
    for u in units {
        w.write_unit(u).unwrap();
    }
    w.finish().unwrap();
    std::fs::read(&path).unwrap()
}

fn sample() -> Vec<Unit> {
    let mut a = Unit::new(vec![
        Variant::from_plain(l("ja-JP"), "「雪」、\"引用\""),
        Variant::from_plain(l("en-US"), "Tab\there,\nnewline"),
    ]);
    a.srclang = Some(l("ja-JP"));
    a.notes.push(Note { lang: None, text: "n1".into() });
    a.origin = Some("a.txt#p1".into());
    a.created = Some("20240101T000000Z".into());
    let mut b = Unit::new(vec![Variant::from_plain(l("ja-JP"), "一"), Variant::from_plain(l("en-US"), "One")]);
    b.srclang = Some(l("ja-JP"));
    vec![a, b]
}

#[test]
fn csv_has_bom_crlf_and_rfc4180_quoting() {
    let header = WriteHeader { srclang: Some(l("ja-JP")), langs: vec![l("ja-JP"), l("en-US")] };
    let bytes = write(Format::Csv, &header, &sample());
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(
        text,
        "\u{feff}ja-JP,en-US,note,origin,created\r\n\
         \"「雪」、\"\"引用\"\"\",\"Tab\there,\nnewline\",n1,a.txt#p1,20240101T000000Z\r\n\
         一,One,,,\r\n"
    );
}

#[test]
fn tsv_has_no_bom_and_quotes_tabs_and_newlines() {
    let header = WriteHeader { srclang: None, langs: vec![l("ja-JP"), l("en-US")] };
    let text = String::from_utf8(write(Format::Tsv, &header, &sample())).unwrap();
    assert!(text.starts_with("ja-JP\ten-US\tnote\torigin\tcreated\n"), "{text}");
    assert!(text.contains("\t\"Tab\there,\nnewline\"\t"), "{text}");
}

#[test]
fn write_then_read_gives_the_same_units() {
    let header = WriteHeader { srclang: Some(l("ja-JP")), langs: vec![l("ja-JP"), l("en-US")] };
    for format in [Format::Csv, Format::Tsv] {
        let bytes = write(format, &header, &sample());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("back");
        std::fs::write(&path, bytes).unwrap();
        let back: Vec<Unit> = read_file(&path, format, &ReadOptions::default())
            .unwrap()
            .map(|i| match i.unwrap() {
                ReadItem::Unit(u) => u,
                ReadItem::Skipped(s) => panic!("{s:?}"),
            })
            .collect();
        assert_eq!(back, sample(), "{format:?}");
    }
}
