// Shared by the screens of "Avvisi e graduatorie": their commands (docs/ipc.md,
// section "Avvisi e graduatorie"), their Italian strings, and small pieces of page.

import { invokeCommand as call } from '../api.js';
import { h } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { t } from '../i18n.js';

export const callsApi = {
  list: () => call('calls_list'),
  get: (id) => call('call_get', { id }),
  save: (c) => call('call_save', { call: c }),
  importCsv: (callId, csv) => call('applications_import', { call_id: callId, csv }),
  applicationSave: (callId, application) => call('application_save', { call_id: callId, application }),
  draft: (callId) => call('ranking_draft', { call_id: callId }),
  publish: (callId, publishedOn) => call('ranking_publish', { call_id: callId, published_on: publishedOn }),
  versions: (callId) => call('ranking_versions', { call_id: callId }),
  compare: (callId, from, to) => call('ranking_compare', { call_id: callId, from, to }),
  appealFile: (input) => call('appeal_file', input),
  appealDecide: (input) => call('appeal_decide', input),
  exportCsv: (callId, version) => call('ranking_export_csv', { call_id: callId, version }),
  householdsSearch: (query) => call('households_search', { query }),
};

// The strings of these screens, in one place (a translation is this block).
const STRINGS = {
  title: 'Avvisi e graduatorie',
  subtitle: 'Avvisi della Misura B2: domande, graduatoria, pubblicazione e ricorsi.',
  newCall: 'Nuovo avviso',
  empty: 'Nessun avviso. Creare il primo con «Nuovo avviso».',
  colTitle: 'Avviso',
  colMeasure: 'Misura',
  colRules: 'Regole',
  colWindow: 'Raccolta domande',
  colBudget: 'Stanziamento',
  colApplications: 'Domande',
  colState: 'Stato',
  window: 'dal {from} al {to}',
  draftState: 'In istruttoria',
  publishedState: 'Pubblicata (versione {n}) il {date}',
  appealsUntil: 'ricorsi entro il {date}',
  pendingAppeals: '{n} ricorsi da decidere',
  form: {
    title: 'Nuovo avviso',
    name: 'Titolo dell’avviso',
    measure: 'Misura',
    ruleSet: 'Insieme di regole (identificativo)',
    ruleSetHint: 'Ad esempio milano-b2-2019: dà periodo di raccolta, soglie e punteggi.',
    budget: 'Stanziamento (€)',
    office: 'Ufficio che gestisce l’avviso',
    officeHint: 'Vuoto: l’ufficio indicato dalle regole.',
    save: 'Crea l’avviso',
    saved: 'Avviso creato.',
  },
  measures: { 'b2-anziani': 'Misura B2 anziani', 'b2-disabili': 'Misura B2 disabili' },
  tabs: { domande: 'Domande', graduatoria: 'Graduatoria', versioni: 'Versioni pubblicate', ricorsi: 'Ricorsi' },
  head: '{measure} · regole {rules} · stanziamento {budget} · raccolta {window}',
  office: 'Ufficio: {office}',
  applications: {
    importTitle: 'Importa le domande da CSV',
    importHint: 'Le colonne del file sono quelle del programma a riga di comando (protocol, submitted_on, …). Si importa tutto o niente.',
    file: 'File CSV delle domande',
    importButton: 'Importa',
    imported: 'Importate {n} domande.',
    refusedTitle: 'Importazione rifiutata: nessuna domanda salvata',
    colLine: 'Riga',
    colColumn: 'Colonna',
    colReason: 'Motivo',
    listTitle: 'Domande dell’avviso ({n})',
    empty: 'Nessuna domanda.',
    colProtocol: 'Protocollo',
    colSubmitted: 'Presentata il',
    colBirth: 'Nascita',
    colIsee: 'ISEE',
    colResident: 'Residente',
    colAmount: 'Importo richiesto',
    colHousehold: 'Nucleo',
    linked: 'collegata',
    manualTitle: 'Inserisci una domanda',
    frozen: 'La graduatoria è pubblicata: le domande si correggono solo accogliendo un ricorso.',
    protocol: 'Protocollo',
    submittedOn: 'Data di presentazione',
    birthDate: 'Data di nascita del richiedente',
    isee: 'Valore ISEE (€)',
    iseeExpires: 'ISEE valido fino al',
    resident: 'Residente nel Comune',
    continuation: 'Completamento di un progetto dell’anno precedente',
    nonSelfSufficient: 'Non autosufficiente',
    independentLiving: 'Progetto di vita indipendente',
    otherInterventions: 'Riceve altri interventi della Direzione',
    amount: 'Importo richiesto (€)',
    household: 'Collega a un nucleo (cerca per nome o fascicolo)',
    householdChosen: 'Collegata a: {name}',
    save: 'Salva la domanda',
    saved: 'Domanda {protocol} salvata.',
  },
  ranking: {
    draftTitle: 'Graduatoria in bozza (non pubblicata)',
    totals: 'Stanziamento {budget} · assegnato {allocated} · residuo {remaining} · regole {rules}',
    filter: 'Filtra per protocollo',
    show: 'Mostra',
    all: 'Tutte le domande',
    funded: 'Ammesse e finanziate',
    notFunded: 'Ammesse non finanziate',
    notAdmitted: 'Non ammesse',
    colPosition: 'Pos.',
    colProtocol: 'Protocollo',
    colScore: 'Punteggio',
    colPoints: 'Punti (completamento / ISEE / aggiuntivi)',
    colAmount: 'Importo',
    colTie: 'Spareggio',
    colReasons: 'Motivi',
    explain: 'Spiega',
    explanationTitle: 'Domanda {protocol}: {status}',
    none: 'Nessuna domanda in questo elenco.',
    publishTitle: 'Pubblica la graduatoria',
    publishedOn: 'Data di pubblicazione',
    publish: 'Pubblica',
    confirmTitle: 'Pubblicare la graduatoria?',
    confirmBody: 'La versione {n} sarà congelata con la data del {date} e non potrà più essere modificata. Da quel giorno decorrono i 30 giorni per i ricorsi.',
    confirm: 'Pubblica',
    published: 'Versione {n} pubblicata: ricorsi entro il {date}.',
    notAllowed: 'La pubblicazione spetta al coordinatore o all’amministratore.',
    upheldPending: 'Ricorsi accolti da applicare: {list}. Pubblicare la nuova versione della graduatoria.',
    nothingNew: 'La graduatoria pubblicata è in vigore: una nuova versione si pubblica solo dopo un ricorso accolto.',
    exportDraft: 'Esporta CSV per l’ufficio',
    exported: 'Esportazione aperta nel foglio di calcolo; per conservarla usare «Salva con nome»',
  },
  versions: {
    empty: 'Nessuna versione pubblicata.',
    heading: 'Versione {n}',
    published: 'Pubblicata il {date}',
    deadline: 'Ricorsi entro il {date}',
    officeClosed: 'l’ufficio è chiuso quel giorno: il termine non si sposta',
    open: 'termine aperto',
    closed: 'termine scaduto',
    rules: 'Regole {rules}',
    upheld: 'Applica i ricorsi accolti n. {list}',
    pdf: 'PDF pubblico: {file}',
    export: 'Esporta CSV',
    compareTitle: 'Cosa è cambiato e perché',
    from: 'Dalla versione',
    to: 'Alla versione',
    compare: 'Confronta',
    noChanges: 'Nessuna differenza.',
    colProtocol: 'Protocollo',
    colBefore: 'Prima',
    colAfter: 'Dopo',
    colWhy: 'Perché',
    standing: '{status}{position}{score}{amount}',
    absent: 'assente',
  },
  appeals: {
    listTitle: 'Ricorsi',
    empty: 'Nessun ricorso.',
    colId: 'N.',
    colProtocol: 'Protocollo',
    colVersion: 'Contro la versione',
    colFiled: 'Presentato il',
    colGrounds: 'Motivi',
    colDocuments: 'Documenti portati',
    colOutcome: 'Esito',
    pending: 'Da decidere',
    upheld: 'Accolto il {date}',
    rejected: 'Respinto il {date}',
    fileTitle: 'Registra un ricorso',
    notPublished: 'La graduatoria non è ancora pubblicata: i ricorsi si presentano dopo la pubblicazione.',
    deadline: 'Contro la versione {n}: ricorsi entro il {date}.',
    protocol: 'Domanda (protocollo)',
    filedOn: 'Data di presentazione',
    grounds: 'Motivi del ricorso',
    documents: 'Documenti portati (uno per riga)',
    file: 'Registra il ricorso',
    filed: 'Ricorso n. {id} registrato.',
    decideTitle: 'Decisione sul ricorso n. {id} (domanda {protocol})',
    outcome: 'Esito',
    outcomeUpheld: 'Accolto',
    outcomeRejected: 'Respinto',
    decidedOn: 'Data della decisione',
    note: 'Motivazione',
    corrected: 'Dati della domanda come corretti (si cambia solo ciò che il ricorso ha dimostrato)',
    decide: 'Registra la decisione',
    decided: 'Decisione registrata.',
    notAllowed: 'La decisione sui ricorsi spetta al coordinatore o all’amministratore.',
    chooseProtocol: 'Scegliere…',
  },
  status: { funded: 'ammessa e finanziata', admitted_not_funded: 'ammessa non finanziata', not_admitted: 'non ammessa' },
};

/** tc('ranking.totals', {...}): a string of these screens. */
export function tc(key, vars) {
  let node = STRINGS;
  for (const part of key.split('.')) node = node?.[part];
  if (typeof node !== 'string') return key;
  if (!vars) return node;
  return node.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function measureLabel(measure) {
  return STRINGS.measures[measure] ?? measure;
}

export function statusLabel(status) {
  return STRINGS.status[status] ?? status;
}

export function rulesLabel(ref) {
  return ref ? `${ref.id} v${ref.version}` : '';
}

/** "9.100" → "9,100". */
export function scoreIt(score) {
  return score === null || score === undefined ? '' : String(score).replace('.', ',');
}

export function windowText(c) {
  return tc('window', { from: formatDate(c.window_from), to: formatDate(c.window_to) });
}

/** The call's heading with its tabs. */
export function callHeader(c, active) {
  const tab = (key, path) =>
    h(
      'a',
      {
        href: `#/avvisi/${encodeURIComponent(c.id)}${path}`,
        'data-testid': `call-tab-${key}`,
        'aria-current': active === key ? 'page' : null,
      },
      tc(`tabs.${key}`),
    );
  return h(
    'header',
    { class: 'screen-head' },
    h('h1', { 'data-testid': 'call-title' }, c.title),
    h(
      'p',
      { class: 'muted', 'data-testid': 'call-head' },
      tc('head', {
        measure: c.measure_title || measureLabel(c.measure),
        rules: rulesLabel(c.rule_set),
        budget: formatMoney(c.budget),
        window: windowText(c),
      }),
    ),
    h('p', { class: 'muted' }, tc('office', { office: c.office })),
    h('nav', { class: 'tabs', 'aria-label': c.title }, tab('domande', ''), tab('graduatoria', '/graduatoria'), tab('versioni', '/versioni'), tab('ricorsi', '/ricorsi')),
  );
}
