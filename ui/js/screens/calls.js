// Avvisi e graduatorie: the list of calls, and the form of a new call.

import { files } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit, saveBar } from '../forms.js';
import { callsApi, measureLabel, tc } from './calls-common.js';

/** The state of a call, one line per fact (so the column stays narrow). */
function stateLines(c, today) {
  if (!c.versions) return [tc('draftState')];
  const lines = [tc('publishedState', { n: c.versions, date: formatDate(c.published_on) })];
  lines.push(c.appeal_deadline && today && c.appeal_deadline < today ? tc('appealsClosed', { date: formatDate(c.appeal_deadline) }) : tc('appealsUntil', { date: formatDate(c.appeal_deadline) }));
  if (c.pending_appeals) lines.push(c.pending_appeals === 1 ? tc('pendingAppeal') : tc('pendingAppeals', { n: c.pending_appeals }));
  return lines;
}

// The list fits the window (1280 px and narrower): the rules are in each
// call's heading, the window and the state break into lines.
function table(calls, today) {
  if (calls.length === 0) return h('p', { class: 'empty', 'data-testid': 'calls-empty' }, tc('empty'));
  const cols = ['colTitle', 'colMeasure', 'colWindow', 'colBudget', 'colApplications', 'colState'];
  return h(
    'table',
    { class: 'data calls', 'data-testid': 'calls-table' },
    h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col' }, tc(k))))),
    h(
      'tbody',
      {},
      calls.map((c) =>
        h(
          'tr',
          { 'data-testid': 'call-row', 'data-call-id': c.id, 'data-versions': String(c.versions) },
          h('td', {}, h('a', { href: `#/avvisi/${encodeURIComponent(c.id)}`, 'data-testid': 'call-link' }, c.title), h('div', { class: 'muted small' }, c.rule_set_title)),
          h('td', {}, c.measure_title || measureLabel(c.measure)),
          h('td', {}, h('div', { class: 'nowrap' }, tc('windowFrom', { date: formatDate(c.window_from) })), h('div', { class: 'nowrap' }, tc('windowTo', { date: formatDate(c.window_to) }))),
          h('td', { class: 'num nowrap' }, formatMoney(c.budget)),
          h('td', { class: 'num' }, String(c.applications)),
          h('td', { 'data-testid': 'call-state' }, stateLines(c, today).map((line) => h('div', {}, line))),
        ),
      ),
    ),
  );
}

const COORDINATORS = ['coordinatore', 'amministratore'];

export function mayOpenCalls(ctx) {
  return COORDINATORS.includes(ctx.session?.operator?.role);
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
        // Opening a call is the coordinator's act (call_save, call_template:
        // COORD in src/service/commands.rs): the desk does not see the button.
        mayOpenCalls(ctx) ? h('div', { class: 'actions' }, h('a', { href: '#/avvisi/nuovo', class: 'button primary', 'data-testid': 'call-new' }, tc('newCall'))) : null,
      ),
      table(calls, ctx.session?.today),
      mayOpenCalls(ctx) ? siussCard(ctx) : null,
    ),
  );
}

/** The last month before `today` (AAAA-MM-GG): the period a monthly flow covers. */
function lastMonth(today) {
  const [y, m] = String(today || '').split('-').map(Number);
  if (!y || !m) return { from: null, to: null };
  const year = m === 1 ? y - 1 : y;
  const month = m === 1 ? 12 : m - 1;
  const pad = (n) => String(n).padStart(2, '0');
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { from: `${year}-${pad(month)}-01`, to: `${year}-${pad(month)}-${pad(days)}` };
}

/** "Flusso SIUSS": what the lists paid in a period, as the file INPS takes
 * (siuss_save, coordinatore and amministratore, like `sportello siuss`). */
function siussCard(ctx) {
  const model = lastMonth(ctx.session?.today);
  const form = new Form();
  const button = () => el.querySelector('[data-testid="siuss-save"]');
  const el = h(
    'form',
    { class: 'card form siuss', novalidate: true, 'data-testid': 'siuss-form', 'aria-labelledby': 'siuss-title' },
    h('h2', { id: 'siuss-title' }, tc('siuss.title')),
    h('p', { class: 'muted' }, tc('siuss.intro')),
    h(
      'div',
      { class: 'grid' },
      form.date(model, 'from', { label: tc('siuss.from'), field: 'from', testid: 'siuss-from', required: true }),
      form.date(model, 'to', { label: tc('siuss.to'), field: 'to', testid: 'siuss-to', required: true }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'siuss-save' }, tc('siuss.save'))),
  );
  onSubmit(
    el,
    form,
    ctx,
    async () => {
      const path = await files.saveAs({
        title: tc('siuss.dialogTitle'),
        defaultPath: `flusso-siuss-${model.from}-${model.to}.xml`,
        filters: [{ name: 'XML', extensions: ['xml'] }],
      });
      if (!path) return;
      const r = await callsApi.siussSave(model.from, model.to, path);
      ctx.toast(tc('siuss.saved', { name: r.name, path: r.path, beneficiaries: r.beneficiaries, payments: r.payments, total: formatMoney(r.total) }));
    },
    { button, busyLabel: tc('siuss.saving') },
  );
  return el;
}

/** The new-call form (route /avvisi/nuovo): the coordinator's act. The rules
 * proposed are the B2 set in force today (`call_template`); when none is, the
 * form says so and asks for an explicit choice. */
export async function mountNew(view, ctx) {
  const tpl = await callsApi.template();
  if (!ctx.isCurrent()) return;
  const byId = (id) => tpl.rule_sets.find((r) => r.id === id) || null;
  const model = { title: null, measure: 'b2-anziani', rule_set: tpl.default_rule_set ?? null, budget: null, office: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const windowLine = h('p', { class: 'muted wide', 'data-testid': 'call-window' });
  const showWindow = () => {
    const r = byId(model.rule_set);
    replace(
      windowLine,
      r
        ? tc('form.windowFromRules', { from: formatDate(r.window_from), to: formatDate(r.window_to), office: r.office })
        : tc('form.chooseRules'),
    );
  };
  const ruleOption = (r) => [
    r.id,
    r.in_force ? tc('form.ruleSetInForce', { title: r.title, n: r.version }) : tc('form.ruleSetNotInForce', { title: r.title, n: r.version }),
  ];
  showWindow();
  const el = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'call-form' },
    tpl.note ? h('p', { class: 'callout', role: 'note', 'data-testid': 'call-rules-note' }, tpl.note) : null,
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'grid' },
        form.text(model, 'title', { label: tc('form.name'), field: 'title', testid: 'call-title-input', required: true, wide: true }),
        form.select(model, 'rule_set', {
          label: tc('form.ruleSet'),
          hint: tc('form.ruleSetHint'),
          field: 'rule_set',
          testid: 'call-rule-set',
          required: true,
          // No set in force today: nothing is chosen for the coordinator.
          allowEmpty: !tpl.default_rule_set,
          emptyLabel: tc('form.chooseRulesOption'),
          options: tpl.rule_sets.map(ruleOption),
          onChange: showWindow,
        }),
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
        form.money(model, 'budget', { label: tc('form.budget'), field: 'budget', testid: 'call-budget', required: true }),
        form.text(model, 'office', { label: tc('form.office'), hint: tc('form.officeHint'), field: 'office', testid: 'call-office', wide: true }),
        windowLine,
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
