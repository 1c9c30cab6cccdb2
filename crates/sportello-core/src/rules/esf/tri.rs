//! Three-valued logic (Kleene): an unknown answer stays unknown unless the other
//! side decides (rules.md §6: unknown and no = no; unknown or yes = yes).

use std::ops::{BitAnd, BitOr, Not};

/// Yes, no, or not known. Ordered No < Unknown < Yes, so `and` is the minimum and
/// `or` the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tri {
    No,
    Unknown,
    Yes,
}

impl Tri {
    /// A yes/no answer, or unknown when it was not given.
    pub fn known(answer: Option<bool>) -> Tri {
        answer.map_or(Tri::Unknown, Tri::from)
    }
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

impl BitAnd for Tri {
    type Output = Tri;
    fn bitand(self, other: Tri) -> Tri {
        self.min(other)
    }
}

impl BitOr for Tri {
    type Output = Tri;
    fn bitor(self, other: Tri) -> Tri {
        self.max(other)
    }
}

impl Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
            Tri::Yes => Tri::No,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, *};

    #[test]
    fn the_four_cases_of_rules_md() {
        assert_eq!(Unknown & No, No);
        assert_eq!(Unknown & Yes, Unknown);
        assert_eq!(Unknown | Yes, Yes);
        assert_eq!(Unknown | No, Unknown);
        assert_eq!(!Unknown, Unknown);
        assert_eq!(Tri::known(None), Unknown);
        assert_eq!(Tri::known(Some(false)), No);
    }

    #[test]
    fn de_morgan_holds() {
        for a in [No, Unknown, Yes] {
            for b in [No, Unknown, Yes] {
                assert_eq!(!(a & b), !a | !b);
                assert_eq!(a & b, b & a);
                assert_eq!(a | b, b | a);
            }
        }
    }
}
