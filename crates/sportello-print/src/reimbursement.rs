//! The two documents of the reimbursement of a Misura B2 contribution: once a
//! published ranking has awarded a contribution, the family hands in expense
//! documents (payslips of the carer, invoices) and the office reimburses them
//! up to each month's quota.
//!
//! - "Prospetto dei rimborsi" ([`Statement`]): for the family, every claim of
//!   one award with each document, what was reimbursed and why not all of it,
//!   the months of the period with what is left of each quota, the balance.
//! - "Elenco di liquidazione n. N" ([`Liquidation`]): for the finance office
//!   (ragioneria), the amounts to pay for one call, one row per claim, with
//!   whom to pay and where.
//!
//! The service builds both models from the decided claims; rendering only lays
//! them out (no rules, no clock, no database).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates::{self, Month};
use crate::domain::Office;
use crate::error::{Error, Result};
use crate::money::Money;

pub const STATEMENT_TITLE: &str = "Prospetto dei rimborsi";
pub const LIQUIDATION_TITLE: &str = "Elenco di liquidazione";

/// What the office reimbursed of one award, claim by claim and month by month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub office: Office,
    pub comune_name: Option<String>,
    pub call_title: String,
    /// "Misura B2 anziani"
    pub measure_title: String,
    pub protocol: String,
    /// "Cognome Nome" when the application is linked to a person.
    pub beneficiary: Option<String>,
    pub award_amount: Money,
    pub first_month: Month,
    pub last_month: Month,
    pub claims: Vec<StatementClaim>,
    pub months: Vec<StatementMonth>,
    pub reimbursed: Money,
    pub left: Money,
    pub issued_on: NaiveDate,
    /// The operator who prints it.
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementClaim {
    pub number: u32,
    pub received_on: NaiveDate,
    pub documents: Vec<StatementDocument>,
    pub reimbursed: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementDocument {
    /// The rule set's label ("busta paga dell'assistente familiare") or the type as handed in when unknown.
    pub kind_label: String,
    pub issuer: String,
    pub number: String,
    pub date: NaiveDate,
    pub month: Month,
    pub amount: Money,
    pub accepted: Money,
    /// Italian sentences, one per reason (refusal or reduction); empty when reimbursed whole.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementMonth {
    pub month: Month,
    pub cap: Money,
    pub reimbursed: Money,
    pub left: Money,
}

/// A payment list for the finance office: what to pay, to whom, for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liquidation {
    pub office: Office,
    pub comune_name: Option<String>,
    pub call_title: String,
    pub measure_title: String,
    pub number: u32,
    pub issued_on: NaiveDate,
    pub rows: Vec<LiquidationRow>,
    pub total: Money,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidationRow {
    pub position: u32,
    pub protocol: String,
    pub beneficiary: Option<String>,
    pub codice_fiscale: Option<String>,
    pub iban: Option<String>,
    pub claim_number: u32,
    pub claim_received_on: NaiveDate,
    pub amount: Money,
}

impl Statement {
    /// "Prospetto dei rimborsi — domanda 2019/0042": the protocol tells two
    /// families' statements apart in a list of documents.
    pub fn title(&self) -> String {
        format!("{STATEMENT_TITLE} — domanda {}", self.protocol)
    }

    /// Refuses a statement the family could not read in full (text the font
    /// cannot print comes out as blanks) or that contradicts itself (claims
    /// out of order, a month outside the award's period).
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca il funzionario che emette il prospetto"));
        }
        check_printable("operator", &self.operator)?;
        if let Some(c) = &self.comune_name {
            check_printable("comune_name", c)?;
        }
        check_printable("call_title", &self.call_title)?;
        check_printable("measure_title", &self.measure_title)?;
        check_printable("protocol", &self.protocol)?;
        if let Some(b) = &self.beneficiary {
            check_printable("beneficiary", b)?;
        }
        if self.last_month < self.first_month {
            return Err(Error::invalid(
                "last_month",
                format!(
                    "il periodo del contributo finisce ({}) prima di cominciare ({})",
                    self.last_month.format_it(),
                    self.first_month.format_it()
                ),
            ));
        }
        for (i, c) in self.claims.iter().enumerate() {
            if i > 0 && c.number <= self.claims[i - 1].number {
                return Err(Error::invalid(
                    format!("claims[{i}].number"),
                    format!(
                        "le richieste vanno in ordine di numero: la n. {} viene dopo la n. {}",
                        c.number,
                        self.claims[i - 1].number
                    ),
                ));
            }
            for (j, d) in c.documents.iter().enumerate() {
                let at = format!("claims[{i}].documents[{j}]");
                check_printable(&format!("{at}.kind_label"), &d.kind_label)?;
                check_printable(&format!("{at}.issuer"), &d.issuer)?;
                check_printable(&format!("{at}.number"), &d.number)?;
                for (k, r) in d.reasons.iter().enumerate() {
                    check_printable(&format!("{at}.reasons[{k}]"), r)?;
                }
            }
        }
        for (i, m) in self.months.iter().enumerate() {
            if m.month < self.first_month || m.month > self.last_month {
                return Err(Error::invalid(
                    format!("months[{i}].month"),
                    format!(
                        "il mese {} è fuori dal periodo del contributo ({} – {})",
                        m.month.format_it(),
                        self.first_month.format_it(),
                        self.last_month.format_it()
                    ),
                ));
            }
            // The table is read as the period in order: a month twice would
            // count its quota twice.
            if i > 0 && m.month <= self.months[i - 1].month {
                return Err(Error::invalid(
                    format!("months[{i}].month"),
                    format!("il mese {} è fuori ordine o ripetuto", m.month.format_it()),
                ));
            }
        }
        Ok(())
    }

    /// "quota mensile 400,00 €", or both quotas when the last month takes the
    /// rounding remainder ("quota mensile 333,33 €, ultimo mese 333,37 €").
    fn quota_text(&self) -> Option<String> {
        let first = self.months.first()?;
        let last = self.months.last()?;
        let rest_equal = self.months[..self.months.len() - 1].iter().all(|m| m.cap == first.cap);
        Some(if rest_equal && last.cap == first.cap {
            format!("quota mensile {}", first.cap.format_it())
        } else if rest_equal {
            format!("quota mensile {}, ultimo mese {}", first.cap.format_it(), last.cap.format_it())
        } else {
            "quote mensili come da tabella".to_string()
        })
    }
}

/// `a + b + …`, None on overflow (never with real amounts).
fn sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
    amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
}

fn place_date(comune_name: Option<&str>, d: NaiveDate) -> String {
    match comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(d)),
        None => dates::format_it(d),
    }
}

fn signature(doc: &mut Document, comune_name: Option<&str>, d: NaiveDate, operator: &str) {
    doc.push(Block::Signature(Signature {
        label: vec![
            Span::regular(format!("{} — il funzionario: ", place_date(comune_name, d))),
            Span::bold(operator.trim()),
        ],
    }));
}

pub fn statement_document(s: &Statement) -> Document {
    let mut doc = Document::new(s.title());
    doc.footer = s.title();
    doc.subject = format!(
        "Rimborsi del contributo {} — domanda {} al {}",
        s.measure_title,
        s.protocol,
        dates::format_it(s.issued_on)
    );
    doc.date = Some(s.issued_on);

    office::heading(&mut doc, &s.office, s.comune_name.as_deref());
    doc.heading(1, STATEMENT_TITLE);
    let mut intro = vec![
        Span::regular(format!("Bando «{}» — {}. Domanda prot. ", s.call_title, s.measure_title)),
        Span::bold(&s.protocol),
    ];
    if let Some(b) = &s.beneficiary {
        intro.push(Span::regular(", beneficiario "));
        intro.push(Span::bold(b));
    }
    intro.push(Span::regular(". Contributo assegnato "));
    intro.push(Span::bold(s.award_amount.format_it()));
    intro.push(Span::regular(format!(
        " per i mesi {} – {}",
        s.first_month.format_it(),
        s.last_month.format_it()
    )));
    if let Some(q) = s.quota_text() {
        intro.push(Span::regular(format!(", {q}")));
    }
    intro.push(Span::regular("."));
    doc.paragraph(Paragraph::new(intro).space_before(6.0));

    doc.heading(2, "Richieste di rimborso");
    if s.claims.is_empty() {
        doc.paragraph(Paragraph::text("Nessuna richiesta di rimborso presentata."));
    }
    for c in &s.claims {
        doc.heading(3, format!("Richiesta n. {} del {}", c.number, dates::format_it(c.received_on)));
        if c.documents.is_empty() {
            doc.paragraph(Paragraph::text("Nessun documento di spesa."));
        } else {
            doc.push(Block::Table(Table {
                columns: vec![
                    // Weights in points of the 482 pt text width: the
                    // dates, months and amounts (up to 99.999,99 €) and a
                    // number like "FT-2020/0157" fit on one line at 8 pt.
                    Column::new("Documento", 102.0, Align::Left),
                    Column::new("Emesso da", 92.0, Align::Left),
                    Column::new("N.", 66.0, Align::Left),
                    Column::new("Data", 56.0, Align::Left),
                    Column::new("Mese", 43.0, Align::Left),
                    Column::new("Importo", 58.0, Align::Right),
                    Column::new("Rimborsato", 65.0, Align::Right),
                ],
                rows: c
                    .documents
                    .iter()
                    .map(|d| {
                        // The reasons under the type, in the same cell: they
                        // explain this row's "rimborsato" where it is read.
                        let what = if d.reasons.is_empty() {
                            d.kind_label.clone()
                        } else {
                            format!("{}\n{}", d.kind_label, d.reasons.join("\n"))
                        };
                        Row::Cells(vec![
                            what,
                            d.issuer.clone(),
                            d.number.clone(),
                            dates::format_it(d.date),
                            d.month.format_it(),
                            d.amount.format_it(),
                            d.accepted.format_it(),
                        ])
                    })
                    .collect(),
                size: 8.0,
            }));
        }
        let mut total = vec![
            Span::regular(format!("Rimborsato con la richiesta n. {}: ", c.number)),
            Span::bold(c.reimbursed.format_it()),
        ];
        if let Some(presented) = sum(c.documents.iter().map(|d| d.amount)) {
            total.push(Span::regular(format!(" su {} di spese presentate", presented.format_it())));
        }
        doc.paragraph(Paragraph::new(total).align(Align::Right).size(9.0));
    }

    doc.heading(2, "Quote mensili");
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Mese", 1.0, Align::Left),
            Column::new("Quota", 1.0, Align::Right),
            Column::new("Rimborsato", 1.0, Align::Right),
            Column::new("Residuo", 1.0, Align::Right),
        ],
        rows: s
            .months
            .iter()
            .map(|m| {
                Row::Cells(vec![
                    m.month.format_it(),
                    m.cap.format_it(),
                    m.reimbursed.format_it(),
                    m.left.format_it(),
                ])
            })
            .collect(),
        size: 8.5,
    }));

    doc.heading(2, "Riepilogo");
    for (label, amount) in [
        ("Contributo assegnato: ", s.award_amount),
        ("Rimborsato: ", s.reimbursed),
        ("Residuo ancora rimborsabile: ", s.left),
    ] {
        doc.paragraph(
            Paragraph::new(vec![Span::regular(label), Span::bold(amount.format_it())]).space_before(2.0),
        );
    }
    doc.paragraph(
        Paragraph::text(
            "La quota di un mese che non viene usata non si somma a quella di un altro mese: \
             il residuo è la somma di quanto resta della quota di ciascun mese del periodo, \
             e può quindi essere inferiore alla differenza tra assegnato e rimborsato.",
        )
        .size(8.5)
        .space_before(8.0),
    );
    signature(&mut doc, s.comune_name.as_deref(), s.issued_on, &s.operator);
    doc
}

pub fn render_statement(s: &Statement) -> Result<Vec<u8>> {
    s.check()?;
    statement_document(s).render()
}

impl Liquidation {
    /// "Elenco di liquidazione n. 3".
    pub fn title(&self) -> String {
        format!("{LIQUIDATION_TITLE} n. {}", self.number)
    }

    /// Refuses a list the finance office would pay wrong: empty, numbered with
    /// gaps, or with a total that is not the sum of its rows; and text the
    /// font cannot print.
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca il funzionario che emette l'elenco"));
        }
        check_printable("operator", &self.operator)?;
        if let Some(c) = &self.comune_name {
            check_printable("comune_name", c)?;
        }
        check_printable("call_title", &self.call_title)?;
        check_printable("measure_title", &self.measure_title)?;
        if self.rows.is_empty() {
            return Err(Error::invalid("rows", "un elenco di liquidazione senza righe non si emette"));
        }
        let mut total = Money::ZERO;
        for (i, r) in self.rows.iter().enumerate() {
            let expected = i as u64 + 1;
            if u64::from(r.position) != expected {
                return Err(Error::invalid(
                    format!("rows[{i}].position"),
                    format!("la riga {expected} dell'elenco porta il numero {}", r.position),
                ));
            }
            check_printable(&format!("rows[{i}].protocol"), &r.protocol)?;
            for (field, v) in
                [("beneficiary", &r.beneficiary), ("codice_fiscale", &r.codice_fiscale), ("iban", &r.iban)]
            {
                if let Some(v) = v {
                    check_printable(&format!("rows[{i}].{field}"), v)?;
                }
            }
            if r.amount.is_negative() {
                return Err(Error::invalid(
                    format!("rows[{i}].amount"),
                    format!(
                        "importo negativo ({}): un elenco di liquidazione paga, non recupera",
                        r.amount.format_it()
                    ),
                ));
            }
            total = total
                .checked_add(r.amount)
                .ok_or_else(|| Error::invalid(format!("rows[{i}].amount"), "importo fuori scala"))?;
        }
        if total != self.total {
            return Err(Error::invalid(
                "total",
                format!(
                    "il totale dell'elenco ({}) non è la somma delle righe ({})",
                    self.total.format_it(),
                    total.format_it()
                ),
            ));
        }
        Ok(())
    }
}

/// "IT60 X054 2811 1010 0000 0123 456": the IBAN in groups of four, as it is
/// printed on bank documents, so that it can be read aloud and wraps between
/// groups in a narrow column instead of being cut anywhere.
fn iban_grouped(iban: &str) -> String {
    let compact: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
    compact.chunks(4).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

pub fn liquidation_document(l: &Liquidation) -> Document {
    let mut doc = Document::new(l.title());
    doc.footer = l.title();
    doc.subject = format!("{} — {} — {}", l.title(), l.call_title, dates::format_it(l.issued_on));
    doc.date = Some(l.issued_on);

    office::heading(&mut doc, &l.office, l.comune_name.as_deref());
    doc.heading(1, l.title());
    let rows = match l.rows.len() {
        1 => "1 rimborso".to_string(),
        n => format!("{n} rimborsi"),
    };
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular(format!("Bando «{}» — {}. Elenco emesso il ", l.call_title, l.measure_title)),
            Span::bold(dates::format_it(l.issued_on)),
            Span::regular(format!(
                ": {rows} da liquidare ai beneficiari, per un totale di {}.",
                l.total.format_it()
            )),
        ])
        .space_before(6.0),
    );
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
    let mut rows: Vec<Row> = l
        .rows
        .iter()
        .map(|r| {
            Row::Cells(vec![
                r.position.to_string(),
                r.protocol.clone(),
                dash(&r.beneficiary),
                dash(&r.codice_fiscale),
                r.iban.as_deref().map_or_else(|| "—".to_string(), iban_grouped),
                format!("n. {} del {}", r.claim_number, dates::format_it(r.claim_received_on)),
                r.amount.format_it(),
            ])
        })
        .collect();
    rows.push(Row::Cells(vec![
        String::new(),
        "Totale".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        l.total.format_it(),
    ]));
    doc.push(Block::Table(Table {
        columns: vec![
            // Weights in points of the 482 pt text width: a codice fiscale
            // and four groups of an IBAN fit on one line at 8 pt.
            Column::new("N.", 18.0, Align::Right),
            Column::new("Protocollo", 66.0, Align::Left),
            Column::new("Beneficiario", 90.0, Align::Left),
            Column::new("Codice fiscale", 92.0, Align::Left),
            Column::new("IBAN", 96.0, Align::Left),
            Column::new("Richiesta", 56.0, Align::Left),
            Column::new("Importo", 64.0, Align::Right),
        ],
        rows,
        size: 8.0,
    }));
    doc.paragraph(
        Paragraph::text(
            "L'elenco di liquidazione è un atto pubblicato e non si modifica: \
             una correzione si fa con un nuovo elenco.",
        )
        .size(8.5)
        .space_before(8.0),
    );
    signature(&mut doc, l.comune_name.as_deref(), l.issued_on, &l.operator);
    doc
}

pub fn render_liquidation(l: &Liquidation) -> Result<Vec<u8>> {
    l.check()?;
    liquidation_document(l).render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Item;

    fn date(s: &str) -> NaiveDate {
        dates::parse_iso("data", s).unwrap()
    }

    fn month(s: &str) -> Month {
        Month::parse("mese", s).unwrap()
    }

    fn euro(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn office() -> Office {
        Office {
            name: "Servizi Sociali Territoriali — Municipio 4".into(),
            address: "largo Treves 1, 20121 Milano".into(),
            phone: "02 884.63068".into(),
            email: "pss.fragilita@comune.milano.it".into(),
            comune: "F205".into(),
        }
    }

    const CARER: &str = "Nguyễn Thị Lan";
    const PAYSLIP: &str = "busta paga dell'assistente familiare";

    fn payslip(number: &str, day: &str, amount: &str, accepted: &str, reasons: &[&str]) -> StatementDocument {
        let d = date(day);
        StatementDocument {
            kind_label: PAYSLIP.into(),
            issuer: CARER.into(),
            number: number.into(),
            date: d,
            month: Month::of(d),
            amount: euro(amount),
            accepted: euro(accepted),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// 4.800,00 € over 07/2019 – 06/2020 (400,00 € a month); two claims: the
    /// first has a July payslip over the quota (reduced), the second hands in
    /// the August payslip again (refused as a duplicate), an invoice, and a
    /// January payslip over the quota.
    fn statement() -> Statement {
        let claims = vec![
            StatementClaim {
                number: 1,
                received_on: date("2019-10-15"),
                documents: vec![
                    payslip(
                        "7/2019",
                        "2019-07-31",
                        "1234.56",
                        "400.00",
                        &["Rimborsati 400,00 € su 1.234,56 €: è quanto restava della quota del mese 07/2019 (400,00 €)"],
                    ),
                    payslip("8/2019", "2019-08-31", "380.00", "380.00", &[]),
                ],
                reimbursed: euro("780.00"),
            },
            StatementClaim {
                number: 2,
                received_on: date("2020-03-15"),
                documents: vec![
                    payslip(
                        "8/2019",
                        "2019-08-31",
                        "380.00",
                        "0.00",
                        &["Il documento n. 8/2019 di Nguyễn Thị Lan è già stato presentato con una richiesta precedente"],
                    ),
                    StatementDocument {
                        kind_label: "fattura per servizi di assistenza domiciliare".into(),
                        issuer: "Cooperativa Sociale «Il Girasole»".into(),
                        number: "FT-2020/0157".into(),
                        date: date("2020-02-29"),
                        month: month("2020-02"),
                        amount: euro("250.00"),
                        accepted: euro("250.00"),
                        reasons: Vec::new(),
                    },
                    payslip(
                        "1/2020",
                        "2020-01-31",
                        "420.00",
                        "400.00",
                        &["Rimborsati 400,00 € su 420,00 €: è quanto restava della quota del mese 01/2020 (400,00 €)"],
                    ),
                ],
                reimbursed: euro("650.00"),
            },
        ];
        let paid = |m: Month| match m.to_string().as_str() {
            "2019-07" | "2020-01" => euro("400.00"),
            "2019-08" => euro("380.00"),
            "2020-02" => euro("250.00"),
            _ => Money::ZERO,
        };
        let cap = euro("400.00");
        let months = month("2019-07")
            .through(month("2020-06"))
            .map(|m| StatementMonth {
                month: m,
                cap,
                reimbursed: paid(m),
                left: cap.checked_sub(paid(m)).unwrap(),
            })
            .collect();
        Statement {
            office: office(),
            comune_name: Some("Milano".into()),
            call_title: "Contributi per l'assistenza familiare agli anziani non autosufficienti 2019".into(),
            measure_title: "Misura B2 anziani".into(),
            protocol: "2019/0042".into(),
            beneficiary: Some("Dell'Orto Niccolò".into()),
            award_amount: euro("4800.00"),
            first_month: month("2019-07"),
            last_month: month("2020-06"),
            claims,
            months,
            reimbursed: euro("1430.00"),
            left: euro("3370.00"),
            issued_on: date("2020-03-20"),
            operator: "Anna Verdi".into(),
        }
    }

    fn liquidation() -> Liquidation {
        let row =
            |position: u32, protocol: &str, who: Option<(&str, &str, &str)>, claim: u32, on: &str, amount| {
                LiquidationRow {
                    position,
                    protocol: protocol.into(),
                    beneficiary: who.map(|w| w.0.to_string()),
                    codice_fiscale: who.map(|w| w.1.to_string()),
                    iban: who.map(|w| w.2.to_string()),
                    claim_number: claim,
                    claim_received_on: date(on),
                    amount: euro(amount),
                }
            };
        Liquidation {
            office: office(),
            comune_name: Some("Milano".into()),
            call_title: "Contributi per l'assistenza familiare agli anziani non autosufficienti 2019".into(),
            measure_title: "Misura B2 anziani".into(),
            number: 3,
            issued_on: date("2020-04-02"),
            rows: vec![
                row(
                    1,
                    "2019/0042",
                    Some(("Dell'Orto Niccolò", "DLLNCL40A01F205X", "IT60X0542811101000000123456")),
                    2,
                    "2020-03-15",
                    "650.00",
                ),
                row(
                    2,
                    "2019/0057",
                    Some(("Nguyễn Thị Lan", "NGYTHL70E45Z251K", "IT 02 L 12345 12345 000000012345")),
                    1,
                    "2020-03-02",
                    "1234.56",
                ),
                row(3, "2019/0061", None, 1, "2020-03-10", "300.00"),
            ],
            total: euro("2184.56"),
            operator: "Anna Verdi".into(),
        }
    }

    /// The PDF's text as a reader gets it (`pdftotext`, poppler-utils), with
    /// every run of whitespace as one space so that a phrase is found whatever
    /// line it was wrapped on.
    fn pdf_text(bytes: &[u8], name: &str) -> String {
        let path = std::env::temp_dir().join(format!("sportello-print-{}-{name}.pdf", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("pdftotext (poppler-utils) is required by the print tests: {e}"));
        std::fs::remove_file(&path).unwrap();
        assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Every text drawn on the pages, one string per item (a cell's line).
    fn drawn(doc: &Document) -> Vec<String> {
        let layout = doc.layout().unwrap();
        layout
            .pages
            .iter()
            .flat_map(|p| p.items.iter())
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    /// The field a check must name, and how to spoil a valid value.
    type Spoil<T> = (&'static str, fn(&mut T));

    fn field_of(e: Error) -> String {
        e.field.unwrap_or_default()
    }

    #[test]
    fn a_statement_renders_with_claims_months_and_balance() {
        let s = statement();
        assert_eq!(s.title(), "Prospetto dei rimborsi — domanda 2019/0042");
        let bytes = render_statement(&s).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let text = pdf_text(&bytes, "prospetto");
        for expected in [
            "Comune di Milano",
            "Prospetto dei rimborsi",
            "Contributi per l'assistenza familiare agli anziani non autosufficienti 2019",
            "Misura B2 anziani",
            "2019/0042",
            "Dell'Orto Niccolò",
            "Contributo assegnato 4.800,00 € per i mesi 07/2019 – 06/2020, quota mensile 400,00 €.",
            "Richiesta n. 1 del 15/10/2019",
            "Richiesta n. 2 del 15/03/2020",
            "Nguyễn Thị Lan",
            "1.234,56 €",
            "07/2019",
            "31/07/2019",
            "FT-2020/0157",
            "Cooperativa Sociale «Il Girasole»",
            "è già stato presentato con una richiesta precedente",
            "è quanto restava della quota del mese 01/2020",
            "Rimborsato con la richiesta n. 2: 650,00 € su 1.050,00 € di spese presentate",
            "Residuo ancora rimborsabile: 3.370,00 €",
            "Rimborsato: 1.430,00 €",
            "non si somma a quella di un altro mese",
            "Milano, 20/03/2020 — il funzionario: Anna Verdi",
        ] {
            assert!(text.contains(expected), "«{expected}» missing from: {text}");
        }
        // Claims oldest first.
        assert!(text.find("Richiesta n. 1 del").unwrap() < text.find("Richiesta n. 2 del").unwrap());
    }

    #[test]
    fn amounts_dates_and_months_are_never_wrapped() {
        let texts = drawn(&statement_document(&statement()));
        for whole in ["1.234,56 €", "400,00 €", "31/07/2019", "29/02/2020", "02/2020", "FT-2020/0157"] {
            assert!(texts.iter().any(|t| t == whole), "«{whole}» is not one line of its cell");
        }
        let texts = drawn(&liquidation_document(&liquidation()));
        for whole in ["DLLNCL40A01F205X", "NGYTHL70E45Z251K", "1.234,56 €", "2.184,56 €", "2019/0042"] {
            assert!(texts.iter().any(|t| t == whole), "«{whole}» is not one line of its cell");
        }
    }

    #[test]
    fn the_quota_names_a_different_last_month() {
        let mut s = statement();
        s.award_amount = euro("4000.00");
        for m in &mut s.months {
            m.cap = euro("333.33");
        }
        s.months.last_mut().unwrap().cap = euro("333.37");
        assert_eq!(s.quota_text().unwrap(), "quota mensile 333,33 €, ultimo mese 333,37 €");
        s.months.clear();
        assert_eq!(s.quota_text(), None);
    }

    #[test]
    fn a_statement_without_claims_still_prints() {
        let mut s = statement();
        s.claims.clear();
        s.beneficiary = None;
        let text = pdf_text(&render_statement(&s).unwrap(), "prospetto-vuoto");
        assert!(text.contains("Nessuna richiesta di rimborso presentata."), "{text}");
        assert!(!text.contains("beneficiario"), "{text}");
    }

    #[test]
    fn a_statement_that_cannot_be_read_in_full_or_contradicts_itself_is_refused() {
        let cases: Vec<Spoil<Statement>> = vec![
            ("operator", |s| s.operator = "  ".into()),
            ("office.name", |s| s.office.name = "社会服务".into()),
            ("beneficiary", |s| s.beneficiary = Some("王 Wei".into())),
            ("claims[1].number", |s| s.claims[1].number = 1),
            ("claims[1].documents[0].reasons[0]", |s| s.claims[1].documents[0].reasons[0] = "王".into()),
            ("claims[0].documents[1].issuer", |s| s.claims[0].documents[1].issuer = "王".into()),
            ("months[3].month", |s| s.months[3].month = month("2020-07")),
            ("months[0].month", |s| s.months[0].month = month("2019-06")),
            ("months[2].month", |s| s.months[2].month = month("2019-08")),
            ("last_month", |s| s.last_month = month("2019-06")),
        ];
        for (field, spoil) in cases {
            let mut s = statement();
            spoil(&mut s);
            let e = render_statement(&s).unwrap_err();
            assert_eq!(field_of(e), field);
        }
        let mut s = statement();
        s.claims.swap(0, 1);
        let e = s.check().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("claims[1].number"));
        assert!(e.message.contains("la n. 1 viene dopo la n. 2"), "{}", e.message);
    }

    #[test]
    fn a_liquidation_renders_every_row_and_the_total() {
        let l = liquidation();
        assert_eq!(l.title(), "Elenco di liquidazione n. 3");
        let bytes = render_liquidation(&l).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let text = pdf_text(&bytes, "elenco");
        for expected in [
            "Comune di Milano",
            "Elenco di liquidazione n. 3",
            "Misura B2 anziani",
            "02/04/2020",
            "3 rimborsi da liquidare ai beneficiari, per un totale di 2.184,56 €.",
            "Dell'Orto Niccolò",
            "Nguyễn Thị Lan",
            "DLLNCL40A01F205X",
            "1.234,56 €",
            "650,00 €",
            "Totale",
            "2.184,56 €",
            "15/03/2020",
            "2019/0061",
            "non si modifica: una correzione si fa con un nuovo elenco",
            "Milano, 02/04/2020 — il funzionario: Anna Verdi",
        ] {
            assert!(text.contains(expected), "«{expected}» missing from: {text}");
        }
        // The IBAN in groups of four, however it was typed, wrapped between
        // groups (four on the first line of the cell).
        assert_eq!(iban_grouped("IT 02 L 12345 12345 000000012345"), "IT02 L123 4512 3450 0000 0012 345");
        let texts = drawn(&liquidation_document(&l));
        for line in ["IT60 X054 2811 1010", "0000 0123 456", "IT02 L123 4512 3450", "0000 0012 345"] {
            assert!(texts.iter().any(|t| t == line), "«{line}» not a line of the IBAN cell: {texts:?}");
        }
        // Row 3 has nobody linked: dashes, not blanks.
        assert_eq!(texts.iter().filter(|t| *t == "—").count(), 3);
    }

    #[test]
    fn a_liquidation_that_would_be_paid_wrong_is_refused() {
        let cases: Vec<Spoil<Liquidation>> = vec![
            ("rows", |l| l.rows.clear()),
            ("total", |l| l.total = euro("2184.55")),
            ("rows[1].position", |l| l.rows[1].position = 3),
            ("rows[0].position", |l| l.rows[0].position = 0),
            ("rows[2].beneficiary", |l| l.rows[2].beneficiary = Some("王".into())),
            ("rows[1].iban", |l| l.rows[1].iban = Some("IT60 王".into())),
            ("rows[0].amount", |l| l.rows[0].amount = euro("-650.00")),
            ("operator", |l| l.operator = String::new()),
            ("call_title", |l| l.call_title = "王".into()),
        ];
        for (field, spoil) in cases {
            let mut l = liquidation();
            spoil(&mut l);
            let e = render_liquidation(&l).unwrap_err();
            assert_eq!(field_of(e), field);
        }
        let mut l = liquidation();
        l.rows.clear();
        l.total = Money::ZERO;
        let e = l.check().unwrap_err();
        assert_eq!(e.message, "un elenco di liquidazione senza righe non si emette");
        let mut l = liquidation();
        l.total = euro("2000.00");
        let e = l.check().unwrap_err();
        assert!(e.message.contains("2.000,00 €") && e.message.contains("2.184,56 €"), "{}", e.message);
    }
}
