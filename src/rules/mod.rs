//! Rules as data (rules.md §3-4): dated rule sets with their acts, eligibility for
//! misure 1-7, Misura B2 scoring, ranking and budget. Pure functions.
//!
//! OWNER: issue 4.
