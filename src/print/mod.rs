//! PDF documents (A4, embedded font from `assets/fonts`): the project agreement,
//! the convocation letter, the public ranking, the eligibility outcome.
//!
//! OWNER: printing. Contract relied on by the ranking CLI: [`ranking`].

pub mod ranking;
