// The app's commands (docs/ipc.md; the service's are the rows of
// src/service/commands.rs), one function each. Every failure reaches the
// screens as {code, message, field}: the message is Italian and may be shown as is.

import { t } from './i18n.js';

function core() {
  return window.__TAURI__ && window.__TAURI__.core;
}

/** Normalises whatever a rejected invoke gives into {code, message, field}. */
export function normaliseError(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    return { code: e.code, message: e.message, field: e.field ?? null };
  }
  // A bare string or an exception: a bug or a broken bridge, never shown raw.
  console.error('errore non previsto dal contratto IPC', e);
  return { code: 'internal', message: t('errors.generic'), field: null };
}

// The shell's own commands (login, lock, the window): they do not reach the
// service, so they are no activity for the idle lock and never "locked".
const SHELL = new Set([
  'app_state', 'setup_create', 'login', 'restore_backups', 'restore_backup',
  'lock', 'logout', 'ui_dirty', 'app_quit', 'ui_ready',
]);

// The frame's sync state and its automatic exchange, every few seconds
// (sync-state.js): not activity, or the session would never lock by itself
// at a desk nobody uses. The shell leaves them out of its idle clock too.
const BACKGROUND = new Set(['sync_status', 'sync_now']);

// Set by main.js: every service command is activity (the shell's idle clock
// restarts with it, so the window's timer does too); a `locked` answer means
// the shell has locked the session and the lock screen must come up.
const hooks = { activity: () => {}, locked: () => {} };
export function setSessionHooks({ activity, locked }) {
  hooks.activity = activity;
  hooks.locked = locked;
}

async function call(command, input) {
  const bridge = core();
  if (!bridge) {
    throw { code: 'internal', message: t('errors.noBackend'), field: null };
  }
  const service = !SHELL.has(command);
  const activity = service && !BACKGROUND.has(command);
  try {
    const answer = await bridge.invoke(command, input === undefined ? {} : { input });
    if (activity) hooks.activity();
    return answer;
  } catch (e) {
    const error = normaliseError(e);
    if (service && error.code === 'locked') {
      hooks.locked(error);
    } else if (activity) {
      hooks.activity();
    }
    throw error;
  }
}

export const api = {
  session: () => call('session'),

  householdsSearch: (query) => call('households_search', { query }),
  // The operator's own cases: what Nuclei opens on.
  householdsCaseload: () => call('households_caseload'),
  householdGet: (id) => call('household_get', { id }),
  // `base`: the household as the form loaded it, so that a save on a stale
  // copy is merged field by field (the answer's `conflicts` says what was not written).
  householdSave: (household, base) => call('household_save', base ? { household, base } : { household }),
  householdSyncState: (householdId) => call('household_sync_state', { household_id: householdId }),
  householdAssign: (householdId, operatorId) =>
    call('household_assign', { household_id: householdId, operator_id: operatorId }),
  // GDPR art. 18: the case kept, not used; the coordinator's (the reason on record).
  householdRestrict: (householdId, reason) => call('household_restrict', { household_id: householdId, reason }),
  householdRestrictionLift: (householdId, reason) => call('household_restriction_lift', { household_id: householdId, reason }),
  operatorsList: () => call('operators_list'),
  auditHistory: (householdId) => call('audit_history', { household_id: householdId }),
  auditHistoryPrint: (householdId) => call('audit_history_print', { household_id: householdId }),
  cfCheck: (input) => call('cf_check', input),
  calendarCheck: (date) => call('calendar_check', { date }),
  // Comuni (and foreign states) by name, accent-blind, in force today unless `on`.
  placesSearch: (query, kind = 'comune', on = null) => call('places_search', on ? { query, kind, on } : { query, kind }),
  // The rules in force today that the household form follows (employment age, permit kinds).
  memberRules: () => call('member_rules'),

  analysisGet: (householdId) => call('analysis_get', { household_id: householdId }),
  analysisSave: (analysis) => call('analysis_save', { analysis }),
  quadroGet: (householdId) => call('quadro_get', { household_id: householdId }),
  quadroSave: (quadro) => call('quadro_save', { quadro }),

  projectGet: (householdId) => call('project_get', { household_id: householdId }),
  projectSave: (project) => call('project_save', { project }),
  // `reason`: why the project goes back to bozza (its signatures are annulled).
  projectSetStatus: (projectId, status, reason) =>
    call('project_set_status', reason ? { project_id: projectId, status, reason } : { project_id: projectId, status }),
  agreementPrint: (projectId) => call('agreement_print', { project_id: projectId }),
  // Monitoring of the signed project (issue 12 item 3): meetings held (annulled,
  // never edited), the re-design (a new version signed again), the closure.
  monitoringRecord: (projectId, meeting) => call('monitoring_record', { project_id: projectId, meeting }),
  monitoringAnnul: (projectId, meetingId, reason) =>
    call('monitoring_annul', { project_id: projectId, meeting_id: meetingId, reason }),
  projectRedesign: (projectId, reason) => call('project_redesign', { project_id: projectId, reason }),
  projectClose: (projectId, closure) => call('project_close', { project_id: projectId, closure }),
  signatureRecord: (projectId, memberId, signedOn) =>
    call('signature_record', { project_id: projectId, member_id: memberId, signed_on: signedOn }),
  signatureAnnul: (projectId, memberId, reason) =>
    call('signature_annul', { project_id: projectId, member_id: memberId, reason }),

  deadlinesBoard: () => call('deadlines_board'),

  // Temporary social housing (rules.md §8): units, stays, waiting list.
  housingGet: (from, weeks) => call('housing_get', { from: from || null, weeks: weeks || null }),
  unitSave: (unit) => call('unit_save', { unit }),
  stayPlace: (stay) => call('stay_place', { stay }),
  stayUpdate: (stay) => call('stay_update', { stay }),
  waitingAdd: (waiting) => call('waiting_add', { waiting }),
  waitingWithdraw: (waitingId, reason) => call('waiting_withdraw', { waiting_id: waitingId, reason }),
  householdHousing: (householdId) => call('household_housing', { household_id: householdId }),
  // The informativa (GDPR artt. 13-14) and the register of processing (art. 30).
  informativaGet: () => call('informativa_get'),
  informativaSave: (text) => call('informativa_save', text),
  householdInformativa: (householdId) => call('household_informativa', { household_id: householdId }),
  informativaGivenRecord: (input) => call('informativa_given_record', input),
  informativaPrint: (householdId) => call('informativa_print', { household_id: householdId }),
  processingRegisterSave: (out) => call('processing_register_save', { out }),

  // Funded programmes and their interventions (issue 12).
  programmeList: () => call('programme_list'),
  programmeGet: (id) => call('programme_get', { id }),
  programmeSave: (programme) => call('programme_save', { programme }),
  householdEnrolments: (householdId) => call('household_enrolments', { household_id: householdId }),
  enrolmentSave: (enrolment) => call('enrolment_save', { enrolment }),
  programmeIndicators: (id, on = null, copy = null, format = null) => call('programme_indicators', { id, on, copy, format }),
  // The data subjects' requests (GDPR art. 15, 20) and a case's field history (art. 16).
  dataRequestsList: () => call('data_requests_list', null),
  dataRequestRecord: (request) => call('data_request_record', { request }),
  dataRequestExtend: (id, reason) => call('data_request_extend', { id, reason }),
  dataRequestAnswer: (id, out) => call('data_request_answer', { id, out }),
  fieldHistory: (householdId) => call('field_history', { household_id: householdId }),

  convocationPrint: (input) => call('convocation_print', input),
  documentsList: (householdId) => call('documents_list', { household_id: householdId }),
  // The window's own viewer: the PDF in memory, base64 (nothing written to a file).
  documentView: (id) => call('document_view', { id }),
  // "Apri con il programma del computer": the system's PDF viewer.
  documentOpen: (id) => call('document_open', { id }),
  // "Salva una copia…": `out` is what the system's save dialog answered.
  documentSave: (id, out) => call('document_save', { id, out }),

  // Sync (docs/sync.md): the coordinator's conflicts, package files.
  syncConflictsList: ({ householdId = null, resolved = false } = {}) =>
    call('sync_conflicts_list', householdId ? { household_id: householdId, resolved } : { resolved }),
  syncConflictResolve: (id, choice) => call('sync_conflict_resolve', { id, choice }),
  about: () => call('about'),
  diagnosticsExport: () => call('diagnostics_export'),
  // An update from a USB stick: the signature beside the package (NAME.sig).
  updateCheck: (path) => call('update_check', { path }),
  updateInstall: (path) => call('update_install', { path }),
  accessExposure: (operator, from, to) => call('access_exposure', { operator, from, to }),
  // Retention and erasure (issue 16 item 4).
  retentionDue: () => call('retention_due'),
  retentionErase: (householdId, mode, confirm) => call('retention_erase', { household_id: householdId, mode, confirm }),
  retentionReports: () => call('retention_reports'),
  // The verbale as a PDF, opened by the system's program.
  retentionReportPrint: (id) => call('retention_report_print', { id }),
  // What is not a case (schema 26): a call's applications, rankings and
  // reimbursement files, the access log's oldest rows.
  retentionEraseRecords: (kind, callId, confirm) => call('retention_erase_records', { kind, call_id: callId ?? null, confirm }),
  retentionRecordReports: () => call('retention_record_reports'),
  retentionRecordReportPrint: (id) => call('retention_record_report_print', { id }),
  syncExportFile: (path, device) => call('sync_export_file', device ? { path, device } : { path }),
  syncImportFile: (path) => call('sync_import_file', { path }),

  eligibilityFactsGet: (householdId) => call('eligibility_facts_get', { household_id: householdId }),
  eligibilityFactsSave: (facts) => call('eligibility_facts_save', facts),
  eligibilityCheck: (householdId, referenceDate) =>
    call('eligibility_check', { household_id: householdId, reference_date: referenceDate }),
  eligibilityChecksList: (householdId) => call('eligibility_checks_list', { household_id: householdId }),
  esitoPrint: (householdId, referenceDate) =>
    call('esito_print', { household_id: householdId, reference_date: referenceDate }),

  // Accounts (issue 5).
  passwordChange: (oldPassword, newPassword) =>
    call('password_change', { old_password: oldPassword, new_password: newPassword }),
  operatorSave: (operator) => call('operator_save', operator),
  operatorSetPassword: (username, password) => call('operator_set_password', { username, password }),
  operatorRevoke: (username) => call('operator_revoke', { username }),
  databaseRekey: (password) => call('database_rekey', { password }),

  // Sync with the office hub (issue 11): the frame's state and "Sincronizza ora".
  syncStatus: () => call('sync_status'),
  syncNow: (hub) => call('sync_now', hub ? { hub } : {}),

  // The shell's commands: the state before login, logging in, locking, the window.
  appState: () => call('app_state'),
  setupCreate: (input) => call('setup_create', input),
  login: (credentials) => call('login', credentials),
  restoreBackups: (credentials) => call('restore_backups', credentials),
  restoreBackup: (credentials, backup) => call('restore_backup', { ...credentials, backup }),
  lock: (reason) => call('lock', reason ? { reason } : {}),
  logout: () => call('logout'),
  uiDirty: (dirty) => call('ui_dirty', { dirty }).catch(() => {}),
  appQuit: () => call('app_quit'),
  // Tells the shell the first screen is on (for the benchmark).
  uiReady: () => call('ui_ready').catch(() => {}),
};

// Avvisi e graduatorie (docs/ipc.md, section "Avvisi e graduatorie").
export const callsApi = {
  list: () => call('calls_list'),
  get: (id) => call('call_get', { id }),
  // The new-call form's rules: the set in force today, or a note (coordinatore).
  template: () => call('call_template'),
  save: (c) => call('call_save', { call: c }),
  // The file's bytes as saved (a Windows-1252 file is not text the window can pass on unchanged).
  importCsv: (callId, fileBase64) => call('applications_import', { call_id: callId, file_base64: fileBase64 }),
  applicationSave: (callId, application) => call('application_save', { call_id: callId, application }),
  draft: (callId) => call('ranking_draft', { call_id: callId }),
  publish: (callId, publishedOn) => call('ranking_publish', { call_id: callId, published_on: publishedOn }),
  versions: (callId) => call('ranking_versions', { call_id: callId }),
  compare: (callId, from, to) => call('ranking_compare', { call_id: callId, from, to }),
  appealFile: (input) => call('appeal_file', input),
  appealDecide: (input) => call('appeal_decide', input),
  exportCsv: (callId, version, format = 'csv') => call('ranking_export_csv', { call_id: callId, version, format }),
  // Paying the awards (rules.md §7).
  reimbursements: (callId) => call('reimbursements_get', { call_id: callId }),
  awardSave: (award) => call('award_save', { award }),
  awardClaims: (awardId) => call('award_claims', { award_id: awardId }),
  claimPreview: (claim) => call('reimbursement_preview', { claim }),
  claimRecord: (claim) => call('reimbursement_record', { claim }),
  // The office's claims file: checked (record false), then recorded whole.
  claimsImport: (callId, fileBase64, record) => call('reimbursement_import', { call_id: callId, file_base64: fileBase64, record }),
  statement: (awardId) => call('reimbursement_statement', { award_id: awardId }),
  liquidationIssue: (callId, issuedOn) => call('liquidation_issue', { call_id: callId, issued_on: issuedOn }),
  liquidationOpen: (id, format = 'pdf') => call('liquidation_open', { id, format }),
  // The SIUSS flow (INPS) of what the lists paid in a period, written where the coordinator chose.
  siussSave: (from, to, out) => call('siuss_save', { from, to, out }),
  householdsSearch: (query) => call('households_search', { query }),
  // The members of the household an application is linked to (the applicant).
  household: (id) => call('household_get', { id }),
};

// A funded project's finances (rules.md §8): the coordinator's.
export const financeApi = {
  list: () => call('finance_list'),
  get: (id) => call('finance_get', { id }),
  projectSave: (project) => call('finance_project_save', { project }),
  commitmentRecord: (commitment) => call('finance_commitment_record', { commitment }),
  paymentRecord: (payment) => call('finance_payment_record', { payment }),
  annul: (projectId, recordId, reason) => call('finance_record_annul', { project_id: projectId, record_id: recordId, reason }),
  // The rapporto di avanzamento finanziario, opened by the system's program.
  report: (id, format = 'pdf', on = null) => call('finance_report', { id, format, on }),
};

// The system's file dialogs (tauri-plugin-dialog): the only plugin commands the
// window may call (capabilities/default.json). They answer a whole path, or
// null when the operator closes the dialog; no service command runs here.
const DIALOG_SAVE = 'plugin:dialog|save';
const DIALOG_OPEN = 'plugin:dialog|open';

async function dialog(command, options) {
  const bridge = core();
  if (!bridge) {
    throw { code: 'internal', message: t('errors.noBackend'), field: null };
  }
  try {
    const answer = await bridge.invoke(command, { options });
    return typeof answer === 'string' && answer !== '' ? answer : null;
  } catch (e) {
    throw normaliseError(e);
  }
}

export const files = {
  saveAs: ({ title, defaultPath, filters }) => dialog(DIALOG_SAVE, { title, defaultPath, filters, canCreateDirectories: true }),
  open: ({ title, filters }) => dialog(DIALOG_OPEN, { title, filters, multiple: false, directory: false }),
};
