// Storico modifiche (GDPR art. 16): every change of a field of the case's
// records, with the value before and after, who and when (field_history).
// Loaded on request, like the access register: looking is itself recorded.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n.js';
import { fieldLabel, valueInWords } from './conflicts.js';

export function fieldHistoryPanel(household, ctx) {
  const body = h('div', { 'aria-live': 'polite' });
  let open = false;
  const button = h('button', { type: 'button', 'data-testid': 'field-history-show', 'aria-expanded': 'false' }, t('fieldHistory.show'));
  button.addEventListener('click', async () => {
    if (open) {
      open = false;
      replace(body);
      button.textContent = t('fieldHistory.show');
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    let rows;
    try {
      rows = await api.fieldHistory(household.id);
    } catch (e) {
      ctx.showError(e);
      return;
    }
    open = true;
    button.textContent = t('fieldHistory.hide');
    button.setAttribute('aria-expanded', 'true');
    replace(
      body,
      rows.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'field-history-empty' }, t('fieldHistory.empty'))
        : h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'data', 'data-testid': 'field-history-table' },
              h('thead', {}, h('tr', {}, ['colWhen', 'colOperator', 'colRecord', 'colField', 'colOld', 'colNew'].map((k) => h('th', { scope: 'col' }, t(`fieldHistory.${k}`))))),
              h(
                'tbody',
                {},
                rows.map((r) =>
                  h(
                    'tr',
                    { 'data-testid': 'field-history-row', 'data-field': r.field, 'data-record-kind': r.record_kind },
                    h('td', { class: 'nowrap' }, r.at ? formatDateTime(r.at).replace(', ', ' ') : '—'),
                    h('td', {}, r.username ? `${r.operator_name} (${r.username})` : r.operator_name, r.device ? h('div', { class: 'muted small' }, t('fieldHistory.device', { name: r.device })) : null),
                    h('td', {}, r.record),
                    // Fields and values in words, as the conflicts screen names them.
                    h('td', {}, fieldLabel(r.record_kind, r.field)),
                    h('td', { 'data-testid': 'field-history-old' }, valueInWords(r.field, r.old_value)),
                    h('td', { 'data-testid': 'field-history-new' }, valueInWords(r.field, r.new_value)),
                  ),
                ),
              ),
            ),
          ),
    );
  });
  return h(
    'section',
    { class: 'card', 'data-testid': 'field-history' },
    h('h2', {}, t('fieldHistory.title')),
    h('p', { class: 'muted small' }, t('fieldHistory.intro')),
    button,
    body,
  );
}
