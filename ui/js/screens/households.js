// Nuclei: search as you type (surname, name, codice fiscale prefix, case number).

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { label, t } from '../i18n.js';
import { onSessionEnd } from '../session-state.js';

// Remembered while the operator is in, so "back to the list" finds the same
// results; forgotten at lock and logout (it is the operator's, not the app's).
let lastQuery = '';
onSessionEnd(() => {
  lastQuery = '';
});

function resultsTable(items, emptyText = t('households.empty')) {
  if (items.length === 0) {
    return h('p', { class: 'empty', 'data-testid': 'households-empty' }, emptyText);
  }
  return h(
    'table',
    { class: 'data', 'data-testid': 'households-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['colCase', 'colName', 'colCf', 'colMembers', 'colComune', 'colProject'].map((k) => h('th', { scope: 'col' }, t(`households.${k}`))),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((item) =>
        h(
          'tr',
          { 'data-testid': 'household-row', 'data-household-id': item.id },
          h('td', { class: 'nowrap' }, item.case_provisional ? `${item.case_number} ${t('household.provisionalTag')}` : item.case_number),
          h(
            'td',
            {},
            h('a', { href: `#/nuclei/${encodeURIComponent(item.id)}`, 'data-testid': 'household-link' }, item.name),
            // Found through another member: say whom, so the row is not a mystery.
            item.matched ? h('div', { class: 'muted small', 'data-testid': 'household-matched' }, t('households.matched', { who: item.matched })) : null,
            // Only a coordinator finds a restricted case: it says so before it is opened.
            item.restricted ? h('div', { class: 'small', 'data-testid': 'household-restricted' }, t('restriction.listTag')) : null,
          ),
          h('td', { class: 'mono' }, item.codice_fiscale ?? ''),
          h('td', { class: 'num' }, item.members),
          h('td', {}, item.comune_name ?? item.comune ?? ''),
          h('td', {}, item.project_status ? label('projectStatus', item.project_status) : t('households.noProject')),
        ),
      ),
    ),
  );
}

export async function mount(view, ctx) {
  const results = h('div', { 'data-testid': 'households-results', 'aria-live': 'polite' });
  const input = h('input', {
    id: 'household-search',
    type: 'search',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: t('households.searchPlaceholder'),
    'data-testid': 'households-search',
    value: lastQuery,
  });
  // Answers can come back out of order while typing: only the latest one is drawn.
  let seq = 0;
  let timer = null;
  // The caseload is read once per visit of the screen.
  let cases = null;
  const search = async () => {
    const mine = ++seq;
    const query = input.value.trim();
    lastQuery = input.value;
    // One letter would match half the city: the service answers from two on.
    // Before a search, the screen shows the operator's own cases.
    if ([...query].length < 2) {
      ctx.showError(null);
      try {
        if (cases === null) cases = await api.householdsCaseload();
        if (mine !== seq || !ctx.isCurrent()) return;
        replace(
          results,
          h('h2', { 'data-testid': 'households-caseload-title' }, t('households.caseloadTitle', { n: cases.length })),
          resultsTable(cases, t('households.caseloadEmpty')),
          h('p', { class: 'muted', 'data-testid': 'households-hint' }, t('households.hint')),
        );
        results.dataset.list = 'caseload';
      } catch (e) {
        if (mine !== seq || !ctx.isCurrent()) return;
        ctx.showError(e);
      }
      return;
    }
    try {
      const items = await api.householdsSearch(query);
      if (mine !== seq || !ctx.isCurrent()) return;
      ctx.showError(null);
      replace(results, resultsTable(items));
      results.dataset.list = 'search';
    } catch (e) {
      if (mine !== seq || !ctx.isCurrent()) return;
      ctx.showError(e);
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-nuclei' },
      h(
        'header',
        { class: 'screen-head with-action' },
        h('h1', { 'data-testid': 'screen-title' }, t('households.title')),
        h('a', { class: 'button primary', href: '#/nuclei/nuovo', 'data-testid': 'households-new' }, t('households.newHousehold')),
      ),
      h('div', { class: 'field search' }, h('label', { for: 'household-search' }, t('households.searchLabel')), input),
      results,
    ),
  );
  await search();
  if (ctx.isCurrent()) input.focus();
}
