//! Reports on a new article against the memory: the draft translation ([`draft`]) and its
//! renderings ([`render`]), the CAT-style match analysis ([`analysis`]) with the word and
//! character counts it prices by ([`count`]), and the differences highlighted in tables
//! ([`diff`]).

pub mod analysis;
pub mod count;
pub mod diff;
pub mod draft;
pub mod render;

pub use analysis::{Analysis, Band, BandCount, FileAnalysis, analyze};
pub use draft::{Candidate, Draft, DraftKind, DraftOptions, DraftSegment};
