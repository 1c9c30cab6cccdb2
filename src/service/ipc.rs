//! The commands of `docs/ipc.md` by name, with JSON in and out: what a Tauri
//! command, `sportello call` (or a test of the contract) calls. Built from the
//! one table of src/service/commands.rs: the list, the dispatch and the roles
//! matrix. Inputs are read as the forms send them (empty strings and missing
//! fields are "not given") and checked with field errors; a key no command
//! knows (a misspelling) is refused by path, except the read-only fields of the
//! command's own answer, which a form sends back.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

use super::access::{Permission, ADMIN, ALL, COORD};
use super::Service;
use super::{AppealDecisionInput, AppealInput};
use crate::domain::analysis::AnalysisInput;
use crate::domain::form::{self, required_id};
use crate::domain::household::HouseholdInput;
use crate::domain::project::ProjectInput;
use crate::domain::ProjectStatus;
use crate::error::{Code, Error};

use super::{CfCheckInput, ConvocationInput, EligibilityFactsInput, PlacesSearch};
use super::{InformativaGivenInput, InformativaInput};

/// What a row's audit word means: (personal data, case).
macro_rules! audit {
    (none) => {
        (false, false)
    };
    (audit) => {
        (true, false)
    };
    (case) => {
        (true, true)
    };
}

/// The table's `ipc` rows become the list and the dispatch, and every row a
/// line of the roles matrix.
macro_rules! registry {
    ([]
     ipc { $($name:ident ($input:ty) $roles:ident $audit:ident => $run:expr;)* }
     service { $($other:ident $other_roles:ident $other_audit:ident;)* }) => {
        /// Every command this service answers, in the order of `docs/ipc.md`:
        /// the `ipc` rows of src/service/commands.rs.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Every row of the table as a line of the roles matrix
        /// (`access::MATRIX`), the app's commands first.
        pub(super) const PERMISSIONS: &[Permission] = &[
            $(Permission {
                command: stringify!($name),
                roles: $roles,
                personal_data: audit!($audit).0,
                case: audit!($audit).1,
            },)*
            $(Permission {
                command: stringify!($other),
                roles: $other_roles,
                personal_data: audit!($other_audit).0,
                case: audit!($other_audit).1,
            },)*
        ];

        const DISPATCH: &[(&str, Runner)] = &[$((stringify!($name), |s, v| answer::<$input, _>(s, v, $run)),)*];
    };
}

type Runner = fn(&Service, Value) -> Result<Value, Error>;

crate::__sportello_command_table! { [registry] }

/// A command's work: its input read (the one place JSON becomes an input
/// type), the work done, the answer written as JSON.
fn answer<I: DeserializeOwned + Default, T: Serialize>(
    s: &Service,
    v: Value,
    run: impl FnOnce(&Service, I) -> Result<T, Error>,
) -> Result<Value, Error> {
    output(run(s, input(v)?)?)
}

/// The input of a command that takes none: whatever is sent is ignored.
#[derive(Debug, Default)]
struct NoInput;

impl<'de> Deserialize<'de> for NoInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| NoInput)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PasswordChange {
    old_password: Option<String>,
    new_password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OperatorSave {
    username: Option<String>,
    name: Option<String>,
    role: Option<String>,
    password: Option<String>,
    /// Absent: the équipe stays as it is; null or "": no équipe.
    #[serde(deserialize_with = "present")]
    equipe: Option<Option<String>>,
    /// Absent: as it is; null or "": not recorded (SIUSS's `CFOperatore`).
    #[serde(deserialize_with = "present")]
    codice_fiscale: Option<Option<String>>,
}

/// A field that is there, even as null (`Some(None)`), apart from one that
/// is not (`None`, the default).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SyncNow {
    /// `http://HOST:PORT`; absent: where the hub was reached last.
    hub: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DatabaseRekey {
    password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OperatorPassword {
    username: Option<String>,
    password: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OperatorRevoke {
    username: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HouseholdAssign {
    household_id: Option<String>,
    operator_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ById {
    id: Option<String>,
}

impl ById {
    /// The id, required: `what` names the record in the message.
    fn id(&self, what: &str) -> Result<crate::domain::Id, Error> {
        required_id("id", &self.id, what)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ByHousehold {
    household_id: Option<String>,
}

impl ByHousehold {
    fn household(&self) -> Result<crate::domain::Id, Error> {
        required_id("household_id", &self.household_id, "il nucleo")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Search {
    query: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HouseholdSave {
    household: Option<HouseholdInput>,
    /// The household as the form loaded it: a save on a stale copy is
    /// merged field by field against it (docs/ipc.md).
    base: Option<HouseholdInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConflictsFilter {
    household_id: Option<String>,
    resolved: Option<bool>,
}

impl ConflictsFilter {
    fn household(&self) -> Result<Option<crate::domain::Id>, Error> {
        match form::clean(&self.household_id) {
            None => Ok(None),
            Some(_) => required_id("household_id", &self.household_id, "il nucleo").map(Some),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConflictResolve {
    id: Option<String>,
    choice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PackageFile {
    path: Option<String>,
    device: Option<String>,
}

impl PackageFile {
    fn path(&self) -> Result<std::path::PathBuf, Error> {
        absolute("path", &self.path, "Indicare il file del pacchetto")
    }
}

/// An update package on a stick, and its signature when not beside it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UpdateFile {
    path: Option<String>,
    signature: Option<String>,
}

impl UpdateFile {
    fn path(&self) -> Result<std::path::PathBuf, Error> {
        absolute("path", &self.path, "Indicare il file dell'aggiornamento")
    }
    fn signature(&self) -> Result<Option<std::path::PathBuf>, Error> {
        match form::clean(&self.signature) {
            None => Ok(None),
            Some(_) => absolute("signature", &self.signature, "").map(Some),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DocumentSave {
    id: Option<String>,
    out: Option<String>,
}

impl DocumentSave {
    fn id(&self) -> Result<crate::domain::Id, Error> {
        required_id("id", &self.id, "il documento")
    }
    fn out(&self) -> Result<std::path::PathBuf, Error> {
        absolute("out", &self.out, "Indicare dove salvare la copia")
    }
}

/// A file chosen in the system's dialog: always a whole path. A relative one
/// would land wherever the program happens to run.
fn absolute(field: &str, given: &Option<String>, missing: &str) -> Result<std::path::PathBuf, Error> {
    let path =
        form::clean(given).map(std::path::PathBuf::from).ok_or_else(|| Error::invalid(field, missing))?;
    if !path.is_absolute() {
        return Err(Error::invalid(field, "Indicare il percorso completo del file"));
    }
    Ok(path)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AnalysisSave {
    analysis: Option<AnalysisInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct QuadroSave {
    quadro: Option<crate::domain::quadro::QuadroInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProjectSave {
    project: Option<ProjectInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SetStatus {
    project_id: Option<String>,
    status: Option<String>,
    /// Why the project goes back to bozza (its signatures are annulled).
    reason: Option<String>,
}

/// Monitoring of the signed project (issue 12 item 3).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MonitoringRecord {
    project_id: Option<String>,
    meeting: Option<crate::domain::monitoring::MeetingInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MonitoringAnnul {
    project_id: Option<String>,
    meeting_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProjectRedesign {
    project_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProjectClose {
    project_id: Option<String>,
    closure: Option<crate::domain::monitoring::ClosureInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ByProject {
    project_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OnDate {
    household_id: Option<String>,
    reference_date: Option<String>,
}

impl OnDate {
    fn read(&self) -> Result<(crate::domain::Id, chrono::NaiveDate), Error> {
        Ok((
            required_id("household_id", &self.household_id, "il nucleo")?,
            form::required_date("reference_date", &self.reference_date, "la data di riferimento")?,
        ))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SignatureRecord {
    project_id: Option<String>,
    member_id: Option<String>,
    signed_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OnDay {
    date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SignatureAnnul {
    project_id: Option<String>,
    member_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CallSave {
    call: Option<super::CallInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ByCall {
    call_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ApplicationsImport {
    call_id: Option<String>,
    /// The file as text (scripts, `sportello call`)…
    csv: Option<String>,
    /// …or its bytes as the spreadsheet saved them (the app: a Windows-1252
    /// file is not text a browser can hand over unchanged).
    file_base64: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ApplicationSave {
    call_id: Option<String>,
    application: Option<super::ApplicationInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RankingPublish {
    call_id: Option<String>,
    published_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RankingCompare {
    call_id: Option<String>,
    from: Option<u32>,
    to: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ExposureInput {
    operator: Option<String>,
    device: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RankingExport {
    call_id: Option<String>,
    version: Option<u32>,
    /// `csv` (the default) or `xlsx`.
    format: Option<String>,
}

impl RankingExport {
    fn workbook(&self) -> Result<bool, Error> {
        match self.format.as_deref() {
            None | Some("csv") => Ok(false),
            Some("xlsx") => Ok(true),
            Some(other) => {
                Err(Error::invalid("format", format!("formato «{other}» non previsto: csv oppure xlsx")))
            }
        }
    }
}

/// `retention_erase`: the case, and its number typed again as confirmation.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RetentionErase {
    household_id: Option<String>,
    /// `cancellazione` | `anonimizzazione`.
    mode: Option<String>,
    confirm: Option<String>,
}

/// `retention_erase_records`: the kind, the call (none for the access log)
/// and what the list asks to type as confirmation.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RetentionEraseRecords {
    kind: Option<String>,
    call_id: Option<String>,
    confirm: Option<String>,
}

impl RetentionEraseRecords {
    fn call(&self) -> Result<Option<crate::domain::Id>, Error> {
        match self.call_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse().map(Some).map_err(|_| Error::invalid("call_id", "Avviso non valido")),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HouseholdReason {
    household_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ByAward {
    award_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DataRequestRecord {
    request: Option<crate::domain::data_request::DataRequestInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DataRequestExtend {
    id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DataRequestAnswer {
    id: Option<String>,
    out: Option<String>,
}

impl DataRequestAnswer {
    fn out(&self) -> Result<std::path::PathBuf, Error> {
        absolute("out", &self.out, "Indicare dove salvare la risposta")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AwardSave {
    award: Option<super::AwardInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClaimSend {
    claim: Option<super::ClaimInput>,
}

impl ClaimSend {
    fn claim(self) -> Result<super::ClaimInput, Error> {
        self.claim.ok_or_else(|| Error::invalid("claim", "Dati della richiesta di rimborso mancanti"))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HousingGet {
    /// The grid's first day (absent: today).
    from: Option<String>,
    weeks: Option<form::Scalar>,
}

impl HousingGet {
    fn read(&self) -> Result<(Option<chrono::NaiveDate>, u32), Error> {
        let from = form::optional_date("from", &self.from)?;
        let weeks = form::integer(
            "weeks",
            &self.weeks,
            1,
            i64::from(super::MAX_WEEKS),
            i64::from(super::DEFAULT_WEEKS),
        )?;
        Ok((from, weeks as u32))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UnitSave {
    unit: Option<super::UnitInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProgrammeSave {
    programme: Option<crate::domain::programme::ProgrammeInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProgrammeIndicators {
    id: Option<String>,
    on: Option<String>,
    /// `finanziatore` (aggregate only, the default) or `ufficio` (with the list).
    copy: Option<String>,
    /// `pdf`, `csv` or `xlsx`: also write the file; absent: the report only.
    format: Option<String>,
}

impl ProgrammeIndicators {
    fn office_copy(&self) -> Result<bool, Error> {
        match self.copy.as_deref() {
            None | Some("finanziatore") => Ok(false),
            Some("ufficio") => Ok(true),
            Some(o) => {
                Err(Error::invalid("copy", format!("copia «{o}» non prevista (finanziatore, ufficio)")))
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EnrolmentSave {
    enrolment: Option<crate::domain::programme::EnrolmentInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StayPlace {
    stay: Option<super::StayPlaceInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct StayUpdate {
    stay: Option<super::StayUpdateInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct WaitingAdd {
    waiting: Option<super::WaitingAddInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct WaitingWithdraw {
    waiting_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LiquidationIssue {
    call_id: Option<String>,
    issued_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClaimsFile {
    call_id: Option<String>,
    /// The file's bytes as saved (base64: a Windows-1252 file is not text).
    file_base64: Option<String>,
    /// Absent or false: only checked; true: recorded.
    record: Option<bool>,
}

fn reimbursement_import(s: &Service, i: ClaimsFile) -> Result<super::ClaimsImport, Error> {
    let id = call_id(&i.call_id)?;
    let bytes = {
        use base64::Engine;
        let b64 = i.file_base64.unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| Error::invalid("file_base64", "Il file non è arrivato intero: riprovare"))?
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid("file_base64", "Il file delle richieste di rimborso è vuoto"));
    }
    s.reimbursement_import(id, &bytes, i.record.unwrap_or(false))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RegisterSave {
    out: Option<String>,
}

impl RegisterSave {
    fn out(&self) -> Result<std::path::PathBuf, Error> {
        absolute("out", &self.out, "Indicare dove salvare il registro dei trattamenti")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SiussSave {
    from: Option<String>,
    to: Option<String>,
    out: Option<String>,
}

impl SiussSave {
    fn out(&self) -> Result<std::path::PathBuf, Error> {
        absolute("out", &self.out, "Indicare dove salvare il flusso")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LiquidationOpen {
    id: Option<String>,
    /// `pdf` (the default), `csv` or `xlsx`.
    format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FinanceProjectSave {
    project: Option<super::FundedProjectInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FinanceCommitmentRecord {
    commitment: Option<super::FinanceCommitmentInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FinancePaymentRecord {
    payment: Option<super::FinancePaymentInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FinanceRecordAnnul {
    project_id: Option<String>,
    record_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FinanceReportInput {
    id: Option<String>,
    /// `pdf` (the default), `csv` or `xlsx`.
    format: Option<String>,
    /// The report's date (ISO; today when missing).
    on: Option<String>,
}

fn call_id(v: &Option<String>) -> Result<crate::domain::Id, Error> {
    required_id("call_id", v, "l'avviso")
}

fn applications_import(s: &Service, i: ApplicationsImport) -> Result<super::ImportOutcome, Error> {
    let id = call_id(&i.call_id)?;
    let bytes = match (i.csv, i.file_base64) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid("csv", "Indicare il file una volta sola: csv oppure file_base64"))
        }
        (Some(text), None) => text.into_bytes(),
        (None, Some(b64)) => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| Error::invalid("file_base64", "Il file non è arrivato intero: riprovare"))?
        }
        (None, None) => Vec::new(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::invalid("csv", "Il file delle domande è vuoto"));
    }
    s.applications_import(id, &bytes)
}

fn ranking_compare(s: &Service, i: RankingCompare) -> Result<super::Comparison, Error> {
    let id = call_id(&i.call_id)?;
    let from = i.from.ok_or_else(|| Error::invalid("from", "Indicare la versione di partenza"))?;
    let to = i.to.ok_or_else(|| Error::invalid("to", "Indicare la versione di arrivo"))?;
    s.ranking_compare(id, from, to)
}

fn operator_save(s: &Service, i: OperatorSave) -> Result<Value, Error> {
    let role = i
        .role
        .as_deref()
        .and_then(<crate::domain::Role as crate::domain::StrEnum>::parse)
        .ok_or_else(|| Error::invalid("role", "Scegliere il ruolo dell'operatore"))?;
    let username = i.username.unwrap_or_default();
    super::check_username(username.trim())?;
    if let Some(p) = i.password.as_deref().filter(|p| !p.is_empty()) {
        crate::keyring::check_new_password(p)?;
    }
    let cf = match i.codice_fiscale.as_ref() {
        None => None,
        Some(c) => Some(match crate::domain::form::clean(c) {
            None => None,
            Some(text) => {
                Some(crate::cf::Cf::parse(&text, s.today()).map_err(|e| e.to_error("codice_fiscale"))?)
            }
        }),
    };
    let op = s.operator_save_with(
        username.trim(),
        &i.name.unwrap_or_default(),
        role,
        i.equipe.as_ref().map(|e| e.as_deref()),
        cf.as_ref().map(|c| c.as_ref()),
    )?;
    if let Some(p) = i.password.filter(|p| !p.is_empty()) {
        s.operator_set_password(&op.username, &p)?;
    }
    let (equipe, cf) = s.store.transaction(|tx| Ok((tx.operator_equipe(op.id)?, tx.operator_cf(op.id)?)))?;
    let mut v = output(op)?;
    v["equipe"] = json!(equipe);
    v["codice_fiscale"] = json!(cf.as_ref().map(|c| c.as_str()));
    Ok(v)
}

/// A command's input: unknown keys are refused by path (crate::json_in), every
/// other mistake of shape is an `invalid` with serde's reason in Italian.
fn input<T: DeserializeOwned + Default>(v: Value) -> Result<T, Error> {
    if v.is_null() {
        return Ok(T::default());
    }
    crate::json_in::from_value(&v, |e| {
        Error::new(Code::Invalid, format!("Richiesta non valida: {}", italian(&e)))
    })
    .map_err(record_field)
}

/// The form's fields are the record's (`members[1].codice_fiscale`, as the
/// validation names them), not the envelope's (`household.…`).
fn record_field(mut e: Error) -> Error {
    if let Some(f) = &e.field {
        for wrapper in ["household.", "analysis.", "project.", "call.", "application."] {
            if let Some(inner) = f.strip_prefix(wrapper) {
                e.field = Some(inner.to_string());
                break;
            }
        }
    }
    e
}

/// A command that takes no input accepts `null` or `{}` only: anything else
/// was meant for another command.
fn no_input(v: &Value) -> Result<(), Error> {
    match v {
        Value::Null => Ok(()),
        Value::Object(o) => match o.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::invalid(
                k.as_str(),
                format!("Campo sconosciuto «{k}»: questo comando non prende dati"),
            )),
        },
        _ => Err(Error::new(Code::Invalid, "Richiesta non valida: questo comando non prende dati")),
    }
}

/// The read-only fields of a command's own answer, which a form sends back with
/// what it loaded: accepted and ignored (removed before the input is read), so
/// that only truly unknown keys are refused. `(command, object, fields)`:
/// `object` is the key the record sits under ("" = the input itself).
const READ_ONLY: &[(&str, &str, &[&str])] = &[
    (
        "household_save",
        "household",
        &[
            "case_number",
            "case_provisional",
            "created_at",
            "created_by",
            "updated_by",
            "responsabile",
            "restriction",
            "conflicts",
        ],
    ),
    (
        "household_save",
        "base",
        &[
            "case_number",
            "case_provisional",
            "created_at",
            "created_by",
            "updated_by",
            "responsabile",
            "restriction",
            "conflicts",
        ],
    ),
    ("analysis_save", "analysis", &["operator", "signing_deadline", "created_at", "updated_at"]),
    ("quadro_save", "quadro", &["analysis_id", "operator", "created_at", "updated_at"]),
    (
        "project_save",
        "project",
        &[
            "analysis_id",
            "status",
            "signing_deadline",
            "required_signers",
            "signatures",
            "annulled_signatures",
            "signed_on",
            "created_at",
            "updated_at",
            // Monitoring (issue 12 item 3): kept by their own commands.
            "version",
            "versions",
            "monitoring",
            "next_meeting",
            "closure",
        ],
    ),
    ("eligibility_facts_save", "", &["updated_at", "updated_by"]),
    ("operator_save", "", &["id", "role_label", "active", "has_password", "must_change_password"]),
    (
        "call_save",
        "call",
        &[
            "measure_title",
            "rule_set_title",
            "window_from",
            "window_to",
            "applications",
            "versions",
            "published_on",
            "appeal_deadline",
            "pending_appeals",
            "created_at",
            "updated_at",
            "appeals",
            "upheld_not_published",
            "editable",
            "can_publish",
            "can_decide",
        ],
    ),
];

fn drop_read_only(name: &str, v: &mut Value) {
    for (command, object, fields) in READ_ONLY {
        if *command != name {
            continue;
        }
        let target = if object.is_empty() { Some(&mut *v) } else { v.get_mut(*object) };
        if let Some(Value::Object(o)) = target {
            for f in *fields {
                o.remove(*f);
            }
        }
    }
}

/// serde's reason in Italian: the message reaches the operator's screen (a
/// hostile or buggy caller sent the wrong shape), and it must read as the rest.
fn italian(e: &serde_json::Error) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid type: ", "tipo non valido: "),
        ("invalid value: ", "valore non valido: "),
        ("invalid length ", "lunghezza non valida "),
        ("unknown variant ", "valore sconosciuto "),
        ("unknown field ", "campo sconosciuto "),
        ("missing field ", "campo mancante "),
        ("duplicate field ", "campo ripetuto "),
        ("data did not match any variant of untagged enum Scalar", "atteso un numero o un testo"),
        ("expected one of", "atteso uno tra"),
        ("expected ", "atteso "),
        ("a string", "un testo"),
        ("a sequence", "un elenco"),
        ("sequence", "un elenco"),
        ("a map", "un oggetto"),
        ("map", "un oggetto"),
        ("struct ", "l'oggetto "),
        ("a boolean", "sì o no (true/false)"),
        ("boolean ", "il valore logico "),
        ("floating point ", "il numero "),
        ("integer ", "il numero "),
        ("u32", "un numero intero non negativo"),
        ("i64", "un numero intero"),
        ("u64", "un numero intero non negativo"),
        ("string ", "il testo "),
        ("unit value", "null"),
    ];
    let mut s = e.to_string();
    for (en, it) in WORDS {
        s = s.replace(en, it);
    }
    s
}

fn output<T: Serialize>(v: T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))
}

impl Service {
    /// Runs the command `name` with its `input` object (`null` when it takes
    /// none) and returns its JSON answer.
    pub fn call(&self, name: &str, mut input_value: Value) -> Result<Value, Error> {
        drop_read_only(name, &mut input_value);
        if matches!(
            name,
            "session"
                | "households_caseload"
                | "deadlines_board"
                | "calls_list"
                | "call_template"
                | "operators_list"
                | "member_rules"
                | "about"
                | "diagnostics_export"
        ) {
            no_input(&input_value)?;
        }
        match DISPATCH.iter().find(|(n, _)| *n == name) {
            Some((name, run)) => {
                // The log gets the command's own name and outcome code, never
                // its input or message (crate::support::log).
                let started = std::time::Instant::now();
                let out = run(self, input_value);
                self.log_command(name, started.elapsed(), out.as_ref().map(|_| ()));
                out
            }
            None => Err(Error::new(Code::Invalid, format!("Comando sconosciuto: «{name}»"))),
        }
    }
}

impl Service {
    /// [`Service::call`] on the JSON text of the input, for callers that hold
    /// text (a script, a test): a key given twice is refused by path before
    /// anything runs. (A JavaScript object cannot hold a key twice, so the
    /// app's input, a value, needs no such check.)
    pub fn call_json(&self, name: &str, input_text: &str) -> Result<Value, Error> {
        let v = if input_text.trim().is_empty() {
            Value::Null
        } else {
            crate::json_in::parse(input_text).map_err(record_field)?
        };
        self.call(name, v)
    }
}

#[cfg(test)]
mod tests {
    use super::{COMMANDS, PERMISSIONS};

    #[test]
    fn each_command_is_once_in_the_table() {
        assert!(COMMANDS.len() > 30, "{COMMANDS:?}");
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(!COMMANDS[..i].contains(c), "«{c}» is twice in the table");
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{c}");
        }
        // The app's commands are the matrix's first lines, in their order.
        let first: Vec<&str> = PERMISSIONS.iter().take(COMMANDS.len()).map(|p| p.command).collect();
        assert_eq!(first, COMMANDS);
    }
}
