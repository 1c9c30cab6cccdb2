//! Publication and appeals of a B2 call (rules.md §1.3, §4; seed `002_…`).
//!
//! Publishing freezes a version of the ranking with its date and appeal deadline
//! (N giorni from the rule set, 30 for Milano, computed with the comune's calendar:
//! a deadline on a Sunday or national holiday moves to the next day). An appeal
//! records the documents brought and, once decided, its outcome; an upheld appeal
//! corrects the application's data, and the next publication is a new version.
//! Published versions are never changed: the history only grows, and any two
//! versions can be compared side by side with what changed and why.
//!
//! The public form of a version ([`public_ranking`]) carries protocol, position,
//! score, status and (funded only) amount: nothing that identifies a person
//! (d.lgs. 33/2013 art. 26 c. 4).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::applications::Application;
use super::b2::{rank, Ranking};
use super::public_ranking::{PublicRanking, PublicRow, PublicStatus};
use super::rule_set::{RuleSet, RuleSetRef, RuleSets};
use crate::calendar::{try_add_days, Comune};
use crate::dates::format_it;
use crate::error::{Code, Error, Result};
use crate::money::Money;

/// Where an application stands in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Funded,
    AdmittedNotFunded,
    NotAdmitted,
}

impl Status {
    pub fn italian(self) -> &'static str {
        match self {
            Status::Funded => "ammessa e finanziata",
            Status::AdmittedNotFunded => "ammessa non finanziata",
            Status::NotAdmitted => "non ammessa",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub status: Status,
    pub position: Option<u32>,
    /// As shown, 3 decimals.
    pub score: Option<String>,
    pub amount: Option<Money>,
    pub reasons: Vec<super::ReasonCode>,
}

/// One application whose standing differs between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub protocol: String,
    pub before: Option<Standing>,
    pub after: Option<Standing>,
    /// Italian: the upheld appeal that changed it, or the effect of others'.
    pub why: String,
}

/// A frozen, published version of the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedVersion {
    pub version: u32,
    pub published_on: NaiveDate,
    pub appeal_deadline: NaiveDate,
    /// The office is closed on the deadline (Saturday, patron day): it does not
    /// move (Cass. 17079/2007), but the notice should say so.
    pub deadline_office_closed: bool,
    pub ranking: Ranking,
    /// Appeals upheld since the previous version, which this version applies.
    pub upheld_appeals: Vec<u32>,
    /// Differences from the previous version.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AppealOutcome {
    Pending,
    /// The application's data as corrected by the appeal office, and what it was.
    Upheld {
        decided_on: NaiveDate,
        note: String,
        original: Box<Application>,
        corrected: Box<Application>,
    },
    Rejected {
        decided_on: NaiveDate,
        note: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    pub id: u32,
    pub protocol: String,
    /// The version appealed against.
    pub against_version: u32,
    pub filed_on: NaiveDate,
    /// The applicant's grounds, in their words.
    pub grounds: String,
    /// Documents brought ("attestazione ISEE INPS-ISEE-2019-… valida", "certificato di residenza").
    pub documents: Vec<String>,
    pub outcome: AppealOutcome,
}

/// The office's decision on an appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Upheld: `corrected` replaces the application's data (same protocol).
    Upheld {
        corrected: Application,
        note: String,
    },
    Rejected {
        note: String,
    },
}

/// A call's applications with its published versions and appeals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    rule_set: RuleSetRef,
    measure: String,
    budget: Money,
    applications: Vec<Application>,
    versions: Vec<PublishedVersion>,
    appeals: Vec<Appeal>,
}

impl Call {
    /// A call not yet published. Checks the measure and the applications now, so
    /// that publishing later cannot fail on them.
    pub fn new(set: &RuleSet, measure: &str, budget: Money, applications: Vec<Application>) -> Result<Call> {
        rank(&applications, set, measure, budget)?;
        Ok(Call {
            rule_set: set.reference(),
            measure: measure.to_string(),
            budget,
            applications,
            versions: Vec::new(),
            appeals: Vec::new(),
        })
    }

    /// A call as the store holds it: each part was checked when it was
    /// written (by [`Call::new`], publishing, filing and deciding), so it is
    /// put back together as it is, with no detour through text.
    pub fn restore(
        rule_set: RuleSetRef,
        measure: String,
        budget: Money,
        applications: Vec<Application>,
        versions: Vec<PublishedVersion>,
        appeals: Vec<Appeal>,
    ) -> Call {
        Call { rule_set, measure, budget, applications, versions, appeals }
    }

    pub fn rule_set(&self) -> &RuleSetRef {
        &self.rule_set
    }
    pub fn measure(&self) -> &str {
        &self.measure
    }
    pub fn applications(&self) -> &[Application] {
        &self.applications
    }
    pub fn versions(&self) -> &[PublishedVersion] {
        &self.versions
    }
    pub fn version(&self, n: u32) -> Result<&PublishedVersion> {
        self.versions
            .iter()
            .find(|v| v.version == n)
            .ok_or_else(|| Error::not_found(format!("versione {n} della graduatoria non pubblicata")))
    }
    pub fn latest(&self) -> Option<&PublishedVersion> {
        self.versions.last()
    }
    pub fn appeals(&self) -> &[Appeal] {
        &self.appeals
    }

    /// The rule set the call was created under: same id and the same version, or
    /// the call cannot be recomputed faithfully.
    fn rules<'a>(&self, rules: &'a RuleSets) -> Result<&'a RuleSet> {
        let set = rules.get(&self.rule_set.id)?;
        if set.version != self.rule_set.version {
            return Err(Error::new(
                Code::Conflict,
                format!(
                    "l'avviso è stato istruito con {} ma è in archivio la versione {}: ricaricare le regole dell'avviso",
                    self.rule_set, set.version
                ),
            ));
        }
        Ok(set)
    }

    /// The ranking the current data give, not published.
    pub fn draft(&self, rules: &RuleSets) -> Result<Ranking> {
        rank(&self.applications, self.rules(rules)?, &self.measure, self.budget)
    }

    /// Freezes a new version published on `published_on`. After the first, a new
    /// version needs at least one upheld appeal not yet applied.
    pub fn publish(
        &mut self,
        rules: &RuleSets,
        published_on: NaiveDate,
        comune: &Comune,
    ) -> Result<&PublishedVersion> {
        let set = self.rules(rules)?;
        let b2 = set.b2().expect("checked when the call was created");
        let applied: Vec<u32> = self.versions.iter().flat_map(|v| v.upheld_appeals.iter().copied()).collect();
        let upheld: Vec<u32> = self
            .appeals
            .iter()
            .filter(|a| matches!(a.outcome, AppealOutcome::Upheld { .. }) && !applied.contains(&a.id))
            .map(|a| a.id)
            .collect();
        if let Some(prev) = self.versions.last() {
            if published_on < prev.published_on {
                return Err(Error::invalid(
                    "published_on",
                    format!(
                        "la nuova versione non può precedere la versione {} pubblicata il {}",
                        prev.version,
                        format_it(prev.published_on)
                    ),
                ));
            }
            if upheld.is_empty() {
                return Err(Error::new(
                    Code::Conflict,
                    "nessun ricorso accolto da applicare: la graduatoria pubblicata resta valida",
                ));
            }
        }
        let ranking = rank(&self.applications, set, &self.measure, self.budget)?;
        let deadline = try_add_days(published_on, b2.appeal_days.value, comune)?;
        let changes = match self.versions.last() {
            Some(prev) => compare(&prev.ranking, &ranking, |p| self.why(p, &upheld)),
            None => Vec::new(),
        };
        self.versions.push(PublishedVersion {
            version: self.versions.len() as u32 + 1,
            published_on,
            appeal_deadline: deadline.date,
            deadline_office_closed: deadline.office_closed,
            ranking,
            upheld_appeals: upheld,
            changes,
        });
        Ok(self.versions.last().expect("just pushed"))
    }

    fn why(&self, protocol: &str, upheld: &[u32]) -> String {
        let own: Vec<&Appeal> =
            self.appeals.iter().filter(|a| a.protocol == protocol && upheld.contains(&a.id)).collect();
        if own.is_empty() {
            let ids: Vec<String> = upheld.iter().map(|i| format!("n. {i}")).collect();
            return format!("Effetto dei ricorsi accolti ({}) sulle altre domande", ids.join(", "));
        }
        own.iter()
            .map(|a| match &a.outcome {
                AppealOutcome::Upheld { decided_on, note, .. } => {
                    format!("Ricorso n. {} accolto il {}: {}", a.id, format_it(*decided_on), note)
                }
                _ => unreachable!("filtered on upheld"),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Records an appeal against the latest version, within its deadline.
    pub fn file_appeal(
        &mut self,
        protocol: &str,
        filed_on: NaiveDate,
        grounds: &str,
        documents: Vec<String>,
    ) -> Result<u32> {
        let v = self.versions.last().ok_or_else(|| {
            Error::new(
                Code::Conflict,
                "la graduatoria non è ancora pubblicata: non si può presentare ricorso",
            )
        })?;
        if !self.applications.iter().any(|a| a.protocol == protocol) {
            return Err(Error::invalid(
                "protocol",
                format!("nessuna domanda con protocollo «{protocol}» in questo avviso"),
            ));
        }
        if filed_on < v.published_on {
            return Err(Error::invalid(
                "filed_on",
                format!(
                    "ricorso datato {} prima della pubblicazione del {}",
                    format_it(filed_on),
                    format_it(v.published_on)
                ),
            ));
        }
        if filed_on > v.appeal_deadline {
            return Err(Error::invalid(
                "filed_on",
                format!(
                    "ricorso presentato il {}, oltre il termine del {} (versione {} pubblicata il {})",
                    format_it(filed_on),
                    format_it(v.appeal_deadline),
                    v.version,
                    format_it(v.published_on)
                ),
            ));
        }
        if grounds.trim().is_empty() {
            return Err(Error::invalid("grounds", "indicare i motivi del ricorso"));
        }
        let id = self.appeals.len() as u32 + 1;
        self.appeals.push(Appeal {
            id,
            protocol: protocol.to_string(),
            against_version: v.version,
            filed_on,
            grounds: grounds.trim().to_string(),
            documents,
            outcome: AppealOutcome::Pending,
        });
        Ok(id)
    }

    /// Decides a pending appeal. Upholding replaces the application's data with
    /// the corrected data (kept beside the original in the appeal record); the
    /// published versions are untouched until the next [`Call::publish`].
    pub fn decide_appeal(&mut self, id: u32, decided_on: NaiveDate, decision: Decision) -> Result<&Appeal> {
        let i = self
            .appeals
            .iter()
            .position(|a| a.id == id)
            .ok_or_else(|| Error::not_found(format!("ricorso n. {id} non trovato")))?;
        let appeal = &self.appeals[i];
        if appeal.outcome != AppealOutcome::Pending {
            return Err(Error::new(Code::Conflict, format!("il ricorso n. {id} è già stato deciso")));
        }
        if decided_on < appeal.filed_on {
            return Err(Error::invalid(
                "decided_on",
                "la decisione non può precedere la presentazione del ricorso",
            ));
        }
        let outcome = match decision {
            Decision::Rejected { note } => AppealOutcome::Rejected { decided_on, note },
            Decision::Upheld { corrected, note } => {
                if corrected.protocol != appeal.protocol {
                    return Err(Error::invalid(
                        "protocol",
                        format!(
                            "i dati corretti sono della domanda «{}», il ricorso della «{}»",
                            corrected.protocol, appeal.protocol
                        ),
                    ));
                }
                if corrected.amount.is_negative() {
                    return Err(Error::invalid("amount", "l'importo richiesto non può essere negativo"));
                }
                let j = self
                    .applications
                    .iter()
                    .position(|a| a.protocol == appeal.protocol)
                    .expect("checked when filed");
                let original = std::mem::replace(&mut self.applications[j], corrected.clone());
                AppealOutcome::Upheld {
                    decided_on,
                    note,
                    original: Box::new(original),
                    corrected: Box::new(corrected),
                }
            }
        };
        self.appeals[i].outcome = outcome;
        Ok(&self.appeals[i])
    }
}

fn standings(r: &Ranking) -> std::collections::HashMap<&str, Standing> {
    let mut m = std::collections::HashMap::new();
    for (status, list) in [(Status::Funded, &r.funded), (Status::AdmittedNotFunded, &r.admitted_not_funded)] {
        for x in list {
            m.insert(
                x.protocol.as_str(),
                Standing {
                    status,
                    position: Some(x.position),
                    score: Some(x.score_shown()),
                    amount: (status == Status::Funded).then_some(x.amount),
                    reasons: Vec::new(),
                },
            );
        }
    }
    for x in &r.not_admitted {
        m.insert(
            x.protocol.as_str(),
            Standing {
                status: Status::NotAdmitted,
                position: None,
                score: None,
                amount: None,
                reasons: x.reasons.clone(),
            },
        );
    }
    m
}

/// What changed between two rankings of the same call, in the order of the newer
/// one (then protocols only in the older). `why` explains each protocol's change.
pub fn compare(before: &Ranking, after: &Ranking, why: impl Fn(&str) -> String) -> Vec<Change> {
    let (b, a) = (standings(before), standings(after));
    let order = after
        .admitted()
        .map(|x| x.protocol.as_str())
        .chain(after.not_admitted.iter().map(|x| x.protocol.as_str()))
        .chain(
            before
                .admitted()
                .map(|x| x.protocol.as_str())
                .chain(before.not_admitted.iter().map(|x| x.protocol.as_str()))
                .filter(|p| !a.contains_key(p)),
        );
    let mut out = Vec::new();
    for p in order {
        let (x, y) = (b.get(p), a.get(p));
        if x != y {
            out.push(Change { protocol: p.to_string(), before: x.cloned(), after: y.cloned(), why: why(p) });
        }
    }
    out
}

/// The public form of a version: protocol, position, score, status, amount if
/// funded. Funded and admitted in position order, then the not admitted.
pub fn public_ranking(
    set: &RuleSet,
    ranking: &Ranking,
    version: u32,
    published_on: NaiveDate,
    appeal_deadline: NaiveDate,
) -> Result<PublicRanking> {
    let b2 =
        set.b2().ok_or_else(|| Error::new(Code::NoRuleSet, format!("«{}» non è un avviso B2", set.id)))?;
    let m = b2.measure(&ranking.measure)?;
    let mut rows = Vec::with_capacity(
        ranking.funded.len() + ranking.admitted_not_funded.len() + ranking.not_admitted.len(),
    );
    for (status, list) in [
        (PublicStatus::Funded, &ranking.funded),
        (PublicStatus::AdmittedNotFunded, &ranking.admitted_not_funded),
    ] {
        for x in list {
            rows.push(PublicRow {
                position: Some(x.position),
                protocol: x.protocol.clone(),
                score: Some(x.score_shown()),
                status,
                amount: (status == PublicStatus::Funded).then_some(x.amount),
            });
        }
    }
    for x in &ranking.not_admitted {
        rows.push(PublicRow {
            position: None,
            protocol: x.protocol.clone(),
            score: None,
            status: PublicStatus::NotAdmitted,
            amount: None,
        });
    }
    Ok(PublicRanking {
        title: format!("{} — graduatoria {}", m.title, b2.window.value.0.year()),
        office: b2.office.clone(),
        // Read by the public: the rule set by its title, not its file id.
        rule_set: format!("{} (versione {})", set.title, ranking.rule_set.version),
        published_on,
        appeal_deadline,
        version,
        budget: ranking.budget,
        rows,
    })
}

impl PublishedVersion {
    pub fn public(&self, set: &RuleSet) -> Result<PublicRanking> {
        public_ranking(set, &self.ranking, self.version, self.published_on, self.appeal_deadline)
    }
}
