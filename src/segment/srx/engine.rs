//! Running compiled SRX rules: [`SrxSegmenter`].
//!
//! Semantics (SRX 2.0): at a position `p`, the rules are tried in order and the first rule
//! whose `beforebreak` matches text *ending exactly at* `p` and whose `afterbreak` matches
//! text *starting exactly at* `p` decides: break or no break. A missing pattern matches the
//! empty string; where no rule matches there is no break. The two patterns are always run
//! separately (never concatenated into one regex), and each sees the whole block, so
//! `^`, `\b` and look-around at the edges of a pattern look at the real neighbours.
//!
//! How it avoids testing every rule at every byte:
//!
//! 1. **Candidates** come from the break rules only (a no-break rule can only veto). The
//!    `beforebreak` patterns of all break rules are compiled into one forward lazy DFA in
//!    "all matches, overlapping" mode, and one linear pass reports *every* position where any
//!    of them can end, so a pattern like `\.` or `[.?!]+` yields every end position, not only
//!    the ends of non-overlapping leftmost matches. A break rule without `beforebreak`
//!    contributes every start of an `afterbreak` match.
//! 2. **Decision**: at each candidate (sorted, de-duplicated), one backward scan of a reverse
//!    lazy DFA holding all plain `beforebreak` patterns, anchored at the candidate, marks the
//!    rules whose `beforebreak` ends there (it reads back only as far as a pattern can
//!    reach). The rules are then tried in order, with an anchored forward search for each
//!    `afterbreak`, until one decides.
//!
//! Patterns with look-around, atomic groups, possessive quantifiers or back references run
//! on `fancy-regex` (a backtracker, slower): their candidates come from a leftmost match at
//! every start position, and "ends exactly at `p`" is tested as `\G(?<=(?:B))`, a
//! variable-length look-behind anchored at `p`.
//!
//! The lazy DFA cannot evaluate a Unicode `\b` next to a non-ASCII byte; it then gives up,
//! and for that search only a slower exact engine takes over: `(?s:(?:B).)\z` on a window
//! ending one char after the candidate (so an edge `\b` sees both neighbours), reaching back
//! the pattern's maximum length, or 512 bytes if it has none; candidates then
//! come from leftmost matches at every start. Each check stays bounded, so one 5 MB
//! paragraph is still linear.
//!
//! [`MatchMode::OmegaT`] replaces all of this with OmegaT's own loop (see there).

use std::sync::Mutex;

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA, OverlappingState};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};

use super::LanguageRules;
use super::regex::translate;
use crate::segment::Segmenter;

/// How a rule's patterns are matched against the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// SRX 2.0: `beforebreak` may be *any* match ending at the position (overlapping
    /// matches count), `afterbreak` any match starting there.
    #[default]
    Spec,
    /// What OmegaT does (`Segmenter.java`, 3.6 up to today): `beforebreak` candidates are
    /// the ends of the non-overlapping leftmost matches found left to right, and
    /// `afterbreak` is checked with one matcher that only moves forward, so an `afterbreak`
    /// match overlapping the previous one is missed. With `[.?!]+`, "Hi?!" then has no
    /// candidate between `?` and `!`, and with `\.\.\.` the end of "....." is not an end.
    /// Slower (every rule scans the block), but gives OmegaT's segments exactly.
    OmegaT,
}

/// A segmenter running compiled SRX rules for one language (see the module doc for the
/// matching semantics and strategy).
pub struct SrxSegmenter {
    rules: Vec<Rule>,
    mode: MatchMode,
    /// All plain `beforebreak` patterns of break rules in one forward DFA: one pass over
    /// the block finds every candidate.
    forward: Option<DFA>,
    /// All plain `beforebreak` patterns in one reverse DFA: one backward scan from a
    /// candidate says which rules' `beforebreak` end there.
    reverse: Option<DFA>,
    reverse_rules: Vec<usize>,
    /// Lazy-DFA caches, one set per concurrent caller; taken for a call and put back.
    pool: Mutex<Vec<Caches>>,
}

/// Mutable search state for one call of [`SrxSegmenter::breaks`].
struct Caches {
    rules: Vec<RuleCache>,
    forward: Option<DfaCache>,
    reverse: Option<DfaCache>,
    /// `stamp[rule] == generation`: that rule's `beforebreak` ends at the current candidate.
    stamp: Vec<u64>,
    generation: u64,
}

impl std::fmt::Debug for SrxSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrxSegmenter").field("rules", &self.rules.len()).finish()
    }
}

struct Rule {
    is_break: bool,
    before: Option<Before>,
    after: Option<After>,
}

enum Before {
    Plain(Box<PlainBefore>),
    Fancy(Box<FancyBefore>),
}

struct FancyBefore {
    /// The pattern itself, for candidates.
    find: fancy_regex::Regex,
    /// `\G(?<=(?:B))`: "a match ends exactly here".
    ends_at: fancy_regex::Regex,
}

struct PlainBefore {
    /// The translated pattern (for the combined DFAs).
    pattern: String,
    /// Forward, all-matches DFA: every end position in one pass.
    forward: DFA,
    /// Reverse DFA: "a match ends exactly here".
    reverse: DFA,
    /// Fallbacks for when a DFA gives up (Unicode `\b` next to non-ASCII text): the
    /// pattern itself, and `(?s:(?:B).)\z`, run on a window ending one char after the
    /// candidate so that an edge `\b` still sees both neighbours.
    meta: meta::Regex,
    tail: meta::Regex,
    /// Longest possible match in bytes, if bounded: how far back the fallback looks.
    max_len: Option<usize>,
    /// The pattern uses an anchor (`^`, `\A`, …): the fallback window must then start at
    /// the block start.
    uses_start: bool,
}

enum After {
    Plain(meta::Regex),
    Fancy(Box<FancyAfter>),
}

struct FancyAfter {
    /// The pattern itself, for candidates of a rule without `beforebreak`.
    find: fancy_regex::Regex,
    /// `\G(?:A)`: "a match starts exactly here".
    anchored: fancy_regex::Regex,
}

#[derive(Default)]
struct RuleCache {
    forward: Option<DfaCache>,
    reverse: Option<DfaCache>,
}

/// How far back (bytes) the fallback looks for a `beforebreak` match of unbounded length
/// when the lazy DFA has given up: longer matches are not seen then (a documented limit;
/// real `beforebreak` patterns reach back a word or two).
const FALLBACK_WINDOW: usize = 512;

fn syntax_config() -> syntax::Config {
    syntax::Config::new().dot_matches_new_line(true)
}

impl SrxSegmenter {
    /// Compile the rules of `sets`, in order. Returns the segmenter and one warning per rule
    /// left out because a pattern cannot be translated or compiled.
    pub fn compile(sets: &[&LanguageRules]) -> (SrxSegmenter, Vec<String>) {
        Self::compile_with(sets, MatchMode::Spec)
    }

    /// [`SrxSegmenter::compile`] with a choice of [`MatchMode`].
    pub fn compile_with(sets: &[&LanguageRules], mode: MatchMode) -> (SrxSegmenter, Vec<String>) {
        let mut rules = Vec::new();
        let mut warnings = Vec::new();
        for set in sets {
            for (n, rule) in set.rules.iter().enumerate() {
                let before = rule.before.as_deref().map(compile_before).transpose();
                let after = rule.after.as_deref().map(compile_after).transpose();
                match (before, after) {
                    (Ok(before), Ok(after)) => rules.push(Rule { is_break: rule.is_break, before, after }),
                    (Err(reason), _) => warnings.push(format!(
                        "rule set {:?}, rule {}: beforebreak `{}` cannot be translated ({reason}); rule left out",
                        set.name,
                        n + 1,
                        rule.before.as_deref().unwrap_or_default()
                    )),
                    (_, Err(reason)) => warnings.push(format!(
                        "rule set {:?}, rule {}: afterbreak `{}` cannot be translated ({reason}); rule left out",
                        set.name,
                        n + 1,
                        rule.after.as_deref().unwrap_or_default()
                    )),
                }
            }
        }
        let plain = |want_break_only: bool| -> (Vec<&str>, Vec<usize>) {
            let mut patterns = Vec::new();
            let mut owners = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                if let Some(Before::Plain(b)) = &rule.before {
                    if rule.is_break || !want_break_only {
                        patterns.push(b.pattern.as_str());
                        owners.push(i);
                    }
                }
            }
            (patterns, owners)
        };
        let (fwd_patterns, _) = plain(true);
        let (rev_patterns, reverse_rules) = plain(false);
        let forward = combined_dfa(&fwd_patterns, false);
        let reverse = combined_dfa(&rev_patterns, true);
        let segmenter = SrxSegmenter { rules, mode, forward, reverse, reverse_rules, pool: Mutex::new(Vec::new()) };
        (segmenter, warnings)
    }

    /// Number of rules that compiled (all the rules that run).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    fn breaks_with(&self, block: &str, caches: &mut Caches) -> Vec<usize> {
        if self.mode == MatchMode::OmegaT {
            return self.omegat_breaks(block);
        }
        let mut candidates = Vec::new();
        let combined_ok = self.forward.as_ref().is_some_and(|dfa| {
            let cache = caches.forward.get_or_insert_with(|| dfa.create_cache());
            all_ends(dfa, cache, block, &mut candidates)
        });
        for (rule, cache) in self.rules.iter().zip(caches.rules.iter_mut()) {
            let covered = combined_ok && matches!(rule.before, Some(Before::Plain(_)));
            if rule.is_break && !covered {
                rule.candidates(block, cache, &mut candidates);
            }
        }
        candidates.retain(|&p| p > 0 && p < block.len() && block.is_char_boundary(p));
        candidates.sort_unstable();
        candidates.dedup();
        let mut out = Vec::with_capacity(candidates.len());
        for p in candidates {
            let stamped = self.stamp_befores(block, p, caches);
            let generation = caches.generation;
            for (i, rule) in self.rules.iter().enumerate() {
                let cache = &mut caches.rules[i];
                let before_known = match (&rule.before, stamped) {
                    (Some(Before::Plain(_)), true) => Some(caches.stamp[i] == generation),
                    _ => None,
                };
                if rule.matches_at(block, p, before_known, cache) {
                    if rule.is_break {
                        out.push(p);
                    }
                    break;
                }
            }
        }
        out
    }

    /// Stamp every rule whose plain `beforebreak` ends at `p`, with one reverse scan.
    /// False if the combined DFA is missing or gave up (the rules then check one by one).
    fn stamp_befores(&self, block: &str, p: usize, caches: &mut Caches) -> bool {
        let Some(dfa) = &self.reverse else { return false };
        caches.generation += 1;
        let cache = caches.reverse.get_or_insert_with(|| dfa.create_cache());
        let input = Input::new(block).range(..p).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        loop {
            if dfa.try_search_overlapping_rev(cache, &input, &mut state).is_err() {
                return false;
            }
            match state.get_match() {
                Some(m) => caches.stamp[self.reverse_rules[m.pattern().as_usize()]] = caches.generation,
                None => return true,
            }
        }
    }

    /// [`MatchMode::OmegaT`]: each rule lists its positions OmegaT's way, then the first
    /// rule (in order) listing a position decides it.
    fn omegat_breaks(&self, block: &str) -> Vec<usize> {
        let mut verdicts: Vec<(usize, usize)> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let mut befores = rule.before.as_ref().map_or_else(|| every_position(block), |b| b.leftmost_matches(block));
            // The after-matcher starts only if some `beforebreak` matched, and moves forward only.
            let Some(first) = befores.next() else { continue };
            let mut afters = rule
                .after
                .as_ref()
                .map_or_else(|| every_position(block), |a| a.leftmost_matches(block))
                .map(|r| r.start)
                .peekable();
            for end in std::iter::once(first).chain(befores).map(|r| r.end) {
                while afters.next_if(|&start| start < end).is_some() {}
                match afters.peek() {
                    Some(&start) if start == end => verdicts.push((end, i)),
                    Some(_) => {}
                    None => break,
                }
            }
        }
        verdicts.sort_unstable();
        let mut out = Vec::new();
        let mut last = None;
        for (p, i) in verdicts {
            if last == Some(p) {
                continue;
            }
            last = Some(p);
            if self.rules[i].is_break && p > 0 && p < block.len() && block.is_char_boundary(p) {
                out.push(p);
            }
        }
        out
    }

    fn new_caches(&self) -> Caches {
        Caches {
            rules: self.rules.iter().map(|_| RuleCache::default()).collect(),
            forward: None,
            reverse: None,
            stamp: vec![0; self.rules.len()],
            generation: 0,
        }
    }
}

impl Segmenter for SrxSegmenter {
    fn breaks(&self, block: &str) -> Vec<usize> {
        let taken = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut caches = taken.unwrap_or_else(|| self.new_caches());
        let out = self.breaks_with(block, &mut caches);
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(caches);
        }
        out
    }
}

fn compile_before(java: &str) -> Result<Before, String> {
    let t = translate(java)?;
    if !t.fancy {
        if let Ok(plain) = compile_plain_before(&t.pattern) {
            return Ok(Before::Plain(Box::new(plain)));
        }
    }
    let find = fancy(&t.pattern)?;
    let ends_at = fancy(&format!(r"\G(?<=(?:{}))", t.pattern))?;
    Ok(Before::Fancy(Box::new(FancyBefore { find, ends_at })))
}

fn compile_plain_before(pattern: &str) -> Result<PlainBefore, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let dfa_config = DFA::config().match_kind(MatchKind::All).unicode_word_boundary(true);
    let forward =
        DFA::builder().configure(dfa_config.clone()).syntax(syntax_config()).build(pattern).map_err(|e| err(&e))?;
    let reverse = DFA::builder()
        .configure(dfa_config)
        .syntax(syntax_config())
        .thompson(thompson::Config::new().reverse(true))
        .build(pattern)
        .map_err(|e| err(&e))?;
    let meta = meta::Regex::builder().syntax(syntax_config()).build(pattern).map_err(|e| err(&e))?;
    let tail = meta::Regex::builder()
        .syntax(syntax_config())
        .build(&format!(r"(?s:(?:{pattern}).)\z"))
        .map_err(|e| err(&e))?;
    let hir = syntax::parse_with(pattern, &syntax_config()).map_err(|e| err(&e))?;
    let max_len = hir.properties().maximum_len();
    // Any `^`/`$`/`\A`/`\z` (line or haystack): conservatively treated as needing the start.
    let uses_start = hir.properties().look_set().contains_anchor();
    Ok(PlainBefore { pattern: pattern.to_string(), forward, reverse, meta, tail, max_len, uses_start })
}

fn compile_after(java: &str) -> Result<After, String> {
    let t = translate(java)?;
    if !t.fancy {
        if let Ok(re) = meta::Regex::builder().syntax(syntax_config()).build(&t.pattern) {
            return Ok(After::Plain(re));
        }
    }
    let find = fancy(&t.pattern)?;
    let anchored = fancy(&format!(r"\G(?:{})", t.pattern))?;
    Ok(After::Fancy(Box::new(FancyAfter { find, anchored })))
}

/// One lazy DFA for several patterns (all-matches semantics), or `None` if there are none
/// or it cannot be built (the per-rule engines are then used).
fn combined_dfa(patterns: &[&str], reverse: bool) -> Option<DFA> {
    if patterns.is_empty() {
        return None;
    }
    DFA::builder()
        .configure(DFA::config().match_kind(MatchKind::All).unicode_word_boundary(true).cache_capacity(8 << 20))
        .syntax(syntax_config())
        .thompson(thompson::Config::new().reverse(reverse))
        .build_many(patterns)
        .ok()
}

/// Push the end of every match of `dfa` in `block` (overlapping, all match kinds). Returns
/// false, with `out` unchanged, if the DFA gave up.
fn all_ends(dfa: &DFA, cache: &mut DfaCache, block: &str, out: &mut Vec<usize>) -> bool {
    let input = Input::new(block);
    let mut state = OverlappingState::start();
    let mark = out.len();
    loop {
        if dfa.try_search_overlapping_fwd(cache, &input, &mut state).is_err() {
            out.truncate(mark);
            return false;
        }
        match state.get_match() {
            Some(m) => out.push(m.offset()),
            None => return true,
        }
    }
}

fn fancy(pattern: &str) -> Result<fancy_regex::Regex, String> {
    fancy_regex::Regex::new(&format!("(?s){pattern}")).map_err(|e| e.to_string())
}

/// The next char boundary after `at` (or `at + 1` past the end, which ends a loop).
fn next_boundary(s: &str, at: usize) -> usize {
    s[at..].chars().next().map_or(at + 1, |c| at + c.len_utf8())
}

impl Rule {
    /// Push candidate break positions of this (break) rule.
    fn candidates(&self, block: &str, cache: &mut RuleCache, out: &mut Vec<usize>) {
        match (&self.before, &self.after) {
            (Some(Before::Plain(b)), _) => b.all_ends(block, cache, out),
            (Some(Before::Fancy(b)), _) => leftmost_from_every_start(
                block,
                |at| b.find.find_from_pos(block, at).ok().flatten().map(|m| m.range()),
                true,
                out,
            ),
            (None, Some(After::Plain(re))) => leftmost_from_every_start(
                block,
                |at| re.search(&Input::new(block).range(at..)).map(|m| m.range()),
                false,
                out,
            ),
            (None, Some(After::Fancy(a))) => leftmost_from_every_start(
                block,
                |at| a.find.find_from_pos(block, at).ok().flatten().map(|m| m.range()),
                false,
                out,
            ),
            (None, None) => out.extend(block.char_indices().map(|(i, _)| i)),
        }
    }

    /// Does this rule match at `p` (before ends at `p` and after starts at `p`)?
    /// `before_known`: the answer for a plain `beforebreak`, if the combined scan gave it.
    fn matches_at(&self, block: &str, p: usize, before_known: Option<bool>, cache: &mut RuleCache) -> bool {
        let before_ok = match &self.before {
            None => true,
            Some(Before::Plain(b)) => before_known.unwrap_or_else(|| b.ends_at(block, p, cache)),
            Some(Before::Fancy(b)) => {
                matches!(b.ends_at.find_from_pos(block, p), Ok(Some(m)) if m.start() == p)
            }
        };
        before_ok
            && match &self.after {
                None => true,
                Some(After::Plain(re)) => re.is_match(Input::new(block).range(p..).anchored(Anchored::Yes)),
                Some(After::Fancy(a)) => {
                    matches!(a.anchored.find_from_pos(block, p), Ok(Some(m)) if m.start() == p)
                }
            }
    }
}

/// Matches found left to right, produced lazily.
type Matches<'a> = Box<dyn Iterator<Item = std::ops::Range<usize>> + 'a>;

/// An empty pattern's matches: the empty string at every char boundary.
fn every_position(block: &str) -> Matches<'_> {
    Box::new(block.char_indices().map(|(i, _)| i).chain([block.len()]).map(|i| i..i))
}

impl Before {
    /// Non-overlapping leftmost-first matches, left to right (Java's `Matcher.find()` loop).
    fn leftmost_matches<'a>(&'a self, block: &'a str) -> Matches<'a> {
        match self {
            Before::Plain(b) => Box::new(b.meta.find_iter(block).map(|m| m.range())),
            Before::Fancy(b) => Box::new(b.find.find_iter(block).filter_map(|m| m.ok()).map(|m| m.range())),
        }
    }
}

impl After {
    /// Non-overlapping leftmost-first matches, left to right (Java's `Matcher.find()` loop).
    fn leftmost_matches<'a>(&'a self, block: &'a str) -> Matches<'a> {
        match self {
            After::Plain(re) => Box::new(re.find_iter(block).map(|m| m.range())),
            After::Fancy(a) => Box::new(a.find.find_iter(block).filter_map(|m| m.ok()).map(|m| m.range())),
        }
    }
}

/// For each start position where a match begins, the leftmost(-first) match from there:
/// push its end (`ends`) or its start. Covers every start; for ends it is the approximation
/// used when no all-matches DFA is available.
fn leftmost_from_every_start(
    block: &str,
    mut find: impl FnMut(usize) -> Option<std::ops::Range<usize>>,
    ends: bool,
    out: &mut Vec<usize>,
) {
    let mut at = 0;
    while at <= block.len() {
        let Some(m) = find(at) else { break };
        out.push(if ends { m.end } else { m.start });
        at = next_boundary(block, m.start);
    }
}

impl PlainBefore {
    fn all_ends(&self, block: &str, cache: &mut RuleCache, out: &mut Vec<usize>) {
        let dfa_cache = cache.forward.get_or_insert_with(|| self.forward.create_cache());
        if !all_ends(&self.forward, dfa_cache, block, out) {
            // The DFA gave up (Unicode `\b` beside non-ASCII text): redo exactly.
            leftmost_from_every_start(
                block,
                |at| self.meta.search(&Input::new(block).range(at..)).map(|m| m.range()),
                true,
                out,
            );
        }
    }

    fn ends_at(&self, block: &str, p: usize, cache: &mut RuleCache) -> bool {
        let dfa_cache = cache.reverse.get_or_insert_with(|| self.reverse.create_cache());
        let input = Input::new(block).range(..p).anchored(Anchored::Yes).earliest(true);
        match self.reverse.try_search_rev(dfa_cache, &input) {
            Ok(found) => found.is_some(),
            Err(_) => {
                // A window of the block ending one char after `p`; one extra char on the left
                // gives a leading `\b` its context (a match cannot start there: too long).
                let next = block[p..].chars().next().map_or(0, char::len_utf8);
                if next == 0 {
                    return false;
                }
                let mut lo = p.saturating_sub(self.max_len.unwrap_or(FALLBACK_WINDOW).saturating_add(1));
                while !block.is_char_boundary(lo) {
                    lo -= 1;
                }
                lo = lo.saturating_sub(block[..lo].chars().next_back().map_or(0, char::len_utf8));
                if self.uses_start {
                    lo = 0;
                }
                self.tail.is_match(&block[lo..p + next])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(java: &str) -> PlainBefore {
        compile_plain_before(&translate(java).expect("translates").pattern).expect("compiles")
    }

    /// The fallback path is really taken (the DFA gives up) and answers exactly.
    #[test]
    fn unicode_word_boundary_falls_back_exactly() {
        let b = plain(r"\bno\.");
        let mut cache = RuleCache::default();
        let block = "«no. éno. no.";
        let mut dfa_cache = b.reverse.create_cache();
        let p = "«no.".len();
        let input = Input::new(block).range(..p).anchored(Anchored::Yes);
        assert!(b.reverse.try_search_rev(&mut dfa_cache, &input).is_err(), "the lazy DFA gives up here");
        assert!(b.ends_at(block, p, &mut cache));
        assert!(!b.ends_at(block, "«no. éno.".len(), &mut cache), "é is a word character");
    }

    #[test]
    fn all_ends_reports_overlapping_ends() {
        let b = plain(r"[.?!]+");
        let mut cache = RuleCache::default();
        let mut out = Vec::new();
        b.all_ends("a?!. b", &mut cache, &mut out);
        out.sort_unstable();
        out.dedup();
        assert_eq!(out, [2, 3, 4]);
    }
}
