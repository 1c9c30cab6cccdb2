// The appeals against a published ranking: filing and deciding.

import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { applicationFields } from './call-applications.js';
import { callsApi, tc } from './calls-common.js';

// ---- Ricorsi -------------------------------------------------------------------

function outcomeText(a) {
  const o = a.outcome;
  if (o.outcome === 'upheld') return `${tc('appeals.upheld', { date: formatDate(o.decided_on) })}: ${o.note}`;
  if (o.outcome === 'rejected') return `${tc('appeals.rejected', { date: formatDate(o.decided_on) })}: ${o.note}`;
  return tc('appeals.pending');
}

export async function appeals(body, c, ctx, reload) {
  const parts = [h('h2', {}, tc('appeals.listTitle'))];
  if (c.appeals.length === 0) {
    parts.push(h('p', { class: 'empty', 'data-testid': 'appeals-empty' }, tc('appeals.empty')));
  } else {
    parts.push(
      h(
        'table',
        { class: 'data', 'data-testid': 'appeals-table' },
        h('thead', {}, h('tr', {}, ['colId', 'colProtocol', 'colVersion', 'colFiled', 'colGrounds', 'colDocuments', 'colOutcome'].map((k) => h('th', { scope: 'col' }, tc(`appeals.${k}`))))),
        h(
          'tbody',
          {},
          c.appeals.map((a) =>
            h(
              'tr',
              { 'data-testid': 'appeal-row', 'data-appeal-id': a.id, 'data-outcome': a.outcome.outcome },
              h('td', { class: 'num' }, String(a.id)),
              h('td', { class: 'mono' }, a.protocol),
              h('td', { class: 'num' }, String(a.against_version)),
              h('td', { class: 'nowrap' }, formatDate(a.filed_on)),
              h('td', {}, a.grounds),
              h('td', {}, h('ul', { class: 'plain' }, a.documents.map((d) => h('li', {}, d)))),
              h('td', { 'data-testid': 'appeal-outcome' }, outcomeText(a)),
            ),
          ),
        ),
      ),
    );
  }
  for (const a of c.appeals.filter((x) => x.outcome.outcome === 'pending')) {
    parts.push(c.can_decide ? decideForm(c, a, ctx, reload) : h('p', { class: 'muted' }, tc('appeals.notAllowed')));
  }
  parts.push(fileForm(c, ctx, reload));
  replace(body, parts);
}

function fileForm(c, ctx, reload) {
  if (c.versions === 0) return h('p', { class: 'callout', 'data-testid': 'appeals-not-published' }, tc('appeals.notPublished'));
  const model = { protocol: null, filed_on: ctx.session?.today ?? null, grounds: null, documents: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'appeal-form' },
    h('h2', {}, tc('appeals.fileTitle')),
    h('p', { class: 'muted' }, tc('appeals.deadline', { n: c.versions, date: formatDate(c.appeal_deadline) })),
    h(
      'div',
      { class: 'grid' },
      form.select(model, 'protocol', {
        label: tc('appeals.protocol'),
        field: 'protocol',
        testid: 'appeal-protocol',
        required: true,
        emptyLabel: tc('appeals.chooseProtocol'),
        options: c.applications.map((a) => [a.protocol, a.protocol]),
      }),
      form.date(model, 'filed_on', { label: tc('appeals.filedOn'), field: 'filed_on', testid: 'appeal-filed-on', required: true }),
      form.text(model, 'grounds', { label: tc('appeals.grounds'), field: 'grounds', testid: 'appeal-grounds', required: true, multiline: true, wide: true }),
      form.text(model, 'documents', { label: tc('appeals.documents'), field: 'documents', testid: 'appeal-documents', multiline: true, wide: true }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'appeal-file' }, tc('appeals.file'))),
  );
  onSubmit(el, form, ctx, async () => {
    const documents = String(model.documents ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const a = await callsApi.appealFile({ call_id: c.id, protocol: model.protocol, filed_on: model.filed_on, grounds: model.grounds, documents });
    ctx.setDirty(false);
    ctx.toast(tc('appeals.filed', { id: a.id }));
    reload();
  });
  return el;
}

function decideForm(c, appeal, ctx, reload) {
  const app = c.applications.find((a) => a.protocol === appeal.protocol) || {};
  const corrected = {
    submitted_on: app.submitted_on ?? null,
    birth_date: app.birth_date ?? null,
    isee: app.isee ?? null,
    isee_expires_on: app.isee_expires_on ?? null,
    resident: Boolean(app.resident),
    continuation: Boolean(app.continuation),
    non_self_sufficient: Boolean(app.non_self_sufficient),
    independent_living: Boolean(app.independent_living),
    other_interventions: Boolean(app.other_interventions),
    amount: app.amount ?? null,
  };
  const model = { outcome: 'upheld', decided_on: ctx.session?.today ?? null, note: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const correctedBox = h(
    'fieldset',
    { class: 'field wide', 'data-testid': `appeal-${appeal.id}-corrected` },
    h('legend', {}, tc('appeals.corrected')),
    h('div', { class: 'grid' }, applicationFields(form, corrected, 'corrected.', `appeal-${appeal.id}-corrected-`)),
  );
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': `appeal-${appeal.id}-decide-form` },
    h('h2', {}, tc('appeals.decideTitle', { id: appeal.id, protocol: appeal.protocol })),
    h(
      'div',
      { class: 'grid' },
      form.select(model, 'outcome', {
        label: tc('appeals.outcome'),
        field: 'outcome',
        testid: `appeal-${appeal.id}-outcome`,
        required: true,
        allowEmpty: false,
        options: [
          ['upheld', tc('appeals.outcomeUpheld')],
          ['rejected', tc('appeals.outcomeRejected')],
        ],
        onChange: (v) => {
          correctedBox.hidden = v !== 'upheld';
        },
      }),
      form.date(model, 'decided_on', { label: tc('appeals.decidedOn'), field: 'decided_on', testid: `appeal-${appeal.id}-decided-on`, required: true }),
      form.text(model, 'note', { label: tc('appeals.note'), field: 'note', testid: `appeal-${appeal.id}-note`, required: true, multiline: true, wide: true }),
      correctedBox,
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': `appeal-${appeal.id}-decide` }, tc('appeals.decide'))),
  );
  onSubmit(el, form, ctx, async () => {
      await callsApi.appealDecide({
        call_id: c.id,
        appeal_id: appeal.id,
        decided_on: model.decided_on,
        outcome: model.outcome,
        note: model.note,
        corrected: model.outcome === 'upheld' ? { ...corrected } : null,
      });
      ctx.setDirty(false);
      ctx.toast(tc('appeals.decided'));
      reload();
  });
  return el;
}
