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
//! 1. **Candidates** come from the break rules only (a no-break rule can only veto). For a
//!    break rule, every position where its `beforebreak` can end is found in one linear pass
//!    with a lazy DFA in "all matches, overlapping" mode, so a pattern like `\.` or `[.?!]+`
//!    reports *every* end position, not only the ends of non-overlapping leftmost matches.
//!    A break rule without `beforebreak` contributes every start of an `afterbreak` match.
//! 2. **Decision**: at each candidate (sorted, de-duplicated), the rules are tried in order.
//!    `beforebreak` is tested with a *reverse* lazy DFA anchored at the candidate (it reads
//!    back only as far as the pattern can reach); `afterbreak` with an anchored forward
//!    search. Both are proportional to the length of the match, not of the block.
//!
//! Patterns with look-around, atomic groups, possessive quantifiers or back references run
//! on `fancy-regex` (a backtracker, slower): their candidates come from a leftmost match at
//! every start position, and "ends exactly at `p`" is tested as `\G(?<=(?:B))`, a
//! variable-length look-behind anchored at `p`.
//!
//! The lazy DFA cannot evaluate a Unicode `\b` next to a non-ASCII byte; it then gives up
//! and a slower exact engine (a PikeVM, or leftmost matches from every start for
//! candidates) takes over for that search only.

use std::sync::Mutex;

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA, OverlappingState};
use regex_automata::nfa::thompson::{self, pikevm};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};

use super::LanguageRules;
use super::regex::translate;
use crate::segment::Segmenter;

/// A segmenter running compiled SRX rules for one language (see the module doc for the
/// matching semantics and strategy).
pub struct SrxSegmenter {
    rules: Vec<Rule>,
    /// Lazy-DFA caches, one set per concurrent caller; taken for a call and put back.
    pool: Mutex<Vec<Vec<RuleCache>>>,
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
    /// Forward, all-matches DFA: every end position in one pass.
    forward: DFA,
    /// Reverse DFA: "a match ends exactly here".
    reverse: DFA,
    /// Exact fallbacks for when a DFA gives up (Unicode `\b` next to non-ASCII text).
    meta: meta::Regex,
    pike: pikevm::PikeVM,
    /// Longest possible match in bytes, if bounded: how far back the fallback looks.
    max_len: Option<usize>,
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
    pike: Option<pikevm::Cache>,
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new().dot_matches_new_line(true)
}

impl SrxSegmenter {
    /// Compile the rules of `sets`, in order. Returns the segmenter and one warning per rule
    /// left out because a pattern cannot be translated or compiled.
    pub fn compile(sets: &[&LanguageRules]) -> (SrxSegmenter, Vec<String>) {
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
        (SrxSegmenter { rules, pool: Mutex::new(Vec::new()) }, warnings)
    }

    /// Number of rules that compiled (all the rules that run).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    fn breaks_with(&self, block: &str, caches: &mut [RuleCache]) -> Vec<usize> {
        let mut candidates = Vec::new();
        for (rule, cache) in self.rules.iter().zip(caches.iter_mut()) {
            if rule.is_break {
                rule.candidates(block, cache, &mut candidates);
            }
        }
        candidates.retain(|&p| p > 0 && p < block.len() && block.is_char_boundary(p));
        candidates.sort_unstable();
        candidates.dedup();
        let mut out = Vec::with_capacity(candidates.len());
        for p in candidates {
            for (rule, cache) in self.rules.iter().zip(caches.iter_mut()) {
                if rule.matches_at(block, p, cache) {
                    if rule.is_break {
                        out.push(p);
                    }
                    break;
                }
            }
        }
        out
    }
}

impl Segmenter for SrxSegmenter {
    fn breaks(&self, block: &str) -> Vec<usize> {
        let taken = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut caches = taken.unwrap_or_else(|| self.rules.iter().map(|_| RuleCache::default()).collect());
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
    let pike = pikevm::PikeVM::builder()
        .configure(pikevm::PikeVM::config().match_kind(MatchKind::All))
        .syntax(syntax_config())
        .build(pattern)
        .map_err(|e| err(&e))?;
    let max_len = syntax::parse_with(pattern, &syntax_config()).ok().and_then(|h| h.properties().maximum_len());
    Ok(PlainBefore { forward, reverse, meta, pike, max_len })
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
    fn matches_at(&self, block: &str, p: usize, cache: &mut RuleCache) -> bool {
        let before_ok = match &self.before {
            None => true,
            Some(Before::Plain(b)) => b.ends_at(block, p, cache),
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
        let input = Input::new(block);
        let mut state = OverlappingState::start();
        let mark = out.len();
        loop {
            if self.forward.try_search_overlapping_fwd(dfa_cache, &input, &mut state).is_err() {
                // The DFA gave up (Unicode `\b` beside non-ASCII text): redo exactly.
                out.truncate(mark);
                leftmost_from_every_start(
                    block,
                    |at| self.meta.search(&Input::new(block).range(at..)).map(|m| m.range()),
                    true,
                    out,
                );
                return;
            }
            match state.get_match() {
                Some(m) => out.push(m.offset()),
                None => return,
            }
        }
    }

    fn ends_at(&self, block: &str, p: usize, cache: &mut RuleCache) -> bool {
        let dfa_cache = cache.reverse.get_or_insert_with(|| self.reverse.create_cache());
        let input = Input::new(block).range(..p).anchored(Anchored::Yes).earliest(true);
        match self.reverse.try_search_rev(dfa_cache, &input) {
            Ok(found) => found.is_some(),
            Err(_) => {
                // Exact but slower: a match from some start `s` whose longest end is `p`.
                let pike_cache = cache.pike.get_or_insert_with(|| self.pike.create_cache());
                let lowest = self.max_len.map_or(0, |n| p.saturating_sub(n));
                let mut s = p;
                loop {
                    if block.is_char_boundary(s) {
                        let input = Input::new(block).range(s..p).anchored(Anchored::Yes);
                        if self.pike.find(pike_cache, input).is_some_and(|m| m.end() == p) {
                            return true;
                        }
                    }
                    if s == lowest {
                        return false;
                    }
                    s -= 1;
                }
            }
        }
    }
}
