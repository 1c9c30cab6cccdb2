//! Everything the printed agreement (the "patto") needs, gathered from a project,
//! its household and analysis: a plain value the printer renders without
//! touching storage.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::household::{Household, Relationship};
use crate::domain::project::{Project, RequiredSigner};
use crate::domain::session::Office;
use crate::domain::{Id, StrEnum};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementData {
    pub project_id: Id,
    pub household_id: Id,
    pub office: Office,
    /// Belfiore code of the office's comune (its calendar set the deadline).
    pub comune: String,
    pub case_number: String,
    pub analysis_date: NaiveDate,
    /// The operator who recorded the analysis (signs for the office).
    pub operator: String,
    pub members: Vec<AgreementMember>,
    pub objectives: Vec<String>,
    pub expected_results: Vec<String>,
    pub commitments: Vec<AgreementCommitment>,
    pub supports: Vec<AgreementSupport>,
    pub signing_deadline: NaiveDate,
    pub required_signers: Vec<RequiredSigner>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementMember {
    pub id: Id,
    pub first_name: String,
    pub last_name: String,
    pub codice_fiscale: String,
    pub birth_date: NaiveDate,
    pub relationship: Relationship,
    /// The relationship as printed ("figlio/a").
    pub role: String,
    /// Minor on the analysis date.
    pub minor: bool,
    /// For a minor: who signs for them (named guardian, else the richiedente).
    pub guardian_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementCommitment {
    pub member_id: Id,
    /// "Nome Cognome" of the member it binds.
    pub member_name: String,
    pub other_member_names: Vec<String>,
    pub action: String,
    pub due_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementSupport {
    pub description: String,
    pub provider: Option<String>,
}

impl AgreementData {
    /// Gathers the agreement from its parts.
    pub fn build(
        office: &Office,
        household: &Household,
        project: &Project,
        analysis_date: NaiveDate,
        operator: &str,
    ) -> AgreementData {
        let name_of = |id: Id| household.member(id).map(|m| m.full_name()).unwrap_or_default();
        let members = household
            .members
            .iter()
            .map(|m| {
                let minor = !m.is_adult_on(analysis_date);
                AgreementMember {
                    id: m.id,
                    first_name: m.first_name.clone(),
                    last_name: m.last_name.clone(),
                    codice_fiscale: m.codice_fiscale.clone(),
                    birth_date: m.birth_date,
                    relationship: m.relationship,
                    role: m.relationship.label().to_string(),
                    minor,
                    guardian_id: if minor { household.guardian_of(m).map(|g| g.id) } else { None },
                }
            })
            .collect();
        AgreementData {
            project_id: project.id,
            household_id: household.id,
            office: office.clone(),
            comune: office.comune.clone(),
            case_number: household.case_number.clone(),
            analysis_date,
            operator: operator.to_string(),
            members,
            objectives: project.objectives.clone(),
            expected_results: project.expected_results.clone(),
            commitments: project
                .commitments
                .iter()
                .map(|c| AgreementCommitment {
                    member_id: c.member_id,
                    member_name: name_of(c.member_id),
                    other_member_names: c.other_member_ids.iter().map(|o| name_of(*o)).collect(),
                    action: c.action.clone(),
                    due_date: c.due_date,
                })
                .collect(),
            supports: project
                .supports
                .iter()
                .map(|s| AgreementSupport {
                    description: s.description.clone(),
                    provider: s.provider.clone(),
                })
                .collect(),
            signing_deadline: project.signing_deadline,
            required_signers: project.required_signers.clone(),
        }
    }

    /// The same agreement in the input shape of `sportello agreement`
    /// (spec/cli.md), so the app and the command line print through one path.
    pub fn to_cli_input(&self) -> serde_json::Value {
        let members: Vec<_> = self
            .members
            .iter()
            .map(|m| {
                let mut v = serde_json::json!({
                    "id": m.id.to_string(),
                    "first_name": m.first_name,
                    "last_name": m.last_name,
                    "codice_fiscale": m.codice_fiscale,
                    "birth_date": m.birth_date.to_string(),
                    "role": m.relationship.as_str(),
                });
                if let Some(g) = m.guardian_id {
                    v["guardian"] = serde_json::Value::String(g.to_string());
                }
                v
            })
            .collect();
        let supports: Vec<String> = self
            .supports
            .iter()
            .map(|s| match &s.provider {
                Some(p) => format!("{} ({p})", s.description),
                None => s.description.clone(),
            })
            .collect();
        serde_json::json!({
            "comune": self.comune,
            "office": {
                "name": self.office.name,
                "address": self.office.address,
                "phone": self.office.phone,
                "email": self.office.email,
            },
            "case_number": self.case_number,
            "analysis_date": self.analysis_date.to_string(),
            "operator": self.operator,
            "members": members,
            "objectives": self.objectives,
            "commitments": self.commitments.iter().map(|c| serde_json::json!({
                "member": c.member_id.to_string(),
                "text": c.action,
                "due": c.due_date.to_string(),
            })).collect::<Vec<_>>(),
            "supports": supports,
        })
    }
}
