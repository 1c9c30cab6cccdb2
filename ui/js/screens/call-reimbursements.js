// Paying what the ranking awarded (rules.md §7): the "Rimborsi" tab of a call
// (the awards of the funded applications, the elenchi di liquidazione) and the
// page of one award (#/avvisi/:id/rimborsi/:award: its months, the claims
// decided, a new claim entered at the desk, the family's statement).

import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit, showFormError } from '../forms.js';
import { filePicker } from '../file-picker.js';
import { t } from '../i18n.js';
import { fileBase64, refusedReport } from './call-applications.js';
import { callsApi, tc } from './calls-common.js';

/** "2019-07" → "07/2019". */
export function monthIt(m) {
  const x = /^(\d{4})-(\d{2})$/.exec(String(m ?? ''));
  return x ? `${x[2]}/${x[1]}` : String(m ?? '');
}

function periodIt(a) {
  return tc('reimb.period', { from: monthIt(a.first_month), to: monthIt(a.last_month) });
}

const cell = (text, cls) => h('td', cls ? { class: cls } : {}, text);
// Amounts are right-aligned, their headings too.
const NUMERIC = new Set(['colPosition', 'colFunded', 'colReimbursed', 'colLeft', 'colRows', 'colTotal', 'colAmount', 'colAccepted', 'colCap']);
const head = (keys) =>
  h('thead', {}, h('tr', {}, keys.map((k) => h('th', { scope: 'col', class: NUMERIC.has(k) ? 'num' : null }, tc(`reimb.${k}`)))));

/** "IT60 X054 … 3456": the table's short form (the award's page shows it whole). */
function ibanShort(iban) {
  const s = String(iban).replace(/\s/g, '');
  return s.length > 12 ? `${s.slice(0, 4)} ${s.slice(4, 8)} … ${s.slice(-4)}` : iban;
}

// ---- The tab -------------------------------------------------------------------------

export async function reimbursements(body, c, ctx, reload) {
  if (c.versions === 0) {
    replace(body, h('p', { class: 'callout', 'data-testid': 'reimb-not-published' }, tc('reimb.notPublished')));
    return;
  }
  const r = await callsApi.reimbursements(c.id);
  if (!ctx.isCurrent()) return;
  replace(body, [
    h('h2', {}, tc('reimb.awardsTitle', { n: r.version })),
    h('p', { class: 'muted' }, tc('reimb.awardsHint')),
    awardsTable(c, r),
    r.can_award ? awardForm(c, r, ctx, reload) : h('p', { class: 'muted', 'data-testid': 'reimb-award-not-allowed' }, tc('reimb.awardNotAllowed')),
    r.awards.some((a) => a.award) ? importCard(c, ctx, reload) : null,
    h('h2', {}, tc('reimb.listsTitle')),
    h('p', { 'data-testid': 'reimb-to-liquidate' }, r.to_liquidate === 0 ? tc('reimb.nothingToLiquidate') : tc('reimb.toLiquidate', { n: r.to_liquidate, total: formatMoney(r.to_liquidate_total) })),
    r.can_issue && r.to_liquidate > 0 ? issueForm(c, r, ctx, reload) : null,
    listsTable(r, ctx),
  ]);
}

function awardsTable(c, r) {
  if (r.awards.length === 0) return h('p', { class: 'empty', 'data-testid': 'reimb-no-funded' }, tc('reimb.noFunded'));
  return h(
    'table',
    { class: 'data', 'data-testid': 'reimb-awards' },
    head(['colPosition', 'colProtocol', 'colBeneficiary', 'colFunded', 'colPeriod', 'colIban', 'colReimbursed', 'colLeft', 'colClaims']),
    h(
      'tbody',
      {},
      r.awards.map((x) => {
        const a = x.award;
        return h(
          'tr',
          { 'data-testid': 'reimb-award-row', 'data-protocol': x.protocol, 'data-award': a ? a.id : '' },
          cell(String(x.position), 'num'),
          cell(x.protocol, 'mono'),
          cell(x.beneficiary || '—'),
          cell(formatMoney(x.funded_amount), 'num'),
          cell(a ? periodIt(a) : tc('reimb.notSet'), 'nowrap'),
          a && a.iban ? h('td', { class: 'mono nowrap', title: a.iban }, ibanShort(a.iban)) : cell(a ? tc('reimb.ibanMissing') : '—'),
          cell(a ? formatMoney(a.reimbursed) : '—', 'num'),
          cell(a ? formatMoney(a.left) : '—', 'num'),
          h(
            'td',
            {},
            a
              ? h('a', { href: `#/avvisi/${encodeURIComponent(c.id)}/rimborsi/${encodeURIComponent(a.id)}`, 'data-testid': `reimb-open-${x.protocol}` }, tc('reimb.openClaims', { n: a.claims }))
              : '—',
            a && a.amount_differs ? h('div', { class: 'field-error', 'data-testid': 'reimb-amount-differs' }, tc('reimb.amountDiffers', { amount: formatMoney(a.amount) })) : null,
          ),
        );
      }),
    ),
  );
}

function awardForm(c, r, ctx, reload) {
  // Every funded application: the period of one with claims stays, its IBAN
  // and holder can still be corrected.
  const open = r.awards;
  if (open.length === 0) return null;
  const model = { protocol: null, first_month: null, last_month: null, iban: null, holder_name: null, holder_cf: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const fill = (protocol) => {
    const a = (r.awards.find((x) => x.protocol === protocol) || {}).award;
    if (!a) return;
    for (const [k, v] of [['first_month', monthIt(a.first_month)], ['last_month', monthIt(a.last_month)], ['iban', a.iban || ''], ['holder_name', a.holder_name || ''], ['holder_cf', a.holder_cf || '']]) {
      model[k] = v;
      const input = el.querySelector(`[data-field="${k}"]`);
      if (input) input.value = v;
    }
  };
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'reimb-award-form' },
    h('h3', {}, tc('reimb.awardTitle')),
    h('p', { class: 'muted' }, tc('reimb.awardHint')),
    h(
      'div',
      { class: 'grid' },
      form.select(model, 'protocol', {
        label: tc('reimb.protocol'),
        field: 'protocol',
        testid: 'reimb-award-protocol',
        required: true,
        emptyLabel: tc('reimb.choose'),
        options: open.map((x) => [x.protocol, `${x.protocol} — ${x.beneficiary || tc('reimb.noName')} — ${formatMoney(x.funded_amount)}`]),
        onChange: fill,
      }),
      form.text(model, 'first_month', { label: tc('reimb.firstMonth'), field: 'first_month', testid: 'reimb-award-first', required: true, placeholder: 'mm/aaaa', hint: tc('reimb.monthHint') }),
      form.text(model, 'last_month', { label: tc('reimb.lastMonth'), field: 'last_month', testid: 'reimb-award-last', required: true, placeholder: 'mm/aaaa' }),
      form.text(model, 'iban', { label: tc('reimb.iban'), field: 'iban', testid: 'reimb-award-iban', wide: true, spellcheck: false }),
      form.text(model, 'holder_name', { label: tc('reimb.holderName'), field: 'holder_name', testid: 'reimb-award-holder-name', hint: tc('reimb.holderHint') }),
      form.text(model, 'holder_cf', { label: tc('reimb.holderCf'), field: 'holder_cf', testid: 'reimb-award-holder-cf', spellcheck: false }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'reimb-award-save' }, tc('reimb.awardSave'))),
  );
  onSubmit(el, form, ctx, async () => {
    await callsApi.awardSave({ call_id: c.id, ...model });
    ctx.setDirty(false);
    ctx.toast(tc('reimb.awardSaved', { protocol: model.protocol }));
    reload();
  });
  return el;
}

function issueForm(c, r, ctx, reload) {
  const model = { issued_on: ctx.session?.today ?? null };
  const form = new Form({ onChange: () => {} });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'reimb-issue-form' },
    h('div', { class: 'grid' }, form.date(model, 'issued_on', { label: tc('reimb.issuedOn'), field: 'issued_on', testid: 'reimb-issue-date', required: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'reimb-issue' }, tc('reimb.issue'))),
  );
  onSubmit(el, form, ctx, async () => {
    // An issued list is never changed: the operator says yes knowing it.
    const yes = await confirmDialog({
      name: 'confirm',
      title: tc('reimb.issueConfirmTitle'),
      body: tc('reimb.issueConfirm', { n: r.to_liquidate, total: formatMoney(r.to_liquidate_total), date: formatDate(model.issued_on) }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: tc('reimb.issue'), id: 'ok' },
    });
    if (!yes) return;
    const l = await callsApi.liquidationIssue(c.id, model.issued_on);
    ctx.toast(tc('reimb.issued', { n: l.number, total: formatMoney(l.total) }));
    reload();
  });
  return el;
}

/** The claims the office keeps in a spreadsheet: checked whole first (what
 * would be recorded, or every refused cell with its line), then recorded
 * together after a confirmation, each decided as the desk's form decides it. */
function importCard(c, ctx, reload) {
  const report = h('div', { 'data-testid': 'claims-import-report', 'aria-live': 'polite' });
  const file = filePicker({ id: 'claims-file', label: tc('reimb.importFile'), accept: '.csv,text/csv' });
  const check = async () => {
    ctx.showError(null);
    const f = file.file();
    if (!f) {
      ctx.showError({ code: 'invalid', message: tc('reimb.importNoFile') });
      return;
    }
    try {
      const b64 = await fileBase64(f);
      const out = await callsApi.claimsImport(c.id, b64, false);
      if (!out.saved && out.refused.length > 0) {
        replace(report, refusedReport(out));
        return;
      }
      const record = h('button', { type: 'button', class: 'primary', 'data-testid': 'claims-import-record' }, tc('reimb.importRecord', { n: out.claims.length }));
      record.addEventListener('click', async () => {
        const yes = await confirmDialog({
          name: 'confirm',
          title: tc('reimb.importConfirmTitle'),
          body: tc('reimb.importConfirm', { n: out.claims.length, docs: out.rows_read }),
          cancel: { label: t('common.cancel'), id: 'cancel' },
          confirm: { label: tc('reimb.importRecord', { n: out.claims.length }), id: 'ok' },
        });
        if (!yes) return;
        try {
          const done = await callsApi.claimsImport(c.id, b64, true);
          ctx.toast(done.summary);
          reload();
        } catch (err) {
          ctx.showError(err);
        }
      });
      replace(
        report,
        h(
          'div',
          { class: 'callout', 'data-testid': 'claims-import-ready' },
          h('p', {}, out.summary),
          h('p', { class: 'muted' }, out.read_as),
          h(
            'table',
            { class: 'data' },
            h('thead', {}, h('tr', {}, ['importColLine', 'importColProtocol', 'importColBeneficiary', 'importColReceived', 'importColDocuments', 'importColClaimed'].map((k) => h('th', { scope: 'col' }, tc(`reimb.${k}`))))),
            h(
              'tbody',
              {},
              out.claims.map((cl) =>
                h(
                  'tr',
                  { 'data-testid': 'claims-import-row', 'data-protocol': cl.protocol },
                  h('td', { class: 'num' }, String(cl.line)),
                  h('td', { class: 'mono' }, cl.protocol),
                  h('td', {}, cl.beneficiary ?? t('common.none')),
                  h('td', { class: 'nowrap' }, formatDate(cl.received_on)),
                  h('td', { class: 'num' }, String(cl.documents)),
                  h('td', { class: 'num nowrap' }, formatMoney(cl.claimed)),
                ),
              ),
            ),
          ),
          h('div', { class: 'form-actions' }, record),
        ),
      );
    } catch (err) {
      ctx.showError(err);
    }
  };
  return h(
    'div',
    { class: 'card', 'data-testid': 'claims-import' },
    h('h2', {}, tc('reimb.importTitle')),
    h('p', { class: 'muted' }, tc('reimb.importHint')),
    file.element,
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'claims-import-check', onclick: check }, tc('reimb.importCheck'))),
    report,
  );
}

function listsTable(r, ctx) {
  if (r.liquidations.length === 0) return h('p', { class: 'empty', 'data-testid': 'reimb-no-lists' }, tc('reimb.noLists'));
  const open = (l, format) => () =>
    callsApi.liquidationOpen(l.id, format).then(
      () => ctx.toast(tc(format === 'pdf' ? 'reimb.openedPdf' : 'reimb.openedSheet')),
      (e) => ctx.showError(e),
    );
  const button = (l, format, text) =>
    h('button', { type: 'button', class: 'secondary', 'data-testid': `reimb-list-${l.number}-${format}`, onclick: open(l, format) }, text);
  return h(
    'table',
    { class: 'data', 'data-testid': 'reimb-lists' },
    head(['colList', 'colIssuedOn', 'colRows', 'colTotal', 'colOpen']),
    h(
      'tbody',
      {},
      r.liquidations.map((l) =>
        h(
          'tr',
          { 'data-testid': 'reimb-list-row', 'data-number': String(l.number) },
          cell(tc('reimb.listName', { n: l.number })),
          cell(formatDate(l.issued_on), 'nowrap'),
          cell(String(l.rows), 'num'),
          cell(formatMoney(l.total), 'num'),
          h('td', { class: 'actions' }, button(l, 'pdf', 'PDF'), button(l, 'csv', 'CSV'), button(l, 'xlsx', 'XLSX')),
        ),
      ),
    ),
  );
}

// ---- One award: its claims ------------------------------------------------------------

function reasonsList(d) {
  if (!d.reasons.length) return null;
  return h('ul', { class: 'plain reasons' }, d.reasons.map((x) => h('li', { 'data-code': x.code }, x.text)));
}

function documentsTable(docs, testid) {
  return h(
    'table',
    { class: 'data', 'data-testid': testid },
    head(['colType', 'colIssuer', 'colNumber', 'colDate', 'colMonth', 'colAmount', 'colAccepted']),
    h(
      'tbody',
      {},
      docs.map((d) =>
        h(
          'tr',
          { 'data-testid': 'reimb-doc-row', 'data-accepted': d.accepted, 'data-codes': d.reasons.map((x) => x.code).join(' ') },
          h('td', {}, d.kind_label || d.type, reasonsList(d)),
          cell(d.issuer, 'mono'),
          cell(d.number),
          cell(formatDate(d.date), 'nowrap'),
          cell(monthIt(d.month)),
          cell(formatMoney(d.amount), 'num'),
          cell(formatMoney(d.accepted), 'num'),
        ),
      ),
    ),
  );
}

function monthsTable(months) {
  return h(
    'table',
    { class: 'data compact', 'data-testid': 'reimb-months' },
    head(['colMonth', 'colCap', 'colReimbursed', 'colLeft']),
    h(
      'tbody',
      {},
      months.map((m) =>
        h('tr', { 'data-month': m.month }, cell(monthIt(m.month)), cell(formatMoney(m.cap), 'num'), cell(formatMoney(m.reimbursed), 'num'), cell(formatMoney(m.left), 'num')),
      ),
    ),
  );
}

export async function awardPage(body, c, ctx, reload) {
  const a = await callsApi.awardClaims(ctx.params.award);
  if (!ctx.isCurrent()) return;
  const back = h('a', { href: `#/avvisi/${encodeURIComponent(c.id)}/rimborsi`, 'data-testid': 'reimb-back' }, tc('reimb.back'));
  const statement = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'reimb-statement',
      onclick: () => callsApi.statement(a.award.id).then(() => ctx.toast(tc('reimb.openedPdf')), (e) => ctx.showError(e)),
    },
    tc('reimb.statement'),
  );
  const claims = a.claims.length
    ? a.claims.map((x) =>
        h(
          'section',
          { class: 'card', 'data-testid': 'reimb-claim', 'data-number': String(x.number) },
          h('h3', {}, tc('reimb.claimTitle', { n: x.number, date: formatDate(x.received_on), total: formatMoney(x.reimbursed) })),
          h('p', { class: 'muted', 'data-testid': 'reimb-claim-list' }, x.liquidation ? tc('reimb.inList', { n: x.liquidation[0], date: formatDate(x.liquidation[1]) }) : tc('reimb.notInList')),
          documentsTable(x.documents, `reimb-claim-${x.number}-docs`),
        ),
      )
    : [h('p', { class: 'empty', 'data-testid': 'reimb-no-claims' }, tc('reimb.noClaims'))];
  replace(body, [
    back,
    h('h2', { 'data-testid': 'reimb-award-title' }, tc('reimb.awardPageTitle', { protocol: a.protocol, name: a.beneficiary || tc('reimb.noName') })),
    h(
      'p',
      { 'data-testid': 'reimb-award-summary' },
      tc('reimb.awardSummary', {
        measure: a.measure_title,
        amount: formatMoney(a.award.amount),
        period: periodIt(a.award),
        reimbursed: formatMoney(a.award.reimbursed),
        left: formatMoney(a.award.left),
      }),
    ),
    h('p', { class: 'muted' }, a.award.iban ? tc('reimb.ibanIs', { iban: a.award.iban }) : tc('reimb.noIban'), a.award.holder_name ? ` ${tc('reimb.holderIs', { name: a.award.holder_name })}` : ''),
    h('div', { class: 'actions spaced' }, statement),
    h('h3', {}, tc('reimb.monthsTitle')),
    monthsTable(a.months),
    h('h3', {}, tc('reimb.claimsTitle')),
    ...claims,
    claimForm(a, ctx, reload),
  ]);
}

/** One document's row of the new claim: its fields, bound to `d`. */
function documentFields(form, d, i, types) {
  const p = `documents[${i}].`;
  return h(
    'fieldset',
    { class: 'field wide doc-row', 'data-testid': `reimb-new-doc-${i}` },
    h('legend', {}, tc('reimb.documentN', { n: i + 1 })),
    h(
      'div',
      { class: 'grid' },
      form.select(d, 'type', { label: tc('reimb.docType'), field: `${p}type`, testid: `reimb-doc-${i}-type`, required: true, emptyLabel: tc('reimb.choose'), options: types.map((x) => [x.code, x.label]) }),
      form.text(d, 'issuer', { label: tc('reimb.docIssuer'), field: `${p}issuer`, testid: `reimb-doc-${i}-issuer`, required: true, spellcheck: false, hint: tc('reimb.docIssuerHint') }),
      form.text(d, 'number', { label: tc('reimb.docNumber'), field: `${p}number`, testid: `reimb-doc-${i}-number`, required: true }),
      form.date(d, 'date', { label: tc('reimb.docDate'), field: `${p}date`, testid: `reimb-doc-${i}-date`, required: true }),
      form.text(d, 'month', { label: tc('reimb.docMonth'), field: `${p}month`, testid: `reimb-doc-${i}-month`, required: true, placeholder: 'mm/aaaa' }),
      form.money(d, 'amount', { label: tc('reimb.docAmount'), field: `${p}amount`, testid: `reimb-doc-${i}-amount`, required: true }),
    ),
  );
}

function claimForm(a, ctx, reload) {
  const model = { received_on: ctx.session?.today ?? null, documents: [{}] };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const rows = h('div', { 'data-testid': 'reimb-new-docs' });
  const outcome = h('div', { 'data-testid': 'reimb-preview', 'aria-live': 'polite' });
  const drawRows = () => {
    form.reset();
    replace(rows, model.documents.map((d, i) => documentFields(form, d, i, a.document_types)));
    replace(dateBox, form.date(model, 'received_on', { label: tc('reimb.receivedOn'), field: 'received_on', testid: 'reimb-received-on', required: true }));
  };
  const dateBox = h('div', { class: 'grid' });
  const addDoc = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'reimb-add-doc',
      onclick: () => {
        model.documents.push({});
        drawRows();
        const first = rows.querySelector(`[data-testid="reimb-doc-${model.documents.length - 1}-type"]`);
        if (first) first.focus();
      },
    },
    tc('reimb.addDocument'),
  );
  const removeDoc = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'reimb-remove-doc',
      onclick: () => {
        if (model.documents.length > 1) {
          model.documents.pop();
          drawRows();
        }
      },
    },
    tc('reimb.removeDocument'),
  );
  const claim = () => ({
    award_id: a.award.id,
    received_on: model.received_on,
    documents: model.documents.map((d) => ({ type: d.type ?? null, issuer: d.issuer ?? null, number: d.number ?? null, date: d.date ?? null, month: d.month ?? null, amount: d.amount ?? null })),
  });
  const preview = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'reimb-preview-button',
      onclick: async () => {
        try {
          const d = await callsApi.claimPreview(claim());
          replace(outcome, [h('h4', {}, tc('reimb.previewTitle', { total: formatMoney(d.total) })), documentsTable(d.documents, 'reimb-preview-docs')]);
        } catch (e) {
          showFormError(form, ctx, e);
        }
      },
    },
    tc('reimb.preview'),
  );
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'reimb-claim-form' },
    h('h3', {}, tc('reimb.newClaim')),
    h('p', { class: 'muted' }, tc('reimb.newClaimHint')),
    dateBox,
    rows,
    h('div', { class: 'actions' }, addDoc, removeDoc),
    outcome,
    h('div', { class: 'form-actions' }, preview, h('button', { type: 'submit', class: 'primary', 'data-testid': 'reimb-record' }, tc('reimb.record'))),
  );
  drawRows();
  onSubmit(el, form, ctx, async () => {
    const d = await callsApi.claimPreview(claim());
    replace(outcome, [h('h4', {}, tc('reimb.previewTitle', { total: formatMoney(d.total) })), documentsTable(d.documents, 'reimb-preview-docs')]);
    // A recorded claim is never changed: the operator sees the decision first.
    const yes = await confirmDialog({
      name: 'confirm',
      title: tc('reimb.recordConfirmTitle'),
      body: tc('reimb.recordConfirm', { total: formatMoney(d.total), n: model.documents.length }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: tc('reimb.record'), id: 'ok' },
    });
    if (!yes) return;
    const saved = await callsApi.claimRecord(claim());
    ctx.setDirty(false);
    ctx.toast(tc('reimb.recorded', { n: saved.number, total: formatMoney(saved.total) }));
    reload();
  });
  return el;
}
