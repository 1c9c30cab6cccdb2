//! The one table of Sportello's commands. Everything about a command that is
//! not its work is a row here, and everything else is built from the rows:
//!
//! - `Service::call`'s dispatch and `ipc::COMMANDS` (src/service/ipc.rs);
//! - the roles × commands matrix `access::MATRIX` (src/service/access.rs);
//! - the app's `#[tauri::command]` functions and its `generate_handler!` list
//!   (src-tauri/src/commands.rs and main.rs, through [`crate::for_each_command`]);
//! - the app's permissions: src-tauri/build.rs reads the names of the `ipc`
//!   section from this file (a test there checks its reading equals
//!   `ipc::COMMANDS`);
//! - `sportello call COMMAND`.
//!
//! A row of the `ipc` section (the commands of docs/ipc.md, in its order):
//!
//! ```text
//! name(InputType) ROLES AUDIT => run;
//! ```
//!
//! - `InputType`: what the JSON `input` is read into (src/service/ipc.rs,
//!   through its one `input()`: `null` is the type's default);
//! - `ROLES`: `ALL` (operatore and up), `COORD` (coordinatore, amministratore),
//!   `ADMIN` (amministratore): roles are cumulative, see access.rs;
//! - `AUDIT`: `none` (touches nobody's data), `audit` (one audit row per run),
//!   `case` (one audit row, and an operatore runs it only on a case in scope);
//! - `run`: `|service, input| ...` giving anything serialisable, the answer.
//!
//! A row of the `service` section (the service's other entry points, which
//! the window does not call: logins, backups, the office): `name ROLES AUDIT;`.
//!
//! Adding a command is a row here (and a method on `Service`); the tests then
//! ask for its line in docs/ipc.md and its permission in
//! src-tauri/capabilities/default.json. A row must stay on one line that
//! starts with its name: build.rs reads the names that way.

/// The table, handed to `$then` (a macro: `[$then] ipc { rows } service { rows }`).
/// Not for use outside the crate except through [`crate::for_each_command`].
#[doc(hidden)]
#[macro_export]
macro_rules! __sportello_command_table {
    ([$($then:tt)*] $($arg:tt)*) => { $($then)*! { [$($arg)*]
ipc {
        // Session and office.
        session(NoInput) ALL none => |s, _| s.session();
        // Households.
        households_search(Search) ALL audit => |s, i| s.households_search(i.query.as_deref().unwrap_or(""));
        // What Nuclei opens on: the acting operator's own cases.
        households_caseload(NoInput) ALL audit => |s, _| s.households_caseload();
        household_get(ById) ALL case => |s, i| s.household_get(i.id("il nucleo")?);
        household_save(HouseholdSave) ALL case => |s, i| s.household_save_merged(i.household.ok_or_else(|| Error::invalid("household", "Dati del nucleo mancanti"))?, i.base);
        // Who is in charge of a case: the coordinator distributes the cases.
        household_assign(HouseholdAssign) COORD case => |s, i| s.household_assign(required_id("household_id", &i.household_id, "il nucleo")?, required_id("operator_id", &i.operator_id, "l'operatore responsabile")?);
        // The families' rights (GDPR art. 18, 21): a case kept but not used,
        // opened by the coordinator only, until the restriction is lifted.
        household_restrict(HouseholdReason) COORD case => |s, i| s.household_restrict(required_id("household_id", &i.household_id, "il nucleo")?, i.reason.as_deref().unwrap_or_default());
        household_restriction_lift(HouseholdReason) COORD case => |s, i| s.household_restriction_lift(required_id("household_id", &i.household_id, "il nucleo")?, i.reason.as_deref().unwrap_or_default());
        // A typed code checked against nothing stored: no one's record is touched.
        cf_check(CfCheckInput) ALL none => |s, i| s.cf_check(i);
        // A date against the office's calendar (holidays, weekends, the patron day).
        calendar_check(OnDay) ALL none => |s, i| s.calendar_check(form::required_date("date", &i.date, "la data")?);
        // Comuni and states by name, and the rules the household form follows:
        // data files, nobody's record.
        places_search(PlacesSearch) ALL none => |s, i| s.places_search(i);
        member_rules(NoInput) ALL none => |s, _| s.member_rules();
        // The "Informazioni" dialog (program, schema, paths, rule sets) and the
        // IT office's diagnostics bundle (no personal data: sizes, checks, the log).
        about(NoInput) ALL none => |s, _| s.about();
        diagnostics_export(NoInput) ADMIN audit => |s, _| s.diagnostics_export();
        // An update from a USB stick: anyone may see what a package is; the
        // administrator installs it (the attempt is on record).
        update_check(UpdateFile) ALL none => |s, i| s.update_check(&i.path()?, i.signature()?.as_deref());
        update_install(UpdateFile) ADMIN audit => |s, i| s.update_install(&i.path()?, i.signature()?.as_deref());
        // For the DPO after a lost laptop or a misused account (GDPR art. 33-34).
        access_exposure(ExposureInput) COORD audit => |s, i| s.access_exposure(i.operator.as_deref(), i.device.as_deref(), form::required_date("from", &i.from, "l'inizio del periodo")?, form::required_date("to", &i.to, "la fine del periodo")?);
        // Analysis, project, signatures, deadlines.
        analysis_get(ByHousehold) ALL case => |s, i| s.analysis_get(i.household()?);
        analysis_save(AnalysisSave) ALL case => |s, i| s.analysis_save(i.analysis.ok_or_else(|| Error::invalid("analysis", "Dati dell'analisi mancanti"))?);
        // The équipe's quadro di analisi, when the analysis routes the household to it.
        quadro_get(ByHousehold) ALL case => |s, i| s.quadro_get(i.household()?);
        quadro_save(QuadroSave) ALL case => |s, i| s.quadro_save(i.quadro.ok_or_else(|| Error::invalid("quadro", "Dati del quadro di analisi mancanti"))?);
        project_get(ByHousehold) ALL case => |s, i| s.project_get(i.household()?);
        project_save(ProjectSave) ALL case => |s, i| s.project_save(i.project.ok_or_else(|| Error::invalid("project", "Dati del progetto mancanti"))?);
        project_set_status(SetStatus) ALL case => |s, i| s.project_set_status_with(required_id("project_id", &i.project_id, "il progetto")?, form::required_choice::<ProjectStatus>("status", &i.status, "lo stato")?, i.reason.as_deref());
        // Printing from the case (the PDF goes into the case folder).
        agreement_print(ByProject) ALL case => |s, i| s.agreement_print(required_id("project_id", &i.project_id, "il progetto")?);
        signature_record(SignatureRecord) ALL case => |s, i| s.signature_record(required_id("project_id", &i.project_id, "il progetto")?, required_id("member_id", &i.member_id, "il componente")?, form::required_date("signed_on", &i.signed_on, "la data della firma")?);
        // A signature is undone only by an act of its own, with a reason, kept.
        signature_annul(SignatureAnnul) ALL case => |s, i| s.signature_annul(required_id("project_id", &i.project_id, "il progetto")?, required_id("member_id", &i.member_id, "il componente")?, i.reason.as_deref().unwrap_or_default());
        deadlines_board(NoInput) ALL audit => |s, _| s.deadlines_board();
        convocation_print(ConvocationInput) ALL case => |s, i| s.convocation_print(i);
        // Case folder.
        documents_list(ByHousehold) ALL case => |s, i| s.documents_list(i.household()?);
        // The window's own viewer: the PDF in memory (base64), never a file.
        document_view(ById) ALL case => |s, i| s.document_view(i.id("il documento")?);
        // The system's viewer ("Apri con il programma del computer"): the PDF
        // written, decrypted, into the private viewing area.
        document_open(ById) ALL case => |s, i| s.document_open(i.id("il documento")?).map(|path| json!({ "path": path.display().to_string() }));
        // A copy of a stored document written where the operator chose in the
        // system's dialog ("Salva una copia…", `sportello document save`):
        // what reading the case allows, and the export is on record.
        document_save(DocumentSave) ALL case => |s, i| s.document_save_copy(i.id()?, &i.out()?);
        // Eligibility for misure 1-7: the desk's daily work.
        eligibility_facts_get(ByHousehold) ALL case => |s, i| s.eligibility_facts_get(i.household()?);
        eligibility_facts_save(EligibilityFactsInput) ALL case => |s, i| s.eligibility_facts_save(i);
        eligibility_check(OnDate) ALL case => |s, i| { let (id, on) = i.read()?; s.eligibility_check(id, on) };
        eligibility_checks_list(ByHousehold) ALL case => |s, i| s.eligibility_checks_list(i.household()?);
        esito_print(OnDate) ALL case => |s, i| { let (id, on) = i.read()?; s.esito_print(id, on) };
        // Who looked at a case: the coordinator answers for the office.
        audit_history(ByHousehold) COORD case => |s, i| s.audit_history(i.household()?);
        audit_history_print(ByHousehold) COORD case => |s, i| s.audit_history_print(i.household()?);
        // Calls of the Misura B2 (applications carry birth dates, ISEE, household
        // links): office-level, not a case. Opening a call (its rules, its
        // budget), publishing a ranking and deciding an appeal are acts of the
        // office's head (rules.md §4); the desk enters applications and files appeals.
        calls_list(NoInput) ALL audit => |s, _| s.calls_list();
        call_get(ById) ALL audit => |s, i| s.call_get(i.id("l'avviso")?);
        // The new-call form's rules: the set in force today (rule sets only, nobody's data).
        call_template(NoInput) COORD none => |s, _| s.call_template();
        call_save(CallSave) COORD audit => |s, i| s.call_save(i.call.ok_or_else(|| Error::invalid("call", "Dati dell'avviso mancanti"))?);
        applications_import(ApplicationsImport) ALL audit => applications_import;
        application_save(ApplicationSave) ALL audit => |s, i| s.application_save(call_id(&i.call_id)?, i.application.ok_or_else(|| Error::invalid("application", "Dati della domanda mancanti"))?);
        ranking_draft(ByCall) ALL audit => |s, i| s.ranking_draft(call_id(&i.call_id)?);
        ranking_publish(RankingPublish) COORD audit => |s, i| s.ranking_publish(call_id(&i.call_id)?, form::required_date("published_on", &i.published_on, "la data di pubblicazione")?);
        ranking_versions(ByCall) ALL audit => |s, i| s.ranking_versions(call_id(&i.call_id)?);
        ranking_compare(RankingCompare) ALL audit => ranking_compare;
        appeal_file(AppealInput) ALL audit => |s, i| s.appeal_file(i);
        appeal_decide(AppealDecisionInput) COORD audit => |s, i| s.appeal_decide(i);
        ranking_export_csv(RankingExport) ALL audit => |s, i| s.ranking_export(call_id(&i.call_id)?, i.version, i.workbook()?);
        // Paying what a ranking awarded (rules.md §7): the desk records the
        // family's claims and prints their statement; the award (period,
        // IBAN) and the elenco di liquidazione sent to the finance office are
        // acts of the office's head, like publishing the ranking.
        reimbursements_get(ByCall) ALL audit => |s, i| s.reimbursements_get(call_id(&i.call_id)?);
        award_save(AwardSave) COORD audit => |s, i| s.award_save(i.award.ok_or_else(|| Error::invalid("award", "Dati del contributo mancanti"))?);
        award_claims(ByAward) ALL audit => |s, i| s.award_claims(required_id("award_id", &i.award_id, "il contributo")?);
        reimbursement_preview(ClaimSend) ALL audit => |s, i| s.reimbursement_claim(i.claim()?, false);
        reimbursement_record(ClaimSend) ALL audit => |s, i| s.reimbursement_claim(i.claim()?, true);
        reimbursement_import(ClaimsFile) ALL audit => reimbursement_import;
        reimbursement_statement(ByAward) ALL audit => |s, i| s.reimbursement_statement(required_id("award_id", &i.award_id, "il contributo")?);
        liquidation_issue(LiquidationIssue) COORD audit => |s, i| s.liquidation_issue(call_id(&i.call_id)?, form::required_date("issued_on", &i.issued_on, "la data dell'elenco")?);
        // The SIUSS flow of what the lists paid (INPS, PS-PSA): the office's
        // duty, prepared by its head, with their codice fiscale in the flow.
        siuss_save(SiussSave) COORD audit => |s, i| s.siuss_save(form::required_date("from", &i.from, "l'inizio del periodo")?, form::required_date("to", &i.to, "la fine del periodo")?, &i.out()?);
        liquidation_open(LiquidationOpen) ALL audit => |s, i| s.liquidation_open(required_id("id", &i.id, "l'elenco")?, super::LiquidationFormat::parse(i.format.as_deref())?);
        // A funded project's finances (rules.md §8): the office's accounts,
        // read and kept by the coordinator. Commitments and payments are never
        // edited: a wrong one is annulled with its reason, kept.
        finance_list(NoInput) COORD audit => |s, _| s.finance_list();
        finance_get(ById) COORD audit => |s, i| s.finance_get(i.id("il progetto finanziato")?);
        finance_project_save(FinanceProjectSave) COORD audit => |s, i| s.finance_project_save(i.project.ok_or_else(|| Error::invalid("project", "Dati del progetto mancanti"))?);
        finance_commitment_record(FinanceCommitmentRecord) COORD audit => |s, i| s.finance_commitment_record(i.commitment.ok_or_else(|| Error::invalid("commitment", "Dati dell'impegno mancanti"))?);
        finance_payment_record(FinancePaymentRecord) COORD audit => |s, i| s.finance_payment_record(i.payment.ok_or_else(|| Error::invalid("payment", "Dati del pagamento mancanti"))?);
        finance_record_annul(FinanceRecordAnnul) COORD audit => |s, i| s.finance_record_annul(required_id("project_id", &i.project_id, "il progetto")?, required_id("record_id", &i.record_id, "l'impegno o il pagamento")?, i.reason.as_deref().unwrap_or_default());
        finance_report(FinanceReportInput) COORD audit => |s, i| s.finance_report(required_id("id", &i.id, "il progetto finanziato")?, super::LiquidationFormat::parse(i.format.as_deref())?, form::optional_date("on", &i.on)?);
        // Temporary social housing (rules.md §8): the desk places households
        // from the waiting list, records prorogations and exits; the units
        // (addresses, beds, state) are the coordinator's.
        housing_get(HousingGet) ALL audit => |s, i| { let (from, weeks) = i.read()?; s.housing_get(from, weeks) };
        unit_save(UnitSave) COORD audit => |s, i| s.unit_save(i.unit.ok_or_else(|| Error::invalid("unit", "Dati dell'alloggio mancanti"))?);
        stay_place(StayPlace) ALL case => |s, i| s.stay_place(i.stay.ok_or_else(|| Error::invalid("stay", "Dati dell'inserimento mancanti"))?);
        stay_update(StayUpdate) ALL case => |s, i| s.stay_update(i.stay.ok_or_else(|| Error::invalid("stay", "Dati dell'inserimento mancanti"))?);
        waiting_add(WaitingAdd) ALL case => |s, i| s.waiting_add(i.waiting.ok_or_else(|| Error::invalid("waiting", "Dati della lista d'attesa mancanti"))?);
        waiting_withdraw(WaitingWithdraw) ALL case => |s, i| s.waiting_withdraw(required_id("waiting_id", &i.waiting_id, "il nucleo in lista d'attesa")?, i.reason.as_deref());
        household_housing(ByHousehold) ALL case => |s, i| s.household_housing(i.household()?);
        // Monitoring of the signed project (issue 12 item 3): the desk's work
        // on its cases. A meeting is never edited: a wrong one is annulled with
        // its reason, kept; a re-design is a new version signed again; the
        // closure is final.
        monitoring_record(MonitoringRecord) ALL case => |s, i| s.monitoring_record(required_id("project_id", &i.project_id, "il progetto")?, i.meeting.ok_or_else(|| Error::invalid("meeting", "Dati dell'incontro mancanti"))?);
        monitoring_annul(MonitoringAnnul) ALL case => |s, i| s.monitoring_annul(required_id("project_id", &i.project_id, "il progetto")?, required_id("meeting_id", &i.meeting_id, "l'incontro")?, i.reason.as_deref().unwrap_or_default());
        project_redesign(ProjectRedesign) ALL case => |s, i| s.project_redesign(required_id("project_id", &i.project_id, "il progetto")?, i.reason.as_deref().unwrap_or_default());
        project_close(ProjectClose) ALL case => |s, i| s.project_close(required_id("project_id", &i.project_id, "il progetto")?, i.closure.ok_or_else(|| Error::invalid("closure", "Dati della chiusura mancanti"))?);
        // Funded programmes (issue 12): the sheet, partners, governance and
        // catalogue are the coordinator's; the desk enrols members from the patto.
        programme_list(NoInput) ALL audit => |s, _| s.programme_list();
        programme_get(ById) ALL audit => |s, i| s.programme_get(i.id("il programma")?);
        programme_save(ProgrammeSave) COORD audit => |s, i| s.programme_save(i.programme.ok_or_else(|| Error::invalid("programme", "Dati del programma mancanti"))?);
        household_enrolments(ByHousehold) ALL case => |s, i| s.household_enrolments(i.household()?);
        programme_indicators(ProgrammeIndicators) COORD audit => |s, i| s.programme_indicators(required_id("id", &i.id, "il programma")?, form::optional_date("on", &i.on)?, i.office_copy()?, i.format.as_deref().map(|f| super::LiquidationFormat::parse(Some(f))).transpose()?);
        enrolment_save(EnrolmentSave) ALL case => |s, i| s.enrolment_save(i.enrolment.ok_or_else(|| Error::invalid("enrolment", "Dati dell'iscrizione mancanti"))?);
        // The informativa (GDPR artt. 13-14): the office's text is the
        // administrator's, in versions never rewritten (reading it touches
        // nobody's data); the desk prints it for a case and records the day
        // each adult member was given it. The register of processing (art.
        // 30) is printed for the DPO by the office's head.
        informativa_get(NoInput) ALL none => |s, _| s.informativa_get();
        informativa_save(InformativaInput) ADMIN audit => |s, i| s.informativa_save(i);
        household_informativa(ByHousehold) ALL case => |s, i| s.household_informativa(i.household()?);
        informativa_given_record(InformativaGivenInput) ALL case => |s, i| s.informativa_given_record(i);
        informativa_print(ByHousehold) ALL case => |s, i| s.informativa_print(i.household()?);
        processing_register_save(RegisterSave) COORD audit => |s, i| s.processing_register_save(&i.out()?);
        // The data subjects' requests (GDPR art. 12, 15, 20): the register,
        // the extension and the answer (everything the office holds about one
        // person, calls and payments included) are the coordinator's, who
        // answers for the office.
        data_requests_list(NoInput) COORD audit => |s, _| s.data_requests_list();
        data_request_record(DataRequestRecord) COORD audit => |s, i| s.data_request_record(i.request.ok_or_else(|| Error::invalid("request", "Dati della richiesta mancanti"))?);
        data_request_extend(DataRequestExtend) COORD audit => |s, i| s.data_request_extend(required_id("id", &i.id, "la richiesta")?, i.reason.as_deref().unwrap_or_default());
        data_request_answer(DataRequestAnswer) COORD audit => |s, i| s.data_request_answer(required_id("id", &i.id, "la richiesta")?, &i.out()?);
        // What a rectification changed (GDPR art. 16): the history of each
        // field of a case, for whoever may open the case.
        field_history(ByHousehold) ALL case => |s, i| s.field_history(i.household()?);
        // Retention and erasure (issue 16 item 4, GDPR art. 5(1)(e), 17): the
        // cases past their term, the erasure (confirmed with the case
        // number, a verbale kept) and the verbali: the coordinator's.
        retention_due(NoInput) COORD audit => |s, _| s.retention_due();
        retention_erase(RetentionErase) COORD audit => |s, i| s.retention_erase(required_id("household_id", &i.household_id, "il fascicolo")?, i.mode.as_deref().unwrap_or_default(), i.confirm.as_deref().unwrap_or_default());
        retention_reports(NoInput) COORD audit => |s, _| s.retention_reports();
        retention_report_print(ById) COORD audit => |s, i| s.retention_report_print(i.id("il verbale")?);
        // The same for a call's applications, rankings (anonymised) and
        // reimbursement files, and the access log's oldest rows (schema 26).
        retention_erase_records(RetentionEraseRecords) COORD audit => |s, i| s.retention_erase_records(i.kind.as_deref().unwrap_or_default(), i.call()?, i.confirm.as_deref().unwrap_or_default());
        retention_record_reports(NoInput) COORD audit => |s, _| s.retention_record_reports();
        retention_record_report_print(ById) COORD audit => |s, i| s.retention_record_report_print(i.id("il verbale")?);
        // Accounts. Logins and password changes are on record (who opened the
        // database, and how); accounts are the administrator's.
        password_change(PasswordChange) ALL audit => |s, i| { s.password_change(&i.old_password.unwrap_or_default(), &i.new_password.unwrap_or_default())?; s.session() };
        operators_list(NoInput) COORD none => |s, _| s.operators_list();
        operator_save(OperatorSave) ADMIN audit => operator_save;
        operator_set_password(OperatorPassword) ADMIN audit => |s, i| s.operator_set_password(i.username.as_deref().unwrap_or_default(), &i.password.unwrap_or_default());
        operator_revoke(OperatorRevoke) ADMIN audit => |s, i| s.operator_revoke(i.username.as_deref().unwrap_or_default());
        // A new database key (after a revocation): every family's data rewritten.
        database_rekey(DatabaseRekey) ADMIN audit => |s, i| s.database_rekey(i.password.as_deref().unwrap_or_default());
        // Sync with the office hub (docs/sync.md): the frame's state on every
        // screen (counts only: nobody's data) and "Sincronizza ora". An
        // exchange that moves changes leaves the rows of its export and its
        // import (one each); one with nothing to move, every few seconds at a
        // desk, leaves none.
        sync_status(NoInput) ALL none => |s, _| s.sync_status();
        sync_now(SyncNow) ALL none => |s, i| s.sync_now(i.hub.as_deref());
        // Sync (docs/sync.md): the conflicts are the coordinator's to decide
        // (both values of a family's field); the case header's state is for
        // whoever may open the case; a package file is any operator's to carry.
        sync_conflicts_list(ConflictsFilter) COORD audit => |s, i| s.sync_conflicts_list(i.household()?, i.resolved.unwrap_or(false));
        sync_conflict_resolve(ConflictResolve) COORD audit => |s, i| s.sync_conflict_resolve(&required_id("id", &i.id, "il conflitto")?.to_string(), i.choice.as_deref().unwrap_or_default());
        household_sync_state(ByHousehold) ALL case => |s, i| s.household_sync_state(i.household()?);
        sync_export_file(PackageFile) ALL audit => |s, i| s.sync_export_file(i.device.as_deref(), &i.path()?);
        sync_import_file(PackageFile) ALL audit => |s, i| s.sync_import_file(&i.path()?);
}
service {
        login ALL audit;
        backup ADMIN audit;
        audit_verify COORD none;
        office_set ADMIN audit;
        agreement_data ALL case;
        document_add ALL case;
        // Sync between replicas (docs/sync.md): on a device any of its
        // operators syncs; the conflicts (both values of a family's field) are
        // the coordinator's to decide. The hub-side limit of `sync export
        // --device` and `sync import` to coordinatore and amministratore comes
        // with the hub and device roles of enrolment (issue 11).
        sync_export ALL audit;
        sync_import ALL audit;
        sync_conflicts COORD audit;
        // Enrolling a device writes the cases of its operators into a new
        // database: the administrator's, like a backup.
        device_enroll ADMIN audit;
        device_revoke ADMIN audit;
        // Case numbers granted in blocks by the hub (docs/sync.md): who holds
        // which numbers is the office's to see; their size, the
        // administrator's to change.
        case_numbers COORD none;
        case_numbers_set ADMIN audit;
}
    } };
}

/// Calls the macro `$callback` with the names of the app's commands (the
/// `ipc` section of the table, in the order of docs/ipc.md), comma-separated:
/// how the desktop shell declares one `#[tauri::command]` per command and
/// lists them in `generate_handler!`.
///
/// ```
/// macro_rules! names { ($($name:ident),*) => { [$(stringify!($name)),*] }; }
/// let names = sportello::for_each_command!(names);
/// assert_eq!(names.as_slice(), sportello::service::ipc::COMMANDS);
/// ```
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $crate::__sportello_command_table! { [$crate::__sportello_command_names] $callback }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __sportello_command_names {
    ([$callback:ident]
     ipc { $($name:ident ($input:ty) $roles:ident $audit:ident => $run:expr;)* }
     service { $($other:ident $other_roles:ident $other_audit:ident;)* }) => {
        $callback! { $($name),* }
    };
}
