// Avvisi e graduatorie: the list of calls, and the form of a new call.

import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit, saveBar } from '../forms.js';
import { callsApi, measureLabel, rulesLabel, tc, windowText } from './calls-common.js';

function stateText(c) {
  if (!c.versions) return tc('draftState');
  const parts = [tc('publishedState', { n: c.versions, date: formatDate(c.published_on) }), tc('appealsUntil', { date: formatDate(c.appeal_deadline) })];
  if (c.pending_appeals) parts.push(tc('pendingAppeals', { n: c.pending_appeals }));
  return parts.join(' · ');
}

function table(calls) {
  if (calls.length === 0) return h('p', { class: 'empty', 'data-testid': 'calls-empty' }, tc('empty'));
  const cols = ['colTitle', 'colMeasure', 'colRules', 'colWindow', 'colBudget', 'colApplications', 'colState'];
  return h(
    'table',
    { class: 'data', 'data-testid': 'calls-table' },
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, tc(k))))),
    h(
      'tbody',
      {},
      calls.map((c) =>
        h(
          'tr',
          { 'data-testid': 'call-row', 'data-call-id': c.id },
          h('td', {}, h('a', { href: `#/avvisi/${encodeURIComponent(c.id)}`, 'data-testid': 'call-link' }, c.title)),
          h('td', { class: 'nowrap' }, c.measure_title || measureLabel(c.measure)),
          h('td', { class: 'mono nowrap' }, rulesLabel(c.rule_set)),
          h('td', { class: 'nowrap' }, windowText(c)),
          h('td', { class: 'num nowrap' }, formatMoney(c.budget)),
          h('td', { class: 'num' }, String(c.applications)),
          h('td', { 'data-testid': 'call-state' }, stateText(c)),
        ),
      ),
    ),
  );
}

export async function mount(view, ctx) {
  const calls = await callsApi.list();
  if (!ctx.isCurrent()) return;
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-avvisi' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, tc('title')),
        h('p', { class: 'muted' }, tc('subtitle')),
        h('div', { class: 'actions' }, h('a', { href: '#/avvisi/nuovo', class: 'button primary', 'data-testid': 'call-new' }, tc('newCall'))),
      ),
      table(calls),
    ),
  );
}

/** The new-call form (route /avvisi/nuovo). */
export async function mountNew(view, ctx) {
  const model = { title: null, measure: 'b2-anziani', rule_set: 'milano-b2-2019', budget: null, office: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'call-form' },
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'grid' },
        form.text(model, 'title', { label: tc('form.name'), field: 'title', testid: 'call-title-input', required: true, wide: true }),
        form.select(model, 'measure', {
          label: tc('form.measure'),
          field: 'measure',
          testid: 'call-measure',
          required: true,
          allowEmpty: false,
          options: [
            ['b2-anziani', measureLabel('b2-anziani')],
            ['b2-disabili', measureLabel('b2-disabili')],
          ],
        }),
        form.text(model, 'rule_set', { label: tc('form.ruleSet'), hint: tc('form.ruleSetHint'), field: 'rule_set', testid: 'call-rule-set', required: true }),
        form.money(model, 'budget', { label: tc('form.budget'), field: 'budget', testid: 'call-budget', required: true }),
        form.text(model, 'office', { label: tc('form.office'), hint: tc('form.officeHint'), field: 'office', testid: 'call-office', wide: true }),
      ),
    ),
    saveBar(h('button', { type: 'submit', class: 'primary', 'data-testid': 'call-save', 'data-save': true }, tc('form.save'))),
  );
  onSubmit(el, form, ctx, async () => {
    const saved = await callsApi.save({ ...model });
    ctx.setDirty(false);
    ctx.toast(tc('form.saved'));
    ctx.navigate(`/avvisi/${saved.id}`);
  });
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-avviso-nuovo' },
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, tc('form.title'))),
      el,
    ),
  );
}
