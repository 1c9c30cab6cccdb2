// "Progetti finanziati" (rules.md §8; seed 004): the office's funded projects
// with the four OpenCoesione amounts (programmato, ammesso, giuridicamente
// vincolante, erogato), computed by the service from the commitments and
// payments recorded here, never typed; the warnings when payments pass the
// commitments or commitments pass the admitted amount; the financial progress
// report (PDF, CSV, XLSX). The coordinator's: the nav shows it to coordinatore
// and amministratore only (finance_*: COORD in src/service/commands.rs).
//
// Routes: #/finanziamenti (the list), #/finanziamenti/nuovo (a new project),
// #/finanziamenti/:id (one project).

import { financeApi } from '../api.js';
import { askText, confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { t } from '../i18n.js';

/** A string of these screens (the catalogue's `finance` block). */
const tf = (key, vars) => t(`finance.${key}`, vars);

/** "34.4" → "34,4 %". */
function percentIt(p) {
  return p === null || p === undefined ? '—' : `${String(p).replace('.', ',')} %`;
}

const cell = (text, cls) => h('td', cls ? { class: cls } : {}, text);
const head = (cols) =>
  h('thead', {}, h('tr', {}, cols.map(([key, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, tf(key)))));

/** The bar of the erogato's share of the ammesso, with its figure as text. */
function progressBar(p, testid) {
  const value = p === null || p === undefined ? 0 : Math.min(100, Number(p));
  return h(
    'div',
    { class: 'finance-progress', 'data-testid': testid },
    h('progress', { max: '100', value: String(value), 'aria-label': tf('progressLabel', { p: percentIt(p) }) }),
    h('span', { class: 'num' }, percentIt(p)),
  );
}

// ---- The list ------------------------------------------------------------------------

export async function mount(view, ctx) {
  if (ctx.params.id === 'nuovo') return mountNew(view, ctx);
  if (ctx.params.id) return mountDetail(view, ctx);
  const list = await financeApi.list();
  if (!ctx.isCurrent()) return;
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-finanziamenti' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, tf('title')),
        h('p', { class: 'muted' }, tf('subtitle')),
        h('div', { class: 'actions' }, h('a', { href: '#/finanziamenti/nuovo', class: 'button primary', 'data-testid': 'finance-new' }, tf('newProject'))),
      ),
      list.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'finance-empty' }, tf('empty'))
        : h(
            'table',
            { class: 'data', 'data-testid': 'finance-list' },
            head([['colProject'], ['colProgrammato', true], ['colAmmesso', true], ['colVincolante', true], ['colErogato', true], ['colProgress']]),
            h(
              'tbody',
              {},
              list.map((p) =>
                h(
                  'tr',
                  { 'data-testid': 'finance-row', 'data-code': p.code },
                  h(
                    'td',
                    { class: 'finance-project' },
                    h('a', { href: `#/finanziamenti/${encodeURIComponent(p.id)}`, 'data-testid': `finance-open-${p.code}` }, h('strong', {}, p.code), ` — ${p.title}`),
                    h('div', { class: 'muted' }, p.programme),
                    h('div', { class: 'muted' }, tf('cupPeriod', { cup: p.cup, from: formatDate(p.start), to: formatDate(p.end) })),
                  ),
                  cell(formatMoney(p.amounts.programmato), 'num nowrap'),
                  cell(formatMoney(p.amounts.ammesso), 'num nowrap'),
                  cell(formatMoney(p.amounts.giuridicamente_vincolante), 'num nowrap'),
                  h('td', { class: 'num nowrap', 'data-testid': 'finance-row-erogato' }, formatMoney(p.amounts.erogato)),
                  h(
                    'td',
                    {},
                    progressBar(p.progress, 'finance-row-progress'),
                    p.warnings > 0 ? h('div', { class: 'warn-text', 'data-testid': 'finance-row-warnings' }, tf(p.warnings === 1 ? 'oneWarning' : 'manyWarnings', { n: p.warnings })) : null,
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}

// ---- The project's data (new or corrected) ----------------------------------------------

function projectForm(ctx, initial, onSaved) {
  const model = {
    id: initial?.id ?? null,
    code: initial?.code ?? null,
    title: initial?.title ?? null,
    programme: initial?.programme ?? null,
    azione: initial?.azione || null,
    cup: initial?.cup ?? null,
    rup: initial?.rup ?? null,
    attuatore: initial?.attuatore ?? null,
    start: initial?.start ?? null,
    end: initial?.end ?? null,
    programmato: initial?.programmato ?? null,
    ammesso: initial?.ammesso ?? null,
    act: initial?.act || null,
  };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'finance-project-form' },
    h('h2', {}, initial ? tf('editProject') : tf('newProject')),
    h('p', { class: 'muted' }, tf('projectHint')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'title', { label: tf('fTitle'), field: 'title', testid: 'finance-f-title', required: true, wide: true }),
      form.text(model, 'programme', { label: tf('fProgramme'), field: 'programme', testid: 'finance-f-programme', required: true, hint: tf('fProgrammeHint') }),
      form.text(model, 'azione', { label: tf('fAzione'), field: 'azione', testid: 'finance-f-azione' }),
      form.text(model, 'code', { label: tf('fCode'), field: 'code', testid: 'finance-f-code', required: true, spellcheck: false }),
      form.text(model, 'cup', { label: tf('fCup'), field: 'cup', testid: 'finance-f-cup', required: true, spellcheck: false, maxlength: 15, hint: tf('fCupHint') }),
      form.text(model, 'rup', { label: tf('fRup'), field: 'rup', testid: 'finance-f-rup', required: true }),
      form.text(model, 'attuatore', { label: tf('fAttuatore'), field: 'attuatore', testid: 'finance-f-attuatore', required: true }),
      form.date(model, 'start', { label: tf('fStart'), field: 'start', testid: 'finance-f-start', required: true }),
      form.date(model, 'end', { label: tf('fEnd'), field: 'end', testid: 'finance-f-end', required: true }),
      form.money(model, 'programmato', { label: tf('fProgrammato'), field: 'programmato', testid: 'finance-f-programmato', required: true }),
      form.money(model, 'ammesso', { label: tf('fAmmesso'), field: 'ammesso', testid: 'finance-f-ammesso', required: true, hint: tf('fAmmessoHint') }),
      form.text(model, 'act', { label: tf('fAct'), field: 'act', testid: 'finance-f-act', wide: true, hint: tf('fActHint') }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'finance-project-save' }, tf('saveProject'))),
  );
  onSubmit(el, form, ctx, async () => {
    const d = await financeApi.projectSave({ ...model });
    ctx.setDirty(false);
    ctx.toast(tf('projectSaved', { code: d.project.code }));
    onSaved(d);
  });
  return el;
}

async function mountNew(view, ctx) {
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-finanziamenti-nuovo' },
      h('a', { href: '#/finanziamenti', 'data-testid': 'finance-back' }, tf('back')),
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, tf('newProject'))),
      projectForm(ctx, null, (d) => ctx.navigate(`/finanziamenti/${d.project.id}`)),
    ),
  );
}

// ---- One project ------------------------------------------------------------------------

async function mountDetail(view, ctx) {
  const d = await financeApi.get(ctx.params.id);
  if (!ctx.isCurrent()) return;
  draw(view, ctx, d);
}

function draw(view, ctx, d) {
  const p = d.project;
  const redraw = (next) => draw(view, ctx, next);
  const editBox = h('div', { 'data-testid': 'finance-edit-box' });
  const edit = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'aria-expanded': 'false',
      'data-testid': 'finance-edit',
      onclick: () => {
        if (editBox.firstChild) {
          replace(editBox);
          edit.setAttribute('aria-expanded', 'false');
          ctx.setDirty(false);
          return;
        }
        replace(editBox, projectForm(ctx, p, redraw));
        edit.setAttribute('aria-expanded', 'true');
        const first = editBox.querySelector('input');
        if (first) first.focus();
      },
    },
    tf('editProject'),
  );
  // The report's date: today unless the office asks for an earlier
  // situation (e.g. at 31/12 for the annual report).
  const when = { on: d.amounts.on };
  const whenForm = new Form({ onChange: () => {} });
  const whenField = whenForm.date(when, 'on', { label: tf('reportOn'), field: 'on', testid: 'finance-report-on', required: true, hint: tf('reportOnHint') });
  const report = (format, text) =>
    h(
      'button',
      {
        type: 'button',
        class: format === 'pdf' ? 'primary' : 'secondary',
        'data-testid': `finance-report-${format}`,
        onclick: () => {
          if (!whenForm.validate()) return;
          financeApi.report(p.id, format, when.on).then(
            () => ctx.toast(tf(format === 'pdf' ? 'openedPdf' : 'openedSheet')),
            (e) => {
              if (!whenForm.showError(e)) ctx.showError(e);
            },
          );
        },
      },
      text,
    );
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-finanziamento', 'data-project': p.id },
      h('a', { href: '#/finanziamenti', 'data-testid': 'finance-back' }, tf('back')),
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, p.title),
        h('p', { class: 'muted' }, `${p.programme}${p.azione ? ` — ${p.azione}` : ''}`),
        h('div', { class: 'actions' }, edit),
      ),
      editBox,
      projectCard(p),
      amountsBox(
        d,
        h(
          'div',
          { class: 'finance-report', role: 'group', 'aria-label': tf('reportGroup') },
          whenField,
          h('div', { class: 'actions' }, report('pdf', tf('reportPdf')), report('csv', 'CSV'), report('xlsx', 'XLSX')),
        ),
      ),
      warningsBox(d),
      h('h2', { id: 'finance-commitments-title' }, tf('commitmentsTitle')),
      h('p', { class: 'muted' }, tf('commitmentsHint')),
      commitmentsTable(d, ctx, redraw),
      commitmentForm(d, ctx, redraw),
      h('h2', { id: 'finance-payments-title' }, tf('paymentsTitle')),
      paymentsTable(d, ctx, redraw),
      paymentForm(d, ctx, redraw),
    ),
  );
}

function projectCard(p) {
  const row = (key, value, testid) => [h('dt', {}, tf(key)), h('dd', { 'data-testid': testid }, value)];
  return h(
    'section',
    { class: 'card', 'aria-label': tf('cardLabel') },
    h(
      'dl',
      { class: 'facts', 'data-testid': 'finance-card' },
      row('fCode', p.code, 'finance-code'),
      row('fCup', h('span', { class: 'mono' }, p.cup), 'finance-cup'),
      row('fRup', p.rup, 'finance-rup'),
      row('fAttuatore', p.attuatore, 'finance-attuatore'),
      row('colPeriod', tf('period', { from: formatDate(p.start), to: formatDate(p.end) }), 'finance-period'),
      p.act ? row('fAct', p.act, 'finance-act') : null,
    ),
  );
}

function amountsBox(d, reportGroup) {
  const a = d.amounts;
  const tile = (key, value, testid) =>
    h('div', { class: 'amount-tile' }, h('dt', {}, tf(key)), h('dd', { class: 'num', 'data-testid': testid }, formatMoney(value)));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'finance-amounts-title' },
    h('h2', { id: 'finance-amounts-title' }, tf('amountsTitle', { date: formatDate(a.on) })),
    h(
      'dl',
      { class: 'amount-tiles', 'data-testid': 'finance-amounts' },
      tile('colProgrammato', a.programmato, 'finance-programmato'),
      tile('colAmmesso', a.ammesso, 'finance-ammesso'),
      tile('colVincolante', a.giuridicamente_vincolante, 'finance-vincolante'),
      tile('colErogato', a.erogato, 'finance-erogato'),
    ),
    progressBar(d.progress, 'finance-progress'),
    h('p', { class: 'muted' }, tf('amountsHint')),
    reportGroup,
  );
}

function warningsBox(d) {
  if (d.warnings.length === 0) return h('p', { class: 'ok', 'data-testid': 'finance-no-warnings' }, tf('noWarnings'));
  return h(
    'section',
    { class: 'callout warn', role: 'region', 'aria-labelledby': 'finance-warnings-title', 'data-testid': 'finance-warnings' },
    h('h2', { id: 'finance-warnings-title' }, tf('warningsTitle', { n: d.warnings.length })),
    h('ul', {}, d.warnings.map((w) => h('li', { 'data-code': w.code, 'data-record': w.record ?? '' }, w.text))),
  );
}

/** In the record's state column: "Annullato il 17/04/2019". */
function annulledState(a) {
  return h('span', { class: 'annulled-note nowrap' }, tf('annulledState', { date: formatDate(a.on) }));
}

/** Under the record's text: why, and by whom. */
function annulledReason(a) {
  return a ? h('div', { class: 'annulled-note', 'data-testid': 'finance-annulled' }, tf('annulledWhy', { by: a.by, reason: a.reason })) : null;
}

/** "Annulla…": asks the reason, then annuls (the record stays, marked). */
function annulButton(d, record, what, ctx, redraw) {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      'data-testid': `finance-annul-${record.number}`,
      'aria-label': tf('annulLabel', { what }),
      onclick: async () => {
        const reason = await askText({
          name: 'finance-annul',
          title: tf('annulTitle', { what }),
          body: tf('annulBody', { amount: formatMoney(record.amount), date: formatDate(record.date) }),
          input: { label: tf('annulReason'), multiline: true },
          cancel: { label: t('common.cancel'), id: 'cancel' },
          confirm: { label: tf('annul'), id: 'ok', className: 'danger' },
        });
        if (!reason) return;
        try {
          const next = await financeApi.annul(d.project.id, record.id, reason);
          ctx.toast(tf('annulled', { what }));
          redraw(next);
        } catch (e) {
          ctx.showError(e);
        }
      },
    },
    tf('annul'),
  );
}

function commitmentsTable(d, ctx, redraw) {
  if (d.commitments.length === 0) return h('p', { class: 'empty', 'data-testid': 'finance-no-commitments' }, tf('noCommitments'));
  const open = new Set(d.payments.filter((x) => !x.annulled).map((x) => x.commitment_id));
  return h(
    'table',
    { class: 'data', 'data-testid': 'finance-commitments', 'aria-labelledby': 'finance-commitments-title' },
    head([['colNumber'], ['colDate'], ['colAct'], ['colCreditor'], ['colAmount', true], ['colPaid', true], ['colLeft', true], ['colState']]),
    h(
      'tbody',
      {},
      d.commitments.map((c) =>
        h(
          'tr',
          { 'data-testid': 'finance-commitment-row', 'data-number': c.number, class: c.annulled ? 'annulled' : null },
          cell(c.number, 'mono nowrap'),
          cell(formatDate(c.date), 'nowrap'),
          cell(c.act),
          h('td', {}, c.creditor, c.description ? h('div', { class: 'muted' }, c.description) : null, annulledReason(c.annulled)),
          cell(formatMoney(c.amount), 'num nowrap'),
          cell(c.annulled ? '—' : formatMoney(c.paid), 'num nowrap'),
          cell(c.annulled ? '—' : formatMoney(c.left), c.left.startsWith('-') ? 'num nowrap warn' : 'num nowrap'),
          h('td', {}, c.annulled ? annulledState(c.annulled) : open.has(c.id) ? tf('valid') : annulButton(d, c, tf('commitmentN', { n: c.number }), ctx, redraw)),
        ),
      ),
    ),
  );
}

function paymentsTable(d, ctx, redraw) {
  if (d.payments.length === 0) return h('p', { class: 'empty', 'data-testid': 'finance-no-payments' }, tf('noPayments'));
  return h(
    'table',
    { class: 'data', 'data-testid': 'finance-payments', 'aria-labelledby': 'finance-payments-title' },
    head([['colMandato'], ['colDate'], ['colCommitment'], ['colCreditor'], ['colDocument'], ['colAmount', true], ['colState']]),
    h(
      'tbody',
      {},
      d.payments.map((x) =>
        h(
          'tr',
          { 'data-testid': 'finance-payment-row', 'data-number': x.number, class: x.annulled ? 'annulled' : null },
          cell(x.number, 'mono nowrap'),
          cell(formatDate(x.date), 'nowrap'),
          cell(x.commitment_number, 'mono nowrap'),
          cell(x.creditor),
          h('td', {}, x.document, annulledReason(x.annulled)),
          cell(formatMoney(x.amount), 'num nowrap'),
          h('td', {}, x.annulled ? annulledState(x.annulled) : annulButton(d, x, tf('paymentN', { n: x.number }), ctx, redraw)),
        ),
      ),
    ),
  );
}

function commitmentForm(d, ctx, redraw) {
  const model = { number: null, date: null, act: null, creditor: null, amount: null, description: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'finance-commitment-form', 'aria-labelledby': 'finance-commitment-form-title' },
    h('h3', { id: 'finance-commitment-form-title' }, tf('newCommitment')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'number', { label: tf('cNumber'), field: 'number', testid: 'finance-c-number', required: true, spellcheck: false, hint: tf('cNumberHint') }),
      form.date(model, 'date', { label: tf('cDate'), field: 'date', testid: 'finance-c-date', required: true }),
      form.text(model, 'act', { label: tf('cAct'), field: 'act', testid: 'finance-c-act', required: true, hint: tf('cActHint') }),
      form.text(model, 'creditor', { label: tf('cCreditor'), field: 'creditor', testid: 'finance-c-creditor', required: true }),
      form.money(model, 'amount', { label: tf('cAmount'), field: 'amount', testid: 'finance-c-amount', required: true }),
      form.text(model, 'description', { label: tf('cDescription'), field: 'description', testid: 'finance-c-description', required: true, wide: true, hint: tf('cDescriptionHint') }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'finance-c-record' }, tf('recordCommitment'))),
  );
  onSubmit(el, form, ctx, async () => {
    // A recorded commitment is never changed: the operator confirms it first.
    const yes = await confirmDialog({
      name: 'finance-confirm',
      title: tf('confirmCommitmentTitle'),
      body: tf('confirmCommitment', { n: model.number, date: formatDate(model.date), creditor: model.creditor, amount: formatMoney(model.amount) }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: tf('recordCommitment'), id: 'ok' },
    });
    if (!yes) return;
    const next = await financeApi.commitmentRecord({ project_id: d.project.id, ...model });
    ctx.setDirty(false);
    ctx.toast(tf('commitmentRecorded', { n: model.number }));
    redraw(next);
  });
  return el;
}

function paymentForm(d, ctx, redraw) {
  const usable = d.commitments.filter((c) => !c.annulled);
  if (usable.length === 0) return h('p', { class: 'muted', 'data-testid': 'finance-payment-needs-commitment' }, tf('paymentNeedsCommitment'));
  const model = { commitment_id: usable.length === 1 ? usable[0].id : null, number: null, date: null, amount: null, document: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'finance-payment-form', 'aria-labelledby': 'finance-payment-form-title' },
    h('h3', { id: 'finance-payment-form-title' }, tf('newPayment')),
    h(
      'div',
      { class: 'grid' },
      form.select(model, 'commitment_id', {
        label: tf('pCommitment'),
        field: 'commitment_id',
        testid: 'finance-p-commitment',
        required: true,
        wide: true,
        emptyLabel: tf('choose'),
        options: usable.map((c) => [c.id, tf('commitmentOption', { n: c.number, creditor: c.creditor, left: formatMoney(c.left) })]),
      }),
      form.text(model, 'number', { label: tf('pNumber'), field: 'number', testid: 'finance-p-number', required: true, spellcheck: false }),
      form.date(model, 'date', { label: tf('pDate'), field: 'date', testid: 'finance-p-date', required: true }),
      form.money(model, 'amount', { label: tf('pAmount'), field: 'amount', testid: 'finance-p-amount', required: true }),
      form.text(model, 'document', { label: tf('pDocument'), field: 'document', testid: 'finance-p-document', required: true, wide: true, hint: tf('pDocumentHint') }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'finance-p-record' }, tf('recordPayment'))),
  );
  onSubmit(el, form, ctx, async () => {
    const c = usable.find((x) => x.id === model.commitment_id);
    const yes = await confirmDialog({
      name: 'finance-confirm',
      title: tf('confirmPaymentTitle'),
      body: tf('confirmPayment', { n: model.number, date: formatDate(model.date), amount: formatMoney(model.amount), commitment: c ? c.number : '' }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: tf('recordPayment'), id: 'ok' },
    });
    if (!yes) return;
    const next = await financeApi.paymentRecord({ project_id: d.project.id, ...model });
    ctx.setDirty(false);
    ctx.toast(tf('paymentRecorded', { n: model.number, erogato: formatMoney(next.amounts.erogato) }));
    redraw(next);
  });
  return el;
}
