//! Misura B2 (rules.md §4; DGC 1354/2018): admission, score out of 10, order with
//! the call's tie-breaks, the budget walk and the three lists.
//!
//! - [`score`]: admission reasons and points for one application, and its trace;
//! - [`rank`]: the ordered, funded ranking of a whole call;
//! - [`budget`]: the walk down the ranking (no skipping ahead).

pub mod budget;
pub mod rank;
pub mod score;

pub use rank::{office_csv, rank, NotAdmitted, Ranked, Ranking};
pub use score::{assess, explain, Assessment, ScoreParts};
