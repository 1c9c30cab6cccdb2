// Registro accessi: who read or changed the case, and when (audit_history),
// with filters by operator and period, and the export as a PDF filed among the
// case's documents (audit_history_print). Coordinators and administrators.
// The register is loaded on request, not with the page: every look is itself
// recorded, and opening a family's page is not looking at who looked at it.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, parseDate } from '../format.js';
import { t } from '../i18n.js';

/** "21/11/2026 10:30" in local time. */
function when(at) {
  return formatDateTime(at).replace(', ', ' ');
}

/** The local calendar day of a timestamp, as ISO (to compare with the filter). */
function localDay(at) {
  const d = new Date(Date.parse(at));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function accessLogPanel(household, ctx) {
  let rows = null;
  let busy = false;
  const operatorSelect = h('select', { id: 'log-operator', 'data-testid': 'access-log-operator' });
  const from = h('input', { type: 'text', id: 'log-from', inputmode: 'numeric', placeholder: t('common.dateHint'), 'data-testid': 'access-log-from' });
  const to = h('input', { type: 'text', id: 'log-to', inputmode: 'numeric', placeholder: t('common.dateHint'), 'data-testid': 'access-log-to' });
  const body = h('div', { 'aria-live': 'polite' });
  const filters = h(
    'div',
    { class: 'grid', hidden: true, 'data-testid': 'access-log-filters' },
    h('div', { class: 'field' }, h('label', { for: 'log-operator' }, t('accessLog.filterOperator')), operatorSelect),
    h('div', { class: 'field' }, h('label', { for: 'log-from' }, t('accessLog.filterFrom')), from),
    h('div', { class: 'field' }, h('label', { for: 'log-to' }, t('accessLog.filterTo')), to),
  );

  const draw = () => {
    if (!rows) return;
    const who = operatorSelect.value;
    // A date not yet typed in full does not filter.
    const fromIso = parseDate(from.value);
    const toIso = parseDate(to.value);
    const shown = rows.filter((r) => {
      const day = localDay(r.at);
      return (!who || r.username === who) && (!fromIso || day >= fromIso) && (!toIso || day <= toIso);
    });
    const table =
      shown.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'access-log-empty' }, t('accessLog.empty'))
        : h(
            'table',
            { class: 'data', 'data-testid': 'access-log-table' },
            h('thead', {}, h('tr', {}, ['colWhen', 'colOperator', 'colRole', 'colAction', 'colRecord', 'colDevice'].map((k) => h('th', { scope: 'col' }, t(`accessLog.${k}`))))),
            h(
              'tbody',
              {},
              shown.map((r) =>
                h(
                  'tr',
                  { 'data-testid': 'access-log-row', 'data-action': r.action, 'data-refused': r.refused ? 'true' : 'false' },
                  h('td', { class: 'nowrap' }, when(r.at)),
                  h('td', {}, `${r.operator_name} (${r.username})`),
                  h('td', {}, r.role_label),
                  h(
                    'td',
                    {},
                    r.action_label,
                    r.refused ? h('span', { class: 'tag' }, ` ${t('accessLog.refused')}`) : null,
                    // What the act said: an annulment's reason, a late signature.
                    r.detail ? h('div', { class: 'muted', 'data-testid': 'access-log-detail' }, r.detail) : null,
                  ),
                  h('td', {}, r.record),
                  h('td', { 'data-testid': 'access-log-device' }, r.device ?? ''),
                ),
              ),
            ),
          );
    replace(body, h('p', { class: 'muted', 'data-testid': 'access-log-count' }, t('accessLog.count', { shown: shown.length, total: rows.length })), table);
  };

  const load = async () => {
    if (busy) return;
    busy = true;
    ctx.showError(null);
    replace(body, h('p', { class: 'muted' }, t('accessLog.loading')));
    try {
      rows = await api.auditHistory(household.id);
      const people = new Map(rows.map((r) => [r.username, r.operator_name]));
      const keep = operatorSelect.value;
      replace(
        operatorSelect,
        h('option', { value: '' }, t('accessLog.allOperators')),
        [...people].sort((a, b) => a[1].localeCompare(b[1], 'it')).map(([u, name]) => h('option', { value: u, selected: u === keep }, `${name} (${u})`)),
      );
      filters.hidden = false;
      replace(showBtn, t('accessLog.refresh'));
      draw();
    } catch (e) {
      replace(body);
      ctx.showError(e);
    } finally {
      busy = false;
    }
  };

  const showBtn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'access-log-show', onclick: load }, t('accessLog.show'));
  const exportBtn = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'access-log-export',
      onclick: async () => {
        if (busy) return;
        busy = true;
        exportBtn.disabled = true;
        ctx.showError(null);
        try {
          await api.auditHistoryPrint(household.id);
          ctx.toast(t('accessLog.exported'));
        } catch (e) {
          ctx.showError(e);
        } finally {
          busy = false;
          exportBtn.disabled = false;
        }
      },
    },
    t('accessLog.export'),
  );
  for (const el of [operatorSelect, from, to]) {
    el.addEventListener('input', draw);
    el.addEventListener('change', draw);
  }

  return h(
    'section',
    { class: 'card access-log', 'data-testid': 'access-log-panel', 'aria-labelledby': 'access-log-title' },
    h('h2', { id: 'access-log-title' }, t('accessLog.title')),
    h('p', { class: 'hint' }, t('accessLog.intro')),
    h('div', { class: 'form-actions' }, showBtn, exportBtn),
    filters,
    body,
  );
}
