//! The personalised project agreement ("Progetto personalizzato — Patto per
//! l'inclusione", rules.md §5, cli.md `sportello agreement`): the household signs
//! it within 20 working days of the analisi preliminare.
//!
//! Three steps, each testable alone: [`AgreementInput`] is the JSON as typed
//! (every field optional, so a missing one is reported by name, not by serde);
//! [`AgreementInput::validate`] checks it and decides who signs for whom;
//! [`render`] prints an [`AgreementDocument`], which already carries the signing
//! deadline, so printing never touches the calendar or the clock.
//!
//! The signing window (20 working days since 2018) is dated data in
//! `assets/procedure/progetto-personalizzato.toml`, read through
//! [`crate::domain::procedure::signing_window`]; an analysis date that no entry
//! covers is a [`crate::Code::NoRuleSet`] error on `analysis_date`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office::{required, Office, ValidOffice};
use crate::calendar::{self, Comune};
use crate::dates;
use crate::domain::procedure;
use crate::error::{Error, Result};

/// Age from which a member signs for himself (rules.md §1.1: minore = age < 18).
const AGE_OF_MAJORITY: u32 = 18;

/// The role that signs for a minor when no guardian is named (cli.md).
const APPLICANT_ROLE: &str = "richiedente";

/// The `sportello agreement` input, as typed. A key not in cli.md, or given
/// twice, is refused by name (a misspelt `guardain` would silently change who
/// signs for a minor).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    #[serde(default)]
    pub comune: Option<String>,
    #[serde(default)]
    pub office: Option<Office>,
    #[serde(default)]
    pub case_number: Option<String>,
    #[serde(default)]
    pub analysis_date: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub members: Option<Vec<MemberInput>>,
    #[serde(default)]
    pub objectives: Option<Vec<String>>,
    #[serde(default)]
    pub commitments: Option<Vec<CommitmentInput>>,
    #[serde(default)]
    pub supports: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub codice_fiscale: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    /// Id of the member who signs for this one (a minor's parent or guardian).
    #[serde(default)]
    pub guardian: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
}

/// A checked agreement: every field present, dates and codici fiscali valid,
/// every reference resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAgreement {
    /// Belfiore code of the comune whose calendar sets the deadline.
    pub comune: String,
    pub office: ValidOffice,
    pub case_number: String,
    pub analysis_date: NaiveDate,
    pub operator: String,
    pub members: Vec<Member>,
    pub objectives: Vec<String>,
    pub commitments: Vec<Commitment>,
    pub supports: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// Normalised (trimmed, upper case).
    pub codice_fiscale: String,
    pub birth_date: NaiveDate,
    pub role: String,
    /// Under 18 on the analysis date.
    pub minor: bool,
    /// Index in `members` of who signs for this member; None: signs himself.
    pub signed_by: Option<usize>,
}

impl Member {
    /// "Niccolò Dell'Orto": first name then surname, as written.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// Index in `members` of the member it binds.
    pub member: usize,
    pub text: String,
    pub due: NaiveDate,
}

impl AgreementInput {
    /// Reads the JSON of cli.md. A syntax or type error names its line.
    pub fn from_json(s: &str) -> Result<AgreementInput> {
        crate::json_in::from_text(s, |e| {
            let err = Error::invalid("json", format!("file JSON non valido: {e}"));
            if e.line() > 0 {
                err.at_line(e.line() as u64)
            } else {
                err
            }
        })
    }

    /// Checks the input. `today` only resolves the two-digit years of the codici
    /// fiscali; adult or minor is decided on the analysis date.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidAgreement> {
        let comune = required(&self.comune, "comune", "il comune (codice Belfiore)")?.to_uppercase();
        let office = self
            .office
            .as_ref()
            .ok_or_else(|| Error::invalid("office", "mancano i dati dell'ufficio: campo obbligatorio"))?
            .validate("office")?;
        let case_number = required(&self.case_number, "case_number", "il numero di pratica")?;
        let analysis = required(&self.analysis_date, "analysis_date", "la data dell'analisi preliminare")?;
        let analysis_date = dates::parse_iso("analysis_date", &analysis)?;
        let operator = required(&self.operator, "operator", "l'operatore di riferimento")?;

        let members = self.validate_members(today, analysis_date)?;
        let commitments = self.validate_commitments(&members)?;
        let objectives = text_list(&self.objectives, "objectives", "obiettivo")?;
        let supports = text_list(&self.supports, "supports", "sostegno")?;

        Ok(ValidAgreement {
            comune,
            office,
            case_number,
            analysis_date,
            operator,
            members,
            objectives,
            commitments,
            supports,
        })
    }

    fn validate_members(&self, today: NaiveDate, analysis_date: NaiveDate) -> Result<Vec<Member>> {
        let inputs = match &self.members {
            Some(m) if !m.is_empty() => m,
            Some(_) => return Err(Error::invalid("members", "il nucleo non ha componenti")),
            None => {
                return Err(Error::invalid("members", "mancano i componenti del nucleo: campo obbligatorio"))
            }
        };
        let mut members = Vec::with_capacity(inputs.len());
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, m) in inputs.iter().enumerate() {
            let id = required(
                &m.id,
                &format!("members[{i}].id"),
                &format!("l'identificativo del componente n. {}", i + 1),
            )?;
            let at = |field: &str| format!("members[{id}].{field}");
            if by_id.insert(id.clone(), i).is_some() {
                return Err(Error::invalid(
                    at("id"),
                    format!("l'identificativo «{id}» è usato per più componenti"),
                ));
            }
            let first_name =
                required(&m.first_name, &at("first_name"), &format!("il nome del componente {id}"))?;
            let last_name =
                required(&m.last_name, &at("last_name"), &format!("il cognome di {first_name} ({id})"))?;
            let who = format!("{first_name} {last_name}");
            let role = required(&m.role, &at("role"), &format!("il ruolo nel nucleo di {who}"))?;
            let cf_text =
                required(&m.codice_fiscale, &at("codice_fiscale"), &format!("il codice fiscale di {who}"))?;
            let cf = crate::cf::parse(&cf_text, today).map_err(|e| {
                Error::invalid(
                    at("codice_fiscale"),
                    format!("codice fiscale di {who} non valido ({}): {}", e.code, e.messaggio),
                )
            })?;
            let birth = required(&m.birth_date, &at("birth_date"), &format!("la data di nascita di {who}"))?;
            let birth_date = dates::parse_iso(&at("birth_date"), &birth)?;
            // The codice fiscale carries the birth date (two-digit year): a mismatch is
            // a typing error, and the date decides who signs for whom.
            if cf.birth_date.format("%y%m%d").to_string() != birth_date.format("%y%m%d").to_string() {
                return Err(Error::invalid(
                    at("birth_date"),
                    format!(
                        "la data di nascita di {who} ({}) non corrisponde al codice fiscale {} ({})",
                        dates::format_it(birth_date),
                        cf.code,
                        cf.birth_date.format("%d/%m/%y")
                    ),
                ));
            }
            if birth_date > analysis_date {
                return Err(Error::invalid(
                    at("birth_date"),
                    format!(
                        "la data di nascita di {who} ({}) è successiva all'analisi preliminare ({})",
                        dates::format_it(birth_date),
                        dates::format_it(analysis_date)
                    ),
                ));
            }
            let minor = calendar::age_on(birth_date, analysis_date) < AGE_OF_MAJORITY;
            members.push(Member {
                id,
                first_name,
                last_name,
                codice_fiscale: cf.code,
                birth_date,
                role,
                minor,
                signed_by: None,
            });
        }

        let applicants: Vec<usize> = (0..members.len())
            .filter(|&i| members[i].role.trim().eq_ignore_ascii_case(APPLICANT_ROLE))
            .collect();
        if let Some(&second) = applicants.get(1) {
            let m = &members[second];
            return Err(Error::invalid(
                format!("members[{}].role", m.id),
                format!(
                    "più di un componente ha il ruolo «{APPLICANT_ROLE}» ({} e {})",
                    members[applicants[0]].full_name(),
                    m.full_name()
                ),
            ));
        }

        for (i, input) in inputs.iter().enumerate() {
            let m = &members[i];
            let field = format!("members[{}].guardian", m.id);
            let guardian = input.guardian.as_deref().map(str::trim).filter(|g| !g.is_empty());
            let signer = match guardian {
                Some(g) => {
                    let Some(&gi) = by_id.get(g) else {
                        return Err(Error::invalid(
                            field,
                            format!(
                                "chi firma per {} è «{g}», che non è un componente del nucleo",
                                m.full_name()
                            ),
                        ));
                    };
                    if gi == i {
                        return Err(Error::invalid(
                            field,
                            format!("{} non può essere il tutore di sé stesso", m.full_name()),
                        ));
                    }
                    if members[gi].minor {
                        return Err(Error::invalid(
                            field,
                            format!(
                                "{} è minore e non può firmare per {}: indicare un genitore o tutore maggiorenne",
                                members[gi].full_name(),
                                m.full_name()
                            ),
                        ));
                    }
                    Some(gi)
                }
                None if m.minor => match applicants.first() {
                    Some(&a) if a != i && !members[a].minor => Some(a),
                    _ => {
                        return Err(Error::invalid(
                            field,
                            format!(
                                "{} è minore: indicare il genitore o tutore che firma per lui o per lei \
                                 (nel nucleo non c'è un richiedente maggiorenne che possa firmare)",
                                m.full_name()
                            ),
                        ))
                    }
                },
                None => None,
            };
            members[i].signed_by = signer;
        }
        Ok(members)
    }

    fn validate_commitments(&self, members: &[Member]) -> Result<Vec<Commitment>> {
        let inputs = match &self.commitments {
            Some(c) if !c.is_empty() => c,
            Some(_) => {
                return Err(Error::invalid("commitments", "il progetto non ha impegni: indicarne almeno uno"))
            }
            None => return Err(Error::invalid("commitments", "mancano gli impegni: campo obbligatorio")),
        };
        inputs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let n = i + 1;
                let id = required(
                    &c.member,
                    &format!("commitments[{i}].member"),
                    &format!("il componente dell'impegno n. {n}"),
                )?;
                let member = members.iter().position(|m| m.id == id).ok_or_else(|| {
                    Error::invalid(
                        format!("commitments[{i}].member"),
                        format!("l'impegno n. {n} riguarda «{id}», che non è un componente del nucleo"),
                    )
                })?;
                let who = members[member].full_name();
                let text = required(
                    &c.text,
                    &format!("commitments[{i}].text"),
                    &format!("il testo dell'impegno n. {n} ({who})"),
                )?;
                let due_text = required(
                    &c.due,
                    &format!("commitments[{i}].due"),
                    &format!("la scadenza dell'impegno n. {n} ({who})"),
                )?;
                let due = dates::parse_iso(&format!("commitments[{i}].due"), &due_text)?;
                Ok(Commitment { member, text, due })
            })
            .collect()
    }
}

fn text_list(list: &Option<Vec<String>>, field: &str, what: &str) -> Result<Vec<String>> {
    let items = match list {
        Some(l) if !l.is_empty() => l,
        Some(_) => return Err(Error::invalid(field, format!("indicare almeno un {what}"))),
        None => return Err(Error::invalid(field, format!("manca l'elenco «{field}»: campo obbligatorio"))),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = s.trim();
            if t.is_empty() {
                return Err(Error::invalid(
                    format!("{field}[{i}]"),
                    format!("il {what} n. {} è vuoto", i + 1),
                ));
            }
            check_printable(&format!("{field}[{i}]"), t)?;
            Ok(t.to_string())
        })
        .collect()
}

/// Everything the printed agreement shows, deadline included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDocument {
    pub agreement: ValidAgreement,
    /// "Milano", for the heading "Comune di Milano".
    pub comune_name: String,
    pub signing_deadline: NaiveDate,
    pub signing_working_days: u32,
}

impl AgreementDocument {
    /// Computes the signing deadline in the comune's office calendar, with the
    /// window in force on the analysis date (procedure file). An analysis date
    /// that the procedure or the holiday data does not cover is an error, never
    /// a guess.
    pub fn prepare(agreement: ValidAgreement, comune: &Comune) -> Result<AgreementDocument> {
        let window =
            procedure::signing_window(agreement.analysis_date).map_err(|e| e.with_field("analysis_date"))?;
        AgreementDocument::prepare_with_window(agreement, comune, window.working_days)
    }

    /// As [`AgreementDocument::prepare`], with the window chosen by the caller.
    pub fn prepare_with_window(
        agreement: ValidAgreement,
        comune: &Comune,
        working_days: u32,
    ) -> Result<AgreementDocument> {
        let signing_deadline = calendar::try_add_working_days(agreement.analysis_date, working_days, comune)
            .map_err(|e| e.with_field("analysis_date"))?;
        Ok(AgreementDocument {
            agreement,
            comune_name: comune.nome.clone(),
            signing_deadline,
            signing_working_days: working_days,
        })
    }

    /// An agreement whose deadline was computed and stored when the analysis was
    /// recorded (the app): the paper must show the same date as the deadlines
    /// board, even if the holiday data changed since. The window is the one in
    /// force on the analysis date, for the sentence that explains the date.
    pub fn with_deadline(
        agreement: ValidAgreement,
        comune_name: &str,
        signing_deadline: NaiveDate,
    ) -> Result<AgreementDocument> {
        let window =
            procedure::signing_window(agreement.analysis_date).map_err(|e| e.with_field("analysis_date"))?;
        if signing_deadline < agreement.analysis_date {
            return Err(Error::invalid(
                "signing_deadline",
                format!(
                    "il termine per la firma ({}) precede l'analisi preliminare ({})",
                    dates::format_it(signing_deadline),
                    dates::format_it(agreement.analysis_date)
                ),
            ));
        }
        Ok(AgreementDocument {
            agreement,
            comune_name: comune_name.to_string(),
            signing_deadline,
            signing_working_days: window.working_days,
        })
    }
}

pub const TITLE: &str = "Progetto personalizzato — Patto per l'inclusione";

/// The agreement as a layout document (what [`render`] prints).
pub fn document(d: &AgreementDocument) -> Document {
    let a = &d.agreement;
    let mut doc = Document::new(format!("{TITLE} — pratica {}", a.case_number));
    doc.footer = format!("Progetto personalizzato — pratica n. {}", a.case_number);
    doc.subject = format!("Da sottoscrivere entro il {}", dates::format_it(d.signing_deadline));
    doc.date = Some(a.analysis_date);

    a.office.heading(&mut doc, Some(&d.comune_name));
    doc.heading(1, TITLE);
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular("Pratica n. "),
            Span::bold(&a.case_number),
            Span::regular(" — analisi preliminare del "),
            Span::bold(dates::format_it(a.analysis_date)),
        ])
        .align(Align::Center)
        .space_before(4.0),
    );
    doc.paragraph(
        Paragraph::text(format!(
            "Il progetto riguarda l'intero nucleo familiare ed è definito con la partecipazione diretta dei suoi \
             componenti, sulla base dell'analisi preliminare del {}. Per ogni impegno è indicato il componente che \
             lo assume e il termine entro cui realizzarlo.",
            dates::format_it(a.analysis_date)
        ))
        .space_before(12.0),
    );

    doc.heading(2, "Nucleo familiare");
    let rows = a
        .members
        .iter()
        .map(|m| {
            let role = if m.minor { format!("{} (minore)", m.role) } else { m.role.clone() };
            Row::Cells(vec![m.full_name(), m.codice_fiscale.clone(), dates::format_it(m.birth_date), role])
        })
        .collect();
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Nome e cognome", 3.0, Align::Left),
            Column::new("Codice fiscale", 2.5, Align::Left),
            Column::new("Data di nascita", 1.9, Align::Left),
            Column::new("Ruolo", 2.0, Align::Left),
        ],
        rows,
        size: 9.0,
    }));

    doc.heading(2, "Obiettivi");
    doc.bullets(&a.objectives);

    doc.heading(2, "Impegni");
    for (i, c) in a.commitments.iter().enumerate() {
        let m = &a.members[c.member];
        let who = if m.minor { format!("{} (minore)", m.full_name()) } else { m.full_name() };
        doc.paragraph(
            Paragraph::new(vec![
                Span::bold(who),
                Span::regular(" — entro il "),
                Span::bold(dates::format_it(c.due)),
            ])
            .indent(18.0)
            .marker(format!("{}.", i + 1))
            .space_before(if i == 0 { 4.0 } else { 8.0 })
            .keep_with_next(),
        );
        doc.paragraph(Paragraph::text(&c.text).indent(18.0).space_before(1.0));
    }

    doc.heading(2, "Sostegni e interventi del servizio");
    doc.bullets(&a.supports);

    doc.heading(2, "Sottoscrizione");
    let deadline = dates::format_it(d.signing_deadline);
    doc.paragraph(Paragraph::new(vec![
        Span::regular(format!(
            "I componenti del nucleo sottoscrivono il progetto entro {} giorni lavorativi dalla data dell'analisi \
             preliminare ({}): ",
            d.signing_working_days,
            dates::format_it(a.analysis_date)
        )),
        Span::bold(format!("da sottoscrivere entro il {deadline}")),
        Span::regular("."),
    ]));
    doc.paragraph(Paragraph::text(
        "Gli adulti firmano per sé; per ogni componente minorenne firma il genitore o tutore indicato. \
         Il mancato rispetto degli impegni senza giustificato motivo può comportare la sospensione o la decadenza \
         dal beneficio.",
    ));
    doc.heading(3, "Firme");
    for m in &a.members {
        let label = match m.signed_by {
            None => vec![Span::bold(m.full_name()), Span::regular(format!(" ({})", m.role))],
            Some(g) if m.minor => vec![
                Span::regular(format!("per {}, minore: firma del genitore/tutore ", m.full_name())),
                Span::bold(a.members[g].full_name()),
            ],
            Some(g) => vec![
                Span::regular(format!(
                    "per {}: firma del tutore o amministratore di sostegno ",
                    m.full_name()
                )),
                Span::bold(a.members[g].full_name()),
            ],
        };
        doc.push(Block::Signature(Signature { label }));
    }
    doc.push(Block::Signature(Signature {
        label: vec![
            Span::regular("Per il Servizio sociale, l'operatore di riferimento: "),
            Span::bold(&a.operator),
        ],
    }));
    doc
}

/// The agreement as PDF bytes.
pub fn render(d: &AgreementDocument) -> Result<Vec<u8>> {
    document(d).render()
}
