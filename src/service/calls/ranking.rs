//! The ranking of a call: the draft the current data give, publication (a
//! frozen version with its traces and public PDF), the published versions,
//! what changed between two, and the office's CSV.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

use super::{load, load_rules, Loaded};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::appeals::{compare, Appeal, AppealOutcome, Change, Status};
use crate::rules::applications::Application;
use crate::rules::b2::{self, Ranked, Ranking};
use crate::rules::rule_set::{RuleSet, RuleSetRef};
use crate::rules::trace::Trace;
use crate::rules::Reason;
use crate::service::documents::{io_error, write_atomic};
use crate::service::{Action, Service};
use crate::storage::{ApplicationRow, CallRow, VersionRow};

/// Points by criterion, as exact decimals in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Points {
    pub continuation: String,
    pub isee: String,
    pub bonus: String,
}

/// One application in a ranking, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankingRow {
    pub protocol: String,
    pub status: Status,
    pub status_label: String,
    pub position: Option<u32>,
    /// As published, 3 decimals.
    pub score: Option<String>,
    pub points: Option<Points>,
    /// Requested amount (the application's).
    pub requested: Option<Money>,
    /// Amount granted, funded only.
    pub amount: Option<Money>,
    /// With the same score as the one above: the key that decided, in Italian.
    pub tie_break: Option<String>,
    pub reasons: Vec<Reason>,
    /// The explanation, one line per condition, with act and parameter.
    pub explanation: Vec<String>,
    pub household_id: Option<Id>,
}

/// A ranking with its three lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankingView {
    pub rule_set: RuleSetRef,
    pub measure: String,
    pub budget: Money,
    pub allocated: Money,
    pub remaining: Money,
    pub funded: Vec<RankingRow>,
    pub admitted_not_funded: Vec<RankingRow>,
    pub not_admitted: Vec<RankingRow>,
    /// The rule-level ranking (what `sportello rank` computes).
    #[serde(skip)]
    pub ranking: Ranking,
}

/// A published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionView {
    pub version: u32,
    pub published_on: NaiveDate,
    pub appeal_deadline: NaiveDate,
    pub deadline_office_closed: bool,
    /// Today is within the appeal window.
    pub appeal_open: bool,
    pub rule_set: RuleSetRef,
    pub upheld_appeals: Vec<u32>,
    pub changes: Vec<Change>,
    pub ranking: RankingView,
    pub pdf_file: String,
    pub pdf_path: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub from: u32,
    pub to: u32,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub path: String,
    pub file_name: String,
}

/// The rows of a ranking for the screen, with the frozen (or fresh) traces.
fn ranking_view(
    r: &Ranking,
    traces: &BTreeMap<String, Trace>,
    apps: &HashMap<&str, &ApplicationRow>,
) -> RankingView {
    let row = |protocol: &str, status: Status| {
        let trace = traces.get(protocol);
        RankingRow {
            protocol: protocol.to_string(),
            status,
            status_label: status.italian().to_string(),
            position: None,
            score: None,
            points: None,
            requested: apps.get(protocol).map(|a| a.application.amount),
            amount: None,
            tie_break: None,
            reasons: trace.map(|t| t.reasons()).unwrap_or_default(),
            explanation: trace.map(|t| t.lines().collect()).unwrap_or_default(),
            household_id: apps.get(protocol).and_then(|a| a.household_id),
        }
    };
    let ranked = |x: &Ranked, status: Status| {
        let mut out = row(&x.protocol, status);
        out.position = Some(x.position);
        out.score = Some(x.score_shown());
        out.points = Some(Points {
            continuation: x.parts.continuation.normalize().to_string(),
            isee: x.parts.isee.normalize().to_string(),
            bonus: x.parts.bonus.normalize().to_string(),
        });
        out.requested = Some(x.amount);
        out.amount = (status == Status::Funded).then_some(x.amount);
        out.tie_break = x.tie_break.map(|t| format!("{}: {}", t.label(), t.italian()));
        out
    };
    RankingView {
        rule_set: r.rule_set.clone(),
        measure: r.measure.clone(),
        budget: r.budget,
        allocated: r.allocated,
        remaining: r.remaining,
        funded: r.funded.iter().map(|x| ranked(x, Status::Funded)).collect(),
        admitted_not_funded: r
            .admitted_not_funded
            .iter()
            .map(|x| ranked(x, Status::AdmittedNotFunded))
            .collect(),
        not_admitted: r.not_admitted.iter().map(|x| row(&x.protocol, Status::NotAdmitted)).collect(),
        ranking: r.clone(),
    }
}

fn traces_of(apps: &[Application], set: &RuleSet, measure: &str) -> Result<BTreeMap<String, Trace>, Error> {
    apps.iter().map(|a| Ok((a.protocol.clone(), b2::explain(a, set, measure)?))).collect()
}

pub(super) fn by_protocol(apps: &[ApplicationRow]) -> HashMap<&str, &ApplicationRow> {
    apps.iter().map(|a| (a.application.protocol.as_str(), a)).collect()
}

impl Service {
    /// Where a call's files go: `<documents>/avvisi/avviso-2026-11-20-1a2b3c4d/`.
    fn call_folder(&self, row: &CallRow) -> PathBuf {
        let id = row.id.to_string();
        let suffix = &id[id.len().saturating_sub(8)..];
        let day = row.created_at.get(..10).unwrap_or("0000-00-00");
        self.documents_dir.join("avvisi").join(format!("avviso-{day}-{suffix}"))
    }

    fn version_view(&self, l: &Loaded, v: &VersionRow) -> Result<VersionView, Error> {
        let traces: BTreeMap<String, Trace> = serde_json::from_str(&v.explanations_json)
            .map_err(|e| Error::new(Code::Storage, format!("spiegazioni non leggibili: {e}")))?;
        let p = &v.version;
        Ok(VersionView {
            version: p.version,
            published_on: p.published_on,
            appeal_deadline: p.appeal_deadline,
            deadline_office_closed: p.deadline_office_closed,
            appeal_open: self.today() >= p.published_on && self.today() <= p.appeal_deadline,
            rule_set: v.rule_set.clone(),
            upheld_appeals: p.upheld_appeals.clone(),
            changes: p.changes.clone(),
            ranking: ranking_view(&p.ranking, &traces, &by_protocol(&l.apps)),
            pdf_file: v.pdf_file.clone(),
            pdf_path: self.call_folder(&l.row).join(&v.pdf_file).display().to_string(),
            created_at: v.created_at.clone(),
        })
    }

    /// The ranking the current data give (not published), with explanations.
    pub fn ranking_draft(&self, call_id: Id) -> Result<RankingView, Error> {
        let rules = load_rules()?;
        self.run(Action::RankingDraft, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            let ranking = l.call.draft(&rules)?;
            let set = rules.get(&l.row.rule_set.id)?;
            let traces = traces_of(l.call.applications(), set, &l.row.measure)?;
            Ok(ranking_view(&ranking, &traces, &by_protocol(&l.apps)))
        })
    }

    /// Publishes a new version on `published_on`: the ranking frozen with its
    /// rule set, traces and public PDF (written into the call's folder).
    /// The first needs the collection window closed; the next ones an upheld
    /// appeal not yet applied.
    pub fn ranking_publish(&self, call_id: Id, published_on: NaiveDate) -> Result<VersionView, Error> {
        let rules = load_rules()?;
        let mut written: Option<PathBuf> = None;
        let result = self.run(Action::RankingPublish, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            if published_on <= l.row.window_to {
                return Err(Error::invalid(
                    "published_on",
                    format!(
                        "la raccolta delle domande si chiude il {}: la graduatoria si pubblica dopo",
                        crate::dates::format_it(l.row.window_to)
                    ),
                ));
            }
            if l.apps.is_empty() {
                return Err(Error::new(Code::Conflict, "L'avviso non ha domande: niente da pubblicare"));
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let belfiore = set.comune.clone().ok_or_else(|| {
                Error::new(
                    Code::BadRuleSet,
                    format!("l'avviso «{}» non indica il comune: serve per il termine dei ricorsi", set.id),
                )
            })?;
            let comune = self.calendar_of(&belfiore)?;
            let version = l.call.publish(&rules, published_on, &comune)?.clone();
            let mut public = version.public(set)?;
            // The office of this call, not only the rule set's issuing office.
            public.office = l.row.office.clone();
            // The call's title first; the measure's name only when the title
            // does not already say it ("Misura B2 anziani — domande 2019 —
            // Misura B2 anziani — graduatoria 2019" read twice).
            let measure =
                set.b2().and_then(|b| b.measures.get(&l.row.measure)).map(|m| m.title.to_lowercase());
            public.title = match measure {
                Some(m) if l.row.title.to_lowercase().contains(&m) => {
                    format!("{} — graduatoria", l.row.title)
                }
                _ => format!("{} — {}", l.row.title, public.title),
            };
            let pdf = crate::print::ranking::render(&public)?;
            let traces = traces_of(l.call.applications(), set, &l.row.measure)?;
            let explanations_json = serde_json::to_string(&traces)
                .map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))?;
            let pdf_file = format!("graduatoria-v{}-{}.pdf", version.version, published_on);
            let folder = self.call_folder(&l.row);
            std::fs::create_dir_all(&folder)
                .map_err(|e| io_error(&folder, "impossibile creare la cartella dell'avviso", e))?;
            let path = folder.join(&pdf_file);
            write_atomic(&path, &pdf)?;
            written = Some(path);
            let row = VersionRow {
                version,
                rule_set: set.reference(),
                explanations_json,
                pdf_file,
                pdf,
                created_at: stamp.at.clone(),
            };
            tx.version_insert(call_id, &row, stamp)?;
            l.versions.push(row);
            let last = l.versions.last().expect("just pushed");
            self.version_view(&l, last)
        });
        if result.is_err() {
            if let Some(path) = written {
                let _ = std::fs::remove_file(path);
            }
        }
        result
    }

    /// The published versions, oldest first, each as frozen.
    pub fn ranking_versions(&self, call_id: Id) -> Result<Vec<VersionView>, Error> {
        self.run(Action::RankingVersions, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            l.versions.iter().map(|v| self.version_view(&l, v)).collect()
        })
    }

    /// The published PDF of a version, as stored (byte for byte).
    pub fn ranking_pdf(&self, call_id: Id, version: u32) -> Result<Vec<u8>, Error> {
        self.run(Action::RankingVersions, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            let v = l.versions.into_iter().find(|v| v.version.version == version).ok_or_else(|| {
                Error::not_found(format!("versione {version} della graduatoria non pubblicata"))
            })?;
            Ok(v.pdf)
        })
    }

    /// What changed from version `from` to version `to`, and why.
    pub fn ranking_compare(&self, call_id: Id, from: u32, to: u32) -> Result<Comparison, Error> {
        self.run(Action::RankingCompare, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            if from > to {
                return Err(Error::invalid("to", "confrontare una versione con una successiva"));
            }
            let a = l.call.version(from).map_err(|e| e.with_field("from"))?;
            let b = l.call.version(to).map_err(|e| e.with_field("to"))?;
            if from == to {
                return Ok(Comparison { from, to, changes: Vec::new() });
            }
            if to == from + 1 {
                return Ok(Comparison { from, to, changes: b.changes.clone() });
            }
            let upheld: Vec<u32> = l
                .call
                .versions()
                .iter()
                .filter(|v| v.version > from && v.version <= to)
                .flat_map(|v| v.upheld_appeals.iter().copied())
                .collect();
            let changes = compare(&a.ranking, &b.ranking, |p| why(l.call.appeals(), &upheld, p));
            Ok(Comparison { from, to, changes })
        })
    }

    /// Writes the office's table (points by criterion, reasons) of a published
    /// version, or of the draft when `version` is `None`, into the private
    /// viewing area, for the shell to open in the spreadsheet program: as the
    /// CSV an Italian spreadsheet opens, or as an XLSX workbook (the same rows).
    pub fn ranking_export(
        &self,
        call_id: Id,
        version: Option<u32>,
        workbook: bool,
    ) -> Result<Exported, Error> {
        let rules = load_rules()?;
        let ext = if workbook { "xlsx" } else { "csv" };
        self.run(Action::RankingExport, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            let (ranking, file_name) = match version {
                Some(n) => (l.call.version(n)?.ranking.clone(), format!("graduatoria-v{n}-ufficio.{ext}")),
                None => {
                    (l.call.draft(&rules)?, format!("graduatoria-bozza-{}-ufficio.{ext}", &stamp.at[..10]))
                }
            };
            let bytes = if workbook {
                crate::xlsx::workbook(&b2::office_table(&ranking))?
            } else {
                b2::office_csv(&ranking)
            };
            // The office's table names the applicants: it goes to the private
            // viewing area (memory, emptied at logout), never a folder on disk.
            let path = self.viewing.write(&file_name, &bytes)?;
            Ok(Exported { path: path.display().to_string(), file_name })
        })
    }
}

/// Why a protocol changed across several versions: its own upheld appeals, or
/// the effect of the others'.
fn why(appeals: &[Appeal], upheld: &[u32], protocol: &str) -> String {
    let own: Vec<String> = appeals
        .iter()
        .filter(|a| a.protocol == protocol && upheld.contains(&a.id))
        .filter_map(|a| match &a.outcome {
            AppealOutcome::Upheld { decided_on, note, .. } => Some(format!(
                "Ricorso n. {} accolto il {}: {}",
                a.id,
                crate::dates::format_it(*decided_on),
                note
            )),
            _ => None,
        })
        .collect();
    if own.is_empty() {
        let ids: Vec<String> = upheld.iter().map(|i| format!("n. {i}")).collect();
        return format!("Effetto dei ricorsi accolti ({}) sulle altre domande", ids.join(", "));
    }
    own.join("; ")
}
