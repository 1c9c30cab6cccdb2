//! A data subject's request (GDPR art. 15 access, art. 20 portability) as the
//! office records it, and its time limits (art. 12(3)): one month from
//! receipt, extendable by two further months with a reason. The months and
//! the warning window come from a dated rule set (`diritti-interessato`);
//! the office's calendar moves a due date that falls on a closed day to the
//! next office day (Reg. 1182/71, art. 3(4)). Pure: dates are parameters.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{try_is_office_day, Comune};
use crate::catalog::rule_set::{DirittiInteressato, Kind, RuleSetRef, RuleSets};
use crate::cf::Cf;
use crate::domain::board::BoardState;
use crate::domain::{form, Id, StrEnum};
use crate::error::Error;

string_enum!(
    /// What the person asks for.
    RequestKind {
        Accesso = "accesso": "accesso ai dati (art. 15 GDPR)",
        Portabilita = "portabilita": "portabilità dei dati (art. 20 GDPR)",
        AccessoPortabilita = "accesso_portabilita": "accesso e portabilità dei dati (art. 15 e 20 GDPR)",
    }
);

string_enum!(
    /// Who made the request.
    Requester {
        Interessato = "interessato": "l'interessato",
        Rappresentante = "rappresentante": "un rappresentante legale o delegato",
    }
);

string_enum!(
    /// How the request reached the office.
    Channel {
        Sportello = "sportello": "di persona allo sportello",
        Posta = "posta": "per posta",
        Pec = "pec": "per PEC",
        Email = "email": "per e-mail",
        Protocollo = "protocollo": "al protocollo generale",
    }
);

/// The time limits of a request received on a day, under the rule set in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub rule_set: RuleSetRef,
    pub answer_months: u32,
    pub extension_months: u32,
    pub warning_days: u32,
}

impl Terms {
    fn of(set_ref: RuleSetRef, r: &DirittiInteressato) -> Terms {
        Terms {
            rule_set: set_ref,
            answer_months: r.answer_months.value,
            extension_months: r.extension_months.value,
            warning_days: r.warning_days.value,
        }
    }
}

/// The terms of a request received on `received` (national rules: any comune).
pub fn terms(sets: &RuleSets, comune: &str, received: NaiveDate) -> Result<Terms, Error> {
    let set =
        sets.covering(Kind::DirittiInteressato, comune, received).map_err(|e| e.with_field("received_on"))?;
    let r = set.diritti_interessato().expect("covering returns the requested kind");
    Ok(Terms::of(RuleSetRef { id: set.id.clone(), version: set.version }, r))
}

/// `months` calendar months after `from` (the same day number, or the last
/// day of a shorter month), then moved to the first office day on or after it.
fn months_later(from: NaiveDate, months: u32, comune: &Comune) -> Result<NaiveDate, Error> {
    let mut d = from.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
    while !try_is_office_day(d, comune)? {
        d = d.succ_opt().unwrap_or(NaiveDate::MAX);
    }
    Ok(d)
}

/// The day the answer is due: one month (the rule set's) from receipt; with
/// an extension, the further months are counted from the receipt too
/// ("prorogato di due mesi": three months in all).
pub fn due_on(received: NaiveDate, extended: bool, t: &Terms, comune: &Comune) -> Result<NaiveDate, Error> {
    let months = if extended { t.answer_months + t.extension_months } else { t.answer_months };
    months_later(received, months, comune)
}

/// The last day the person must be told of an extension and its reason: the
/// first deadline (art. 12(3): "entro un mese dal ricevimento").
pub fn extension_notice_by(received: NaiveDate, t: &Terms, comune: &Comune) -> Result<NaiveDate, Error> {
    months_later(received, t.answer_months, comune)
}

/// Calendar days left and state of an open request on `today`.
pub fn classify(due: NaiveDate, today: NaiveDate, t: &Terms) -> (i64, BoardState) {
    let days_left = (due - today).num_days();
    let state = if due < today {
        BoardState::Scaduto
    } else if days_left <= i64::from(t.warning_days) {
        BoardState::InScadenza
    } else {
        BoardState::NeiTermini
    };
    (days_left, state)
}

/// One application of a call that the request covers (an applicant the
/// office has no case for is found by their applications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationKey {
    pub call_id: Id,
    pub protocol: String,
}

/// The form's input (`data_request_record`): lenient, checked by `validate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataRequestInput {
    pub kind: Option<String>,
    /// A household member (the person's data then come from their record).
    pub member_id: Option<String>,
    /// Without a member: the person as the office identified them.
    pub person_name: Option<String>,
    pub codice_fiscale: Option<String>,
    /// Without a member: their applications (`{call_id, protocol}`).
    pub applications: Vec<ApplicationKeyInput>,
    pub requester: Option<String>,
    pub representative_name: Option<String>,
    /// The representative's title: "tutore", "amministratore di sostegno", "delegato".
    pub representative_role: Option<String>,
    pub received_on: Option<String>,
    pub channel: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationKeyInput {
    pub call_id: Option<String>,
    pub protocol: Option<String>,
}

/// Whose data: a member of a household, or an applicant known by their applications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Subject {
    Member { member_id: Id },
    Applicant { person_name: String, codice_fiscale: Cf, applications: Vec<ApplicationKey> },
}

/// A request as recorded (strict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewDataRequest {
    pub kind: RequestKind,
    pub subject: Subject,
    pub requester: Requester,
    pub representative: Option<(String, String)>,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub notes: Option<String>,
}

impl DataRequestInput {
    /// The one check of the form; `today` bounds the receipt date and reads the codice fiscale.
    pub fn validate(&self, today: NaiveDate) -> Result<NewDataRequest, Error> {
        let kind = form::required_choice::<RequestKind>("kind", &self.kind, "il tipo di richiesta")?;
        let requester =
            form::required_choice::<Requester>("requester", &self.requester, "chi fa la richiesta")?;
        let channel =
            form::required_choice::<Channel>("channel", &self.channel, "come è arrivata la richiesta")?;
        let received_on = form::required_date("received_on", &self.received_on, "la data di ricevimento")?;
        if received_on > today {
            return Err(Error::invalid("received_on", "La data di ricevimento è nel futuro"));
        }
        let representative = match requester {
            Requester::Interessato => None,
            Requester::Rappresentante => Some((
                form::name("representative_name", &self.representative_name, "il nome del rappresentante")?,
                form::required_line(
                    "representative_role",
                    &self.representative_role,
                    "a che titolo rappresenta l'interessato",
                )?,
            )),
        };
        let subject = match form::optional_id("member_id", &self.member_id)? {
            Some(member_id) => Subject::Member { member_id },
            None => {
                let person_name = form::name("person_name", &self.person_name, "il nome dell'interessato")?;
                let raw = form::required_line("codice_fiscale", &self.codice_fiscale, "il codice fiscale")?;
                let codice_fiscale = Cf::parse(&raw, today).map_err(|e| {
                    Error::invalid("codice_fiscale", format!("Codice fiscale non valido: {e}"))
                })?;
                let mut applications = Vec::new();
                for (i, a) in self.applications.iter().enumerate() {
                    let call_id =
                        form::required_id(&format!("applications[{i}].call_id"), &a.call_id, "l'avviso")?;
                    let protocol = form::required_line(
                        &format!("applications[{i}].protocol"),
                        &a.protocol,
                        "il protocollo della domanda",
                    )?;
                    applications.push(ApplicationKey { call_id, protocol });
                }
                if applications.is_empty() {
                    return Err(Error::invalid(
                        "applications",
                        "Indicare il componente di un nucleo o almeno una domanda di un avviso dell'interessato",
                    ));
                }
                Subject::Applicant { person_name, codice_fiscale, applications }
            }
        };
        Ok(NewDataRequest {
            kind,
            subject,
            requester,
            representative,
            received_on,
            channel,
            notes: form::optional_text("notes", &self.notes)?,
        })
    }
}

/// Whether a kind asks for the machine-readable copy (art. 20).
pub fn wants_bundle(kind: RequestKind) -> bool {
    matches!(kind, RequestKind::Portabilita | RequestKind::AccessoPortabilita)
}

/// `StrEnum` in scope for callers of the labels.
pub fn label<E: StrEnum>(e: E) -> &'static str {
    e.label()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::rule_sets;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    fn milano() -> Comune {
        crate::calendar::Comuni::builtin().get("F205").unwrap().clone()
    }

    #[test]
    fn one_month_from_receipt_moved_past_closed_days() {
        let t = terms(rule_sets::builtin(), "F205", d("2026-11-02")).unwrap();
        assert_eq!((t.answer_months, t.extension_months), (1, 2));
        assert_eq!(t.rule_set.id, "gdpr-diritti-interessato-2018");
        let c = milano();
        // 2 November → 2 December 2026 (a Wednesday).
        assert_eq!(due_on(d("2026-11-02"), false, &t, &c).unwrap(), d("2026-12-02"));
        // 31 January → 28 February 2026 is a Saturday: Monday 2 March.
        assert_eq!(due_on(d("2026-01-31"), false, &t, &c).unwrap(), d("2026-03-02"));
        // 7 November → 7 December is Sant'Ambrogio in Milano, 8 December a holiday: the 9th.
        assert_eq!(due_on(d("2026-11-07"), false, &t, &c).unwrap(), d("2026-12-09"));
        // Extended: three months from receipt.
        assert_eq!(due_on(d("2026-11-02"), true, &t, &c).unwrap(), d("2027-02-02"));
        assert_eq!(extension_notice_by(d("2026-11-02"), &t, &c).unwrap(), d("2026-12-02"));
    }

    #[test]
    fn states_and_the_gap_before_the_regulation() {
        let t = terms(rule_sets::builtin(), "F205", d("2026-11-02")).unwrap();
        assert_eq!(classify(d("2026-12-02"), d("2026-11-20"), &t).1, BoardState::NeiTermini);
        assert_eq!(classify(d("2026-12-02"), d("2026-11-25"), &t), (7, BoardState::InScadenza));
        assert_eq!(classify(d("2026-12-02"), d("2026-12-03"), &t), (-1, BoardState::Scaduto));
        let e = terms(rule_sets::builtin(), "F205", d("2018-05-24")).unwrap_err();
        assert_eq!(e.code, crate::error::Code::NoRuleSet);
    }
}
