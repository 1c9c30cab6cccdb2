//! Misura B2 (rules.md §4; DGC 1354/2018): admission, score out of 10, order with
//! the call's tie-breaks, the budget walk and the three lists.
//!
//! - [`score`]: admission reasons and points for one application, and its trace;
//! - [`rank`]: the ordered, funded ranking of a whole call;
//! - [`budget`]: the walk down the ranking (no skipping ahead);
//! - [`new_call`]: the rules a new call starts from (the set in force on the day).

pub mod budget;
pub mod new_call;
pub mod rank;
pub mod score;

pub use new_call::{new_call_rules, CallRules, NewCallRules};
pub use rank::{office_csv, office_table, rank, NotAdmitted, Ranked, Ranking};
pub use score::{assess, explain, Assessment, ScoreParts};
