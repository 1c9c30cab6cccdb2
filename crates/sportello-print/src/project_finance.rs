//! "Rapporto di avanzamento finanziario" of a funded project (rules.md §8;
//! seed 004): the project's codes as OpenCoesione shows them, the four
//! amounts on a date (programmato, ammesso a finanziamento, giuridicamente
//! vincolante, erogato), the commitments and payments they are computed from,
//! the records annulled with their reason, and the warnings.
//!
//! The service builds the model from the stored records and the rules'
//! `amounts` and `warnings`; rendering only lays it out (no rules, no clock,
//! no database).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::rules::project_finance::{Amounts, FundedProject};

pub const REPORT_TITLE: &str = "Rapporto di avanzamento finanziario";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinanceReport {
    pub office: Office,
    pub comune_name: Option<String>,
    pub title: String,
    pub programme: String,
    pub azione: String,
    /// The act that set the amounts ('' when not known).
    pub act: String,
    pub project: FundedProject,
    /// On the report's date.
    pub amounts: Amounts,
    /// The commitments counted, in date order.
    pub commitments: Vec<ReportCommitment>,
    /// The payments counted, in date order.
    pub payments: Vec<ReportPayment>,
    /// Records annulled (not counted), with their reason.
    pub annulled: Vec<ReportAnnulled>,
    /// The rules' warnings, in Italian.
    pub warnings: Vec<String>,
    pub issued_on: NaiveDate,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCommitment {
    pub number: String,
    pub date: NaiveDate,
    pub act: String,
    pub creditor: String,
    pub description: String,
    pub amount: Money,
    /// What the payments counted pay on it.
    pub paid: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPayment {
    pub number: String,
    pub date: NaiveDate,
    /// The commitment's number.
    pub commitment: String,
    pub document: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportAnnulled {
    /// "Impegno 2017/4521" or "Mandato 2018/10452".
    pub what: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub annulled_on: NaiveDate,
    pub reason: String,
}

fn sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
    amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
}

/// "42,3 %": the erogato's share of the ammesso, one decimal, Italian comma
/// (None while nothing is admitted).
pub fn percent_it(a: &Amounts) -> Option<String> {
    a.erogato_percent().map(|p| format!("{} %", p.round_dp(1).to_string().replace('.', ",")))
}

impl FinanceReport {
    /// "Rapporto di avanzamento finanziario — MI3.1.1.c".
    pub fn title_line(&self) -> String {
        format!("{REPORT_TITLE} — {}", self.project.code)
    }

    /// Refuses a report that contradicts itself (totals that are not the sum
    /// of the rows printed) or whose text the font cannot print.
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca il funzionario che emette il rapporto"));
        }
        for (field, v) in [
            ("operator", &self.operator),
            ("title", &self.title),
            ("programme", &self.programme),
            ("azione", &self.azione),
            ("act", &self.act),
            ("code", &self.project.code),
            ("rup", &self.project.rup),
            ("attuatore", &self.project.attuatore),
        ] {
            check_printable(field, v)?;
        }
        if let Some(c) = &self.comune_name {
            check_printable("comune_name", c)?;
        }
        for (i, c) in self.commitments.iter().enumerate() {
            for (f, v) in [
                ("number", &c.number),
                ("act", &c.act),
                ("creditor", &c.creditor),
                ("description", &c.description),
            ] {
                check_printable(&format!("commitments[{i}].{f}"), v)?;
            }
        }
        for (i, p) in self.payments.iter().enumerate() {
            for (f, v) in [("number", &p.number), ("commitment", &p.commitment), ("document", &p.document)] {
                check_printable(&format!("payments[{i}].{f}"), v)?;
            }
        }
        for (i, a) in self.annulled.iter().enumerate() {
            check_printable(&format!("annulled[{i}].what"), &a.what)?;
            check_printable(&format!("annulled[{i}].reason"), &a.reason)?;
        }
        for (i, w) in self.warnings.iter().enumerate() {
            check_printable(&format!("warnings[{i}]"), w)?;
        }
        let committed = sum(self.commitments.iter().map(|c| c.amount));
        if committed != Some(self.amounts.giuridicamente_vincolante) {
            return Err(Error::invalid(
                "amounts.giuridicamente_vincolante",
                "l'importo giuridicamente vincolante non è la somma degli impegni stampati",
            ));
        }
        let paid = sum(self.payments.iter().map(|p| p.amount));
        if paid != Some(self.amounts.erogato) {
            return Err(Error::invalid(
                "amounts.erogato",
                "l'importo erogato non è la somma dei pagamenti stampati",
            ));
        }
        Ok(())
    }
}

pub fn report_document(r: &FinanceReport) -> Document {
    let p = &r.project;
    let on = dates::format_it(r.amounts.on);
    let mut doc = Document::new(r.title_line());
    doc.footer = r.title_line();
    doc.subject = format!("{} — {} — CUP {} — al {on}", REPORT_TITLE, p.code, p.cup);
    doc.date = Some(r.issued_on);

    office::heading(&mut doc, &r.office, r.comune_name.as_deref());
    doc.heading(1, REPORT_TITLE);
    doc.paragraph(Paragraph::new(vec![Span::bold(r.title.trim())]).space_before(4.0));

    // The project's card, as OpenCoesione shows it.
    let mut card =
        vec![("Programma", r.programme.trim().to_string()), ("Codice progetto", p.code.trim().to_string())];
    if !r.azione.trim().is_empty() {
        card.push(("Azione", r.azione.trim().to_string()));
    }
    card.extend([
        ("Codice Unico di Progetto (CUP)", p.cup.to_string()),
        ("Soggetto attuatore", p.attuatore.trim().to_string()),
        ("R.U.P.", p.rup.trim().to_string()),
        ("Periodo", format!("dal {} al {}", dates::format_it(p.start), dates::format_it(p.end))),
    ]);
    if !r.act.trim().is_empty() {
        card.push(("Atto di finanziamento", r.act.trim().to_string()));
    }
    doc.push(Block::Table(Table {
        columns: vec![Column::new("Dato", 150.0, Align::Left), Column::new("Valore", 332.0, Align::Left)],
        rows: card.into_iter().map(|(k, v)| Row::Cells(vec![k.to_string(), v])).collect(),
        size: 9.0,
    }));

    doc.heading(2, format!("Avanzamento finanziario al {on}"));
    let a = &r.amounts;
    doc.push(Block::Table(Table {
        columns: vec![Column::new("Importo", 330.0, Align::Left), Column::new("Euro", 152.0, Align::Right)],
        rows: vec![
            Row::Cells(vec!["Importo programmato".into(), a.programmato.format_it()]),
            Row::Cells(vec!["Importo ammesso a finanziamento".into(), a.ammesso.format_it()]),
            Row::Cells(vec![
                "Importo giuridicamente vincolante (impegni)".into(),
                a.giuridicamente_vincolante.format_it(),
            ]),
            Row::Cells(vec!["Importo erogato (pagamenti)".into(), a.erogato.format_it()]),
        ],
        size: 10.0,
    }));
    let progress = match percent_it(a) {
        Some(pc) => format!(
            "L'erogato è pari al {} dell'importo ammesso a finanziamento. Gli importi giuridicamente \
             vincolante ed erogato sono le somme degli impegni e dei pagamenti registrati fino al {on}, \
             elencati qui sotto.",
            pc
        ),
        None => format!(
            "Nessun importo è ancora ammesso a finanziamento. Gli importi giuridicamente vincolante ed \
             erogato sono le somme degli impegni e dei pagamenti registrati fino al {on}, elencati qui sotto."
        ),
    };
    doc.paragraph(Paragraph::text(progress).size(9.0).space_before(4.0));

    if !r.warnings.is_empty() {
        doc.heading(2, "Avvertenze");
        doc.bullets(&r.warnings);
    }

    doc.heading(2, "Impegni giuridicamente vincolanti");
    if r.commitments.is_empty() {
        doc.paragraph(Paragraph::text("Nessun impegno registrato."));
    } else {
        let mut rows: Vec<Row> = r
            .commitments
            .iter()
            .map(|c| {
                Row::Cells(vec![
                    c.number.clone(),
                    dates::format_it(c.date),
                    c.act.clone(),
                    format!("{}\n{}", c.creditor, c.description),
                    c.amount.format_it(),
                    c.paid.format_it(),
                ])
            })
            .collect();
        rows.push(Row::Cells(vec![
            "Totale".into(),
            String::new(),
            String::new(),
            String::new(),
            a.giuridicamente_vincolante.format_it(),
            a.erogato.format_it(),
        ]));
        doc.push(Block::Table(Table {
            // Weights in points of the 482 pt text width: amounts up to
            // 9.999.999,99 € fit on one line at 8 pt.
            columns: vec![
                Column::new("Impegno n.", 60.0, Align::Left),
                Column::new("Data", 56.0, Align::Left),
                Column::new("Atto", 84.0, Align::Left),
                Column::new("Creditore e oggetto", 140.0, Align::Left),
                Column::new("Importo", 71.0, Align::Right),
                Column::new("Pagato", 71.0, Align::Right),
            ],
            rows,
            size: 8.0,
        }));
    }

    doc.heading(2, "Pagamenti erogati");
    if r.payments.is_empty() {
        doc.paragraph(Paragraph::text("Nessun pagamento registrato."));
    } else {
        let mut rows: Vec<Row> = r
            .payments
            .iter()
            .map(|x| {
                Row::Cells(vec![
                    x.number.clone(),
                    dates::format_it(x.date),
                    x.commitment.clone(),
                    x.document.clone(),
                    x.amount.format_it(),
                ])
            })
            .collect();
        rows.push(Row::Cells(vec![
            "Totale".into(),
            String::new(),
            String::new(),
            String::new(),
            a.erogato.format_it(),
        ]));
        doc.push(Block::Table(Table {
            columns: vec![
                Column::new("Mandato n.", 62.0, Align::Left),
                Column::new("Data", 56.0, Align::Left),
                Column::new("Impegno n.", 62.0, Align::Left),
                Column::new("Documento di spesa", 228.0, Align::Left),
                Column::new("Importo", 74.0, Align::Right),
            ],
            rows,
            size: 8.0,
        }));
    }

    if !r.annulled.is_empty() {
        doc.heading(2, "Registrazioni annullate (non conteggiate)");
        doc.push(Block::Table(Table {
            columns: vec![
                Column::new("Registrazione", 100.0, Align::Left),
                Column::new("Data", 56.0, Align::Left),
                Column::new("Importo", 70.0, Align::Right),
                Column::new("Annullata il", 60.0, Align::Left),
                Column::new("Motivo", 196.0, Align::Left),
            ],
            rows: r
                .annulled
                .iter()
                .map(|x| {
                    Row::Cells(vec![
                        x.what.clone(),
                        dates::format_it(x.date),
                        x.amount.format_it(),
                        dates::format_it(x.annulled_on),
                        x.reason.clone(),
                    ])
                })
                .collect(),
            size: 8.0,
        }));
    }

    doc.paragraph(
        Paragraph::text(
            "Impegni e pagamenti registrati non si modificano: una registrazione errata si annulla \
             indicandone il motivo e, se occorre, si registra di nuovo.",
        )
        .size(8.5)
        .space_before(8.0),
    );
    let place = match r.comune_name.as_deref() {
        Some(n) => format!("{n}, {}", dates::format_it(r.issued_on)),
        None => dates::format_it(r.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular(format!("{place} — il funzionario: ")), Span::bold(r.operator.trim())],
    }));
    doc
}

pub fn render_report(r: &FinanceReport) -> Result<Vec<u8>> {
    r.check()?;
    report_document(r).render()
}
