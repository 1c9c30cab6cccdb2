// The top of every page of a case: who the household is and the sections of its file.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { responsabileText } from './case-scope.js';

const TABS = [
  ['household', ''],
  ['analysis', '/analisi'],
  ['project', '/progetto'],
  ['documents', '/documenti'],
  ['convocation', '/convocazione'],
];

const TESTIDS = {
  household: 'tab-nucleo',
  analysis: 'tab-analisi',
  project: 'tab-progetto',
  documents: 'tab-documenti',
  convocation: 'tab-convocazione',
};

/** "Cognome Nome" of the richiedente (or of the first member). */
export function applicantName(household) {
  const members = household?.members || [];
  const m = members.find((x) => x.relationship === 'richiedente') || members[0];
  if (!m) return '';
  return [m.last_name, m.first_name].filter(Boolean).join(' ');
}

export function caseHeader(household, active, title) {
  const base = `#/nuclei/${encodeURIComponent(household.id)}`;
  return h(
    'header',
    { class: 'case-head' },
    h(
      'div',
      { class: 'case-id' },
      h(
        'span',
        { class: 'case-number', 'data-testid': 'case-number' },
        t(household.case_provisional ? 'household.caseNumberProvisional' : 'household.caseNumber', {
          n: household.case_number ?? '',
        }),
      ),
      h('span', { class: 'case-name', 'data-testid': 'case-name' }, applicantName(household)),
      h(
        'span',
        { class: 'case-responsabile', 'data-testid': 'case-responsabile' },
        `${t('caseScope.responsabile')}: ${responsabileText(household)}`,
      ),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': t('tabs.label') },
      TABS.map(([key, suffix]) =>
        h(
          'a',
          {
            href: `${base}${suffix}`,
            'data-testid': TESTIDS[key],
            'aria-current': key === active ? 'page' : null,
          },
          t(`tabs.${key}`),
        ),
      ),
    ),
    h('h1', { 'data-testid': 'screen-title' }, title),
  );
}
