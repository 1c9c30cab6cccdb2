//! Funded programmes (schema 25): the programme with its partners,
//! governance bodies and interventions, and the enrolments of members in
//! those interventions. Rows only: the forms are checked by
//! `domain::programme` and the service before anything is written here.

use rusqlite::{OptionalExtension, Row};

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, word, Sql, Stamp, Tx, Values};
use crate::domain::programme::{
    Body, Enrolment, EnrolmentExit, EsfEntry, Intervention, InterventionKind, Partner, Programme, Terms,
};
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};
use crate::money::Money;

const PROGRAMME_COLUMNS: &str = "id, title, fund, programme, convention, cup, start_on, end_on, budget, \
                                 lead_body, target, esf, funded_project_id, esf_period";

fn programme_from_row(r: &Row<'_>) -> rusqlite::Result<Programme> {
    Ok(Programme {
        id: col(r, 0)?,
        title: r.get(1)?,
        fund: r.get(2)?,
        programme: r.get(3)?,
        convention: r.get(4)?,
        cup: r.get(5)?,
        start_on: date(r, 6)?,
        end_on: date(r, 7)?,
        budget: opt_col(r, 8)?,
        lead_body: r.get(9)?,
        target: r.get(10)?,
        esf: r.get(11)?,
        funded_project_id: opt_col(r, 12)?,
        esf_period: word(r, 13)?,
        partners: Vec::new(),
        bodies: Vec::new(),
        interventions: Vec::new(),
    })
}

fn partner_from_row(r: &Row<'_>) -> rusqlite::Result<Partner> {
    Ok(Partner { id: col(r, 0)?, name: r.get(1)?, kind: word(r, 2)?, role: word(r, 3)?, active: r.get(4)? })
}

fn body_from_row(r: &Row<'_>) -> rusqlite::Result<Body> {
    let members: String = r.get(4)?;
    Ok(Body {
        id: col(r, 0)?,
        kind: word(r, 1)?,
        name: r.get(2)?,
        remit: r.get(3)?,
        members: members.lines().map(str::to_string).filter(|l| !l.is_empty()).collect(),
    })
}

fn intervention_from_row(r: &Row<'_>) -> rusqlite::Result<Intervention> {
    Ok(Intervention {
        id: col(r, 0)?,
        kind: word(r, 1)?,
        title: r.get(2)?,
        partner_id: opt_col(r, 3)?,
        hours_planned: r.get(4)?,
        description: r.get(5)?,
        active: r.get(6)?,
    })
}

const ENROLMENT_COLUMNS: &str = "e.id, e.household_id, e.member_id, e.intervention_id, e.project_id, \
     e.support_id, e.entry_date, i.kind, e.planned_end, e.host, e.tutor, e.hours_week, e.allowance, \
     e.allowance_payer, e.agency, e.hours_attended, e.labour_status, e.unemployed_since, e.in_education, \
     e.isced, e.foreign_background, e.disability, e.other_disadvantaged, e.homeless, e.rural, \
     e.household_jobless, e.dependent_children, e.single_adult, e.exit_date, e.outcome, e.outcome_note, \
     e.exit_status, e.third_country_national, e.minority";

fn missing(idx: usize, what: &str) -> rusqlite::Error {
    super::conversion(idx, Error::new(Code::Storage, format!("{what} mancante nel database")))
}

fn parse<E: StrEnum>(i: usize, s: Option<String>) -> rusqlite::Result<Option<E>> {
    s.map(|s| E::parse(&s).ok_or_else(|| missing(i, "valore"))).transpose()
}

fn enrolment_from_row(r: &Row<'_>) -> rusqlite::Result<Enrolment> {
    let kind: InterventionKind = word(r, 7)?;
    let text = |i: usize, what: &str| -> rusqlite::Result<String> {
        r.get::<_, Option<String>>(i)?.ok_or_else(|| missing(i, what))
    };
    let hours_week =
        || -> rusqlite::Result<u32> { r.get::<_, Option<u32>>(11)?.ok_or_else(|| missing(11, "ore")) };
    let terms = match kind {
        InterventionKind::Tirocinio => Terms::Tirocinio {
            host: text(9, "soggetto ospitante")?,
            tutor: text(10, "tutor")?,
            planned_end: opt_date(r, 8)?.ok_or_else(|| missing(8, "fine prevista"))?,
            hours_week: hours_week()?,
            allowance: opt_col::<Money>(r, 12)?.ok_or_else(|| missing(12, "indennità"))?,
            allowance_payer: text(13, "chi paga l'indennità")?,
        },
        InterventionKind::Corso => Terms::Corso { hours_attended: r.get::<_, Option<u32>>(15)?.unwrap_or(0) },
        InterventionKind::Orientamento => Terms::Orientamento { agency: text(14, "centro per l'impiego")? },
        InterventionKind::BeneComune => {
            Terms::BeneComune { place: text(14, "luogo")?, hours_week: hours_week()? }
        }
        InterventionKind::SocioEducativo => Terms::SocioEducativo,
        InterventionKind::Consulenza => Terms::Consulenza { agency: text(14, "specialista")? },
    };
    let labour: Option<String> = r.get(16)?;
    let exit_date = opt_date(r, 28)?;
    let outcome: Option<String> = r.get(29)?;
    let exit_status: Option<String> = r.get(31)?;
    let exit = match exit_date {
        None => None,
        Some(d) => Some(EnrolmentExit {
            date: d,
            outcome: parse(29, outcome)?.ok_or_else(|| missing(29, "esito"))?,
            note: r.get(30)?,
            esf_status: parse(31, exit_status)?,
        }),
    };
    Ok(Enrolment {
        id: col(r, 0)?,
        household_id: col(r, 1)?,
        member_id: col(r, 2)?,
        intervention_id: col(r, 3)?,
        project_id: col(r, 4)?,
        support_id: opt_col(r, 5)?,
        entry_date: date(r, 6)?,
        terms,
        esf: EsfEntry {
            labour_status: parse(16, labour)?,
            unemployed_since: opt_date(r, 17)?,
            in_education: r.get(18)?,
            isced: r.get(19)?,
            foreign_background: r.get(20)?,
            disability: r.get(21)?,
            other_disadvantaged: r.get(22)?,
            homeless: r.get(23)?,
            rural: r.get(24)?,
            household_jobless: r.get(25)?,
            dependent_children: r.get(26)?,
            single_adult: r.get(27)?,
            third_country_national: r.get(32)?,
            minority: r.get(33)?,
        },
        exit,
    })
}

/// Everything of an enrolment a change may rewrite (all but its household,
/// member, intervention and project), for its INSERT and its UPDATE alike.
fn enrolment_values<'a>(e: &'a Enrolment, stamp: &'a Stamp) -> Values<'a> {
    let (
        mut planned_end,
        mut host,
        mut tutor,
        mut hours_week,
        mut allowance,
        mut payer,
        mut agency,
        mut attended,
    ) = (None, None, None, None, None, None, None, None);
    match &e.terms {
        Terms::Tirocinio {
            host: h,
            tutor: t,
            planned_end: p,
            hours_week: w,
            allowance: a,
            allowance_payer: y,
        } => {
            planned_end = Some(p.to_string());
            host = Some(h.as_str());
            tutor = Some(t.as_str());
            hours_week = Some(*w);
            allowance = Some(a.sql());
            payer = Some(y.as_str());
        }
        Terms::Corso { hours_attended } => attended = Some(*hours_attended),
        Terms::Orientamento { agency: a } | Terms::Consulenza { agency: a } => agency = Some(a.as_str()),
        Terms::BeneComune { place, hours_week: w } => {
            agency = Some(place.as_str());
            hours_week = Some(*w);
        }
        Terms::SocioEducativo => {}
    }
    let x = &e.esf;
    Values::new()
        .with("support_id", e.support_id.sql())
        .with("entry_date", e.entry_date.to_string())
        .with("planned_end", planned_end)
        .with("host", host)
        .with("tutor", tutor)
        .with("hours_week", hours_week)
        .with("allowance", allowance)
        .with("allowance_payer", payer)
        .with("agency", agency)
        .with("hours_attended", attended)
        .with("labour_status", x.labour_status.map(|l| l.as_str()))
        .with("unemployed_since", opt_date_sql(x.unemployed_since))
        .with("in_education", x.in_education)
        .with("isced", x.isced)
        .with("foreign_background", x.foreign_background)
        .with("disability", x.disability)
        .with("other_disadvantaged", x.other_disadvantaged)
        .with("homeless", x.homeless)
        .with("rural", x.rural)
        .with("household_jobless", x.household_jobless)
        .with("dependent_children", x.dependent_children)
        .with("single_adult", x.single_adult)
        .with("third_country_national", x.third_country_national)
        .with("minority", x.minority)
        .with("exit_date", opt_date_sql(e.exit.as_ref().map(|x| x.date)))
        .with("outcome", e.exit.as_ref().map(|x| x.outcome.as_str()))
        .with("outcome_note", e.exit.as_ref().and_then(|x| x.note.as_deref()))
        .with("exit_status", e.exit.as_ref().and_then(|x| x.esf_status).map(|s| s.as_str()))
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

/// Writes `values` to the row `id` of `table`, or inserts it with its
/// creation stamp when there is none.
fn upsert(
    tx: &Tx<'_>,
    table: &'static str,
    id: Id,
    values: impl Fn() -> Values<'static>,
    stamp: &Stamp,
) -> Result<(), Error> {
    let n = values().update(&tx.tx, table, &Values::new().with("id", id.sql())).map_err(db_err)?;
    if n == 0 {
        values()
            .with("id", id.sql())
            .with("created_at", stamp.at.clone())
            .with("created_by", stamp.by.sql())
            .insert(&tx.tx, table)
            .map_err(db_err)?;
    }
    Ok(())
}

impl Tx<'_> {
    fn programme_children(&self, p: &mut Programme) -> Result<(), Error> {
        let id = p.id.sql();
        p.partners = self.rows(
            "SELECT id, name, kind, role, active FROM programme_partners WHERE programme_id = ?1 ORDER BY position, id",
            [&id],
            partner_from_row,
        )?;
        p.bodies = self.rows(
            "SELECT id, kind, name, remit, members FROM programme_bodies WHERE programme_id = ?1 ORDER BY position, id",
            [&id],
            body_from_row,
        )?;
        p.interventions = self.rows(
            "SELECT id, kind, title, partner_id, hours_planned, description, active FROM interventions
             WHERE programme_id = ?1 ORDER BY position, id",
            [&id],
            intervention_from_row,
        )?;
        Ok(())
    }

    /// Every programme, latest start first, whole.
    pub fn programmes(&self) -> Result<Vec<Programme>, Error> {
        let mut all = self.rows(
            &format!("SELECT {PROGRAMME_COLUMNS} FROM programmes ORDER BY start_on DESC, title, id"),
            [],
            programme_from_row,
        )?;
        for p in &mut all {
            self.programme_children(p)?;
        }
        Ok(all)
    }

    pub fn programme_get(&self, id: Id) -> Result<Option<Programme>, Error> {
        let p = self
            .tx
            .query_row(
                &format!("SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE id = ?1"),
                [id.sql()],
                programme_from_row,
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut p) = p else { return Ok(None) };
        self.programme_children(&mut p)?;
        Ok(Some(p))
    }

    /// The programme an intervention belongs to.
    pub fn programme_of_intervention(&self, intervention: Id) -> Result<Option<Id>, Error> {
        self.tx
            .query_row("SELECT programme_id FROM interventions WHERE id = ?1", [intervention.sql()], |r| {
                col(r, 0)
            })
            .optional()
            .map_err(db_err)
    }

    /// Writes a programme whole: its row, its partners, bodies and
    /// interventions in the form's order. Bodies no longer in it are removed
    /// (nothing names them); partners and interventions are never removed
    /// here (the service keeps them, inactive, once named).
    pub fn programme_put(&self, p: &Programme, stamp: &Stamp) -> Result<(), Error> {
        let owned = stamp.clone();
        let pr = p.clone();
        upsert(
            self,
            "programmes",
            p.id,
            || {
                Values::new()
                    .with("title", pr.title.clone())
                    .with("fund", pr.fund.clone())
                    .with("programme", pr.programme.clone())
                    .with("convention", pr.convention.clone())
                    .with("cup", pr.cup.clone())
                    .with("start_on", pr.start_on.to_string())
                    .with("end_on", pr.end_on.to_string())
                    .with("budget", pr.budget.sql())
                    .with("lead_body", pr.lead_body.clone())
                    .with("target", pr.target.clone())
                    .with("esf", pr.esf)
                    .with("esf_period", pr.esf_period.as_str())
                    .with("funded_project_id", pr.funded_project_id.sql())
                    .with("updated_at", owned.at.clone())
                    .with("updated_by", owned.by.sql())
            },
            stamp,
        )?;
        for (i, x) in p.partners.iter().enumerate() {
            let x = x.clone();
            let pid = p.id;
            upsert(
                self,
                "programme_partners",
                x.id,
                || {
                    Values::new()
                        .with("programme_id", pid.sql())
                        .with("position", i as i64)
                        .with("name", x.name.clone())
                        .with("kind", x.kind.as_str())
                        .with("role", x.role.as_str())
                        .with("active", x.active)
                        .with("updated_at", owned.at.clone())
                        .with("updated_by", owned.by.sql())
                },
                stamp,
            )?;
        }
        let kept: Vec<String> = p.bodies.iter().map(|b| b.id.sql()).collect();
        for old in
            self.rows("SELECT id FROM programme_bodies WHERE programme_id = ?1", [p.id.sql()], |r| {
                col::<Id>(r, 0)
            })?
        {
            if !kept.contains(&old.sql()) {
                self.tx.execute("DELETE FROM programme_bodies WHERE id = ?1", [old.sql()]).map_err(db_err)?;
            }
        }
        for (i, b) in p.bodies.iter().enumerate() {
            let b = b.clone();
            let pid = p.id;
            upsert(
                self,
                "programme_bodies",
                b.id,
                || {
                    Values::new()
                        .with("programme_id", pid.sql())
                        .with("position", i as i64)
                        .with("kind", b.kind.as_str())
                        .with("name", b.name.clone())
                        .with("remit", b.remit.clone())
                        .with("members", b.members.join("\n"))
                        .with("updated_at", owned.at.clone())
                        .with("updated_by", owned.by.sql())
                },
                stamp,
            )?;
        }
        for (i, v) in p.interventions.iter().enumerate() {
            let v = v.clone();
            let pid = p.id;
            upsert(
                self,
                "interventions",
                v.id,
                || {
                    Values::new()
                        .with("programme_id", pid.sql())
                        .with("position", i as i64)
                        .with("kind", v.kind.as_str())
                        .with("title", v.title.clone())
                        .with("partner_id", v.partner_id.sql())
                        .with("hours_planned", v.hours_planned)
                        .with("description", v.description.clone())
                        .with("active", v.active)
                        .with("updated_at", owned.at.clone())
                        .with("updated_by", owned.by.sql())
                },
                stamp,
            )?;
        }
        Ok(())
    }

    /// The enrolments of a household, latest entry first.
    pub fn enrolments_of_household(&self, household: Id) -> Result<Vec<Enrolment>, Error> {
        self.rows(
            &format!(
                "SELECT {ENROLMENT_COLUMNS} FROM enrolments e JOIN interventions i ON i.id = e.intervention_id
                 WHERE e.household_id = ?1 ORDER BY e.entry_date DESC, e.id"
            ),
            [household.sql()],
            enrolment_from_row,
        )
    }

    /// The enrolments in a programme's interventions, oldest entry first.
    pub fn enrolments_of_programme(&self, programme: Id) -> Result<Vec<Enrolment>, Error> {
        self.rows(
            &format!(
                "SELECT {ENROLMENT_COLUMNS} FROM enrolments e JOIN interventions i ON i.id = e.intervention_id
                 WHERE i.programme_id = ?1 ORDER BY e.entry_date, e.id"
            ),
            [programme.sql()],
            enrolment_from_row,
        )
    }

    /// The people each programme has enrolled, counted by the database (a
    /// person in two of its interventions counts once); a programme with
    /// none is absent.
    pub fn programme_participant_counts(&self) -> Result<Vec<(Id, usize)>, Error> {
        self.rows(
            "SELECT i.programme_id, count(DISTINCT e.member_id) FROM enrolments e
             JOIN interventions i ON i.id = e.intervention_id GROUP BY i.programme_id",
            [],
            |r| Ok((col::<Id>(r, 0)?, r.get::<_, i64>(1)? as usize)),
        )
    }

    pub fn enrolment_get(&self, id: Id) -> Result<Option<Enrolment>, Error> {
        self.tx
            .query_row(
                &format!(
                    "SELECT {ENROLMENT_COLUMNS} FROM enrolments e JOIN interventions i ON i.id = e.intervention_id
                     WHERE e.id = ?1"
                ),
                [id.sql()],
                enrolment_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// A new enrolment, or a change of one (its terms, entry data, exit).
    pub fn enrolment_put(&self, e: &Enrolment, stamp: &Stamp) -> Result<(), Error> {
        let n = enrolment_values(e, stamp)
            .update(&self.tx, "enrolments", &Values::new().with("id", e.id.sql()))
            .map_err(db_err)?;
        if n == 0 {
            enrolment_values(e, stamp)
                .with("id", e.id.sql())
                .with("household_id", e.household_id.sql())
                .with("member_id", e.member_id.sql())
                .with("intervention_id", e.intervention_id.sql())
                .with("project_id", e.project_id.sql())
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "enrolments")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// Whether the member is already in the intervention without an exit.
    pub fn enrolment_open_exists(&self, member: Id, intervention: Id, except: Id) -> Result<bool, Error> {
        self.tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM enrolments WHERE member_id = ?1 AND intervention_id = ?2
                                AND exit_date IS NULL AND id <> ?3)",
                [member.sql(), intervention.sql(), except.sql()],
                |r| r.get(0),
            )
            .map_err(db_err)
    }
}
