//! Who signs the patto (rules.md §5, cli.md `agreement`): the one rule, used by
//! the app when it records signatures and by the printout, whichever door the
//! patto came in by.
//!
//! Every adult member signs for themselves, bound by a commitment or not. A
//! minor bound by a commitment of their own has it signed by their parent or
//! guardian: the member named as such, else the richiedente. A minor with no
//! commitment signs nothing. Adult or minor is decided on the date of the
//! analysis (the day the project was agreed), with the one adult age of
//! [`crate::domain::household::ADULT_AGE`].

use serde::Serialize;

use crate::error::Error;

/// What the rule needs to know of one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signatory {
    /// Adult on the date of the analysis.
    pub adult: bool,
    /// The richiedente (signs for a minor who has no named guardian).
    pub applicant: bool,
    /// Index of the member named as this one's parent or guardian.
    pub guardian: Option<usize>,
    /// Bound by a commitment of the project.
    pub committed: bool,
}

/// One signature line: `member` is whom it is for, `signer` who signs (the
/// member themselves, or for a minor the parent or guardian). Indexes into the
/// members, in the household's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignLine {
    pub member: usize,
    pub signer: usize,
}

impl SignLine {
    pub fn for_minor(&self) -> bool {
        self.member != self.signer
    }
}

/// A minor bound by a commitment whom nobody can sign for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerProblem {
    /// The named guardian (or the richiedente) is a minor too.
    SignerIsMinor { member: usize, signer: usize },
    /// No guardian named and no richiedente other than the minor.
    NoSigner { member: usize },
}

impl SignerProblem {
    pub fn member(&self) -> usize {
        match *self {
            SignerProblem::SignerIsMinor { member, .. } | SignerProblem::NoSigner { member } => member,
        }
    }

    /// The error, on `field` (where the guardian is chosen), with the names.
    pub fn to_error(&self, field: impl Into<String>, name: impl Fn(usize) -> String) -> Error {
        match *self {
            SignerProblem::SignerIsMinor { member, signer } => Error::invalid(
                field,
                format!(
                    "{} è minore e non può firmare per {}: indicare un genitore o tutore maggiorenne",
                    name(signer),
                    name(member)
                ),
            ),
            SignerProblem::NoSigner { member } => Error::invalid(
                field,
                format!(
                    "{} è minore e ha un impegno: indicare il genitore o tutore che firma per lui o per lei \
                     (nel nucleo non c'è un richiedente maggiorenne che possa firmare)",
                    name(member)
                ),
            ),
        }
    }
}

/// The signature lines, in the members' order, and the minors nobody can sign
/// for (a patto with such a minor is not printed; the app names them).
pub fn who_signs(members: &[Signatory]) -> (Vec<SignLine>, Vec<SignerProblem>) {
    let applicant = members.iter().position(|m| m.applicant);
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if m.adult {
            lines.push(SignLine { member: i, signer: i });
            continue;
        }
        if !m.committed {
            continue;
        }
        match m.guardian.or(applicant).filter(|&g| g != i && g < members.len()) {
            Some(g) if members[g].adult => lines.push(SignLine { member: i, signer: g }),
            Some(g) => problems.push(SignerProblem::SignerIsMinor { member: i, signer: g }),
            None => problems.push(SignerProblem::NoSigner { member: i }),
        }
    }
    (lines, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(adult: bool, applicant: bool, guardian: Option<usize>, committed: bool) -> Signatory {
        Signatory { adult, applicant, guardian, committed }
    }

    #[test]
    fn adults_sign_committed_minors_through_their_guardian_others_sign_nothing() {
        let family = [
            m(true, true, None, true),       // richiedente
            m(true, false, None, false),     // adult without commitment: signs
            m(false, false, Some(1), true),  // minor with guardian
            m(false, false, None, true),     // minor: the richiedente signs
            m(false, false, Some(1), false), // minor without commitment: nothing
        ];
        let (lines, problems) = who_signs(&family);
        assert!(problems.is_empty());
        let pairs: Vec<_> = lines.iter().map(|l| (l.member, l.signer)).collect();
        assert_eq!(pairs, [(0, 0), (1, 1), (2, 1), (3, 0)]);
        assert!(lines[2].for_minor() && !lines[0].for_minor());
    }

    #[test]
    fn a_minor_signer_or_nobody_is_a_problem_named_on_the_minor() {
        let (lines, problems) = who_signs(&[
            m(true, false, None, true),
            m(false, false, Some(2), true),
            m(false, false, None, false),
        ]);
        assert_eq!(lines.len(), 1);
        assert_eq!(problems, [SignerProblem::SignerIsMinor { member: 1, signer: 2 }]);
        let (_, problems) = who_signs(&[m(true, false, None, false), m(false, false, None, true)]);
        assert_eq!(problems, [SignerProblem::NoSigner { member: 1 }]);
        let e = problems[0].to_error("members[m2].guardian", |i| ["Anna", "Zoë"][i].to_string());
        assert_eq!(e.field.as_deref(), Some("members[m2].guardian"));
        assert!(e.message.contains("Zoë"), "{}", e.message);
    }
}
