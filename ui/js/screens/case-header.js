// The top of every page of a case: who the household is and the sections of its file.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
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

const COORDINATORS = ['coordinatore', 'amministratore'];

/**
 * The case's own sync state, filled in when it arrives: "In conflitto (n)",
 * linking the coordinator to the case's conflicts, and on a device
 * "Modifiche in attesa di invio (n)" while the office has not received the
 * changes made here; nothing when all agree and all is sent (and nothing of
 * the second on the office's own database or one on its own).
 */
function syncBadge(household, role) {
  const badge = h('span', { class: 'case-sync', 'data-testid': 'case-sync', hidden: true });
  api
    .householdSyncState(household.id)
    .then((state) => {
      const conflicts = state?.open_conflicts ?? 0;
      const waiting = state?.waiting ?? 0;
      if ((conflicts === 0 && waiting === 0) || !badge.isConnected) return;
      const parts = [];
      if (conflicts > 0) {
        const text = t('caseSync.inConflict', { n: conflicts });
        const help = t('caseSync.inConflictHelp');
        parts.push(
          COORDINATORS.includes(role)
            ? h('a', { class: 'badge conflict-badge', href: `#/conflitti/${encodeURIComponent(household.id)}`, title: help, 'data-testid': 'case-sync-conflicts' }, text)
            : h('span', { class: 'badge conflict-badge', title: help, 'data-testid': 'case-sync-conflicts' }, text),
        );
      }
      if (waiting > 0) {
        parts.push(
          h(
            'span',
            { class: 'badge waiting-badge', title: t('caseSync.waitingHelp'), 'data-testid': 'case-sync-waiting' },
            t('caseSync.waiting', { n: waiting }),
          ),
        );
      }
      replace(badge, ...parts);
      badge.hidden = false;
    })
    // The header is drawn without it: the state is a hint, not the page.
    .catch(() => {});
  return badge;
}

export function caseHeader(household, active, title, role = null) {
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
      syncBadge(household, role),
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
    restrictionBanner(household),
    h('h1', { 'data-testid': 'screen-title' }, title),
  );
}

/** A restricted case says so on every tab (GDPR art. 18). */
function restrictionBanner(household) {
  const r = household.restriction;
  if (!r) return null;
  return h(
    'p',
    { class: 'callout warn', role: 'note', 'data-testid': 'case-restricted' },
    h('strong', {}, t('restriction.banner', { date: formatDate(r.since), by: r.by })),
    ' ',
    r.reason,
  );
}
