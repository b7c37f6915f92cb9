//! The scoring rules of the README's "Fuzzy matching" section, one test per rule, and the
//! exactness contract (indexed top-k = brute force) as a property test.

use proptest::prelude::*;

use super::*;
use crate::formats::ReadItem;
use crate::tm::{ImportOptions, Unit, Variant};

fn l(tag: &str) -> Lang {
    Lang::parse(tag).unwrap()
}

fn unit(src: (&str, &str), tgt: (&str, &str)) -> Unit {
    Unit::new(vec![Variant::from_plain(l(src.0), src.1), Variant::from_plain(l(tgt.0), tgt.1)])
}

fn memory(units: Vec<Unit>) -> TranslationMemory {
    let mut tm = TranslationMemory::open_in_memory().unwrap();
    tm.import(units.into_iter().map(|u| Ok(ReadItem::Unit(u))), &ImportOptions::default()).unwrap();
    tm
}

fn look(tm: &TranslationMemory, text: &str, from: &str, to: &str, min: u8) -> Vec<Match> {
    let (from, to) = (l(from), l(to));
    let q = Lookup { text, from: &from, to: &to, min_score: min, limit: 5 };
    let got = tm.lookup(&q).unwrap();
    let brute = tm.lookup_brute_force(&q).unwrap();
    assert_eq!(summary(&got), summary(&brute), "indexed and brute force differ for {text:?}");
    got
}

fn summary(m: &[Match]) -> Vec<(i64, u8)> {
    m.iter().map(|m| (m.unit, m.score)).collect()
}

#[test]
fn identical_as_typed_is_100_and_exact() {
    let tm = memory(vec![unit(("en", "The vote is on Sunday."), ("ja", "投票は日曜日。"))]);
    let m = look(&tm, "The vote is on Sunday.", "en", "ja", 75);
    assert_eq!((m[0].score, m[0].kind), (100, MatchKind::Exact));
    assert_eq!(m[0].target, "投票は日曜日。");
    assert!(m[0].diff.iter().all(|d| d.op == DiffKind::Equal));
}

#[test]
fn word_edit_distance_over_longer_length() {
    // 6 tokens each (5 words + period); one substitution: 100 × (1 − 1/6) = 83.
    let tm = memory(vec![unit(("en", "The vote is on Sunday."), ("ja", "投票は日曜日。"))]);
    let m = look(&tm, "The vote is on Monday.", "en", "ja", 50);
    assert_eq!((m[0].score, m[0].kind, m[0].edits), (83, MatchKind::Fuzzy, 1));
    let changed: Vec<_> = m[0].diff.iter().filter(|d| d.op != DiffKind::Equal).collect();
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].query.as_str(), changed[0].source.as_str()), ("monday", "sunday"));
}

#[test]
fn japanese_by_character() {
    // 10 characters against 10, one differs: 90.
    let tm = memory(vec![unit(("ja", "東京で雪が降りました。"), ("en", "It snowed in Tokyo."))]);
    let m = look(&tm, "大阪で雪が降りました。", "ja", "en", 50);
    assert_eq!(m[0].score, 81, "2 of 11 characters differ: 100 × 9/11 = 81");
    let m = look(&tm, "東京で雨が降りました。", "ja", "en", 50);
    assert_eq!(m[0].score, 90, "1 of 11 differs: 100 × 10/11 = 90");
}

#[test]
fn normalization_differences_cost_one_point_per_kind() {
    let tm = memory(vec![unit(("en", "The vote is on Sunday."), ("ja", "投票は日曜日。"))]);
    let m = look(&tm, "the vote is on sunday.", "en", "ja", 50);
    assert_eq!((m[0].score, m[0].base), (99, 100));
    assert_eq!(m[0].penalties, [Penalty { kind: PenaltyKind::Case, points: 1 }]);
    let m = look(&tm, "the  vote is on sunday.", "en", "ja", 50);
    assert_eq!(m[0].score, 98, "case and spacing");
    let m = look(&tm, "Ｔｈｅ vote is on Sunday.", "en", "ja", 50);
    assert_eq!((m[0].score, m[0].penalties[0].kind), (99, PenaltyKind::Width));
}

#[test]
fn inline_tags_cost_one_point() {
    let mut v = Variant::from_plain(l("en"), "The vote is on Sunday.");
    v.seg = "The vote is on <bpt i=\"1\">&lt;b&gt;</bpt>Sunday<ept i=\"1\">&lt;/b&gt;</ept>.".into();
    let tm = memory(vec![Unit::new(vec![v, Variant::from_plain(l("ja"), "投票は日曜日。")])]);
    let m = look(&tm, "The vote is on Sunday.", "en", "ja", 50);
    assert_eq!((m[0].score, m[0].kind), (99, MatchKind::Fuzzy));
    assert_eq!(m[0].penalties, [Penalty { kind: PenaltyKind::Tags, points: 1 }]);
}

#[test]
fn numbers_only_difference_is_a_numbers_match_with_substitution() {
    let tm = memory(vec![unit(("ja", "売上は3月に5%増えた。"), ("en", "Sales rose 5% in March (month 3)."))]);
    let m = look(&tm, "売上は3月に7%増えた。", "ja", "en", 50);
    assert_eq!((m[0].score, m[0].kind), (99, MatchKind::Numbers));
    assert_eq!(m[0].target, "Sales rose 7% in March (month 3).");
    assert_eq!(m[0].substituted, Some(true));
}

#[test]
fn ambiguous_number_substitution_keeps_the_translation() {
    let tm = memory(vec![unit(("en", "3 dead and 3 hurt."), ("ja", "3人死亡、3人負傷。"))]);
    let m = look(&tm, "4 dead and 3 hurt.", "en", "ja", 50);
    assert_eq!(m[0].kind, MatchKind::Numbers);
    assert_eq!((m[0].target.as_str(), m[0].substituted), ("3人死亡、3人負傷。", Some(false)));
}

#[test]
fn several_translations_all_returned_most_recent_first_and_flagged() {
    let mut a = unit(("en", "Snow fell."), ("ja", "雪が降った。"));
    a.changed = Some("20240101T000000Z".into());
    let mut b = unit(("en", "Snow fell."), ("ja", "降雪があった。"));
    b.changed = Some("20250101T000000Z".into());
    let mut c = unit(("en", "Snow fell."), ("ja", "雪が降りました。"));
    c.changed = Some("20250101T000000Z".into());
    c.usage_count = 5;
    let tm = memory(vec![a, b, c]);
    let m = look(&tm, "Snow fell.", "en", "ja", 75);
    let targets: Vec<_> = m.iter().map(|m| m.target.as_str()).collect();
    assert_eq!(targets, ["雪が降りました。", "降雪があった。", "雪が降った。"], "recent, then usage");
    assert!(m.iter().all(|m| m.multiple && m.score == 100));
}

#[test]
fn single_translation_is_not_multiple_and_explains_origin() {
    let mut u = unit(("en", "Snow fell."), ("ja", "雪が降った。"));
    u.origin = Some("desk.tmx".into());
    u.created = Some("20240101T000000Z".into());
    let tm = memory(vec![u]);
    let m = look(&tm, "Snow fell.", "en", "ja", 75);
    assert!(!m[0].multiple);
    assert_eq!(m[0].origin.as_deref(), Some("desk.tmx"));
    assert_eq!(m[0].changed.as_deref(), Some("20240101T000000Z"));
}

#[test]
fn below_threshold_and_wrong_language_find_nothing() {
    let tm = memory(vec![unit(("en", "The vote is on Sunday."), ("ja", "投票は日曜日。"))]);
    assert!(look(&tm, "Markets fell sharply on Monday.", "en", "ja", 50).is_empty());
    assert!(look(&tm, "The vote is on Sunday.", "en", "ko", 50).is_empty(), "no Korean translation");
    let tm = memory(vec![unit(("en-US", "The vote is on Sunday."), ("ja", "投票は日曜日。"))]);
    assert!(look(&tm, "The vote is on Sunday.", "en-GB", "ja", 50).is_empty(), "en-GB does not accept en-US");
}

#[test]
fn region_fallback_finds_bare_and_regional_tags() {
    let tm = memory(vec![unit(("en-US", "Snow fell."), ("ja-JP", "雪が降った。"))]);
    assert_eq!(look(&tm, "Snow fell.", "en", "ja", 75).len(), 1);
}

/// The translation comes from the source's own unit, the variant tagged exactly `--to`
/// preferred over a regional one, whichever rows lie beside the source variant (a lookup
/// reads the neighbouring rows first: `search::sibling_target`).
#[test]
fn translation_is_the_units_own_whatever_row_is_beside_the_source() {
    let v = |tag: &str, text: &str| Variant::from_plain(l(tag), text);
    let tm = memory(vec![
        // The next row is another unit's variant tagged exactly `en`.
        Unit::new(vec![v("en-GB", "Snow fell in Tokyo, GB."), v("ja", "東京で雪が降った。")]),
        Unit::new(vec![v("en", "Other unit."), v("ja", "まったく別の文です。")]),
        // The row beside the source is regional; the exact tag is two rows on.
        Unit::new(vec![v("ja", "大阪で雨が降った。"), v("en-GB", "Rain in Osaka, GB."), v("en", "Rain in Osaka.")]),
        // The usual layout: the translation is the row before.
        unit(("en", "Rain in Kyoto."), ("ja", "京都で雨が降った。")),
    ]);
    let target = |text: &str| look(&tm, text, "ja", "en", 100).first().map(|m| m.target.clone());
    assert_eq!(target("東京で雪が降った。").as_deref(), Some("Snow fell in Tokyo, GB."));
    assert_eq!(target("大阪で雨が降った。").as_deref(), Some("Rain in Osaka."));
    assert_eq!(target("京都で雨が降った。").as_deref(), Some("Rain in Kyoto."));
    let gb = l("en-GB");
    let q = Lookup { text: "大阪で雨が降った。", from: &l("ja"), to: &gb, min_score: 100, limit: 5 };
    assert_eq!(tm.lookup(&q).unwrap()[0].target, "Rain in Osaka, GB.");
}

#[test]
fn limit_keeps_the_best() {
    let units = (0..20).map(|i| unit(("en", &format!("Item {i} was sold at the market today")), ("ja", "x"))).collect();
    let tm = memory(units);
    let m = look(&tm, "Item 7 was sold at the market today", "en", "ja", 50);
    assert_eq!(m.len(), 5);
    assert!(m.iter().all(|m| m.kind == MatchKind::Numbers || m.kind == MatchKind::Exact));
    assert_eq!(m[0].kind, MatchKind::Exact);
}

// --- the exactness contract -------------------------------------------------------------

const WORDS: &[&str] = &[
    "the", "vote", "on", "sunday", "prime", "minister", "said", "a", "of", "market", "rose", "fell", ",", ".", "3",
    "2024",
];
const CHARS: &[char] = &['東', '京', 'で', '雪', 'が', '降', 'っ', 'た', '。', '大', '阪', '雨', '、', 'の', '日'];

fn en_sentence() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), 1..14).prop_map(|w| w.join(" "))
}

fn ja_sentence() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(CHARS), 1..30).prop_map(|c| c.into_iter().collect())
}

#[test]
fn first_tries_at_95_and_90_neither_lose_nor_repeat_a_match() {
    // Two exact copies (found by the try at 95, which does not fill the limit), nothing
    // between 90 and 95, and matches near 80 that only the search at `min` admits.
    let query = "東京都の今年の人口は前年より少し増えたと発表した。";
    let mut sources = vec![query.to_string(), query.to_string()];
    sources.extend(
        ["大阪府", "京都府", "北海道", "沖縄県"].map(|p| query.replacen("東京都の今年", &format!("{p}の昨年"), 1)),
    );
    sources.push("まったく別の文です。".to_string());
    for budget in [search::ADMISSION_BUDGET, 0] {
        search::TEST_BUDGET.with(|b| b.set(budget));
        let tm = memory(sources.iter().enumerate().map(|(i, s)| unit(("ja", s), ("en", &format!("t{i}")))).collect());
        let got = look(&tm, query, "ja", "en", 75);
        search::TEST_BUDGET.with(|b| b.set(search::ADMISSION_BUDGET));
        let scores: Vec<u8> = got.iter().map(|m| m.score).collect();
        assert_eq!(scores.len(), 5, "budget {budget}: {scores:?}");
        assert_eq!(&scores[..2], [100, 100], "budget {budget}");
        assert!(scores[2..].iter().all(|&s| (75..90).contains(&s)), "budget {budget}: {scores:?}");
        let mut units: Vec<i64> = got.iter().map(|m| m.unit).collect();
        units.dedup();
        assert_eq!(units.len(), 5, "budget {budget}: a match repeated");
    }
}

fn check_contract(sources: &[String], queries: &[String], from: &str, min: u8, limit: usize) {
    let to = if from == "en" { "ja" } else { "en" };
    let units: Vec<Unit> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut u = unit((from, s), (to, &format!("t{i}")));
            u.changed = Some(format!("2024{:02}01T000000Z", 1 + i % 12));
            u
        })
        .collect();
    // Once with the lists in the layout the writer chooses, once with every list grouped
    // by token count and every character pair given its row of frequencies in `fz_pair` (a
    // small memory's lists are mostly too short for either).
    for grouped in [false, true] {
        crate::tm::index::ALWAYS_GROUPED.with(|g| g.set(grouped));
        crate::tm::index::TEST_PAIR_ROW_MIN.with(|m| m.set(if grouped { 1 } else { crate::tm::index::PAIR_ROW_MIN }));
        let tm = memory(units.clone());
        crate::tm::index::ALWAYS_GROUPED.with(|g| g.set(false));
        crate::tm::index::TEST_PAIR_ROW_MIN.with(|m| m.set(crate::tm::index::PAIR_ROW_MIN));
        check_memory(&tm, queries, from, to, min, limit);
    }
}

fn check_memory(tm: &TranslationMemory, queries: &[String], from: &str, to: &str, min: u8, limit: usize) {
    let (f, t) = (l(from), l(to));
    for text in queries {
        let q = Lookup { text, from: &f, to: &t, min_score: min, limit };
        let brute = tm.lookup_brute_force(&q).unwrap();
        // Also with no admission budget: every search then starts with the first tries at
        // 95 and 90 (what a memory of formulaic sentences gets).
        for budget in [search::ADMISSION_BUDGET, 0] {
            search::TEST_BUDGET.with(|b| b.set(budget));
            let got = tm.lookup(&q);
            search::TEST_BUDGET.with(|b| b.set(search::ADMISSION_BUDGET));
            assert_eq!(
                summary(&got.unwrap()),
                summary(&brute),
                "query {text:?} min {min} limit {limit} budget {budget}"
            );
        }
    }
    // Again as `tomo lookup --stdin` runs them: one batch, reading the pair frequencies
    // from a copy of `fz_pair` (made here at the first read).
    crate::tm::index::TEST_PAIR_READS_BEFORE_COPY.with(|r| r.set(0));
    let batch = crate::tm::index::batch_pair_rows(tm.conn());
    for text in queries {
        let q = Lookup { text, from: &f, to: &t, min_score: min, limit };
        let brute = tm.lookup_brute_force(&q).unwrap();
        assert_eq!(summary(&tm.lookup(&q).unwrap()), summary(&brute), "query {text:?} min {min} limit {limit} batch");
    }
    drop(batch);
    crate::tm::index::TEST_PAIR_READS_BEFORE_COPY.with(|r| r.set(crate::tm::index::PAIR_READS_BEFORE_COPY));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn indexed_equals_brute_force_en(
        sources in proptest::collection::vec(en_sentence(), 1..60),
        queries in proptest::collection::vec(en_sentence(), 1..6),
        min in 50u8..=100,
        limit in 1usize..8,
    ) {
        // Queries also include near-copies of stored sources, which is where ties live.
        let mut qs = queries.clone();
        qs.extend(sources.iter().take(3).map(|s| s.replacen("the", "a", 1)));
        check_contract(&sources, &qs, "en", min, limit);
    }

    #[test]
    fn indexed_equals_brute_force_ja(
        sources in proptest::collection::vec(ja_sentence(), 1..60),
        queries in proptest::collection::vec(ja_sentence(), 1..6),
        min in 50u8..=100,
        limit in 1usize..8,
    ) {
        let mut qs = queries.clone();
        qs.extend(sources.iter().take(3).map(|s| s.replacen('雪', "雨", 1)));
        check_contract(&sources, &qs, "ja", min, limit);
    }

    /// Stored sources are the query with insertions and deletions, so their lengths spread
    /// from well below to well above the query's: the admission needs a different number
    /// of shared grams per stored length, and a wrong one loses a match here.
    #[test]
    fn indexed_equals_brute_force_ja_lengths(
        base in proptest::collection::vec(proptest::sample::select(CHARS), 8..40),
        edits in proptest::collection::vec(
            proptest::collection::vec((any::<bool>(), any::<usize>(), proptest::sample::select(CHARS)), 0..14),
            1..40,
        ),
        min in 50u8..=100,
        limit in 1usize..6,
    ) {
        let sources: Vec<String> = edits
            .iter()
            .map(|ops| {
                let mut c = base.clone();
                for &(insert, at, ch) in ops {
                    if insert {
                        c.insert(at % (c.len() + 1), ch);
                    } else if c.len() > 1 {
                        c.remove(at % c.len());
                    }
                }
                c.into_iter().collect()
            })
            .collect();
        let query: String = base.iter().collect();
        check_contract(&sources, &[query], "ja", min, limit);
    }
}
