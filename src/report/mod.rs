//! Reports: alignment and match tables, analyses.
