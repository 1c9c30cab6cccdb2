//! The household ("nucleo familiare"), its members and its ISEE attestation.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::age_on;
use crate::catalog::dated::{pick, Dated};
use crate::catalog::member_rules;
use crate::cf::Cf;
use crate::domain::form::{self, Scalar};
use crate::domain::permit::{PermitInput, ResidencePermit};
use crate::domain::place::comune_in_force;
use crate::domain::{Id, StrEnum};
use crate::error::Error;
use crate::money::Money;

string_enum!(Sex {
    M = "M": "maschio",
    F = "F": "femmina",
});

string_enum!(
    /// Relationship to the richiedente (the member who applied).
    Relationship {
        Richiedente = "richiedente": "richiedente",
        Coniuge = "coniuge": "coniuge",
        Convivente = "convivente": "convivente",
        Figlio = "figlio": "figlio/a",
        Genitore = "genitore": "genitore",
        FratelloSorella = "fratello_sorella": "fratello/sorella",
        AltroParente = "altro_parente": "altro parente",
        Altro = "altro": "altro",
    }
);

string_enum!(Citizenship {
    Italiana = "italiana": "italiana",
    Ue = "ue": "di un paese dell'Unione europea",
    ExtraUe = "extra_ue": "di un paese extra UE",
});

string_enum!(
    /// Employment status, in the categories of the European Social Fund indicators.
    Employment {
        Occupato = "occupato": "occupato/a",
        Disoccupato = "disoccupato": "disoccupato/a",
        DisoccupatoLungoPeriodo = "disoccupato_lungo_periodo": "disoccupato/a di lunga durata",
        Inattivo = "inattivo": "inattivo/a",
        Studente = "studente": "studente/studentessa",
        Pensionato = "pensionato": "pensionato/a",
    }
);

string_enum!(
    /// Highest education level, ISCED groups as in the ESF indicators.
    Education {
        Nessuno = "nessuno": "nessun titolo",
        Isced02 = "isced_0_2": "fino alla licenza media (ISCED 0-2)",
        Isced34 = "isced_3_4": "diploma o qualifica (ISCED 3-4)",
        Isced58 = "isced_5_8": "laurea o superiore (ISCED 5-8)",
    }
);

string_enum!(
    /// ISEE types (DPCM 159/2013).
    IseeKind {
        Ordinario = "ordinario": "ordinario",
        Sociosanitario = "sociosanitario": "sociosanitario",
        Minorenni = "minorenni": "minorenni",
        Corrente = "corrente": "corrente",
    }
);

/// Age from which a member is an adult (rules.md §1.1: minore = age < 18).
/// The one copy: who signs the patto, the forms and the demo all ask
/// [`is_adult`].
pub const ADULT_AGE: u32 = 18;

/// Whether someone born on `birth_date` is an adult on `on`.
pub fn is_adult(birth_date: NaiveDate, on: NaiveDate) -> bool {
    age_on(birth_date, on) >= ADULT_AGE
}

/// The age from which the employment status is asked, in force on `on`
/// (`assets/procedure/componenti.toml`): below it the form does not show the
/// field and a member has none.
pub fn employment_age(on: NaiveDate) -> Result<&'static Dated<u32>, Error> {
    pick(&member_rules::builtin()?.employment_age, on, "l'età da cui si chiede la condizione occupazionale")
}

/// Whether the employment status is asked of someone born on `birth_date`, on `on`.
pub fn employment_asked(birth_date: NaiveDate, on: NaiveDate) -> Result<bool, Error> {
    Ok(age_on(birth_date, on) >= employment_age(on)?.value)
}

impl Relationship {
    /// The word printed on paper for a member of this sex: "figlia",
    /// "fratello", never the stored code.
    pub fn word(self, sex: Sex) -> &'static str {
        match (self, sex) {
            (Relationship::Figlio, Sex::M) => "figlio",
            (Relationship::Figlio, Sex::F) => "figlia",
            (Relationship::FratelloSorella, Sex::M) => "fratello",
            (Relationship::FratelloSorella, Sex::F) => "sorella",
            (other, _) => other.label(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: Id,
    pub case_number: String,
    pub created_at: String,
    pub updated_at: String,
    /// Name of the operator who created the record.
    pub created_by: String,
    /// Name of the operator who last changed it.
    pub updated_by: String,
    pub address: Option<String>,
    /// Codice di avviamento postale of the address (5 digits), for letters.
    #[serde(default)]
    pub cap: Option<String>,
    /// Belfiore code of the comune of residence.
    pub comune: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub isee: Option<Isee>,
    pub members: Vec<Member>,
    /// The operator in charge of the case (`None`: nobody yet). Read-only
    /// here: `household_assign` changes it.
    #[serde(default)]
    pub responsabile: Option<CaseOwner>,
    /// The case number is provisional (a device with no number left, or in
    /// a new year before its next contact with the office): shown as
    /// provvisorio, replaced by the office's final number at the next sync,
    /// and nothing is printed with it. Read-only.
    #[serde(default)]
    pub case_provisional: bool,
    /// The processing of the case is restricted (GDPR art. 18, or an
    /// objection under art. 21 being assessed): kept, not used; only a
    /// coordinatore opens it. Read-only: `household_restrict` sets it.
    #[serde(default)]
    pub restriction: Option<Restriction>,
}

/// Since when and why a case's processing is restricted, and who decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub since: NaiveDate,
    pub reason: String,
    /// The coordinator's name.
    pub by: String,
}

/// The operator in charge of a case, and their équipe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOwner {
    pub id: Id,
    pub name: String,
    pub equipe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: Id,
    pub first_name: String,
    pub last_name: String,
    /// Checked when typed; a mismatch with the birth date or sex was only a
    /// warning, so nothing downstream checks it again.
    pub codice_fiscale: Cf,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub relationship: Relationship,
    pub citizenship: Citizenship,
    /// The country of citizenship, ISO 3166-1 numeric (`504`), of a citizen of
    /// another country (`None`: Italian, or not recorded yet). INPS's SIUSS
    /// asks for it; an Italian citizen's is 380, never stored.
    #[serde(default)]
    pub citizenship_country: Option<String>,
    /// The residence permit of a citizen of a country outside the EU
    /// (`None`: not recorded yet, or not extra-UE).
    #[serde(default)]
    pub permit: Option<ResidencePermit>,
    pub residence_comune: Option<String>,
    pub resident_since: Option<NaiveDate>,
    pub invalidity_percent: u8,
    pub disability_certified: bool,
    pub not_self_sufficient: bool,
    /// `None` below the age it is asked from ([`employment_age`]).
    pub employment: Option<Employment>,
    pub education: Education,
    /// For a minor: the member who signs for them (`None` = the richiedente).
    pub guardian_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isee {
    pub protocol: String,
    pub kind: IseeKind,
    pub value: Money,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// One line of the search results (`docs/ipc.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub id: Id,
    pub case_number: String,
    /// "Cognome Nome" of the richiedente.
    pub name: String,
    pub members: u32,
    pub codice_fiscale: String,
    pub comune: String,
    /// The comune by name, "Rozzano (MI)" (`None`: a code the list does not have).
    #[serde(default)]
    pub comune_name: Option<String>,
    pub project_status: Option<crate::domain::ProjectStatus>,
    /// The case number is provisional (see [`Household::case_provisional`]).
    #[serde(default)]
    pub case_provisional: bool,
    /// Its processing is restricted (see [`Household::restriction`]).
    #[serde(default)]
    pub restricted: bool,
    /// In search results: the member the search found, when not the
    /// richiedente ("Cognome Nome (figlio/a)"); `None` otherwise.
    #[serde(default)]
    pub matched: Option<String>,
}

impl Member {
    /// "Nome Cognome", as printed on a signature line.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
    /// "Cognome Nome", as listed.
    pub fn sort_name(&self) -> String {
        format!("{} {}", self.last_name, self.first_name)
    }
    pub fn is_adult_on(&self, on: NaiveDate) -> bool {
        is_adult(self.birth_date, on)
    }
    /// The relationship as printed ("figlia").
    pub fn relationship_word(&self) -> &'static str {
        self.relationship.word(self.sex)
    }
}

impl Household {
    pub fn applicant(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.relationship == Relationship::Richiedente)
    }
    pub fn member(&self, id: Id) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }
    /// "Cognome Nome" of the richiedente (the household's name in lists).
    pub fn name(&self) -> String {
        self.applicant().map(Member::sort_name).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------
// What the household form sends.

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HouseholdInput {
    /// `None` = a new household.
    pub id: Option<String>,
    /// The `updated_at` the form was loaded with: a save over a newer version is
    /// refused rather than silently overwriting someone else's work.
    pub updated_at: Option<String>,
    pub address: Option<String>,
    pub cap: Option<String>,
    pub comune: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub isee: Option<IseeInput>,
    pub members: Vec<MemberInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IseeInput {
    pub protocol: Option<String>,
    pub kind: Option<String>,
    pub value: Option<String>,
    pub issued_on: Option<String>,
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemberInput {
    /// `None` = a new member; a new member may also carry an id made by the form
    /// (so that another member's `guardian_id` can point at it before saving).
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub codice_fiscale: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub relationship: Option<String>,
    pub citizenship: Option<String>,
    /// ISO 3166-1 numeric code of the country (not for an Italian citizen).
    pub citizenship_country: Option<String>,
    pub permit: Option<PermitInput>,
    pub residence_comune: Option<String>,
    pub resident_since: Option<String>,
    pub invalidity_percent: Option<Scalar>,
    pub disability_certified: Option<bool>,
    pub not_self_sufficient: Option<bool>,
    pub employment: Option<String>,
    pub education: Option<String>,
    pub guardian_id: Option<String>,
}

/// The country of citizenship as typed: a known ISO 3166-1 numeric code, not
/// Italy's, and only for a citizen of another country (an Italian citizen's is
/// never asked, and what a form still sends for one is not kept).
fn citizenship_country(
    field: &str,
    input: &Option<String>,
    citizenship: Citizenship,
) -> Result<Option<String>, Error> {
    if citizenship == Citizenship::Italiana {
        return Ok(None);
    }
    let Some(code) = form::clean(input) else { return Ok(None) };
    let country = crate::catalog::siuss_codes::country(&code)
        .ok_or_else(|| Error::invalid(field, format!("«{code}» non è il codice di un paese")))?;
    if country.code == crate::catalog::siuss_codes::ITALY {
        return Err(Error::invalid(field, "Per la cittadinanza italiana scegliere «italiana», non il paese"));
    }
    Ok(Some(country.code.clone()))
}

/// A household as validated from the form, before storage gives it a case number
/// and timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdDraft {
    pub id: Option<Id>,
    pub updated_at: Option<String>,
    pub address: Option<String>,
    pub cap: Option<String>,
    pub comune: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub isee: Option<Isee>,
    pub members: Vec<Member>,
}

impl From<&Household> for HouseholdInput {
    fn from(h: &Household) -> Self {
        HouseholdInput {
            id: Some(h.id.to_string()),
            updated_at: Some(h.updated_at.clone()),
            address: h.address.clone(),
            cap: h.cap.clone(),
            comune: Some(h.comune.clone()),
            phone: h.phone.clone(),
            email: h.email.clone(),
            notes: h.notes.clone(),
            isee: h.isee.as_ref().map(|i| IseeInput {
                protocol: Some(i.protocol.clone()),
                kind: Some(i.kind.as_str().into()),
                value: Some(i.value.to_string()),
                issued_on: Some(i.issued_on.to_string()),
                expires_on: Some(i.expires_on.to_string()),
            }),
            members: h.members.iter().map(MemberInput::from).collect(),
        }
    }
}

impl From<&Member> for MemberInput {
    fn from(m: &Member) -> Self {
        MemberInput {
            id: Some(m.id.to_string()),
            first_name: Some(m.first_name.clone()),
            last_name: Some(m.last_name.clone()),
            codice_fiscale: Some(m.codice_fiscale.to_string()),
            birth_date: Some(m.birth_date.to_string()),
            sex: Some(m.sex.as_str().into()),
            relationship: Some(m.relationship.as_str().into()),
            citizenship: Some(m.citizenship.as_str().into()),
            citizenship_country: m.citizenship_country.clone(),
            permit: m.permit.as_ref().map(PermitInput::from),
            residence_comune: m.residence_comune.clone(),
            resident_since: m.resident_since.map(|d| d.to_string()),
            invalidity_percent: Some(Scalar::Int(m.invalidity_percent.into())),
            disability_certified: Some(m.disability_certified),
            not_self_sufficient: Some(m.not_self_sufficient),
            employment: m.employment.map(|e| e.as_str().into()),
            education: Some(m.education.as_str().into()),
            guardian_id: m.guardian_id.map(|g| g.to_string()),
        }
    }
}

/// Earliest birth date accepted: a typo guard (a year 1026 is a slip of the hand).
fn earliest_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

/// A comune by its Belfiore code: a letter and three digits (`F205`). Foreign
/// countries (`Z…`) are not comuni of residence.
pub fn belfiore(field: &str, v: &Option<String>, required: bool) -> Result<Option<String>, Error> {
    let Some(s) = form::clean(v).map(|s| s.to_uppercase()) else {
        return if required { Err(Error::invalid(field, "Indicare il comune")) } else { Ok(None) };
    };
    let b = s.as_bytes();
    let ok =
        b.len() == 4 && b[0].is_ascii_uppercase() && b[0] != b'Z' && b[1..].iter().all(u8::is_ascii_digit);
    if !ok {
        return Err(Error::invalid(
            field,
            format!("comune non valido: «{s}» (atteso il codice catastale, ad esempio F205)"),
        ));
    }
    Ok(Some(s))
}

/// Codice di avviamento postale: five digits.
fn cap(field: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    let Some(s) = form::clean(v) else { return Ok(None) };
    if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(field, format!("CAP non valido: «{s}» (cinque cifre, ad esempio 20121)")));
    }
    Ok(Some(s))
}

/// `INPS-ISEE-2026-XXXXXXXXX-00`: the year, nine letters or digits, two digits.
pub fn isee_protocol(field: &str, v: &Option<String>) -> Result<String, Error> {
    let s = form::clean(v)
        .map(|s| s.to_uppercase())
        .ok_or_else(|| Error::invalid(field, "Indicare il protocollo dell'attestazione ISEE"))?;
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() == 5
        && parts[0] == "INPS"
        && parts[1] == "ISEE"
        && parts[2].len() == 4
        && parts[2].bytes().all(|b| b.is_ascii_digit())
        && parts[3].len() == 9
        && parts[3].bytes().all(|b| b.is_ascii_alphanumeric())
        && parts[4].len() == 2
        && parts[4].bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(Error::invalid(
            field,
            format!("protocollo non valido: «{s}» (formato atteso INPS-ISEE-AAAA-XXXXXXXXX-NN)"),
        ));
    }
    Ok(s)
}

fn email(field: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    let Some(s) = form::optional_line(field, v)? else { return Ok(None) };
    let ok = match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    };
    if !ok {
        return Err(Error::invalid(field, format!("indirizzo email non valido: «{s}»")));
    }
    Ok(Some(s))
}

fn phone(field: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    let Some(s) = form::optional_line(field, v)? else { return Ok(None) };
    let ok = s.chars().all(|c| c.is_ascii_digit() || " +./-()".contains(c))
        && s.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return Err(Error::invalid(field, format!("numero di telefono non valido: «{s}»")));
    }
    Ok(Some(s))
}

impl IseeInput {
    fn is_blank(&self) -> bool {
        [&self.protocol, &self.kind, &self.value, &self.issued_on, &self.expires_on]
            .iter()
            .all(|v| form::clean(v).is_none())
    }

    fn validate(&self, today: NaiveDate) -> Result<Option<Isee>, Error> {
        if self.is_blank() {
            return Ok(None);
        }
        let protocol = isee_protocol("isee.protocol", &self.protocol)?;
        let kind = form::required_choice("isee.kind", &self.kind, "il tipo di ISEE")?;
        let value_text = form::clean(&self.value)
            .ok_or_else(|| Error::invalid("isee.value", "Indicare il valore ISEE"))?;
        let value = Money::parse(&value_text).map_err(|e| e.with_field("isee.value"))?;
        if value.is_negative() {
            return Err(Error::invalid("isee.value", "Il valore ISEE non può essere negativo"));
        }
        let issued_on = form::required_date("isee.issued_on", &self.issued_on, "la data di rilascio")?;
        if issued_on > today {
            return Err(Error::invalid("isee.issued_on", "La data di rilascio non può essere nel futuro"));
        }
        let expires_on = form::required_date("isee.expires_on", &self.expires_on, "la data di scadenza")?;
        if expires_on < issued_on {
            return Err(Error::invalid(
                "isee.expires_on",
                "La scadenza non può precedere la data di rilascio",
            ));
        }
        Ok(Some(Isee { protocol, kind, value, issued_on, expires_on }))
    }
}

impl MemberInput {
    /// Validates one member on its own; `i` is its index in the form.
    fn validate(&self, i: usize, today: NaiveDate) -> Result<(Option<Id>, Member), Error> {
        let f = |name: &str| format!("members[{i}].{name}");
        let id = form::optional_id(&f("id"), &self.id)?;
        let last_name = form::name(&f("last_name"), &self.last_name, "il cognome")?;
        let first_name = form::name(&f("first_name"), &self.first_name, "il nome")?;
        let cf_text = form::clean(&self.codice_fiscale)
            .ok_or_else(|| Error::invalid(f("codice_fiscale"), "Indicare il codice fiscale"))?;
        let codice_fiscale = match Cf::parse(&cf_text, today) {
            Ok(cf) => cf,
            Err(e) => return Err(Error::invalid(f("codice_fiscale"), e.messaggio)),
        };
        let birth_date = form::required_date(&f("birth_date"), &self.birth_date, "la data di nascita")?;
        if birth_date > today {
            return Err(Error::invalid(f("birth_date"), "La data di nascita non può essere nel futuro"));
        }
        if birth_date < earliest_birth() {
            return Err(Error::invalid(
                f("birth_date"),
                "Data di nascita non plausibile: controllare l'anno",
            ));
        }
        let sex = form::required_choice(&f("sex"), &self.sex, "il sesso")?;
        let relationship =
            form::required_choice(&f("relationship"), &self.relationship, "la relazione con il richiedente")?;
        let citizenship = form::required_choice(&f("citizenship"), &self.citizenship, "la cittadinanza")?;
        let citizenship_country =
            citizenship_country(&f("citizenship_country"), &self.citizenship_country, citizenship)?;
        let permit_input = self.permit.clone().unwrap_or_default();
        let permit = permit_input.validate(&f("permit"), today)?;
        if permit.is_some() && citizenship != Citizenship::ExtraUe {
            return Err(Error::invalid(
                f("permit.kind"),
                "Il permesso di soggiorno si indica solo per chi ha la cittadinanza di un paese extra UE",
            ));
        }
        let residence_comune = comune_in_force(&f("residence_comune"), &self.residence_comune, false, today)?;
        let resident_since = form::optional_date(&f("resident_since"), &self.resident_since)?;
        if let Some(since) = resident_since {
            if since > today {
                return Err(Error::invalid(
                    f("resident_since"),
                    "La data di inizio residenza non può essere nel futuro",
                ));
            }
            if since < birth_date {
                return Err(Error::invalid(
                    f("resident_since"),
                    "La residenza non può iniziare prima della nascita",
                ));
            }
            if residence_comune.is_none() {
                return Err(Error::invalid(f("residence_comune"), "Indicare il comune di residenza"));
            }
        }
        let invalidity_percent =
            form::integer(&f("invalidity_percent"), &self.invalidity_percent, 0, 100, 0)? as u8;
        // Not asked of a child (the form hides it): what a form still sends
        // for one is not kept.
        let employment = if employment_asked(birth_date, today)? {
            Some(form::required_choice(&f("employment"), &self.employment, "la condizione occupazionale")?)
        } else {
            None
        };
        let education = form::required_choice(&f("education"), &self.education, "il titolo di studio")?;
        let guardian_id = form::optional_id(&f("guardian_id"), &self.guardian_id)?;
        let member = Member {
            id: id.unwrap_or_else(Id::new),
            first_name,
            last_name,
            codice_fiscale,
            birth_date,
            sex,
            relationship,
            citizenship,
            citizenship_country,
            permit,
            residence_comune,
            resident_since,
            invalidity_percent,
            disability_certified: self.disability_certified.unwrap_or(false),
            not_self_sufficient: self.not_self_sufficient.unwrap_or(false),
            employment,
            education,
            guardian_id,
        };
        Ok((id, member))
    }
}

impl HouseholdInput {
    /// Checks the whole form on `today`; the first mistake comes back with its field.
    /// The codice fiscale must be valid; whether it matches the names and birth
    /// data is only a warning (`cf_check`), since omocodia and old registrations exist.
    pub fn validate(&self, today: NaiveDate) -> Result<HouseholdDraft, Error> {
        let id = form::optional_id("id", &self.id)?;
        let address = form::optional_line("address", &self.address)?;
        let cap = cap("cap", &self.cap)?;
        let comune = comune_in_force("comune", &self.comune, true, today)?.expect("required");
        let phone = phone("phone", &self.phone)?;
        let email = email("email", &self.email)?;
        let notes = form::optional_text("notes", &self.notes)?;
        let isee = match &self.isee {
            Some(i) => i.validate(today)?,
            None => None,
        };
        if self.members.is_empty() {
            return Err(Error::invalid("members", "Il nucleo deve avere almeno un componente"));
        }
        let mut members = Vec::with_capacity(self.members.len());
        let mut seen_ids = HashSet::new();
        let mut seen_cf: HashMap<String, usize> = HashMap::new();
        for (i, mi) in self.members.iter().enumerate() {
            let (given_id, m) = mi.validate(i, today)?;
            if given_id.is_some() && !seen_ids.insert(m.id) {
                return Err(Error::invalid(format!("members[{i}].id"), "Componente ripetuto nel modulo"));
            }
            if let Some(j) = seen_cf.insert(m.codice_fiscale.to_string(), i) {
                return Err(Error::invalid(
                    format!("members[{i}].codice_fiscale"),
                    format!("Codice fiscale già indicato per il componente {} del nucleo", j + 1),
                ));
            }
            members.push(m);
        }

        let applicants: Vec<usize> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.relationship == Relationship::Richiedente)
            .map(|(i, _)| i)
            .collect();
        match applicants.as_slice() {
            [] => return Err(Error::invalid("members", "Indicare quale componente è il richiedente")),
            [a] => {
                if !members[*a].is_adult_on(today) {
                    return Err(Error::invalid(
                        format!("members[{a}].relationship"),
                        "Il richiedente deve essere maggiorenne",
                    ));
                }
            }
            [_, second, ..] => {
                return Err(Error::invalid(
                    format!("members[{second}].relationship"),
                    "Il richiedente è uno solo: c'è già un altro componente indicato come richiedente",
                ))
            }
        }

        for (i, m) in members.iter().enumerate() {
            let Some(g) = m.guardian_id else { continue };
            let field = format!("members[{i}].guardian_id");
            if m.is_adult_on(today) {
                return Err(Error::invalid(
                    field,
                    "Il genitore o tutore che firma si indica solo per i minori",
                ));
            }
            let Some(guardian) = members.iter().find(|o| o.id == g) else {
                return Err(Error::invalid(
                    field,
                    "Il genitore o tutore deve essere un componente del nucleo",
                ));
            };
            if guardian.id == m.id {
                return Err(Error::invalid(field, "Un minore non può firmare per sé stesso"));
            }
            if !guardian.is_adult_on(today) {
                return Err(Error::invalid(
                    field,
                    format!("{} è minorenne e non può firmare per un altro minore", guardian.full_name()),
                ));
            }
        }

        let updated_at = form::clean(&self.updated_at);
        Ok(HouseholdDraft { id, updated_at, address, cap, comune, phone, email, notes, isee, members })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The household form shows the guardian field by the same age: the
    /// window's copy (JavaScript cannot import this constant) is held to it.
    #[test]
    fn the_forms_adult_age_is_the_librarys() {
        let ui = include_str!("../../../../ui/js/format.js");
        assert!(ui.contains(&format!("age < {ADULT_AGE};")), "ui/js/format.js isMinor uses another age");
    }

    #[test]
    fn relationships_print_as_words_by_sex() {
        assert_eq!(Relationship::Figlio.word(Sex::F), "figlia");
        assert_eq!(Relationship::Figlio.word(Sex::M), "figlio");
        assert_eq!(Relationship::FratelloSorella.word(Sex::F), "sorella");
        assert_eq!(Relationship::AltroParente.word(Sex::M), "altro parente");
        for r in Relationship::ALL {
            for s in [Sex::M, Sex::F] {
                assert!(!r.word(s).contains('_') && !r.word(s).contains('/'), "{r:?}");
            }
        }
    }
}
