//! Domain types: household ("nucleo familiare") and members, analisi preliminare,
//! progetto personalizzato with its signatures, the deadlines board, documents,
//! operators and office; members' residence permits (`permit`) and places by
//! name (`place`).
//!
//! Architecture invariant: no I/O here. Types and pure functions only: validation
//! of what an operator typed (the `*Input` form types, lenient, turned into strict
//! types with an Italian message and the `field` at fault), required signers,
//! allowed status moves, deadline classification. The date is always a parameter.
//!
//! The strict types serialize to exactly the shapes of `docs/ipc.md`; the input
//! types accept what a form sends (empty strings, missing fields) so that every
//! mistake comes back as a field error rather than a parse failure.

#[macro_use]
mod macros;
#[doc(hidden)]
pub use crate::string_enum;

pub mod agreement;
pub mod analysis;
pub mod board;
pub mod data_request;
pub mod document;
pub mod form;
pub mod household;
pub mod ids;
pub mod informativa;
pub mod monitoring;
pub mod permit;
pub mod place;
pub mod procedure;
pub mod programme;
pub mod project;
pub mod quadro;
pub mod session;
pub mod signers;

pub use agreement::{FollowUp, Patto, PattoCommitment, PattoMeeting, PattoMember, PattoSupport};
pub use analysis::{
    Analysis, AnalysisInput, AreaAssessment, Employability, LifeArea, Need, Outcome, Profile,
};
pub use board::{BoardKind, BoardRow, BoardState, PermitDue, RequestDue, StayDue};
pub use document::{ConvocationPurpose, Document, DocumentKind};
pub use household::{
    CaseOwner, Citizenship, Education, Employment, Household, HouseholdInput, HouseholdSummary, Isee,
    IseeKind, Member, Relationship, Restriction, Sex,
};
pub use ids::{CaseNumber, Id};
pub use permit::{PermitInput, PermitKind, ResidencePermit};
pub use place::Birthplace;
pub use project::{
    AnnulledSignature, Commitment, CommitmentStatus, Meeting, Project, ProjectInput, ProjectStatus,
    RequiredSigner, Signature, Support,
};
pub use session::{Office, OfficeInput, Operator, Role, Session};

/// An enum stored and sent as a fixed lower-case word (`"da_firmare"`), with the
/// Italian label an operator reads (`"Da firmare"`).
pub trait StrEnum: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn label(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}
