//! Concordance: every stored variant containing a term, shown keyword-in-context with the
//! unit's other-language variants, most recent first. Candidates come from the token
//! index (the intersection of the term's token lists), then a substring check on the
//! normalized text confirms each hit, so one- and two-character CJK terms work.
