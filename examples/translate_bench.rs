//! Times `translate` and `analyze` of a 200-sentence Japanese article against a large memory,
//! to show the cost per sentence is one indexed lookup (no scan of the memory per article):
//!
//! ```sh
//! cargo run --release --example translate_bench -- 1000000     # units in the memory
//! ```
//!
//! The memory (generated news-like sentences from templates, plus the example articles) is
//! kept in `$BENCH_DB` (default: the temp dir) and reused when it already holds that many
//! units, since building it takes longer than the measurement.

use std::time::Instant;

use tomo::formats::ReadItem;
use tomo::lang::Lang;
use tomo::report::{DraftOptions, analyze, draft::draft_text};
use tomo::tm::{ImportOptions, TranslationMemory, Unit, Variant};

const WHO: &[&str] = &[
    "政府",
    "気象庁",
    "日本銀行",
    "総務省",
    "国土交通省",
    "警察",
    "消防",
    "市",
    "県",
    "検察側",
    "弁護側",
    "裁判所",
    "厚生労働省",
    "外務省",
    "財務省",
    "首相",
    "知事",
    "市長",
    "委員会",
    "野党",
];
const WHEN: &[&str] = &["14日", "15日午前", "16日未明", "昨年", "今月", "先週", "20日午後", "同日", "5日夜", "28日"];
const WHERE: &[&str] = &[
    "東京都",
    "大阪府",
    "北海道",
    "福岡県",
    "鹿児島県",
    "宮崎県",
    "高知県",
    "愛知県",
    "広島県",
    "宮城県",
    "新潟県",
    "沖縄県",
    "長野県",
    "静岡県",
    "熊本県",
    "京都府",
];
const WHAT: &[&str] = &[
    "の対策本部を設置した",
    "で記者会見を開いた",
    "に職員を派遣した",
    "の被害状況を調査している",
    "での運転を見合わせた",
    "に避難指示を出した",
    "の復旧作業を急いでいる",
    "で調査結果を発表した",
    "の見直しを進める考えを示した",
    "への支援を表明した",
    "の警戒を呼びかけている",
    "で新たな計画をまとめた",
];

/// The `i`-th generated unit: a Japanese sentence and a stand-in English one.
fn generated(i: usize, ja: &Lang, en: &Lang) -> Unit {
    let w = WHO[i % WHO.len()];
    let t = WHEN[(i / WHO.len()) % WHEN.len()];
    let p = WHERE[(i / (WHO.len() * WHEN.len())) % WHERE.len()];
    let a = WHAT[(i / (WHO.len() * WHEN.len() * WHERE.len())) % WHAT.len()];
    let n = i / (WHO.len() * WHEN.len() * WHERE.len() * WHAT.len());
    let text = format!("{w}は{t}、{p}{a}と発表し、対象は{n}件に上るという。");
    Unit::new(vec![Variant::from_plain(ja.clone(), &text), Variant::from_plain(en.clone(), &format!("Sentence {i}."))])
}

fn main() -> tomo::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let path = std::env::var_os("BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("tomo-translate-bench-{n}.db")));
    let (ja, en) = (Lang::parse("ja")?, Lang::parse("en")?);
    let mut tm = TranslationMemory::open(&path)?;
    if tm.stats()?.units < n as u64 {
        let t = Instant::now();
        let items = (0..n).map(|i| Ok(ReadItem::Unit(generated(i, &ja, &en))));
        let r = tm.import(items, &ImportOptions { origin: Some("generated".into()) })?;
        println!("memory: {} units imported in {:.1}s ({})", r.new, t.elapsed().as_secs_f64(), path.display());
    }
    println!("memory: {} units", tm.stats()?.units);

    // 200 sentences: generated ones as stored (exact), with one slot changed (fuzzy), and new.
    let mut article = String::new();
    for k in 0..200 {
        let i = (k * 7919) % n;
        let s = match k % 4 {
            0 => generated(i, &ja, &en).variants[0].plain.clone(),
            1 => generated(i, &ja, &en).variants[0].plain.replace('、', "、新たに"),
            2 => generated(i, &ja, &en).variants[0].plain.replace("発表し", "明らかにし"),
            _ => format!("記者が{k}番目の現場で住民に話を聞いたところ、不安の声が相次いだ。"),
        };
        article.push_str(&s);
        article.push_str(if k % 5 == 4 { "\n\n" } else { "" });
    }

    let opts = DraftOptions::default();
    let t = Instant::now();
    let draft = draft_text(&tm, "bench.txt", &article, &ja, &en, &opts)?;
    let secs = t.elapsed().as_secs_f64();
    let sentences = draft.segments.len();
    let found = draft.segments.iter().filter(|s| s.best.is_some()).count();
    println!(
        "translate: {sentences} sentences in {:.3}s: {:.0} lookups/s ({found} with a draft at {}%+)",
        secs,
        sentences as f64 / secs,
        opts.min_score
    );

    let t = Instant::now();
    let opts50 = DraftOptions { min_score: 50, limit: 1 };
    let draft50 = draft_text(&tm, "bench.txt", &article, &ja, &en, &opts50)?;
    let report = analyze(&[draft50], &ja, &en);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "analyze:   {} sentences in {:.3}s: {:.0} lookups/s",
        report.overall.total.segments,
        secs,
        sentences as f64 / secs
    );
    Ok(())
}
