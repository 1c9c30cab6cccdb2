// "Violazione dei dati": for the DPO's assessment after a lost laptop or a
// misused account (GDPR art. 33-34), the people whose files an account opened
// in a period, from the access log: each case with its people, how many
// accesses, first and last; the searches counted apart. The look is recorded.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, formatDateTime, parseDate } from '../format.js';
import { t } from '../i18n.js';

export function exposureCard(ctx, accounts) {
  const operator = h(
    'select',
    { id: 'exposure-operator', 'data-testid': 'exposure-operator' },
    accounts.map((a) => h('option', { value: a.username }, `${a.name} (${a.username})`)),
  );
  // Dates typed as everywhere in the app (gg/mm/aaaa).
  const date = (id) => h('input', { type: 'text', id, inputmode: 'numeric', placeholder: t('common.dateHint'), 'data-testid': id });
  const from = date('exposure-from');
  const to = date('exposure-to');
  const result = h('div', { 'data-testid': 'exposure-result', role: 'status' });
  const field = (label, control) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);

  const show = (x) => {
    const summary = h('p', { 'data-testid': 'exposure-summary' }, t('exposure.summary', { cases: x.cases.length, people: x.people, searches: x.searches, from: formatDate(x.from), to: formatDate(x.to) }));
    if (x.cases.length === 0) return replace(result, summary);
    const table = h(
      'table',
      { class: 'data', 'data-testid': 'exposure-table' },
      h('thead', {}, h('tr', {}, ['colCase', 'colPeople', 'colAccesses', 'colFirst', 'colLast'].map((k) => h('th', { scope: 'col' }, t(`exposure.${k}`))))),
      h(
        'tbody',
        {},
        x.cases.map((c) =>
          h(
            'tr',
            { 'data-testid': 'exposure-row' },
            h('td', { class: 'mono' }, c.case_number),
            h('td', {}, c.people.map((p) => h('div', {}, `${p.name} — `, h('span', { class: 'mono' }, p.codice_fiscale)))),
            h('td', { class: 'num' }, String(c.accesses)),
            h('td', { class: 'nowrap' }, formatDateTime(c.first_at)),
            h('td', { class: 'nowrap' }, formatDateTime(c.last_at)),
          ),
        ),
      ),
    );
    replace(result, summary, table);
  };

  const submit = async (e) => {
    e.preventDefault();
    ctx.showError(null);
    try {
      // A date not understood goes as typed: the service names the field.
      show(await api.accessExposure(operator.value, parseDate(from.value) ?? from.value, parseDate(to.value) ?? to.value));
    } catch (err) {
      ctx.showError(err);
    }
  };
  return h(
    'form',
    { class: 'card', onsubmit: submit, 'data-testid': 'exposure-form' },
    h('h2', {}, t('exposure.title')),
    h('p', { class: 'muted' }, t('exposure.hint')),
    field(t('exposure.operator'), operator),
    field(t('exposure.from'), from),
    field(t('exposure.to'), to),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'secondary', 'data-testid': 'exposure-run' }, t('exposure.run'))),
    result,
  );
}
