//! The commands of `docs/ipc.md` by name, with JSON in and out: what a Tauri
//! command (or a test of the contract) calls. Inputs are read as the forms send
//! them (empty strings and missing fields are "not given") and checked with field
//! errors; a key no command knows (a misspelling) is refused by path, except the
//! read-only fields of the command's own answer, which a form sends back.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Service;
use crate::domain::analysis::AnalysisInput;
use crate::domain::household::HouseholdInput;
use crate::domain::project::ProjectInput;
use crate::domain::{form, ProjectStatus};
use crate::error::{Code, Error};

use super::{CfCheckInput, ConvocationInput, EligibilityFactsInput};

/// Every command this service answers, in the order of `docs/ipc.md`: the
/// lines of `commands.txt`, which the app's build script reads too.
pub const COMMANDS: &[&str] = &LIST;

const LIST_TEXT: &str = include_str!("commands.txt");
const LIST: [&str; count(LIST_TEXT)] = names(LIST_TEXT);

/// Whether a line of `commands.txt` names a command (not blank, not `#`).
const fn is_name(line: &[u8]) -> bool {
    !line.is_empty() && line[0] != b'#'
}

/// The lines of `text`, each trimmed, as byte ranges: what [`count`] and
/// [`names`] walk (at compile time, so a malformed file fails the build).
const fn next_line(text: &[u8], from: usize) -> (usize, usize, usize) {
    let mut end = from;
    while end < text.len() && text[end] != b'\n' {
        end += 1;
    }
    let (mut a, mut b) = (from, end);
    while a < b && text[a].is_ascii_whitespace() {
        a += 1;
    }
    while b > a && text[b - 1].is_ascii_whitespace() {
        b -= 1;
    }
    (a, b, end + 1)
}

const fn count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut at, mut n) = (0, 0);
    while at < bytes.len() {
        let (a, b, next) = next_line(bytes, at);
        if is_name(bytes.split_at(b).0.split_at(a).1) {
            n += 1;
        }
        at = next;
    }
    n
}

const fn names<const N: usize>(text: &str) -> [&str; N] {
    let bytes = text.as_bytes();
    let mut out = [""; N];
    let (mut at, mut i) = (0, 0);
    while at < bytes.len() {
        let (a, b, next) = next_line(bytes, at);
        let line = bytes.split_at(b).0.split_at(a).1;
        if is_name(line) {
            let mut k = 0;
            while k < line.len() {
                assert!(
                    line[k].is_ascii_lowercase() || line[k] == b'_',
                    "commands.txt: a command is lowercase letters and _"
                );
                k += 1;
            }
            out[i] = match core::str::from_utf8(line) {
                Ok(s) => s,
                Err(_) => panic!("commands.txt is not UTF-8"),
            };
            i += 1;
        }
        at = next;
    }
    out
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
    /// Read from the raw input (absent and null differ): declared so that it
    /// is a known key.
    #[allow(dead_code)]
    equipe: Option<Value>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ByHousehold {
    household_id: Option<String>,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AnalysisSave {
    analysis: Option<AnalysisInput>,
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
            form::required_id("household_id", &self.household_id, "il nucleo")?,
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
    csv: Option<String>,
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
struct RankingExport {
    call_id: Option<String>,
    version: Option<u32>,
}

fn call_id(v: &Option<String>) -> Result<crate::domain::Id, Error> {
    form::required_id("call_id", v, "l'avviso")
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
        &["case_number", "created_at", "created_by", "updated_by", "responsabile"],
    ),
    ("analysis_save", "analysis", &["operator", "signing_deadline", "created_at", "updated_at"]),
    (
        "project_save",
        "project",
        &[
            "analysis_id",
            "status",
            "signing_deadline",
            "required_signers",
            "signatures",
            "signed_on",
            "created_at",
            "updated_at",
        ],
    ),
    ("eligibility_facts_save", "", &["updated_at", "updated_by"]),
    ("operator_save", "", &["id", "role_label", "active", "has_password", "must_change_password"]),
    (
        "call_save",
        "call",
        &[
            "measure_title",
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
        match name {
            "session" | "deadlines_board" | "calls_list" | "operators_list" => no_input(&input_value)?,
            _ => {}
        }
        match name {
            "session" => output(self.session()?),
            "households_search" => {
                let i: Search = input(input_value)?;
                output(self.households_search(i.query.as_deref().unwrap_or(""))?)
            }
            "household_get" => {
                let i: ById = input(input_value)?;
                output(self.household_get(form::required_id("id", &i.id, "il nucleo")?)?)
            }
            "household_save" => {
                let i: HouseholdSave = input(input_value)?;
                let h = i.household.ok_or_else(|| Error::invalid("household", "Dati del nucleo mancanti"))?;
                output(self.household_save(h)?)
            }
            "household_assign" => {
                let i: HouseholdAssign = input(input_value)?;
                let h = form::required_id("household_id", &i.household_id, "il nucleo")?;
                let o = form::required_id("operator_id", &i.operator_id, "l'operatore responsabile")?;
                output(self.household_assign(h, o)?)
            }
            "audit_history" => {
                let i: ByHousehold = input(input_value)?;
                output(self.audit_history(form::required_id(
                    "household_id",
                    &i.household_id,
                    "il nucleo",
                )?)?)
            }
            "audit_history_print" => {
                let i: ByHousehold = input(input_value)?;
                output(self.audit_history_print(form::required_id(
                    "household_id",
                    &i.household_id,
                    "il nucleo",
                )?)?)
            }
            "cf_check" => {
                let i: CfCheckInput = input(input_value)?;
                output(self.cf_check(i)?)
            }
            "analysis_get" => {
                let i: ByHousehold = input(input_value)?;
                output(self.analysis_get(form::required_id("household_id", &i.household_id, "il nucleo")?)?)
            }
            "analysis_save" => {
                let i: AnalysisSave = input(input_value)?;
                let a = i.analysis.ok_or_else(|| Error::invalid("analysis", "Dati dell'analisi mancanti"))?;
                output(self.analysis_save(a)?)
            }
            "project_get" => {
                let i: ByHousehold = input(input_value)?;
                output(self.project_get(form::required_id("household_id", &i.household_id, "il nucleo")?)?)
            }
            "project_save" => {
                let i: ProjectSave = input(input_value)?;
                let p = i.project.ok_or_else(|| Error::invalid("project", "Dati del progetto mancanti"))?;
                output(self.project_save(p)?)
            }
            "project_set_status" => {
                let i: SetStatus = input(input_value)?;
                let id = form::required_id("project_id", &i.project_id, "il progetto")?;
                let status: ProjectStatus = form::required_choice("status", &i.status, "lo stato")?;
                output(self.project_set_status(id, status)?)
            }
            "signature_record" => {
                let i: SignatureRecord = input(input_value)?;
                let project = form::required_id("project_id", &i.project_id, "il progetto")?;
                let member = form::required_id("member_id", &i.member_id, "il componente")?;
                let on = form::required_date("signed_on", &i.signed_on, "la data della firma")?;
                output(self.signature_record(project, member, on)?)
            }
            "deadlines_board" => output(self.deadlines_board()?),
            "documents_list" => {
                let i: ByHousehold = input(input_value)?;
                output(self.documents_list(form::required_id(
                    "household_id",
                    &i.household_id,
                    "il nucleo",
                )?)?)
            }
            "agreement_print" => {
                let i: ByProject = input(input_value)?;
                output(self.agreement_print(form::required_id(
                    "project_id",
                    &i.project_id,
                    "il progetto",
                )?)?)
            }
            "convocation_print" => {
                let i: ConvocationInput = input(input_value)?;
                output(self.convocation_print(i)?)
            }
            "document_open" => {
                let i: ById = input(input_value)?;
                let path = self.document_open(form::required_id("id", &i.id, "il documento")?)?;
                output(serde_json::json!({ "path": path.display().to_string() }))
            }
            "eligibility_facts_get" => {
                let i: ByHousehold = input(input_value)?;
                output(self.eligibility_facts_get(form::required_id(
                    "household_id",
                    &i.household_id,
                    "il nucleo",
                )?)?)
            }
            "eligibility_facts_save" => {
                let i: EligibilityFactsInput = input(input_value)?;
                output(self.eligibility_facts_save(i)?)
            }
            "eligibility_check" => {
                let (id, on) = input::<OnDate>(input_value)?.read()?;
                output(self.eligibility_check(id, on)?)
            }
            "eligibility_checks_list" => {
                let i: ByHousehold = input(input_value)?;
                output(self.eligibility_checks_list(form::required_id(
                    "household_id",
                    &i.household_id,
                    "il nucleo",
                )?)?)
            }
            "esito_print" => {
                let (id, on) = input::<OnDate>(input_value)?.read()?;
                output(self.esito_print(id, on)?)
            }
            "calls_list" => output(self.calls_list()?),
            "call_get" => {
                let i: ById = input(input_value)?;
                output(self.call_get(form::required_id("id", &i.id, "l'avviso")?)?)
            }
            "call_save" => {
                let i: CallSave = input(input_value)?;
                let c = i.call.ok_or_else(|| Error::invalid("call", "Dati dell'avviso mancanti"))?;
                output(self.call_save(c)?)
            }
            "applications_import" => {
                let i: ApplicationsImport = input(input_value)?;
                let id = call_id(&i.call_id)?;
                let csv = i
                    .csv
                    .filter(|c| !c.trim().is_empty())
                    .ok_or_else(|| Error::invalid("csv", "Il file delle domande è vuoto"))?;
                output(self.applications_import(id, &csv)?)
            }
            "application_save" => {
                let i: ApplicationSave = input(input_value)?;
                let id = call_id(&i.call_id)?;
                let a = i
                    .application
                    .ok_or_else(|| Error::invalid("application", "Dati della domanda mancanti"))?;
                output(self.application_save(id, a)?)
            }
            "ranking_draft" => {
                let i: ByCall = input(input_value)?;
                output(self.ranking_draft(call_id(&i.call_id)?)?)
            }
            "ranking_publish" => {
                let i: RankingPublish = input(input_value)?;
                let id = call_id(&i.call_id)?;
                let on = form::required_date("published_on", &i.published_on, "la data di pubblicazione")?;
                output(self.ranking_publish(id, on)?)
            }
            "ranking_versions" => {
                let i: ByCall = input(input_value)?;
                output(self.ranking_versions(call_id(&i.call_id)?)?)
            }
            "ranking_compare" => {
                let i: RankingCompare = input(input_value)?;
                let id = call_id(&i.call_id)?;
                let from =
                    i.from.ok_or_else(|| Error::invalid("from", "Indicare la versione di partenza"))?;
                let to = i.to.ok_or_else(|| Error::invalid("to", "Indicare la versione di arrivo"))?;
                output(self.ranking_compare(id, from, to)?)
            }
            "appeal_file" => {
                let i: super::AppealInput = input(input_value)?;
                output(self.appeal_file(i)?)
            }
            "appeal_decide" => {
                let i: super::AppealDecisionInput = input(input_value)?;
                output(self.appeal_decide(i)?)
            }
            "ranking_export_csv" => {
                let i: RankingExport = input(input_value)?;
                output(self.ranking_export_csv(call_id(&i.call_id)?, i.version)?)
            }
            "password_change" => {
                let i: PasswordChange = input(input_value)?;
                self.password_change(
                    &i.old_password.unwrap_or_default(),
                    &i.new_password.unwrap_or_default(),
                )?;
                output(self.session()?)
            }
            "operators_list" => output(self.operators_list()?),
            "operator_save" => {
                // Absent: the équipe stays as it is; null or "" : no équipe.
                let equipe: Option<Option<String>> =
                    input_value.get("equipe").map(|v| v.as_str().map(str::to_string));
                let i: OperatorSave = input(input_value)?;
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
                let op = self.operator_save_in(
                    username.trim(),
                    &i.name.unwrap_or_default(),
                    role,
                    equipe.as_ref().map(|e| e.as_deref()),
                )?;
                if let Some(p) = i.password.filter(|p| !p.is_empty()) {
                    self.operator_set_password(&op.username, &p)?;
                }
                let equipe = self.store.transaction(|tx| tx.operator_equipe(op.id))?;
                let mut v = output(op)?;
                v["equipe"] = serde_json::json!(equipe);
                Ok(v)
            }
            "operator_set_password" => {
                let i: OperatorPassword = input(input_value)?;
                self.operator_set_password(
                    i.username.as_deref().unwrap_or_default(),
                    &i.password.unwrap_or_default(),
                )?;
                output(Value::Null)
            }
            "operator_revoke" => {
                let i: OperatorRevoke = input(input_value)?;
                self.operator_revoke(i.username.as_deref().unwrap_or_default())?;
                output(Value::Null)
            }
            "database_rekey" => {
                let i: DatabaseRekey = input(input_value)?;
                output(self.database_rekey(i.password.as_deref().unwrap_or_default())?)
            }
            other => Err(Error::new(Code::Invalid, format!("Comando sconosciuto: «{other}»"))),
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
    use super::COMMANDS;

    #[test]
    fn the_list_is_the_files_lines_each_once() {
        // The same reading as src-tauri/build.rs makes at run time.
        let lines: Vec<&str> = include_str!("commands.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(COMMANDS, lines.as_slice());
        assert!(COMMANDS.len() > 30, "{COMMANDS:?}");
        for (i, c) in COMMANDS.iter().enumerate() {
            assert!(!COMMANDS[..i].contains(c), "«{c}» is twice in commands.txt");
        }
    }
}
