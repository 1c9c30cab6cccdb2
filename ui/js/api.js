// The app's commands (docs/ipc.md), one function each. Every failure reaches the
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

async function call(command, input) {
  const bridge = core();
  if (!bridge) {
    throw { code: 'internal', message: t('errors.noBackend'), field: null };
  }
  try {
    return await bridge.invoke(command, input === undefined ? {} : { input });
  } catch (e) {
    throw normaliseError(e);
  }
}

export const api = {
  session: () => call('session'),

  householdsSearch: (query) => call('households_search', { query }),
  householdGet: (id) => call('household_get', { id }),
  householdSave: (household) => call('household_save', { household }),
  householdAssign: (householdId, operatorId) =>
    call('household_assign', { household_id: householdId, operator_id: operatorId }),
  operatorsList: () => call('operators_list'),
  auditHistory: (householdId) => call('audit_history', { household_id: householdId }),
  auditHistoryPrint: (householdId) => call('audit_history_print', { household_id: householdId }),
  cfCheck: (input) => call('cf_check', input),

  analysisGet: (householdId) => call('analysis_get', { household_id: householdId }),
  analysisSave: (analysis) => call('analysis_save', { analysis }),

  projectGet: (householdId) => call('project_get', { household_id: householdId }),
  projectSave: (project) => call('project_save', { project }),
  projectSetStatus: (projectId, status) => call('project_set_status', { project_id: projectId, status }),
  agreementPrint: (projectId) => call('agreement_print', { project_id: projectId }),
  signatureRecord: (projectId, memberId, signedOn) =>
    call('signature_record', { project_id: projectId, member_id: memberId, signed_on: signedOn }),

  deadlinesBoard: () => call('deadlines_board'),

  convocationPrint: (input) => call('convocation_print', input),
  documentsList: (householdId) => call('documents_list', { household_id: householdId }),
  documentOpen: (id) => call('document_open', { id }),

  eligibilityFactsGet: (householdId) => call('eligibility_facts_get', { household_id: householdId }),
  eligibilityFactsSave: (facts) => call('eligibility_facts_save', facts),
  eligibilityCheck: (householdId, referenceDate) =>
    call('eligibility_check', { household_id: householdId, reference_date: referenceDate }),
  eligibilityChecksList: (householdId) => call('eligibility_checks_list', { household_id: householdId }),
  esitoPrint: (householdId, referenceDate) =>
    call('esito_print', { household_id: householdId, reference_date: referenceDate }),

  // Not a service command: tells the shell the first screen is on (for the benchmark).
  uiReady: () => call('ui_ready').catch(() => {}),
};
