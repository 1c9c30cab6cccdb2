//! Households and members: load, insert, update, search.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::scope::CaseFilter;
use super::search::{fold, fold_code, prefix_upper_bound};
use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, opt_word, word, Sql, Stamp, Tx, Values};
use crate::domain::household::HouseholdDraft;
use crate::domain::place::place_label;
use crate::domain::{
    CaseOwner, Household, HouseholdSummary, Id, Isee, Member, ResidencePermit, Restriction, StrEnum,
};
use crate::error::Error;

const MEMBER_COLS: &str =
    "id, first_name, last_name, codice_fiscale, birth_date, sex, relationship, citizenship,
    residence_comune, resident_since, invalidity_percent, disability_certified, not_self_sufficient,
    employment, education, guardian_id, permit_kind, permit_number, permit_expires_on, citizenship_country";

fn member_from_row(r: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: col(r, 0)?,
        first_name: r.get(1)?,
        last_name: r.get(2)?,
        codice_fiscale: col(r, 3)?,
        birth_date: date(r, 4)?,
        sex: word(r, 5)?,
        relationship: word(r, 6)?,
        citizenship: word(r, 7)?,
        residence_comune: r.get(8)?,
        resident_since: opt_date(r, 9)?,
        invalidity_percent: r.get(10)?,
        disability_certified: r.get(11)?,
        not_self_sufficient: r.get(12)?,
        employment: opt_word(r, 13)?,
        education: word(r, 14)?,
        guardian_id: opt_col(r, 15)?,
        permit: match opt_word(r, 16)? {
            Some(kind) => Some(ResidencePermit {
                kind,
                number: r.get::<_, Option<String>>(17)?.unwrap_or_default(),
                expires_on: opt_date(r, 18)?,
            }),
            None => None,
        },
        citizenship_country: r.get(19)?,
    })
}

/// What to look for, as typed in the search box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Folded name prefix ("dell'orto ni" → "dellortoni").
    pub name: String,
    /// Codice fiscale prefix, upper case.
    pub code: String,
    /// Case-number digits (`2026/0001` → "20260001").
    pub case_digits: Option<String>,
    /// Case sequence when only digits of a number were typed ("123").
    pub case_seq: Option<i64>,
}

impl SearchQuery {
    /// `None` when there is too little to search for: one letter would list
    /// thousands of people and tell the operator nothing.
    pub fn parse(typed: &str) -> Option<SearchQuery> {
        let t = typed.trim();
        let name = fold(t);
        let code = fold_code(t);
        let digits_and_slash = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '/');
        let (case_digits, case_seq) = if digits_and_slash {
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            let seq =
                if t.contains('/') { None } else { digits.parse::<i64>().ok().filter(|_| digits.len() <= 7) };
            let year_prefix = (t.contains('/') || digits.len() >= 4).then_some(digits);
            (year_prefix, seq)
        } else {
            (None, None)
        };
        if name.chars().count() < 2 && case_seq.is_none() && case_digits.is_none() {
            return None;
        }
        Some(SearchQuery { name, code, case_digits, case_seq })
    }
}

/// The columns a household's form writes, for its INSERT and its UPDATE alike.
fn household_values<'a>(d: &'a HouseholdDraft, stamp: &'a Stamp) -> Values<'a> {
    let isee = d.isee.as_ref();
    Values::new()
        .with("address", &d.address)
        .with("cap", &d.cap)
        .with("comune", &d.comune)
        .with("phone", &d.phone)
        .with("email", &d.email)
        .with("notes", &d.notes)
        .with("isee_protocol", isee.map(|i| &i.protocol))
        .with("isee_kind", isee.map(|i| i.kind.as_str()))
        .with("isee_value", isee.map(|i| i.value.sql()))
        .with("isee_issued_on", isee.map(|i| i.issued_on.to_string()))
        .with("isee_expires_on", isee.map(|i| i.expires_on.to_string()))
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

/// The columns of a member at `pos`, for its INSERT and its UPDATE alike.
fn member_values<'a>(pos: usize, m: &'a Member, stamp: &'a Stamp) -> Values<'a> {
    Values::new()
        .with("first_name", &m.first_name)
        .with("last_name", &m.last_name)
        .with("codice_fiscale", m.codice_fiscale.sql())
        .with("birth_date", m.birth_date.to_string())
        .with("sex", m.sex.as_str())
        .with("relationship", m.relationship.as_str())
        .with("citizenship", m.citizenship.as_str())
        .with("citizenship_country", &m.citizenship_country)
        .with("residence_comune", &m.residence_comune)
        .with("resident_since", opt_date_sql(m.resident_since))
        .with("invalidity_percent", m.invalidity_percent)
        .with("disability_certified", m.disability_certified)
        .with("not_self_sufficient", m.not_self_sufficient)
        // A child's is not asked: the column (NOT NULL since schema 1) keeps "".
        .with("employment", m.employment.map_or("", |e| e.as_str()))
        .with("education", m.education.as_str())
        .with("guardian_id", m.guardian_id.sql())
        .with("permit_kind", m.permit.as_ref().map(|p| p.kind.as_str()))
        .with("permit_number", m.permit.as_ref().map(|p| p.number.as_str()))
        .with("permit_expires_on", opt_date_sql(m.permit.as_ref().and_then(|p| p.expires_on)))
        .with("position", pos as i64)
        .with("last_first_key", fold(&format!("{}{}", m.last_name, m.first_name)))
        .with("first_last_key", fold(&format!("{}{}", m.first_name, m.last_name)))
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

impl Tx<'_> {
    pub fn household_get(&self, id: Id) -> Result<Option<Household>, Error> {
        let head = self
            .tx
            .query_row(
                "SELECT h.id, h.case_number, h.created_at, h.updated_at, c.name, u.name,
                        h.address, h.comune, h.phone, h.email, h.notes,
                        h.isee_protocol, h.isee_kind, h.isee_value, h.isee_issued_on, h.isee_expires_on,
                        r.id, r.name, r.equipe, h.case_provisional, h.cap,
                        h.restricted_on, h.restriction_reason, x.name
                 FROM households h JOIN operators c ON c.id = h.created_by JOIN operators u ON u.id = h.updated_by
                 LEFT JOIN operators r ON r.id = h.responsabile_id
                 LEFT JOIN operators x ON x.id = h.restricted_by
                 WHERE h.id = ?1",
                [id.sql()],
                |r| {
                    let protocol: Option<String> = r.get(11)?;
                    let isee = match protocol {
                        None => None,
                        Some(protocol) => Some(Isee {
                            protocol,
                            kind: word(r, 12)?,
                            value: col(r, 13)?,
                            issued_on: date(r, 14)?,
                            expires_on: date(r, 15)?,
                        }),
                    };
                    Ok(Household {
                        id: col(r, 0)?,
                        case_number: r.get(1)?,
                        created_at: r.get(2)?,
                        updated_at: r.get(3)?,
                        created_by: r.get(4)?,
                        updated_by: r.get(5)?,
                        address: r.get(6)?,
                        cap: r.get(20)?,
                        comune: r.get(7)?,
                        phone: r.get(8)?,
                        email: r.get(9)?,
                        notes: r.get(10)?,
                        isee,
                        members: Vec::new(),
                        responsabile: match opt_col::<Id>(r, 16)? {
                            Some(id) => Some(CaseOwner { id, name: r.get(17)?, equipe: r.get(18)? }),
                            None => None,
                        },
                        case_provisional: r.get(19)?,
                        restriction: match opt_date(r, 21)? {
                            Some(since) => Some(Restriction {
                                since,
                                reason: r.get::<_, Option<String>>(22)?.unwrap_or_default(),
                                by: r.get::<_, Option<String>>(23)?.unwrap_or_default(),
                            }),
                            None => None,
                        },
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut h) = head else { return Ok(None) };
        h.members = self.rows(
            &format!("SELECT {MEMBER_COLS} FROM members WHERE household_id = ?1 ORDER BY position"),
            [id.sql()],
            member_from_row,
        )?;
        Ok(Some(h))
    }

    pub fn household_insert(
        &self,
        id: Id,
        case: &super::case_numbers::CaseNumbering,
        d: &HouseholdDraft,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        household_values(d, stamp)
            .with("id", id.sql())
            .with("case_number", case.text())
            .with("case_year", case.year())
            .with("case_seq", case.seq())
            .with("case_key", case.key())
            .with("case_provisional", case.provisional())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .with("responsabile_id", stamp.by.sql())
            .insert(&self.tx, "households")
            .map_err(db_err)?;
        for (pos, m) in d.members.iter().enumerate() {
            self.member_insert(id, pos, m, stamp)?;
        }
        Ok(())
    }

    /// Writes the changes of `d` over `old`: rows that did not change keep their
    /// timestamps, members no longer listed are removed (the caller has checked
    /// that nothing refers to them).
    pub fn household_update(
        &self,
        old: &Household,
        d: &HouseholdDraft,
        stamp: &Stamp,
    ) -> Result<bool, Error> {
        let mut changed = false;
        let head_changed = old.address != d.address
            || old.cap != d.cap
            || old.comune != d.comune
            || old.phone != d.phone
            || old.email != d.email
            || old.notes != d.notes
            || old.isee != d.isee;
        for m in &old.members {
            if !d.members.iter().any(|n| n.id == m.id) {
                self.tx.execute("DELETE FROM members WHERE id = ?1", [m.id.sql()]).map_err(db_err)?;
                changed = true;
            }
        }
        for (pos, m) in d.members.iter().enumerate() {
            match old.members.iter().position(|o| o.id == m.id) {
                None => {
                    self.member_insert(old.id, pos, m, stamp)?;
                    changed = true;
                }
                Some(old_pos) if old_pos != pos || old.members[old_pos] != *m => {
                    self.member_update(pos, m, stamp)?;
                    changed = true;
                }
                Some(_) => {}
            }
        }
        if head_changed || changed {
            household_values(d, stamp)
                .update(&self.tx, "households", &Values::new().with("id", old.id.sql()))
                .map_err(db_err)?;
        }
        Ok(head_changed || changed)
    }

    fn member_insert(&self, household: Id, pos: usize, m: &Member, stamp: &Stamp) -> Result<(), Error> {
        member_values(pos, m, stamp)
            .with("id", m.id.sql())
            .with("household_id", household.sql())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "members")
            .map_err(db_err)?;
        Ok(())
    }

    fn member_update(&self, pos: usize, m: &Member, stamp: &Stamp) -> Result<(), Error> {
        member_values(pos, m, stamp)
            .update(&self.tx, "members", &Values::new().with("id", m.id.sql()))
            .map_err(db_err)?;
        Ok(())
    }

    /// Members from outside the EU whose residence permit ends on or before
    /// `until` (lapsed ones included), with their household: the deadlines
    /// board's permits.
    pub fn permits_ending_by(&self, until: NaiveDate) -> Result<Vec<(Id, Member)>, Error> {
        self.rows(
            &format!(
                "SELECT {MEMBER_COLS}, household_id FROM members
                 WHERE permit_expires_on IS NOT NULL AND permit_expires_on <= ?1 AND citizenship = 'extra_ue'
                 ORDER BY permit_expires_on"
            ),
            [until.to_string()],
            |r| Ok((col(r, 20)?, member_from_row(r)?)),
        )
    }

    /// The household a member id belongs to, if any.
    pub fn member_household(&self, member: Id) -> Result<Option<Id>, Error> {
        self.tx
            .query_row("SELECT household_id FROM members WHERE id = ?1", [member.sql()], |r| col(r, 0))
            .optional()
            .map_err(db_err)
    }

    /// The case number of another household that has a member with this
    /// codice fiscale.
    pub fn codice_fiscale_elsewhere(
        &self,
        code: &str,
        household: Option<Id>,
    ) -> Result<Option<String>, Error> {
        self.tx
            .query_row(
                "SELECT h.case_number FROM members m JOIN households h ON h.id = m.household_id
                 WHERE m.codice_fiscale = ?1 AND (?2 IS NULL OR m.household_id <> ?2)",
                params![code, household.sql()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)
    }

    /// Where a member is still referred to (analysis, project, signatures, the
    /// informativa given), in
    /// words for the operator; `None` when the member can be removed.
    pub fn member_references(&self, member: Id) -> Result<Option<&'static str>, Error> {
        // Who signs for a minor is not checked here: the form that removes a
        // member also names the new guardian, and the domain checks that.
        let checks: [(&str, &'static str); 7] = [
            ("SELECT 1 FROM analysis_participants WHERE member_id = ?1", "partecipa all'analisi preliminare"),
            (
                "SELECT 1 FROM quadro_participants WHERE member_id = ?1",
                "ha partecipato al quadro di analisi dell'équipe",
            ),
            (
                "SELECT 1 FROM analysis_employability WHERE member_id = ?1",
                "ha un profilo di occupabilità nell'analisi preliminare",
            ),
            ("SELECT 1 FROM commitments WHERE member_id = ?1", "ha impegni nel progetto"),
            ("SELECT 1 FROM commitment_others WHERE member_id = ?1", "è coinvolto in impegni del progetto"),
            ("SELECT 1 FROM signatures WHERE member_id = ?1 OR signer_id = ?1", "ha firmato il progetto"),
            // The informativa given (schema 21): a delivery on paper, kept.
            (
                "SELECT 1 FROM informativa_deliveries WHERE member_id = ?1",
                "ha ricevuto l'informativa sul trattamento dei dati (la consegna resta registrata)",
            ),
        ];
        for (sql, why) in checks {
            let hit: Option<i64> =
                self.tx.query_row(sql, [member.sql()], |r| r.get(0)).optional().map_err(db_err)?;
            if hit.is_some() {
                return Ok(Some(why));
            }
        }
        Ok(None)
    }

    /// At most `limit` households matching the query, by the richiedente's name.
    pub fn households_search(&self, q: &SearchQuery, limit: usize) -> Result<Vec<HouseholdSummary>, Error> {
        self.households_search_in(q, limit, None)
    }

    /// As [`Tx::households_search`], within a case scope.
    /// Each source is an index range scan cut at `limit` rows, so the cost does
    /// not grow with the number of people who match a short prefix. With a
    /// `scope`, only the cases within it are found (the cut comes after the
    /// filter, so an operatore still gets up to `limit` of their cases).
    pub fn households_search_in(
        &self,
        q: &SearchQuery,
        limit: usize,
        scope: Option<&CaseFilter>,
    ) -> Result<Vec<HouseholdSummary>, Error> {
        let lim = limit as i64;
        let operator = scope.map(|f| f.operator.sql());
        let mut ids: Vec<Id> = Vec::new();
        // The members each household was found by (none for a case number).
        let mut found_by: Vec<(Id, Id)> = Vec::new();
        // `source` selects the household id and the matching member's id (or
        // NULL) as its first two columns and binds its own parameters ?1..?n;
        // the scope's and the limit's come after them.
        let mut add =
            |source: &str, column: &str, order: &str, p: &[&dyn rusqlite::ToSql]| -> Result<(), Error> {
                let n = p.len();
                let mut values: Vec<&dyn rusqlite::ToSql> = p.to_vec();
                let sql = match scope {
                    Some(f) => {
                        values.push(&operator);
                        values.push(&f.equipe);
                        format!("{source} AND {} ORDER BY {order} LIMIT ?{}", f.sql(column, n + 1), n + 3)
                    }
                    None => format!("{source} ORDER BY {order} LIMIT ?{}", n + 1),
                };
                values.push(&lim);
                let mut stmt = self.tx.prepare_cached(&sql).map_err(db_err)?;
                let rows = stmt
                    .query_map(values.as_slice(), |r| Ok((col::<Id>(r, 0)?, opt_col::<Id>(r, 1)?)))
                    .map_err(db_err)?;
                for r in rows {
                    let (id, member) = r.map_err(db_err)?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                    if let Some(m) = member {
                        found_by.push((id, m));
                    }
                }
                Ok(())
            };
        if let Some(seq) = q.case_seq {
            add("SELECT id, NULL FROM households WHERE case_seq = ?1", "id", "case_year DESC", &[&seq])?;
        }
        if let Some(digits) = &q.case_digits {
            let up = prefix_upper_bound(digits);
            add(
                "SELECT id, NULL FROM households WHERE case_key >= ?1 AND case_key < ?2",
                "id",
                "case_key",
                &[digits, &up],
            )?;
        }
        if q.name.chars().count() >= 2 {
            let up = prefix_upper_bound(&q.name);
            add(
                "SELECT household_id, id FROM members WHERE last_first_key >= ?1 AND last_first_key < ?2",
                "household_id",
                "last_first_key",
                &[&q.name, &up],
            )?;
            add(
                "SELECT household_id, id FROM members WHERE first_last_key >= ?1 AND first_last_key < ?2",
                "household_id",
                "first_last_key",
                &[&q.name, &up],
            )?;
        }
        if q.code.len() >= 2 {
            let up = prefix_upper_bound(&q.code);
            add(
                "SELECT household_id, id FROM members WHERE codice_fiscale >= ?1 AND codice_fiscale < ?2",
                "household_id",
                "codice_fiscale",
                &[&q.code, &up],
            )?;
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(mut s) = self.household_summary(id)? {
                let members: Vec<Id> = found_by.iter().filter(|(h, _)| *h == id).map(|(_, m)| *m).collect();
                s.matched = self.matched_member(&members)?;
                out.push(s);
            }
        }
        out.sort_by_cached_key(|s| (fold(&s.name), s.case_number.clone()));
        out.truncate(limit);
        Ok(out)
    }

    /// Which member a search found, in words ("Nguyễn Thị Lan, figlia"),
    /// unless one of them is the richiedente (whose name the row shows).
    fn matched_member(&self, members: &[Id]) -> Result<Option<String>, Error> {
        use crate::domain::household::{Relationship, Sex};
        let mut first = None;
        for m in members {
            let row: Option<(String, Relationship, Sex)> = self
                .tx
                .query_row(
                    "SELECT last_name || ' ' || first_name, relationship, sex FROM members WHERE id = ?1",
                    [m.sql()],
                    |r| Ok((r.get(0)?, word(r, 1)?, word(r, 2)?)),
                )
                .optional()
                .map_err(db_err)?;
            let Some((name, relationship, sex)) = row else { continue };
            if relationship == Relationship::Richiedente {
                return Ok(None);
            }
            first.get_or_insert_with(|| format!("{name}, {}", relationship.word(sex)));
        }
        Ok(first)
    }

    /// Restricts the processing of a case (`Some`: since when, why, by whom)
    /// or lifts the restriction (`None`). The form's `updated_at` is left
    /// alone, as for a reassignment: it is not an edit of the family's data.
    pub fn household_restrict(
        &self,
        household: Id,
        mark: Option<(NaiveDate, &str, Id)>,
    ) -> Result<(), Error> {
        let (on, reason, by) = match mark {
            Some((on, reason, by)) => (Some(on.to_string()), Some(reason.to_string()), Some(by.sql())),
            None => (None, None, None),
        };
        let n = self
            .tx
            .execute(
                "UPDATE households SET restricted_on = ?2, restriction_reason = ?3, restricted_by = ?4 WHERE id = ?1",
                params![household.sql(), on, reason, by],
            )
            .map_err(db_err)?;
        if n != 1 {
            return Err(Error::not_found("nucleo non trovato"));
        }
        Ok(())
    }

    /// The cases an operator is in charge of (their caseload), by the
    /// richiedente's name; at most `limit`.
    pub fn households_of_operator(&self, operator: Id, limit: usize) -> Result<Vec<HouseholdSummary>, Error> {
        let ids: Vec<Id> =
            self.rows("SELECT id FROM households WHERE responsabile_id = ?1", [operator.sql()], |r| {
                col(r, 0)
            })?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = self.household_summary(id)? {
                out.push(s);
            }
        }
        out.sort_by_cached_key(|s| (fold(&s.name), s.case_number.clone()));
        out.truncate(limit);
        Ok(out)
    }

    pub fn household_summary(&self, id: Id) -> Result<Option<HouseholdSummary>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT h.id, h.case_number, a.last_name || ' ' || a.first_name, h.comune, a.codice_fiscale,
                        (SELECT count(*) FROM members m WHERE m.household_id = h.id),
                        (SELECT p.status FROM projects p WHERE p.household_id = h.id), h.case_provisional,
                        h.restricted_on IS NOT NULL
                 FROM households h
                 LEFT JOIN members a ON a.household_id = h.id AND a.relationship = 'richiedente'
                 WHERE h.id = ?1",
            )
            .map_err(db_err)?;
        stmt.query_row([id.sql()], |r| {
            let status: Option<String> = r.get(6)?;
            Ok(HouseholdSummary {
                id: col(r, 0)?,
                case_number: r.get(1)?,
                name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                comune_name: place_label(&r.get::<_, String>(3)?, None),
                comune: r.get(3)?,
                codice_fiscale: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                members: r.get(5)?,
                project_status: match status {
                    Some(_) => Some(word(r, 6)?),
                    None => None,
                },
                case_provisional: r.get(7)?,
                restricted: r.get(8)?,
                matched: None,
            })
        })
        .optional()
        .map_err(db_err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_the_way_operators_type() {
        let q = SearchQuery::parse("Dell'Orto Ni").unwrap();
        assert_eq!(q.name, "dellortoni");
        assert_eq!(q.case_seq, None);
        let q = SearchQuery::parse("rssmra80").unwrap();
        assert_eq!(q.code, "RSSMRA80");
        let q = SearchQuery::parse("2026/0001").unwrap();
        assert_eq!((q.case_digits.as_deref(), q.case_seq), (Some("20260001"), None));
        let q = SearchQuery::parse("123").unwrap();
        assert_eq!((q.case_digits, q.case_seq), (None, Some(123)));
        let q = SearchQuery::parse("7").unwrap();
        assert_eq!(q.case_seq, Some(7));
        assert_eq!(SearchQuery::parse("r"), None);
        assert_eq!(SearchQuery::parse("  "), None);
        assert_eq!(SearchQuery::parse("'"), None);
    }
}
