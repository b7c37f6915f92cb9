//! Sentence alignment of an article and its translation(s) into beads.
