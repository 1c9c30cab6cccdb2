//! The 2019 calls of the Misura B2 (seed `002_…`, rules `milano-b2-2019`):
//! anziani and disabili, each with its applications (some of them from
//! members of the demo's households, the others from people the office has
//! no case for), a published ranking and an appeal; anziani's appeal is
//! upheld and leads to a second version, disabili's is rejected.
//!
//! Played through the [`Service`] on the days of 2019 each act would have
//! happened, by whom the office's roles say: the coordinatrice opens the
//! calls, publishes and decides; the desk enters the applications and files
//! the appeals. Applications are typed in as at the desk (`application_save`),
//! so a linked one goes through the check of its birth date.

use serde_json::{json, Value};

use super::*;
use crate::iban::Iban;
use crate::service::{AppealDecisionInput, AppealInput, ApplicationInput, AwardInput, CallInput, ClaimInput};

/// The last act of the calls (the claims of September 2019 against the
/// awards): a demo whose "today" is earlier has no calls, rather than calls
/// from its future.
pub(super) fn last_day() -> NaiveDate {
    day("2019-09-06")
}

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso("date", s).expect("a date of the demo")
}

/// One application of the demo, as the desk types it.
struct Typed {
    protocol: &'static str,
    submitted_on: &'static str,
    birth_date: String,
    isee: Option<&'static str>,
    isee_expires_on: Option<&'static str>,
    resident: bool,
    continuation: bool,
    non_self_sufficient: bool,
    independent_living: bool,
    other_interventions: bool,
    amount: &'static str,
    household_id: Option<Id>,
    member_id: Option<Id>,
}

impl Typed {
    #[allow(clippy::too_many_arguments)]
    fn other(
        protocol: &'static str,
        submitted_on: &'static str,
        birth_date: &'static str,
        isee: Option<(&'static str, &'static str)>,
        resident: bool,
        continuation: bool,
        flag: bool,
        amount: &'static str,
    ) -> Typed {
        Typed {
            protocol,
            submitted_on,
            birth_date: birth_date.to_string(),
            isee: isee.map(|x| x.0),
            isee_expires_on: isee.map(|x| x.1),
            resident,
            continuation,
            non_self_sufficient: flag,
            independent_living: flag,
            other_interventions: false,
            amount,
            household_id: None,
            member_id: None,
        }
    }

    fn input(&self) -> Result<ApplicationInput, Error> {
        let v = json!({
            "protocol": self.protocol,
            "submitted_on": self.submitted_on,
            "birth_date": self.birth_date,
            "isee": self.isee,
            "isee_expires_on": self.isee_expires_on,
            "resident": self.resident,
            "continuation": self.continuation,
            "non_self_sufficient": self.non_self_sufficient,
            "independent_living": self.independent_living,
            "other_interventions": self.other_interventions,
            "amount": self.amount,
            "household_id": self.household_id.map(|i| i.to_string()),
            "member_id": self.member_id.map(|i| i.to_string()),
        });
        from_json(v)
    }
}

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::new(Code::Internal, format!("dati della demo: {e}")))
}

/// A member of a demo household who applies, with the application's day.
struct Applicant<'a> {
    household: &'a Household,
    member: &'a crate::domain::Member,
}

/// The members who apply: for anziani, the oldest members of the demo
/// (65 or more when the collection opened); for disabili, a member with a
/// disability certification who is not among them.
fn applicants(households: &[Household]) -> (Vec<Applicant<'_>>, Vec<Applicant<'_>>) {
    let open = day("2019-02-01");
    let mut elderly: Vec<Applicant<'_>> = households
        .iter()
        .flat_map(|h| h.members.iter().map(move |m| Applicant { household: h, member: m }))
        .filter(|a| crate::calendar::age_on(a.member.birth_date, open) >= 65)
        .collect();
    elderly.sort_by_key(|a| (a.member.birth_date, a.household.case_number.clone()));
    let anziani: Vec<Applicant<'_>> = elderly.into_iter().take(3).collect();
    let taken = |m: &crate::domain::Member| anziani.iter().any(|a| a.member.id == m.id);
    let disabili = households
        .iter()
        .flat_map(|h| h.members.iter().map(move |m| Applicant { household: h, member: m }))
        .filter(|a| a.member.disability_certified && is_adult(a.member.birth_date, open) && !taken(a.member))
        .take(1)
        .collect();
    (anziani, disabili)
}

fn linked(
    a: &Applicant<'_>,
    protocol: &'static str,
    submitted_on: &'static str,
    isee: &'static str,
) -> Typed {
    Typed {
        protocol,
        submitted_on,
        birth_date: a.member.birth_date.to_string(),
        isee: Some(isee),
        isee_expires_on: Some("2020-01-15"),
        resident: true,
        continuation: false,
        // As the household's record says: the application and the record agree.
        non_self_sufficient: a.member.not_self_sufficient,
        independent_living: false,
        other_interventions: false,
        amount: "3600.00",
        household_id: Some(a.household.id),
        member_id: Some(a.member.id),
    }
}

/// What the calls left, for the report.
#[derive(Default)]
pub(super) struct Played {
    pub calls: usize,
    pub applications: usize,
    pub linked: usize,
    pub appeals: usize,
    pub awards: usize,
    pub claims: usize,
    pub liquidations: usize,
}

/// Plays the two calls. `households` are the demo's, as registered.
pub(super) fn play_calls(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    households: &[Household],
) -> Result<Played, Error> {
    let at = |who: &str, on: &str| {
        Service::unlocked(db, documents, key.duplicate(), Credentials::password(who, ""), Some(day(on)))
    };
    let mut played = Played::default();
    let (old, disabled) = applicants(households);

    // ---- Misura B2 anziani ---------------------------------------------------
    let coord = at("averdi", "2019-01-21")?;
    let anziani = coord.call_save(from_json::<CallInput>(json!({
        "title": "Misura B2 anziani — domande 2019",
        "measure": "b2-anziani",
        "rule_set": "milano-b2-2019",
        "budget": "24000.00",
    }))?)?;
    played.calls += 1;
    let mut apps = vec![
        Typed::other(
            "2019/000101",
            "2019-02-05",
            "1930-04-12",
            Some(("8500.00", "2020-01-15")),
            true,
            true,
            true,
            "4800.00",
        ),
        Typed::other(
            "2019/000102",
            "2019-02-11",
            "1941-09-03",
            Some(("15200.00", "2020-01-15")),
            true,
            false,
            false,
            "3600.00",
        ),
        // Over the ISEE cap: not admitted.
        Typed::other(
            "2019/000103",
            "2019-02-20",
            "1933-01-27",
            Some(("41250.00", "2020-01-15")),
            true,
            false,
            true,
            "4800.00",
        ),
        // The attestation had expired: not admitted; the appeal brings the new one.
        Typed::other(
            "2019/000104",
            "2019-03-04",
            "1936-06-30",
            Some(("12000.00", "2019-01-15")),
            true,
            true,
            false,
            "4800.00",
        ),
        // Resident elsewhere: not admitted.
        Typed::other(
            "2019/000105",
            "2019-03-18",
            "1944-11-09",
            Some(("6400.00", "2020-01-15")),
            false,
            false,
            false,
            "3600.00",
        ),
        Typed::other(
            "2019/000106",
            "2019-04-02",
            "1929-12-01",
            Some(("22000.00", "2020-01-15")),
            true,
            true,
            true,
            "4800.00",
        ),
        Typed::other(
            "2019/000107",
            "2019-05-29",
            "1938-02-14",
            Some(("9800.00", "2020-01-15")),
            true,
            true,
            false,
            "4800.00",
        ),
    ];
    let protocols = ["2019/000108", "2019/000109", "2019/000110"];
    let days = ["2019-03-11", "2019-04-15", "2019-05-06"];
    let isees = ["7350.00", "11900.00", "4980.00"];
    for (i, a) in old.iter().enumerate() {
        apps.push(linked(a, protocols[i], days[i], isees[i]));
    }
    // Handed in after the window closed: not admitted.
    apps.push(Typed::other(
        "2019/000111",
        "2019-06-03",
        "1940-08-22",
        Some(("5100.00", "2020-01-15")),
        true,
        false,
        false,
        "3600.00",
    ));
    enter(&at, "mbianchi", anziani.summary.id, &apps, &mut played)?;
    at("averdi", "2019-06-14")?.ranking_publish(anziani.summary.id, day("2019-06-14"))?;
    at("mbianchi", "2019-06-27")?.appeal_file(from_json::<AppealInput>(json!({
        "call_id": anziani.summary.id.to_string(),
        "protocol": "2019/000104",
        "filed_on": "2019-06-27",
        "grounds": "Alla data della domanda era già stata rilasciata la nuova attestazione ISEE: allo sportello è stata \
                    consegnata per errore quella dell'anno precedente.",
        "documents": ["Attestazione ISEE ordinario INPS-ISEE-2019-000418527-00, rilasciata il 21/01/2019, valida fino al 15/01/2020"],
    }))?)?;
    played.appeals += 1;
    at("averdi", "2019-07-10")?.appeal_decide(from_json::<AppealDecisionInput>(json!({
        "call_id": anziani.summary.id.to_string(),
        "appeal_id": 1,
        "decided_on": "2019-07-10",
        "outcome": "upheld",
        "note": "L'attestazione valida alla data della domanda risulta dalla banca dati INPS: la domanda è ammessa con \
                 l'ISEE di quell'attestazione.",
        "corrected": { "isee": "11800.00", "isee_expires_on": "2020-01-15" },
    }))?)?;
    at("averdi", "2019-07-22")?.ranking_publish(anziani.summary.id, day("2019-07-22"))?;

    // ---- Misura B2 disabili --------------------------------------------------
    let disabili = at("averdi", "2019-01-21")?.call_save(from_json::<CallInput>(json!({
        "title": "Misura B2 disabili — domande 2019",
        "measure": "b2-disabili",
        "rule_set": "milano-b2-2019",
        "budget": "15000.00",
    }))?)?;
    played.calls += 1;
    let mut apps = vec![
        Typed::other(
            "2019/000201",
            "2019-02-07",
            "1975-03-15",
            Some(("9000.00", "2020-01-31")),
            true,
            true,
            true,
            "6000.00",
        ),
        Typed::other(
            "2019/000202",
            "2019-02-25",
            "1982-08-02",
            Some(("14500.00", "2020-01-31")),
            true,
            false,
            true,
            "6000.00",
        ),
        Typed {
            other_interventions: true,
            ..Typed::other(
                "2019/000203",
                "2019-03-12",
                "1968-12-19",
                Some(("31000.00", "2020-01-31")),
                true,
                true,
                false,
                "4800.00",
            )
        },
        // Resident in Sesto San Giovanni: not admitted, and the appeal is rejected.
        Typed::other(
            "2019/000204",
            "2019-04-08",
            "1990-05-05",
            Some(("18000.00", "2020-01-31")),
            false,
            false,
            false,
            "4800.00",
        ),
        // No ISEE at all.
        Typed::other("2019/000205", "2019-05-20", "1971-07-07", None, true, false, false, "4800.00"),
    ];
    for a in &disabled {
        apps.push(Typed { amount: "4800.00", ..linked(a, "2019/000206", "2019-04-29", "6900.00") });
    }
    enter(&at, "lgallo", disabili.summary.id, &apps, &mut played)?;
    at("averdi", "2019-06-14")?.ranking_publish(disabili.summary.id, day("2019-06-14"))?;
    at("lgallo", "2019-07-01")?.appeal_file(from_json::<AppealInput>(json!({
        "call_id": disabili.summary.id.to_string(),
        "protocol": "2019/000204",
        "filed_on": "2019-07-01",
        "grounds": "Il richiedente vive a Milano presso la sorella da marzo 2019.",
        "documents": ["Dichiarazione della sorella sulla convivenza"],
    }))?)?;
    played.appeals += 1;
    at("averdi", "2019-07-12")?.appeal_decide(from_json::<AppealDecisionInput>(json!({
        "call_id": disabili.summary.id.to_string(),
        "appeal_id": 1,
        "decided_on": "2019-07-12",
        "outcome": "rejected",
        "note": "Alla data della domanda la residenza anagrafica era a Sesto San Giovanni (certificato dell'anagrafe \
                 del 10/07/2019): la convivenza di fatto non è la residenza richiesta dall'avviso.",
    }))?)?;

    pay(&at, anziani.summary.id, disabili.summary.id, &mut played)?;
    Ok(played)
}

/// A codice fiscale of the demo's made-up people, its check letter computed
/// (the letter typed in the table above is only a placeholder).
fn fix_cf(cf: &str) -> String {
    format!("{}{}", &cf[..15], crate::cf::check_letter(&cf[..15]))
}

/// A valid IBAN that belongs to nobody (a made-up account at a made-up branch).
fn demo_iban(n: usize) -> Result<String, Error> {
    Ok(Iban::from_bban("IT", &format!("X0306909606{:012}", 100_000 + n))?.grouped())
}

/// The reimbursements of the awards (rules.md §7), in every state an office
/// sees: claims reimbursed whole, reduced by the monthly cap, refused (a
/// duplicate, a month outside the period, a type the measure does not
/// reimburse), a list issued and claims waiting for the next; on disabili,
/// awards with no claim yet and one still to be set.
fn pay(
    at: &impl Fn(&str, &str) -> Result<Service, Error>,
    anziani: Id,
    disabili: Id,
    played: &mut Played,
) -> Result<(), Error> {
    // The account holders of the applications of people the office has no
    // case for (the desk copies them from the application form).
    const HOLDERS: &[(&str, &str)] = &[
        ("Colombo Ernesto", "CLMRST30D12F205G"),
        ("Ferrari Giuseppina", "FRRGPP41P43F205L"),
        ("Esposito Vincenzo", "SPSVCN33A27F205N"),
        ("Ricci Maria Grazia", "RCCMGR48B51F205D"),
        ("Marino Anna", "MRNNNA75C55F205Q"),
        ("Greco Salvatore", "GRCSVT82M02F205U"),
    ];
    let award = |call: Id, protocol: &str, n: usize, holder: bool| -> Result<AwardInput, Error> {
        let (name, cf) = HOLDERS[n % HOLDERS.len()];
        from_json::<AwardInput>(json!({
            "call_id": call.to_string(), "protocol": protocol, "first_month": "07/2019",
            "last_month": "06/2020", "iban": demo_iban(n)?,
            "holder_name": holder.then_some(name), "holder_cf": holder.then(|| fix_cf(cf)),
        }))
    };
    let linked = |call: Id, protocol: &str| -> Result<bool, Error> {
        let r = at("averdi", "2019-07-25")?.reimbursements_get(call)?;
        Ok(r.awards.iter().any(|a| a.protocol == protocol && a.beneficiary.is_some()))
    };
    let funded = |call: Id| -> Result<Vec<String>, Error> {
        Ok(at("averdi", "2019-07-25")?
            .reimbursements_get(call)?
            .awards
            .into_iter()
            .map(|a| a.protocol)
            .collect())
    };
    let coord = at("averdi", "2019-07-25")?;
    let old = funded(anziani)?;
    for (i, p) in old.iter().enumerate() {
        coord.award_save(award(anziani, p, i, !linked(anziani, p)?)?)?;
        played.awards += 1;
    }
    let young = funded(disabili)?;
    // The last funded application of disabili waits for its IBAN: no award yet.
    for (i, p) in young.iter().enumerate().take(young.len().saturating_sub(1)) {
        at("averdi", "2019-07-26")?.award_save(award(disabili, p, 50 + i, !linked(disabili, p)?)?)?;
        played.awards += 1;
    }
    let award_of = |call: Id, protocol: &str| -> Result<String, Error> {
        let r = at("averdi", "2019-07-26")?.reimbursements_get(call)?;
        let a = r.awards.into_iter().find(|a| a.protocol == protocol).and_then(|a| a.award);
        Ok(a.map(|a| a.id.to_string()).unwrap_or_default())
    };
    let claim = |who: &str, on: &str, award: &str, docs: Value| -> Result<(), Error> {
        let c = from_json::<ClaimInput>(json!({ "award_id": award, "received_on": on, "documents": docs }))?;
        at(who, on)?.reimbursement_claim(c, true).map(|_| ())
    };
    let doc = |kind: &str, issuer: &str, number: &str, date: &str, month: &str, amount: &str| json!({ "type": kind, "issuer": issuer, "number": number, "date": date, "month": month, "amount": amount });
    // The assistente familiare's codice fiscale, the cooperative's partita IVA.
    let (badante, coop) = ("PPNMRA75C41Z129F", "08461930159");
    // The claims are those of people the office has a case for: what is paid
    // to them goes to INPS in the SIUSS flow, which names each beneficiary.
    let cases = at("averdi", "2019-07-26")?.call_get(anziani)?.applications;
    let with_case: Vec<&String> = old
        .iter()
        .filter(|p| cases.iter().any(|a| &a.application.protocol == *p && a.household_id.is_some()))
        .collect();
    let (first, second) = (with_case.first().copied(), with_case.get(1).copied());
    if let Some(p) = first {
        claim(
            "mbianchi",
            "2019-08-05",
            &award_of(anziani, p)?,
            json!([
                doc("busta_paga", badante, "7/2019", "2019-07-31", "2019-07", "350.00"),
                doc("contributi_inps", badante, "MAV 2019-07", "2019-08-02", "2019-07", "120.00"),
            ]),
        )?;
        played.claims += 1;
    }
    if let Some(p) = second {
        claim(
            "mbianchi",
            "2019-08-06",
            &award_of(anziani, p)?,
            json!([
                doc("fattura_servizio", coop, "FT 2019/0412", "2019-07-31", "2019-07", "280.00"),
                // Not a document the measure reimburses.
                doc("scontrino_farmacia", "03315900158", "1187", "2019-07-18", "2019-07", "42.50"),
            ]),
        )?;
        played.claims += 1;
    }
    if first.is_some() {
        at("averdi", "2019-08-20")?.liquidation_issue(anziani, day("2019-08-20"))?;
        played.liquidations += 1;
    }
    // After the list: claims waiting for the next one.
    if let Some(p) = first {
        claim(
            "mbianchi",
            "2019-09-04",
            &award_of(anziani, p)?,
            json!([
                doc("busta_paga", badante, "8/2019", "2019-08-31", "2019-08", "350.00"),
                // Handed in again with the first claim's payslip: refused.
                doc("busta_paga", badante, "7/2019", "2019-07-31", "2019-07", "350.00"),
                // June, before the award's period: refused.
                doc("busta_paga", badante, "6/2019", "2019-06-30", "2019-06", "350.00"),
            ]),
        )?;
        played.claims += 1;
    }
    if let Some(p) = second {
        claim(
            "mbianchi",
            "2019-09-06",
            &award_of(anziani, p)?,
            json!([doc("fattura_servizio", coop, "FT 2019/0498", "2019-08-31", "2019-08", "280.00"),]),
        )?;
        played.claims += 1;
    }
    Ok(())
}

/// The applications typed in at the desk by `who`, each on the day it was
/// handed in.
fn enter(
    at: &impl Fn(&str, &str) -> Result<Service, Error>,
    who: &str,
    call: Id,
    apps: &[Typed],
    played: &mut Played,
) -> Result<(), Error> {
    for a in apps {
        let s = at(who, a.submitted_on)?;
        s.application_save(call, a.input()?)?;
        played.applications += 1;
        if a.member_id.is_some() {
            played.linked += 1;
        }
    }
    Ok(())
}
