//! Text helpers shared by every part: the normalized form used for matching and indexing.
//!
//! Normalized text is never what tomo stores or exports as a translation; it is a separate
//! field derived from the original (see [`normalize`]).

mod normalize;

pub use normalize::{normalize, strip_whitespace};
