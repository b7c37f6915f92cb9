//! The translation unit: one meaning, one variant per language (TMX `tu`/`tuv`).

use crate::lang::Lang;

/// A translation unit with its metadata. Readers produce these, the store keeps them,
/// writers export them. Metadata that tomo does not interpret is kept verbatim
/// (`attrs`, `props`, `notes`) so a round trip through tomo loses nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unit {
    /// TMX `tuid`, if the source had one.
    pub tuid: Option<String>,
    /// The source language of this unit; `None` for `*all*` or unknown.
    pub srclang: Option<Lang>,
    /// Creation date, TMX format `YYYYMMDDThhmmssZ`.
    pub created: Option<String>,
    /// Creator (TMX `creationid`).
    pub created_by: Option<String>,
    /// Last change date, TMX format.
    pub changed: Option<String>,
    /// Last changer (TMX `changeid`).
    pub changed_by: Option<String>,
    /// Where the unit came from: an import file name, or `article.txt#p3` for an aligned article.
    pub origin: Option<String>,
    /// How often the unit was used (TMX `usagecount`).
    pub usage_count: u32,
    /// Last use date, TMX format (TMX `lastusagedate`).
    pub last_used: Option<String>,
    /// Other `tu` attributes, verbatim, in input order (`datatype`, `segtype`, `o-tmf` ...).
    pub attrs: Vec<(String, String)>,
    /// Notes (TMX `note`).
    pub notes: Vec<Note>,
    /// Properties (TMX `prop`), including `x-` ones, verbatim.
    pub props: Vec<Prop>,
    /// One variant per language, in input order.
    pub variants: Vec<Variant>,
}

/// One language's version of a unit (TMX `tuv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The language.
    pub lang: Lang,
    /// The segment as stored: the inner XML of TMX `<seg>`, inline markup (`bpt`, `ept`,
    /// `ph` ...) kept, text XML-escaped. For input without markup it is the escaped text.
    pub seg: String,
    /// The plain text: `seg` without inline elements, unescaped. What a translator reads.
    pub plain: String,
    /// The sentence before this one in its document, when known (for 101 % context matches).
    /// `Some("")` means the document starts here.
    pub context_prev: Option<String>,
    /// The sentence after this one in its document, when known. `Some("")` means it ends here.
    pub context_next: Option<String>,
    /// Other `tuv` attributes, verbatim (`creationdate`, `changeid`, `o-encoding` ...).
    pub attrs: Vec<(String, String)>,
    /// Notes on this variant.
    pub notes: Vec<Note>,
    /// Properties on this variant.
    pub props: Vec<Prop>,
}

impl Variant {
    /// An empty variant in `lang` (`seg` and `plain` empty, no metadata), its buffers
    /// taken from this thread's pool when there are some ([`Unit::recycle`]). A pooled
    /// variant usually had the same language (units of a file come back in the order the
    /// reader fills them), and then its tag is kept rather than cloned (an allocation).
    pub(crate) fn spare(lang: &Lang) -> Variant {
        match SPARE.with(|spare| spare.borrow_mut().variants.pop()) {
            Some(mut v) => {
                if v.lang != *lang {
                    v.lang = lang.clone();
                }
                v.context_prev = None;
                v.context_next = None;
                v.attrs.clear();
                v.notes.clear();
                v.props.clear();
                v
            }
            None => Variant::from_plain(lang.clone(), ""),
        }
    }

    /// A variant from plain text (no inline markup): `seg` is the XML-escaped text.
    pub fn from_plain(lang: Lang, text: &str) -> Variant {
        Variant {
            lang,
            seg: escape_xml(text),
            plain: text.to_string(),
            context_prev: None,
            context_next: None,
            attrs: Vec::new(),
            notes: Vec::new(),
            props: Vec::new(),
        }
    }
}

thread_local! {
    /// Variants of units an import has written, emptied with their buffers kept, for
    /// the reader on the same thread to fill again ([`Unit::recycle`], [`Variant::spare`]).
    static SPARE: std::cell::RefCell<Spare> = const {
        std::cell::RefCell::new(Spare { variants: Vec::new(), lists: Vec::new(), strings: Vec::new(), langs: Vec::new() })
    };
}

/// The pool behind [`Unit::recycle`].
struct Spare {
    variants: Vec<Variant>,
    /// Emptied `Unit::variants` lists.
    lists: Vec<Vec<Variant>>,
    /// Emptied buffers of a unit's dates and ids (`created`, `tuid` ...).
    strings: Vec<String>,
    /// Units' `srclang` tags (a file has one or two: a tag taken back is usually the one
    /// wanted).
    langs: Vec<Lang>,
}

/// Variants the pool holds at most (an import has at most a few thousand units in flight).
const SPARE_VARIANTS: usize = 16_384;

/// Larger buffers are freed rather than kept (a rare long segment would stay allocated).
const SPARE_BYTES: usize = 2048;

impl Unit {
    /// Give this unit's variants back to this thread's pool, their text buffers emptied
    /// but allocated, for [`Variant::spare`] and [`Unit::spare`]. An import sends written
    /// units back to its reading thread: refilling them there instead of freeing and
    /// allocating took about a tenth of that thread's time (glibc's free and malloc of
    /// the same sizes, unit after unit).
    pub(crate) fn recycle(self) {
        let Unit { tuid, srclang, created, created_by, changed, changed_by, last_used, mut variants, .. } = self;
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            for mut s in [tuid, created, created_by, changed, changed_by, last_used].into_iter().flatten() {
                if spare.strings.len() < SPARE_VARIANTS && s.capacity() <= SPARE_BYTES {
                    s.clear();
                    spare.strings.push(s);
                }
            }
            if let Some(lang) = srclang {
                if spare.langs.len() < SPARE_VARIANTS {
                    spare.langs.push(lang);
                }
            }
            // Last variant first: the pool is a stack, and the reader takes the first
            // variant of the next unit first.
            for mut v in variants.drain(..).rev() {
                if spare.variants.len() < SPARE_VARIANTS
                    && v.seg.capacity() <= SPARE_BYTES
                    && v.plain.capacity() <= SPARE_BYTES
                {
                    v.seg.clear();
                    v.plain.clear();
                    spare.variants.push(v);
                }
            }
            if spare.lists.len() < SPARE_VARIANTS && variants.capacity() <= 16 {
                spare.lists.push(variants);
            }
        });
    }

    /// `text` in a buffer from this thread's pool when there is one ([`Unit::recycle`]).
    pub(crate) fn spare_string(text: &str) -> String {
        match SPARE.with(|spare| spare.borrow_mut().strings.pop()) {
            Some(mut s) => {
                s.push_str(text);
                s
            }
            None => text.to_string(),
        }
    }

    /// `lang` for [`Unit::srclang`], from this thread's pool when it holds that tag.
    pub(crate) fn spare_lang(lang: &Lang) -> Lang {
        match SPARE.with(|spare| spare.borrow_mut().langs.pop()) {
            Some(l) if l == *lang => l,
            _ => lang.clone(),
        }
    }

    /// An empty unit, its variant list taken from this thread's pool when there is one.
    pub(crate) fn spare() -> Unit {
        let variants = SPARE.with(|spare| spare.borrow_mut().lists.pop()).unwrap_or_default();
        Unit { variants, ..Default::default() }
    }

    /// A unit with just these variants and no metadata.
    pub fn new(variants: Vec<Variant>) -> Unit {
        Unit { variants, ..Default::default() }
    }

    /// The variant for `lang`, with region fallback (`ja` finds `ja-JP`); an exact tag
    /// match is preferred over a fallback.
    pub fn variant(&self, lang: &Lang) -> Option<&Variant> {
        self.variants.iter().find(|v| &v.lang == lang).or_else(|| self.variants.iter().find(|v| lang.matches(&v.lang)))
    }
}

/// A TMX `note`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// `xml:lang` of the note, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The note text.
    pub text: String,
}

/// A TMX `prop`: a typed, free-form property.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prop {
    /// The `type` attribute (`x-origin`, `Txt::FileName` ...).
    pub kind: String,
    /// `xml:lang` of the prop, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The value.
    pub text: String,
}

/// Escape text as XML character data in tomo's canonical form: `&`, `<`, `>` and `"` as
/// entities, a carriage return as `&#13;` (so XML end-of-line handling cannot drop it).
/// Readers re-serialize `<seg>` text the same way, so equal text gives an equal `seg`
/// whichever format it came from.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped_xml(&mut out, text);
    out
}

/// [`escape_xml`], appending to `out`.
pub fn push_escaped_xml(out: &mut String, text: &str) {
    // Most text needs no escaping: two vectorized searches instead of a byte-by-byte
    // test of five cases (which was a tenth of the TMX reader's instructions).
    let bytes = text.as_bytes();
    let first = match (memchr::memchr3(b'&', b'<', b'>', bytes), memchr::memchr2(b'"', b'\r', bytes)) {
        (None, None) => {
            out.push_str(text);
            return;
        }
        (Some(i), None) | (None, Some(i)) => i,
        (Some(i), Some(j)) => i.min(j),
    };
    // The bytes before the first special one are ASCII-safe to split at: it is ASCII.
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
}

/// The current UTC time in TMX date format (`YYYYMMDDThhmmssZ`), or the time in
/// `SOURCE_DATE_EPOCH` (seconds) when set, so a memory and its exports can be rebuilt
/// byte-identical (the reproducible-builds convention; the shipped sample memory uses it).
pub fn tmx_now() -> String {
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        return tmx_date(secs);
    }
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    tmx_date(secs)
}

/// Seconds since the Unix epoch as a TMX date (`YYYYMMDDThhmmssZ`), UTC.
pub fn tmx_date(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let rem = unix_secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(tmx_date(0), "19700101T000000Z");
        assert_eq!(tmx_date(951_782_400), "20000229T000000Z");
        assert_eq!(tmx_date(1_795_000_000), "20261118T110640Z");
    }

    #[test]
    fn variant_lookup_prefers_exact_tag() {
        let u = Unit::new(vec![
            Variant::from_plain(Lang::parse("en-GB").unwrap(), "colour"),
            Variant::from_plain(Lang::parse("en").unwrap(), "color"),
        ]);
        assert_eq!(u.variant(&Lang::parse("en").unwrap()).unwrap().plain, "color");
        assert_eq!(u.variant(&Lang::parse("en-GB").unwrap()).unwrap().plain, "colour");
    }

    #[test]
    fn recycled_units_come_back_empty() {
        let lang = |t| Lang::parse(t).unwrap();
        let mut v = Variant::from_plain(lang("ja"), "雪が降った。");
        v.context_prev = Some("前".into());
        v.attrs.push(("creationid".into(), "x".into()));
        v.notes.push(Note { lang: None, text: "n".into() });
        v.props.push(Prop { kind: "k".into(), lang: None, text: "p".into() });
        let mut u = Unit::new(vec![v, Variant::from_plain(lang("en"), "It snowed.")]);
        u.tuid = Some("1".into());
        u.created = Some("20240101T000000Z".into());
        u.srclang = Some(lang("ja"));
        u.recycle();
        assert_eq!(Unit::spare_lang(&lang("ja")), lang("ja"));
        assert_eq!(Unit::spare_lang(&lang("en")), lang("en"), "the pool is empty");
        let (a, b) = (Unit::spare_string("x"), Unit::spare_string("y"));
        assert_eq!((a.as_str(), b.as_str()), ("x", "y"));
        assert!(a.capacity() >= 16 || b.capacity() >= 16, "a buffer is reused");
        let u = Unit::spare();
        assert_eq!(u, Unit::default());
        assert!(u.variants.capacity() >= 2, "the list is reused");
        let v = Variant::spare(&lang("ja"));
        assert_eq!(v, Variant::from_plain(lang("ja"), ""));
        assert!(v.seg.capacity() >= "雪が降った。".len(), "the first variant comes back first");
        let v = Variant::spare(&lang("ko"));
        assert_eq!(v, Variant::from_plain(lang("ko"), ""));
        assert!(v.seg.capacity() > 0, "the buffers are reused");
        // The pool is empty now: a fresh variant.
        assert_eq!(Variant::spare(&lang("ko")).seg.capacity(), 0);
    }

    #[test]
    fn escape() {
        assert_eq!(escape_xml("a<b & \"c\">\r\n"), "a&lt;b &amp; &quot;c&quot;&gt;&#13;\n");
        assert_eq!(escape_xml("雪 \"x\" 雪"), "雪 &quot;x&quot; 雪");
        assert_eq!(escape_xml("日本語\r"), "日本語&#13;");
        assert_eq!(escape_xml("日本語"), "日本語");
    }
}
