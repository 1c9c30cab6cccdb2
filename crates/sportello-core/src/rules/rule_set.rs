//! Rule sets: dated parameter files with the act each value comes from. They are
//! data, so they live in [`crate::catalog::rule_set`] (model, parsing, the set);
//! the rules read them under this name.

pub use crate::catalog::rule_set::*;
