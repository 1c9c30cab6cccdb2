//! The budget walk (rules.md §4): down the ranking in order, an application is
//! funded while its amount fits in what is left; the first that does not fit and
//! every one after it are admitted but not funded. No skipping ahead: a smaller
//! amount further down is not funded even if it would fit, because the order is
//! the law of the call.

use crate::error::{Error, Result};
use crate::money::Money;

/// The outcome of the walk: how many of the ranking's first applications are
/// funded, and how much they take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    pub funded: usize,
    pub allocated: Money,
    pub remaining: Money,
}

/// Walks `amounts` (in ranking order) against `budget`.
pub fn walk(amounts: impl IntoIterator<Item = Money>, budget: Money) -> Result<Walk> {
    if budget.is_negative() {
        return Err(Error::invalid("budget", "lo stanziamento non può essere negativo"));
    }
    let mut remaining = budget;
    let mut funded = 0;
    for a in amounts {
        if a.is_negative() {
            return Err(Error::invalid("amount", "un importo richiesto non può essere negativo"));
        }
        if a > remaining {
            break;
        }
        remaining = remaining.checked_sub(a).expect("a <= remaining");
        funded += 1;
    }
    let allocated = budget.checked_sub(remaining).expect("remaining <= budget");
    Ok(Walk { funded, allocated, remaining })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(c: i64) -> Money {
        Money::from_cents(c)
    }

    #[test]
    fn stops_at_the_first_that_does_not_fit() {
        let w = walk([m(480_000), m(480_000), m(120_050)], m(1_000_000)).unwrap();
        assert_eq!((w.funded, w.allocated, w.remaining), (2, m(960_000), m(40_000)));
        // The third (1,200.50) would not fit in 400.00; a later 100.00 is not funded either.
        let w = walk([m(480_000), m(480_000), m(120_050), m(10_000)], m(1_000_000)).unwrap();
        assert_eq!(w.funded, 2);
    }

    #[test]
    fn exact_fit_and_zero_budget() {
        let w = walk([m(500), m(500)], m(1000)).unwrap();
        assert_eq!((w.funded, w.remaining), (2, Money::ZERO));
        let w = walk([m(500)], Money::ZERO).unwrap();
        assert_eq!((w.funded, w.allocated), (0, Money::ZERO));
        assert!(walk([m(1)], m(-1)).is_err());
    }
}
