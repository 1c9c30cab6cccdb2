//! The single command service the app and batch tools go through. It knows the
//! acting operator, so access control and the audit log live in one place:
//! every command passes through [`Service::authorize_and_audit`] inside the
//! transaction that does its work.
//!
//! Methods are named after the commands of `docs/ipc.md`; [`Service::call`]
//! dispatches a command by name with its JSON input, which is all a Tauri
//! command (and `sportello call`) has to do. The commands, their input types,
//! roles and audit are the rows of one table, `commands.rs`.
//!
//! Architecture invariant: the service may read the clock (today, timestamps)
//! but passes dates into the pure rules; it touches SQLite only through
//! [`crate::storage`].

pub mod access;
mod analyses;
mod calendar;
mod calls;
mod commands;
mod data_requests;
mod documents;
mod eligibility;
mod files;
mod history;
mod households;
mod housing;
mod informativa;
pub mod ipc;
mod ledger;
mod monitoring;
mod operators;
mod places;
mod printing;
mod programmes;
mod project_finance;
mod projects;
mod quadri;
mod rekey;
pub mod restore;
mod retention;
mod retention_records;
mod session;
mod siuss;
mod stale;
mod support;
mod sync;
mod sync_net;
mod update;
mod viewing;

pub use sync::{ExportedPackage, HouseholdSyncState};

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};

use crate::calendar::{Comune, Comuni};
use crate::domain::string_enum;
use crate::domain::{Id, Office, Operator, Role, Session, StrEnum};
use crate::error::{Code, Error};
use crate::storage::{CaseFilter, Stamp, Storage, Tx};

pub use calls::{
    AppealDecisionInput, AppealInput, ApplicationInput, AwardClaims, AwardInput, CallDetail, CallInput,
    CallSummary, ClaimDecision, ClaimInput, ClaimsImport, Comparison, DocumentInput, Exported, ImportOutcome,
    LiquidationFormat, LiquidationView, RankingRow, RankingView, RefusedRow, Reimbursements,
    SavedApplication, VersionView,
};
pub use data_requests::{DataRequestView, FieldChange, BUNDLE_SCHEMA, BUNDLE_VERSION};
pub use documents::DocumentView;
pub use eligibility::{
    EligibilityCheck, EligibilityFacts, EligibilityFactsInput, MeasureAnswer, RuleSetInfo,
};
pub use files::FileError;
pub use history::{local_time as history_local_time, AccessRow};
pub use households::{CfCheck, CfCheckInput, CfDecoded, HouseholdSaved};
pub use housing::{
    GuestView, HouseholdHousing, HousingView, ProposalView, SettingsView, StayPlaceInput, StayStatus,
    StayUpdateInput, StayView, UnitInput, UnitView, WaitingAddInput, WaitingView, DEFAULT_WEEKS, MAX_WEEKS,
};
pub use informativa::{
    HouseholdInformativa, InformativaGivenInput, InformativaInput, InformativaSettings, MemberInformativa,
    RegisterSaved, VersionSummary,
};
pub use operators::OperatorAccount;
pub use places::{MemberRules, PermitKindRule, PlaceFound, PlacesSearch, PLACES_LIMIT};
pub use printing::ConvocationInput;
pub use programmes::{
    EnrolmentView, EsfHints, HouseholdEnrolments, IndicatorsView, InterventionOption, ParticipantView,
    ProgrammeSummary, ProgrammeView, SupportOption,
};
pub use project_finance::{
    AnnulmentView, CommitmentInput as FinanceCommitmentInput, CommitmentView, FinanceDetail, FinanceSummary,
    FundedProjectInput, FundedProjectView, PaymentInput as FinancePaymentInput, PaymentView,
};
pub use rekey::{OneTimePassword, Rekeyed};
pub use retention::{DueCase, ErasureCount, ErasureReport, HeldCase, RetentionDue};
pub use retention_records::{DueRecord, RecordErasureReport};
pub use session::{
    check_username, recovery_administrator, Credentials, DatabaseState, NewDatabase, OpenOptions,
    RECOVERY_NAME, RECOVERY_USERNAME,
};
pub use stale::FormConflict;
pub use support::{About, DiagnosticsWritten, RuleSetInForce};
pub use sync::CaseNumbers;
pub use sync_net::{SyncLog, SyncReport, SyncServer, SyncStatus};

/// Where "today" comes from: the computer's clock, or a fixed day for tests and
/// demonstrations (`--today`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    System,
    Fixed(NaiveDate),
}

pub struct Service {
    store: Storage,
    /// Held by [`Service::open_exclusive`]: one writing instance per database.
    _lock: Option<crate::storage::lock::DatabaseLock>,
    documents_dir: PathBuf,
    operator: Operator,
    clock: Clock,
    /// Comuni with their patron days (built in, plus the administrator's file
    /// in `SPORTELLO_DATA_DIR`): the office calendar comes from here.
    comuni: Comuni,
    /// The database key, wiped when the service is dropped (logout, idle lock).
    /// Replaced by a re-key ([`Service::database_rekey`]).
    key: std::sync::RwLock<crate::keyring::DbKey>,
    /// The password was set by an administrator: the operator must change it.
    must_change_password: bool,
    /// Where documents are written, decrypted, for the system viewer.
    viewing: viewing::ViewingArea,
}

string_enum!(
    /// What an operator does: the unit of access control and of the audit log.
    Action {
        Session = "session": "apertura della sessione",
        Login = "login": "accesso al programma",
        PasswordChange = "password_change": "cambio della propria password",
        OperatorsList = "operators_list": "elenco degli operatori",
        OperatorSetPassword = "operator_set_password": "impostazione della password di un operatore",
        OperatorRevoke = "operator_revoke": "revoca di un operatore",
        DatabaseRekey = "database_rekey": "cambio della chiave del database",
        Backup = "backup": "copia di sicurezza del database",
        AuditVerify = "audit_verify": "verifica del registro degli accessi",
        OfficeSet = "office_set": "modifica dei dati dell'ufficio",
        HouseholdsSearch = "households_search": "ricerca dei nuclei",
        HouseholdsCaseload = "households_caseload": "elenco dei propri fascicoli",
        HouseholdGet = "household_get": "consultazione di un nucleo",
        HouseholdCreate = "household_create": "creazione di un nucleo",
        HouseholdUpdate = "household_update": "modifica di un nucleo",
        CfCheck = "cf_check": "verifica di un codice fiscale",
        CalendarCheck = "calendar_check": "verifica di una data nel calendario dell'ufficio",
        PlacesSearch = "places_search": "ricerca di un comune o di uno stato",
        MemberRules = "member_rules": "consultazione delle regole sui dati dei componenti",
        About = "about": "informazioni sul programma",
        AccessExposure = "access_exposure": "elenco delle persone i cui fascicoli un account o un dispositivo ha aperto (violazione dei dati)",
        DiagnosticsExport = "diagnostics_export": "pacchetto di diagnostica per l'assistenza",
        AnalysisGet = "analysis_get": "consultazione dell'analisi preliminare",
        AnalysisSave = "analysis_save": "registrazione dell'analisi preliminare",
        QuadroGet = "quadro_get": "consultazione del quadro di analisi",
        QuadroSave = "quadro_save": "registrazione del quadro di analisi",
        ProjectGet = "project_get": "consultazione del progetto",
        ProjectSave = "project_save": "modifica del progetto",
        ProjectSetStatus = "project_set_status": "cambio di stato del progetto",
        SignatureRecord = "signature_record": "registrazione di una firma",
        SignatureAnnul = "signature_annul": "annullamento di una firma",
        DeadlinesBoard = "deadlines_board": "consultazione delle scadenze",
        AgreementData = "agreement_data": "preparazione del patto",
        DocumentAdd = "document_add": "archiviazione di un documento",
        DocumentsList = "documents_list": "elenco dei documenti",
        DocumentOpen = "document_open": "apertura di un documento",
        DocumentView = "document_view": "visualizzazione di un documento",
        DocumentSave = "document_save": "copia di un documento in un file",
        AgreementPrint = "agreement_print": "stampa del patto",
        ConvocationPrint = "convocation_print": "stampa di una convocazione",
        EligibilityFactsGet = "eligibility_facts_get": "consultazione dei dati per i requisiti",
        EligibilityFactsSave = "eligibility_facts_save": "modifica dei dati per i requisiti",
        EligibilityCheck = "eligibility_check": "verifica dei requisiti delle misure",
        EligibilityChecksList = "eligibility_checks_list": "consultazione delle verifiche dei requisiti",
        EsitoPrint = "esito_print": "stampa dell'esito dei requisiti",
        OperatorRegistered = "operator_registered": "registrazione di un operatore",
        OperatorSave = "operator_save": "gestione degli operatori",
        CallsList = "calls_list": "elenco degli avvisi",
        CallGet = "call_get": "consultazione di un avviso",
        CallTemplate = "call_template": "preparazione di un nuovo avviso",
        CallSave = "call_save": "modifica di un avviso",
        ApplicationsImport = "applications_import": "importazione delle domande",
        ApplicationSave = "application_save": "registrazione di una domanda",
        RankingDraft = "ranking_draft": "calcolo della graduatoria",
        RankingPublish = "ranking_publish": "pubblicazione della graduatoria",
        RankingVersions = "ranking_versions": "consultazione delle graduatorie pubblicate",
        RankingCompare = "ranking_compare": "confronto tra versioni della graduatoria",
        RankingExport = "ranking_export_csv": "esportazione della graduatoria",
        ReimbursementsGet = "reimbursements_get": "consultazione dei contributi assegnati e dei rimborsi",
        AwardSave = "award_save": "assegnazione di un contributo (periodo e IBAN)",
        AwardClaims = "award_claims": "consultazione delle richieste di rimborso di un contributo",
        ReimbursementPreview = "reimbursement_preview": "calcolo di una richiesta di rimborso",
        ReimbursementRecord = "reimbursement_record": "registrazione di una richiesta di rimborso",
        ReimbursementImport = "reimbursement_import": "importazione delle richieste di rimborso da un file",
        ReimbursementStatement = "reimbursement_statement": "stampa del prospetto dei rimborsi",
        LiquidationIssue = "liquidation_issue": "emissione di un elenco di liquidazione",
        LiquidationOpen = "liquidation_open": "apertura di un elenco di liquidazione",
        SiussExport = "siuss_save": "flusso SIUSS delle prestazioni pagate",
        FinanceList = "finance_list": "elenco dei progetti finanziati",
        FinanceGet = "finance_get": "consultazione delle finanze di un progetto finanziato",
        UpdateCheck = "update_check": "verifica di un aggiornamento da chiavetta",
        UpdateInstall = "update_install": "installazione di un aggiornamento da chiavetta",
        FinanceProjectSave = "finance_project_save": "modifica dei dati di un progetto finanziato",
        FinanceCommitmentRecord = "finance_commitment_record": "registrazione di un impegno di un progetto finanziato",
        FinancePaymentRecord = "finance_payment_record": "registrazione di un pagamento di un progetto finanziato",
        FinanceRecordAnnul = "finance_record_annul": "annullamento di un impegno o di un pagamento di un progetto finanziato",
        FinanceReport = "finance_report": "rapporto di avanzamento finanziario di un progetto",
        AppealFile = "appeal_file": "registrazione di un ricorso",
        AppealDecide = "appeal_decide": "decisione di un ricorso",
        AuditHistory = "audit_history": "consultazione degli accessi a un fascicolo",
        AuditHistoryPrint = "audit_history_print": "esportazione del registro degli accessi",
        HouseholdAssign = "household_assign": "assegnazione del fascicolo a un operatore",
        HouseholdRestrict = "household_restrict": "limitazione del trattamento di un fascicolo (art. 18 GDPR)",
        HouseholdRestrictionLift = "household_restriction_lift": "revoca della limitazione del trattamento di un fascicolo",
        SyncExport = "sync_export": "esportazione di un pacchetto di sincronizzazione",
        SyncImport = "sync_import": "applicazione di un pacchetto di sincronizzazione",
        SyncConflicts = "sync_conflicts": "consultazione dei conflitti di sincronizzazione",
        DeviceEnroll = "device_enroll": "iscrizione di un dispositivo",
        DeviceRevoke = "device_revoke": "revoca di un dispositivo",
        SyncConflictsList = "sync_conflicts_list": "consultazione dei conflitti di sincronizzazione",
        SyncConflictResolve = "sync_conflict_resolve": "scelta su un conflitto di sincronizzazione",
        HouseholdSyncState = "household_sync_state": "stato di sincronizzazione di un nucleo",
        SyncExportFile = "sync_export_file": "esportazione di un pacchetto su file",
        SyncImportFile = "sync_import_file": "importazione di un pacchetto da file",
        CaseNumbers = "case_numbers": "consultazione dei blocchi di numeri di fascicolo",
        CaseNumbersSet = "case_numbers_set": "modifica della dimensione dei blocchi di numeri di fascicolo",
        HousingGet = "housing_get": "consultazione degli alloggi temporanei e della lista d'attesa",
        UnitSave = "unit_save": "modifica di un alloggio temporaneo",
        StayPlace = "stay_place": "inserimento di un nucleo in un alloggio temporaneo",
        StayUpdate = "stay_update": "proroga o uscita di un inserimento in alloggio",
        WaitingAdd = "waiting_add": "iscrizione di un nucleo nella lista d'attesa degli alloggi",
        WaitingWithdraw = "waiting_withdraw": "ritiro di un nucleo dalla lista d'attesa degli alloggi",
        HouseholdHousing = "household_housing": "consultazione dell'inserimento in alloggio di un nucleo",
        // Monitoring of the signed project (issue 12 item 3).
        MonitoringRecord = "monitoring_record": "registrazione di un incontro di monitoraggio",
        MonitoringAnnul = "monitoring_annul": "annullamento di un incontro di monitoraggio",
        ProjectRedesign = "project_redesign": "riprogettazione del progetto (nuova versione da firmare)",
        ProjectClose = "project_close": "chiusura del progetto",
        ProgrammeList = "programme_list": "consultazione dei programmi finanziati",
        ProgrammeGet = "programme_get": "consultazione di un programma finanziato",
        ProgrammeSave = "programme_save": "modifica di un programma finanziato",
        HouseholdEnrolments = "household_enrolments": "consultazione delle iscrizioni agli interventi di un nucleo",
        EnrolmentSave = "enrolment_save": "iscrizione di un componente a un intervento",
        ProgrammeIndicators = "programme_indicators": "indicatori FSE dei partecipanti a un programma",
        // The informativa (GDPR artt. 13-14) and the register of processing (art. 30).
        InformativaGet = "informativa_get": "consultazione dell'informativa sul trattamento dei dati",
        InformativaSave = "informativa_save": "nuova versione dell'informativa sul trattamento dei dati",
        HouseholdInformativa = "household_informativa": "consultazione delle informative consegnate a un nucleo",
        InformativaGivenRecord = "informativa_given_record": "registrazione della consegna dell'informativa",
        InformativaPrint = "informativa_print": "stampa dell'informativa sul trattamento dei dati",
        ProcessingRegisterSave = "processing_register_save": "stampa del registro delle attività di trattamento (art. 30)",
        DataRequestsList = "data_requests_list": "consultazione del registro delle richieste degli interessati",
        DataRequestRecord = "data_request_record": "registrazione di una richiesta dell'interessato (accesso, portabilità)",
        DataRequestExtend = "data_request_extend": "proroga del termine di risposta a una richiesta dell'interessato",
        DataRequestAnswer = "data_request_answer": "risposta a una richiesta dell'interessato (copia dei dati personali)",
        FieldHistory = "field_history": "consultazione dello storico delle modifiche di un fascicolo",
        // Retention and erasure (issue 16 item 4).
        RetentionDue = "retention_due": "elenco dei fascicoli oltre il tempo di conservazione",
        RetentionErase = "retention_erase": "cancellazione di un fascicolo oltre il tempo di conservazione",
        RetentionReports = "retention_reports": "consultazione dei verbali delle cancellazioni",
        RetentionReportPrint = "retention_report_print": "stampa del verbale di una cancellazione",
        // Retention of calls' records and of the access log (schema 26).
        RetentionEraseRecords = "retention_erase_records": "cancellazione di domande, graduatorie, rimborsi o righe del registro degli accessi oltre il tempo di conservazione",
        RetentionRecordReports = "retention_record_reports": "consultazione dei verbali delle cancellazioni di domande, graduatorie, rimborsi e registro",
        RetentionRecordReportPrint = "retention_record_report_print": "stampa del verbale di una cancellazione di domande, graduatorie, rimborsi o registro",
    }
);

impl Action {
    /// The command (row of `commands.rs`, line of [`access::MATRIX`]) it belongs to.
    fn command(self) -> &'static str {
        match self {
            Action::HouseholdCreate | Action::HouseholdUpdate => "household_save",
            Action::OperatorRegistered => "session",
            other => other.as_str(),
        }
    }
}

impl Service {
    /// The database of this computer's user, unless `SPORTELLO_DATABASE` says
    /// otherwise (tests, demos).
    pub fn default_database_path() -> Result<PathBuf, Error> {
        if let Some(p) = std::env::var_os("SPORTELLO_DATABASE").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        Ok(data_dir()?.join("sportello.sqlite"))
    }

    /// Where the case folders with the printed documents go, unless
    /// `SPORTELLO_DOCUMENTS` says otherwise.
    pub fn default_documents_dir() -> Result<PathBuf, Error> {
        if let Some(p) = std::env::var_os("SPORTELLO_DOCUMENTS").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        Ok(data_dir()?.join("documenti"))
    }

    /// The acting operator's login on this computer (`USER` / `USERNAME`).
    pub fn system_operator() -> String {
        std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "operatore".to_string())
    }

    pub fn operator(&self) -> &Operator {
        &self.operator
    }

    pub fn today(&self) -> NaiveDate {
        match self.clock {
            Clock::System => chrono::Local::now().date_naive(),
            Clock::Fixed(d) => d,
        }
    }

    pub fn documents_dir(&self) -> &Path {
        &self.documents_dir
    }

    pub fn database_path(&self) -> Option<&Path> {
        self.store.path()
    }

    /// Access to the storage for checks in tests and tools (integrity, audit).
    pub fn storage(&self) -> &Storage {
        &self.store
    }

    /// The office calendar (patron day) of a comune.
    fn calendar_of(&self, belfiore: &str) -> Result<Comune, Error> {
        self.comuni.get(belfiore).cloned()
    }

    /// The one gate of every command: may this operator do `action`, on this
    /// record? If the action touches someone's data, it is written to the
    /// audit log in the same transaction as the work, so there is no work
    /// without its trace. A case out of the operator's scope gives
    /// `Ok(Err(refusal))`: the attempt is logged (detail `rifiutato`) and the
    /// caller commits that row alone (see access.rs).
    fn authorize_and_audit(
        &self,
        tx: &Tx<'_>,
        action: Action,
        record: Option<Id>,
    ) -> Result<Result<Stamp, Error>, Error> {
        Ok(match self.gate(tx, action, record)? {
            Ok((stamp, permission)) => {
                if permission.personal_data {
                    tx.audit_append(&stamp, action.as_str(), record, None)?;
                }
                Ok(stamp)
            }
            Err(refused) => Err(refused),
        })
    }

    /// [`Service::authorize_and_audit`] without the row of the work done
    /// (its caller writes it).
    fn gate(
        &self,
        tx: &Tx<'_>,
        action: Action,
        record: Option<Id>,
    ) -> Result<Result<(Stamp, &'static access::Permission), Error>, Error> {
        let permission = self.authorize(action)?;
        let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
        tx.note_stamp(&stamp);
        if let (true, Some(record)) = (permission.case, record) {
            if let Some(refusal) = self.out_of_scope(tx, record)? {
                tx.audit_append(&stamp, action.as_str(), Some(record), Some(access::REFUSED))?;
                return Ok(Err(refusal));
            }
        }
        Ok(Ok((stamp, permission)))
    }

    /// As [`Service::run_durable`], for an act whose audit row says more than
    /// its name (the reason of an annulment, a late signature): `f` gives the
    /// answer and the row's detail, written with the work.
    fn run_durable_noted<T>(
        &self,
        action: Action,
        record: Option<Id>,
        f: impl FnOnce(&Tx<'_>, &Stamp) -> Result<(T, Option<String>), Error>,
    ) -> Result<T, Error> {
        self.store
            .durable_transaction(|tx| match self.gate(tx, action, record)? {
                Ok((stamp, permission)) => {
                    let (answer, detail) = f(tx, &stamp)?;
                    if permission.personal_data {
                        tx.audit_append(&stamp, action.as_str(), record, detail.as_deref())?;
                    }
                    Ok(Ok(answer))
                }
                Err(refused) => Ok(Err(refused)),
            })
            .and_then(|r| r)
    }

    /// The cases the acting operator may see, when that is less than the
    /// office (`None`: every case).
    fn case_filter(&self, tx: &Tx<'_>) -> Result<Option<CaseFilter>, Error> {
        Ok(match access::case_scope(self.operator.role) {
            access::CaseScope::Office => None,
            access::CaseScope::Team => {
                Some(CaseFilter { operator: self.operator.id, equipe: tx.operator_equipe(self.operator.id)? })
            }
        })
    }

    /// The refusal when `record` is (or belongs to) a case outside the acting
    /// operator's scope. A record of no case (a new household's id, a call) is
    /// not this check's business.
    fn out_of_scope(&self, tx: &Tx<'_>, record: Id) -> Result<Option<Error>, Error> {
        let Some(filter) = self.case_filter(tx)? else { return Ok(None) };
        let Some(household) = tx.household_of_record(record)? else { return Ok(None) };
        if tx.case_in_scope(household, &filter)? {
            return Ok(None);
        }
        if let Some(since) = tx.case_restricted_on(household)? {
            return Ok(Some(Error::new(
                Code::Forbidden,
                format!(
                    "Il trattamento dei dati di questo nucleo è limitato dal {} (art. 18 del Regolamento UE \
                     2016/679): il fascicolo si conserva ma non si usa, e lo apre solo il coordinatore.",
                    crate::dates::format_it(since)
                ),
            )));
        }
        let owner = tx.case_owner(household)?;
        let who = match &owner {
            Some(o) => match &o.equipe {
                Some(e) => format!("ne è responsabile {} ({e})", o.name),
                None => format!("ne è responsabile {}", o.name),
            },
            None => "non è assegnato".to_string(),
        };
        Ok(Some(Error::new(
            Code::Forbidden,
            format!(
                "Il fascicolo è assegnato a un'altra équipe: {who}. Per lavorarci, chiedere al coordinatore di assegnarlo a sé o alla propria équipe."
            ),
        )))
    }

    /// The role check alone: for a command that must look something up
    /// before its audited transaction, so that a forbidden operator learns
    /// nothing from the lookup.
    fn authorize(&self, action: Action) -> Result<&'static access::Permission, Error> {
        let command = action.command();
        let Some(permission) = access::permission(command) else {
            return Err(Error::new(
                Code::Forbidden,
                format!("Operazione non consentita: «{command}» non è nella tabella dei permessi"),
            ));
        };
        if !permission.roles.contains(&self.operator.role) {
            let roles: Vec<&str> = permission.roles.iter().map(|r| r.label()).collect();
            return Err(Error::new(
                Code::Forbidden,
                format!(
                    "Operazione non consentita: «{}» spetta al ruolo {} (ruolo attuale: {})",
                    action.label(),
                    roles.join(" o "),
                    self.operator.role.label()
                ),
            ));
        }
        Ok(permission)
    }

    /// As [`Service::run`], committed with `synchronous=FULL` (signatures,
    /// published rankings: see [`Storage::durable_transaction`]).
    fn run_durable<T>(
        &self,
        action: Action,
        record: Option<Id>,
        f: impl FnOnce(&Tx<'_>, &Stamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.run_committed(true, action, record, f)
    }

    /// Runs a command: one transaction, authorised and audited first.
    fn run<T>(
        &self,
        action: Action,
        record: Option<Id>,
        f: impl FnOnce(&Tx<'_>, &Stamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.run_committed(false, action, record, f)
    }

    /// The one body of [`Service::run`] and [`Service::run_durable`].
    fn run_committed<T>(
        &self,
        durable: bool,
        action: Action,
        record: Option<Id>,
        f: impl FnOnce(&Tx<'_>, &Stamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let body = |tx: &Tx<'_>| match self.authorize_and_audit(tx, action, record)? {
            Ok(stamp) => f(tx, &stamp).map(Ok),
            // Committed: the refused attempt's row, and nothing else.
            Err(refused) => Ok(Err(refused)),
        };
        let outcome =
            if durable { self.store.durable_transaction(body) } else { self.store.transaction(body) };
        outcome.and_then(|r| r)
    }

    pub fn session(&self) -> Result<Session, Error> {
        self.run(Action::Session, None, |tx, _| {
            Ok(Session {
                operator: self.operator.clone(),
                office: office(tx)?,
                today: self.today(),
                database_path: self.store.path().map(|p| p.display().to_string()).unwrap_or_default(),
                must_change_password: self.must_change_password,
            })
        })
    }

    /// Changes the office's details (administrators only).
    pub fn office_set(&self, o: Office) -> Result<Office, Error> {
        // The one check of the office (the command line's file goes through it
        // too); what the heading prints must also be printable.
        let o = crate::domain::OfficeInput::from(&o).validate("", &o.comune)?;
        crate::print::office::check(&o, "").map_err(|e| {
            let field = e.field.as_deref().map(|f| f.trim_start_matches('.').to_string());
            Error { field, ..e }
        })?;
        // The office's comune must have a calendar: every deadline depends on it.
        self.calendar_of(&o.comune).map_err(|e| e.with_field("comune"))?;
        self.run(Action::OfficeSet, None, |tx, stamp| {
            tx.office_set(&o, stamp)?;
            Ok(o.clone())
        })
    }
}

impl Service {
    /// Registers an operator or changes their name and role (administrators
    /// only). Issue 5 adds passwords and deactivation on top.
    pub fn operator_save(&self, username: &str, name: &str, role: Role) -> Result<Operator, Error> {
        self.operator_save_in(username, name, role, None)
    }

    /// As [`Service::operator_save`], also setting the operator's équipe:
    /// `Some(Some(name))` puts them in it, `Some(None)` in none, `None` leaves
    /// it as it is (a new operator: none). Operators of the same équipe see
    /// each other's cases.
    pub fn operator_save_in(
        &self,
        username: &str,
        name: &str,
        role: Role,
        equipe: Option<Option<&str>>,
    ) -> Result<Operator, Error> {
        self.operator_save_with(username, name, role, equipe, None)
    }

    /// As [`Service::operator_save_in`], also setting the operator's codice
    /// fiscale (the SIUSS flow's `CFOperatore`): `Some(Some(cf))` records it,
    /// `Some(None)` clears it, `None` leaves it as it is.
    pub fn operator_save_with(
        &self,
        username: &str,
        name: &str,
        role: Role,
        equipe: Option<Option<&str>>,
        codice_fiscale: Option<Option<&crate::cf::Cf>>,
    ) -> Result<Operator, Error> {
        let username =
            crate::domain::form::required_line("username", &Some(username.to_string()), "il nome utente")?;
        let name = crate::domain::form::name("name", &Some(name.to_string()), "il nome dell'operatore")?;
        let equipe = match equipe {
            None => None,
            Some(e) => Some(crate::domain::form::optional_line("equipe", &e.map(str::to_string))?),
        };
        self.run(Action::OperatorSave, None, |tx, stamp| {
            let op = match tx.operator_by_username(&username)? {
                Some(mut op) => {
                    op.name = name.clone();
                    op.role = role;
                    tx.operator_update(&op)?;
                    op
                }
                None => {
                    // A revoked account keeps its name: the audit log's "who" must
                    // never point at two people (and SQLite's UNIQUE would refuse it
                    // as a storage error).
                    if tx.operator_by_username_any(&username)?.is_some() {
                        return Err(Error::new(
                            Code::Conflict,
                            format!(
                                "Il nome utente «{username}» apparteneva a un operatore revocato: sceglierne un altro"
                            ),
                        )
                        .with_field("username"));
                    }
                    let op = Operator { id: Id::new(), username: username.clone(), name: name.clone(), role };
                    tx.operator_insert(&op, &stamp.at)?;
                    op
                }
            };
            if let Some(e) = &equipe {
                tx.operator_set_equipe(op.id, e.as_deref())?;
            }
            if let Some(cf) = codice_fiscale {
                tx.operator_set_cf(op.id, cf)?;
            }
            Ok(op)
        })
    }
}

fn office(tx: &Tx<'_>) -> Result<Office, Error> {
    tx.office_get()?.ok_or_else(|| Error::new(Code::Storage, "Dati dell'ufficio mancanti nel database"))
}

/// UTC, to the millisecond: `2026-11-21T09:30:00.123Z`. With a fixed today the
/// date is that day and the time the real one, so records stay in order.
/// Now, UTC, as the audit log writes it (`2026-11-20T09:30:00.123Z`): for
/// the command line's file-level records (backups, restores).
pub fn timestamp_now() -> String {
    timestamp(Clock::System)
}

fn timestamp(clock: Clock) -> String {
    let now = Utc::now();
    let at = match clock {
        Clock::System => now,
        Clock::Fixed(d) => d.and_time(now.time()).and_utc(),
    };
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A timestamp strictly after `previous`: `updated_at` tells a form whether the
/// record changed since it was loaded, so two saves in the same millisecond (or
/// a clock set back) must still give different values.
fn later_than(now: &str, previous: &str) -> String {
    if now > previous {
        return now.to_string();
    }
    match chrono::DateTime::parse_from_rfc3339(previous) {
        Ok(t) => (t.with_timezone(&Utc) + chrono::Duration::milliseconds(1))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string(),
        Err(_) => now.to_string(),
    }
}

fn data_dir() -> Result<PathBuf, Error> {
    directories::ProjectDirs::from("it", "Sportello", "Sportello")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Error::new(Code::Io, "Cartella dei dati dell'utente non trovata: indicare --database"))
}

fn not_found(what: &str) -> Error {
    Error::not_found(format!("{what} non trovato"))
}
