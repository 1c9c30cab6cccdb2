// The draft ranking of a call, its explanations, and the publication.

import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form } from '../forms.js';
import { t } from '../i18n.js';
import { callsApi, fail, rulesLabel, scoreIt, statusLabel, tc } from './calls-common.js';

// ---- Graduatoria ---------------------------------------------------------------

function rankingTable(rows, kind, onExplain) {
  if (rows.length === 0) return h('p', { class: 'empty' }, tc('ranking.none'));
  const admitted = kind !== 'not_admitted';
  const heads = admitted ? ['colPosition', 'colProtocol', 'colScore', 'colPoints', 'colAmount', 'colTie', null] : ['colProtocol', 'colReasons', null];
  return h(
    'table',
    { class: 'data', 'data-testid': `ranking-${kind}` },
    h('thead', {}, h('tr', {}, heads.map((k) => (k ? h('th', { scope: 'col' }, tc(`ranking.${k}`)) : h('td', {}))))),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { 'data-testid': 'ranking-row', 'data-protocol': r.protocol, 'data-status': r.status },
          admitted ? h('td', { class: 'num' }, String(r.position)) : null,
          h('td', { class: 'mono', 'data-testid': 'ranking-protocol' }, r.protocol),
          admitted ? h('td', { class: 'num', 'data-testid': 'ranking-score' }, scoreIt(r.score)) : null,
          admitted && r.points ? h('td', { class: 'num nowrap' }, [r.points.continuation, r.points.isee, r.points.bonus].map(scoreIt).join(' / ')) : null,
          admitted ? h('td', { class: 'num nowrap' }, formatMoney(r.status === 'funded' ? r.amount : r.requested)) : null,
          admitted ? h('td', {}, r.tie_break ?? '') : null,
          admitted ? null : h('td', {}, h('ul', { class: 'plain' }, r.reasons.map((x) => h('li', {}, x.text)))),
          h('td', {}, h('button', { type: 'button', class: 'link', 'data-testid': 'ranking-explain', onclick: () => onExplain(r) }, tc('ranking.explain'))),
        ),
      ),
    ),
  );
}

/** The three lists with a filter (protocol text, list), and the explanation of one row. */
export function rankingLists(view, testid) {
  const filter = { text: '', list: 'all' };
  const explanation = h('div', { 'data-testid': `${testid}-explanation` });
  const lists = h('div', {});
  const onExplain = (r) => {
    replace(
      explanation,
      h(
        'div',
        { class: 'card', 'data-testid': 'explanation' },
        h('h3', {}, tc('ranking.explanationTitle', { protocol: r.protocol, status: statusLabel(r.status) })),
        r.tie_break ? h('p', {}, r.tie_break) : null,
        h('ul', { class: 'plain' }, r.explanation.map((line) => h('li', {}, line))),
      ),
    );
    explanation.scrollIntoView({ block: 'nearest' });
  };
  const drawLists = () => {
    const match = (r) => r.protocol.toLowerCase().includes(filter.text.toLowerCase());
    const section = (kind, key, rows) =>
      filter.list === 'all' || filter.list === kind
        ? [h('h3', {}, `${tc(`ranking.${key}`)} (${rows.filter(match).length})`), rankingTable(rows.filter(match), kind, onExplain)]
        : null;
    replace(
      lists,
      section('funded', 'funded', view.funded),
      section('admitted_not_funded', 'notFunded', view.admitted_not_funded),
      section('not_admitted', 'notAdmitted', view.not_admitted),
    );
  };
  const text = h('input', { type: 'search', id: `${testid}-filter`, 'data-testid': `${testid}-filter`, autocomplete: 'off' });
  text.addEventListener('input', () => {
    filter.text = text.value.trim();
    drawLists();
  });
  const select = h(
    'select',
    { id: `${testid}-list`, 'data-testid': `${testid}-list` },
    [
      ['all', tc('ranking.all')],
      ['funded', tc('ranking.funded')],
      ['admitted_not_funded', tc('ranking.notFunded')],
      ['not_admitted', tc('ranking.notAdmitted')],
    ].map(([v, l]) => h('option', { value: v }, l)),
  );
  select.addEventListener('change', () => {
    filter.list = select.value;
    drawLists();
  });
  drawLists();
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'grid' },
      h('div', { class: 'field' }, h('label', { for: `${testid}-filter` }, tc('ranking.filter')), text),
      h('div', { class: 'field' }, h('label', { for: `${testid}-list` }, tc('ranking.show')), select),
    ),
    lists,
    explanation,
  );
}

function totals(view, c) {
  return tc('ranking.totals', {
    budget: formatMoney(view.budget),
    allocated: formatMoney(view.allocated),
    remaining: formatMoney(view.remaining),
    rules: rulesLabel(c, view.rule_set),
  });
}

// The office's table, as CSV or as an Excel workbook (the same rows).
function exportButton(c, ctx, version, label) {
  const which = version === null ? 'draft' : 'published';
  const button = (format, testid, text) =>
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-testid': testid,
        onclick: () => callsApi.exportCsv(c.id, version, format).then(() => ctx.toast(tc('ranking.exported')), (e) => ctx.showError(e)),
      },
      text,
    );
  return h(
    'div',
    { class: 'actions' },
    button('csv', `ranking-export-${which}`, label),
    button('xlsx', `ranking-export-${which}-xlsx`, tc('ranking.exportXlsx')),
  );
}

export async function ranking(body, c, ctx) {
  // A new version is due before the first publication and after an upheld
  // appeal; otherwise the tab shows the version in force, as published.
  const due = c.versions === 0 || c.upheld_not_published.length > 0;
  if (!due) {
    const list = await callsApi.versions(c.id);
    if (!ctx.isCurrent()) return;
    const v = list[list.length - 1];
    replace(body, [
      h('h2', { 'data-testid': 'ranking-title' }, tc('ranking.publishedTitle', { n: v.version, date: formatDate(v.published_on) })),
      h('p', { class: 'muted', 'data-testid': 'ranking-totals' }, totals(v.ranking, c)),
      h('p', { class: 'muted', 'data-testid': 'ranking-in-force' }, tc('ranking.nothingNew')),
      exportButton(c, ctx, v.version, tc('ranking.exportDraft')),
      rankingLists(v.ranking, 'published'),
    ]);
    return;
  }
  const draft = await callsApi.draft(c.id);
  if (!ctx.isCurrent()) return;
  const title = c.versions === 0 ? tc('ranking.draftTitle') : tc('ranking.nextTitle', { n: c.versions + 1, current: c.versions });
  const parts = [h('h2', { 'data-testid': 'ranking-title' }, title), h('p', { class: 'muted', 'data-testid': 'ranking-totals' }, totals(draft, c))];
  parts.push(exportButton(c, ctx, null, tc('ranking.exportDraft')));
  if (c.upheld_not_published.length > 0) {
    parts.push(h('p', { class: 'callout', 'data-testid': 'upheld-pending' }, tc('ranking.upheldPending', { list: c.upheld_not_published.map((n) => `n. ${n}`).join(', ') })));
  }
  parts.push(rankingLists(draft, 'draft'));
  // "Pubblica" comes after the ranking it publishes: the coordinator reads
  // the lists first, then freezes them.
  if (!c.can_publish) {
    parts.push(h('p', { class: 'muted', 'data-testid': 'publish-not-allowed' }, tc('ranking.notAllowed')));
  } else {
    parts.push(publishForm(c, ctx));
  }
  replace(body, parts);
}

function publishForm(c, ctx) {
  const model = { published_on: ctx.session?.today ?? null };
  const form = new Form({ onChange: () => {} });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'publish-form' },
    h('h2', {}, tc('ranking.publishTitle')),
    h('div', { class: 'grid' }, form.date(model, 'published_on', { label: tc('ranking.publishedOn'), field: 'published_on', testid: 'publish-date', required: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'publish' }, tc('ranking.publish'))),
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    ctx.showError(null);
    if (!form.validate()) return;
    const ok = await confirmDialog({
      name: 'confirm',
      title: tc('ranking.confirmTitle'),
      body: tc('ranking.confirmBody', { n: c.versions + 1, date: formatDate(model.published_on) }),
      cancel: { label: t('common.cancel'), id: 'cancel' },
      confirm: { label: tc('ranking.confirm'), id: 'ok' },
    });
    if (!ok) return;
    try {
      const v = await callsApi.publish(c.id, model.published_on);
      ctx.toast(tc('ranking.published', { n: v.version, date: formatDate(v.appeal_deadline) }));
      ctx.navigate(`/avvisi/${c.id}/versioni`);
    } catch (err) {
      fail(ctx, form)(err);
    }
  });
  return el;
}
