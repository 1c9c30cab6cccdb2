//! Two funded projects with their finances (rules.md §8), recorded by the
//! coordinatrice on the days each act would have been recorded:
//!
//! - the seed's «Residenzialità Temporanea Sociale» (seed `004_…`: PON Città
//!   Metropolitane 2014-2020, azione 3.1.1, codice MI3.1.1.c, CUP
//!   B49J17000130006, RUP Guido Gandino, 01/09/2017-31/12/2019, programmato
//!   817.000,00 €): the restoration of the flats, the social support towards
//!   autonomy, the works' direction and the furniture; one payment recorded
//!   with a wrong amount, annulled with its reason and recorded again;
//! - «Traiettorie per l'inclusione socio lavorativa» of the Ambito di Sesto San
//!   Giovanni (seed `001_…`: PON Inclusione, 227.424,00 €, convenzione di
//!   sovvenzione AV3-2016-LOM-79), whose internships commitment is paid beyond
//!   its amount: the warning an office must see.
//!
//! The seeds give the projects' codes, dates and programmed amounts; the
//! commitments, payments, creditors, act numbers and the second project's CUP
//! and RUP are invented for the demonstration.

use serde_json::{json, Value};

use super::*;
use crate::service::{FinanceCommitmentInput, FinancePaymentInput, FundedProjectInput};

/// The last record of the demo's projects: a demo whose "today" is earlier
/// has none of them, rather than records from its future.
pub(super) fn last_day() -> NaiveDate {
    day("2019-12-20")
}

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso("date", s).expect("a date of the demo")
}

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::new(Code::Internal, format!("dati della demo: {e}")))
}

#[derive(Debug, Default)]
pub(super) struct Played {
    pub projects: usize,
    pub commitments: usize,
    pub payments: usize,
    pub annulments: usize,
}

/// (number, date, act, creditor, amount, description)
type Impegno = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str);
/// (number, date, commitment's number, amount, document)
type Mandato = (&'static str, &'static str, &'static str, &'static str, &'static str);

const RTS_COMMITMENTS: &[Impegno] = &[
    (
        "2017/7812",
        "2017-11-15",
        "Determinazione dirigenziale n. 412/2017",
        "Edilnova Lombarda S.r.l.",
        "348500.00",
        "Recupero e ristrutturazione di 14 alloggi comunali per la residenzialità temporanea",
    ),
    (
        "2018/1290",
        "2018-02-20",
        "Determinazione dirigenziale n. 58/2018",
        "Cooperativa Sociale Abitare Insieme",
        "296000.00",
        "Accompagnamento sociale verso l'autonomia degli ospiti, 2018-2019",
    ),
    (
        "2018/5544",
        "2018-06-18",
        "Determinazione dirigenziale n. 233/2018",
        "Studio Tecnico Associato Navigli",
        "42300.00",
        "Direzione lavori e coordinamento della sicurezza",
    ),
    (
        "2019/2210",
        "2019-03-11",
        "Determinazione dirigenziale n. 97/2019",
        "Arredo Sociale S.r.l.",
        "61800.00",
        "Arredi ed elettrodomestici degli alloggi",
    ),
];

const RTS_PAYMENTS: &[Mandato] = &[
    ("2018/3012", "2018-04-30", "2017/7812", "104550.00", "Fattura n. 18/2018 del 31/03/2018 (1° SAL)"),
    ("2018/4410", "2018-06-15", "2018/1290", "37000.00", "Fattura n. 102/2018 del 31/05/2018 (I trimestre)"),
    ("2018/7230", "2018-09-28", "2017/7812", "139400.00", "Fattura n. 61/2018 del 31/08/2018 (2° SAL)"),
    ("2018/8120", "2018-10-15", "2018/1290", "37000.00", "Fattura n. 188/2018 del 30/09/2018 (II trimestre)"),
    ("2018/9001", "2018-11-20", "2018/5544", "21150.00", "Fattura n. 7/2018 del 31/10/2018 (acconto)"),
    (
        "2019/0612",
        "2019-01-21",
        "2018/1290",
        "37000.00",
        "Fattura n. 251/2018 del 31/12/2018 (III trimestre)",
    ),
    (
        "2019/1105",
        "2019-02-15",
        "2017/7812",
        "87125.00",
        "Fattura n. 9/2019 del 31/01/2019 (3° SAL e collaudo)",
    ),
];

/// Recorded with a wrong amount (73.000,00 instead of 37.000,00), annulled and recorded again.
const RTS_WRONG: Mandato =
    ("2019/3320", "2019-04-15", "2018/1290", "73000.00", "Fattura n. 64/2019 del 31/03/2019 (IV trimestre)");

const RTS_PAYMENTS_AFTER: &[Mandato] = &[
    ("2019/3320", "2019-04-15", "2018/1290", "37000.00", "Fattura n. 64/2019 del 31/03/2019 (IV trimestre)"),
    ("2019/4471", "2019-05-28", "2019/2210", "61800.00", "Fattura n. 33/2019 del 15/05/2019"),
    ("2019/5610", "2019-07-15", "2018/1290", "37000.00", "Fattura n. 129/2019 del 30/06/2019 (V trimestre)"),
    ("2019/6620", "2019-09-30", "2018/5544", "16920.00", "Fattura n. 12/2019 del 15/09/2019 (saldo)"),
    ("2019/7702", "2019-10-15", "2018/1290", "37000.00", "Fattura n. 201/2019 del 30/09/2019 (VI trimestre)"),
];

const TRAIETTORIE_COMMITMENTS: &[Impegno] = &[
    (
        "2017/3301",
        "2017-05-10",
        "Determinazione n. 188/2017 dell'Ufficio di Piano",
        "Cooperativa Sociale Lavoro e Comunità",
        "148000.00",
        "Assistenti sociali ed educatori per la presa in carico dei beneficiari SIA/REI",
    ),
    (
        "2017/3302",
        "2017-05-10",
        "Determinazione n. 189/2017 dell'Ufficio di Piano",
        "Afol Metropolitana",
        "52000.00",
        "Tirocini di inclusione e orientamento al lavoro",
    ),
];

const TRAIETTORIE_PAYMENTS: &[Mandato] = &[
    ("2017/6120", "2017-09-29", "2017/3301", "37000.00", "Fattura n. 77/2017 del 31/08/2017"),
    ("2018/0815", "2018-02-16", "2017/3301", "37000.00", "Fattura n. 12/2018 del 31/01/2018"),
    ("2018/2207", "2018-05-18", "2017/3302", "30000.00", "Nota di debito n. 41/2018 del 30/04/2018"),
    ("2018/6630", "2018-09-21", "2017/3301", "37000.00", "Fattura n. 139/2018 del 31/08/2018"),
    ("2019/1590", "2019-03-22", "2017/3302", "24500.00", "Nota di debito n. 19/2019 del 28/02/2019"),
];

/// Plays the two projects as the coordinatrice.
pub(super) fn play_finance(db: &Path, documents: &Path, key: &DbKey) -> Result<Played, Error> {
    let at = |on: &str| {
        Service::unlocked(db, documents, key.duplicate(), Credentials::password("averdi", ""), Some(day(on)))
    };
    let mut played = Played::default();

    let rts = project(
        &at("2017-10-12")?,
        json!({
            "code": "MI3.1.1.c",
            "title": "Residenzialità Temporanea Sociale — Supporto abitativo e servizi per persone in condizione di emarginazione",
            "programme": "PON Città Metropolitane 2014-2020",
            "azione": "Azione 3.1.1",
            "cup": "B49J17000130006",
            "rup": "Guido Gandino",
            "attuatore": "Comune di Milano",
            "start": "2017-09-01",
            "end": "2019-12-31",
            "programmato": "817000.00",
            "ammesso": "817000.00",
            "act": "Ammissione a finanziamento dell'Organismo Intermedio del 12/10/2017",
        }),
    )?;
    played.projects += 1;
    commit_all(&at, &rts, RTS_COMMITMENTS, &mut played)?;
    // The payments in date order, the wrong one among them.
    pay_all(&at, &rts, RTS_PAYMENTS, &mut played)?;
    pay_all(&at, &rts, &[RTS_WRONG], &mut played)?;
    let s = at("2019-04-17")?;
    let d = s.finance_get(rts)?;
    let wrong = d.payments.iter().find(|p| p.number == RTS_WRONG.0).ok_or_else(|| {
        Error::new(Code::Internal, "dati della demo: il mandato errato non è stato registrato")
    })?;
    s.finance_record_annul(
        rts,
        wrong.id,
        "Importo digitato errato: il mandato è di 37.000,00 €, non di 73.000,00 €",
    )?;
    played.annulments += 1;
    drop(s);
    pay_all(&at, &rts, RTS_PAYMENTS_AFTER, &mut played)?;

    let traiettorie = project(
        &at("2017-03-15")?,
        json!({
            "code": "AV3-2016-LOM-79",
            "title": "Traiettorie per l'inclusione socio lavorativa — Ambito di Sesto San Giovanni",
            "programme": "PON Inclusione 2014-2020 (FSE), Avviso 3/2016",
            "azione": "",
            // Invented for the demonstration.
            "cup": "E41H17000020006",
            "rup": "Laura Ferrante",
            "attuatore": "Comune di Sesto San Giovanni, capofila dell'Ambito",
            "start": "2017-03-01",
            "end": "2019-12-31",
            "programmato": "227424.00",
            "ammesso": "227424.00",
            "act": "Convenzione di sovvenzione AV3-2016-LOM-79",
        }),
    )?;
    played.projects += 1;
    commit_all(&at, &traiettorie, TRAIETTORIE_COMMITMENTS, &mut played)?;
    pay_all(&at, &traiettorie, TRAIETTORIE_PAYMENTS, &mut played)?;
    Ok(played)
}

fn project(s: &Service, v: Value) -> Result<Id, Error> {
    Ok(s.finance_project_save(from_json::<FundedProjectInput>(v)?)?.project.id)
}

fn commit_all(
    at: &impl Fn(&str) -> Result<Service, Error>,
    project: &Id,
    list: &[Impegno],
    played: &mut Played,
) -> Result<(), Error> {
    for (number, date, act, creditor, amount, description) in list {
        at(date)?.finance_commitment_record(from_json::<FinanceCommitmentInput>(json!({
            "project_id": project.to_string(),
            "number": number,
            "date": date,
            "act": act,
            "creditor": creditor,
            "amount": amount,
            "description": description,
        }))?)?;
        played.commitments += 1;
    }
    Ok(())
}

fn pay_all(
    at: &impl Fn(&str) -> Result<Service, Error>,
    project: &Id,
    list: &[Mandato],
    played: &mut Played,
) -> Result<(), Error> {
    for (number, date, commitment, amount, document) in list {
        let s = at(date)?;
        let d = s.finance_get(*project)?;
        let c = d.commitments.iter().find(|c| c.number == *commitment && c.annulled.is_none()).ok_or_else(
            || Error::new(Code::Internal, format!("dati della demo: impegno {commitment} mancante")),
        )?;
        s.finance_payment_record(from_json::<FinancePaymentInput>(json!({
            "project_id": project.to_string(),
            "commitment_id": c.id.to_string(),
            "number": number,
            "date": date,
            "amount": amount,
            "document": document,
        }))?)?;
        played.payments += 1;
    }
    Ok(())
}
