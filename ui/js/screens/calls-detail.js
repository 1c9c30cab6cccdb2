// One call: its applications (CSV import, typed entry), the draft ranking with
// its explanations and the publication, the published versions side by side with
// what changed and why, and the appeals.

import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { t } from '../i18n.js';
import { Form } from '../forms.js';
import { confirmDialog } from '../dialog.js';
import { callHeader, callsApi, rulesLabel, scoreIt, statusLabel, tc } from './calls-common.js';

export async function mount(view, ctx) {
  const c = await callsApi.get(ctx.params.id);
  if (!ctx.isCurrent()) return;
  const tab = ctx.params.tab || 'domande';
  const body = h('div', { 'data-testid': `call-body-${tab}` }, h('p', { class: 'muted' }, t('app.loading')));
  replace(view, h('section', { 'data-testid': 'screen-avviso', 'data-tab': tab }, callHeader(c, tab), body));
  const reload = () => ctx.navigate(location.hash.replace(/^#/, ''));
  const draw = { domande: applications, graduatoria: ranking, versioni: versions, ricorsi: appeals }[tab];
  await draw(body, c, ctx, reload);
}

function fail(ctx, form) {
  return (err) => {
    if (form && form.showError(err)) {
      ctx.showError({ code: err.code, message: t('common.fixErrors') }, { focus: false });
    } else {
      ctx.showError(err);
    }
  };
}

const yesNo = (v) => (v ? t('common.yes') : t('common.no'));

// ---- Domande -------------------------------------------------------------------

function importReport(out) {
  if (out.saved) {
    return h('div', { class: 'callout ok', 'data-testid': 'import-ok' }, tc('applications.imported', { n: out.imported }));
  }
  return h(
    'div',
    { class: 'callout error', 'data-testid': 'import-refused' },
    h('strong', {}, tc('applications.refusedTitle')),
    h('p', {}, out.summary),
    h(
      'table',
      { class: 'data' },
      h('thead', {}, h('tr', {}, ['colLine', 'colColumn', 'colReason'].map((k) => h('th', { scope: 'col' }, tc(`applications.${k}`))))),
      h(
        'tbody',
        {},
        out.refused.map((r) =>
          h(
            'tr',
            { 'data-testid': 'import-refused-row', 'data-line': r.line ?? '' },
            h('td', { class: 'num' }, r.line === null || r.line === undefined ? '' : String(r.line)),
            h('td', { class: 'mono' }, r.column ?? ''),
            h('td', {}, r.reason),
          ),
        ),
      ),
    ),
  );
}

async function applications(body, c, ctx, reload) {
  const report = h('div', { 'data-testid': 'import-report' });
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'import-file', id: 'import-file' });
  const importCard = h(
    'div',
    { class: 'card' },
    h('h2', {}, tc('applications.importTitle')),
    h('p', { class: 'muted' }, tc('applications.importHint')),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, tc('applications.file')), file),
    h(
      'div',
      { class: 'form-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          'data-testid': 'import-run',
          onclick: async () => {
            ctx.showError(null);
            const f = file.files && file.files[0];
            if (!f) {
              ctx.showError({ code: 'invalid', message: tc('applications.file') });
              return;
            }
            try {
              const out = await callsApi.importCsv(c.id, await f.text());
              if (out.saved) {
                ctx.toast(tc('applications.imported', { n: out.imported }));
                reload();
              } else {
                replace(report, importReport(out));
              }
            } catch (err) {
              ctx.showError(err);
            }
          },
        },
        tc('applications.importButton'),
      ),
    ),
    report,
  );
  const list =
    c.applications.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'applications-empty' }, tc('applications.empty'))
      : h(
          'table',
          { class: 'data', 'data-testid': 'applications-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['colProtocol', 'colSubmitted', 'colBirth', 'colIsee', 'colResident', 'colAmount', 'colHousehold'].map((k) =>
                h('th', { scope: 'col' }, tc(`applications.${k}`)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            c.applications.map((a) =>
              h(
                'tr',
                { 'data-testid': 'application-row', 'data-protocol': a.protocol },
                h('td', { class: 'mono' }, a.protocol),
                h('td', { class: 'nowrap' }, formatDate(a.submitted_on)),
                h('td', { class: 'nowrap' }, formatDate(a.birth_date)),
                h('td', { class: 'num nowrap' }, a.isee ? formatMoney(a.isee) : t('common.none')),
                h('td', {}, yesNo(a.resident)),
                h('td', { class: 'num nowrap' }, formatMoney(a.amount)),
                h(
                  'td',
                  {},
                  a.household_id ? h('a', { href: `#/nuclei/${encodeURIComponent(a.household_id)}` }, tc('applications.linked')) : t('common.none'),
                ),
              ),
            ),
          ),
        );
  const parts = [];
  if (c.editable) {
    parts.push(importCard);
  } else {
    parts.push(h('p', { class: 'callout', 'data-testid': 'applications-frozen' }, tc('applications.frozen')));
  }
  parts.push(h('h2', {}, tc('applications.listTitle', { n: c.applications.length })), list);
  if (c.editable) parts.push(manualForm(c, ctx, reload));
  replace(body, parts);
}

/** The application's fields; `fields` prefixes the contract's names, `ids` the test ids. */
function applicationFields(form, model, fields, ids) {
  const f = (key) => `${fields}${key}`;
  const id = (key) => `${ids}${key.replace(/_/g, '-')}`;
  const camel = (key) => key.replace(/_([a-z])/g, (m, x) => x.toUpperCase());
  return [
    form.date(model, 'submitted_on', { label: tc('applications.submittedOn'), field: f('submitted_on'), testid: id('submitted_on'), required: true }),
    form.date(model, 'birth_date', { label: tc('applications.birthDate'), field: f('birth_date'), testid: id('birth_date'), required: true }),
    form.money(model, 'isee', { label: tc('applications.isee'), field: f('isee'), testid: id('isee') }),
    form.date(model, 'isee_expires_on', { label: tc('applications.iseeExpires'), field: f('isee_expires_on'), testid: id('isee_expires_on') }),
    form.money(model, 'amount', { label: tc('applications.amount'), field: f('amount'), testid: id('amount'), required: true }),
    h(
      'div',
      { class: 'checks wide' },
      ['resident', 'continuation', 'non_self_sufficient', 'independent_living', 'other_interventions'].map((k) =>
        form.checkbox(model, k, { label: tc(`applications.${camel(k)}`), field: f(k), testid: id(k) }),
      ),
    ),
  ];
}

function householdPicker(model, ctx) {
  const chosen = h('div', { class: 'muted', 'data-testid': 'application-household-chosen' });
  const results = h('ul', { class: 'plain' });
  const input = h('input', { type: 'search', id: 'application-household', autocomplete: 'off', 'data-testid': 'application-household' });
  let seq = 0;
  input.addEventListener('input', async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) {
      replace(results);
      return;
    }
    try {
      const found = await callsApi.householdsSearch(q);
      if (mine !== seq) return;
      replace(
        results,
        found.slice(0, 5).map((x) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'data-testid': 'application-household-option',
                onclick: () => {
                  model.household_id = x.id;
                  replace(chosen, tc('applications.householdChosen', { name: `${x.name} (${x.case_number})` }));
                  replace(results);
                  ctx.setDirty(true);
                },
              },
              `${x.name} — ${x.case_number}`,
            ),
          ),
        ),
      );
    } catch (err) {
      ctx.showError(err);
    }
  });
  return h('div', { class: 'field wide' }, h('label', { for: 'application-household' }, tc('applications.household')), input, results, chosen);
}

function manualForm(c, ctx, reload) {
  const model = {
    protocol: null,
    submitted_on: null,
    birth_date: null,
    isee: null,
    isee_expires_on: null,
    resident: true,
    continuation: false,
    non_self_sufficient: false,
    independent_living: false,
    other_interventions: false,
    amount: null,
    household_id: null,
  };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'application-form' },
    h('h2', {}, tc('applications.manualTitle')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'protocol', { label: tc('applications.protocol'), field: 'protocol', testid: 'application-protocol', required: true }),
      applicationFields(form, model, '', 'application-'),
      householdPicker(model, ctx),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'application-save' }, tc('applications.save'))),
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    ctx.showError(null);
    if (!form.validate()) {
      ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
      return;
    }
    try {
      const saved = await callsApi.applicationSave(c.id, { ...model });
      ctx.setDirty(false);
      ctx.toast(tc('applications.saved', { protocol: saved.protocol }));
      reload();
    } catch (err) {
      fail(ctx, form)(err);
    }
  });
  return el;
}

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

function totals(view) {
  return tc('ranking.totals', {
    budget: formatMoney(view.budget),
    allocated: formatMoney(view.allocated),
    remaining: formatMoney(view.remaining),
    rules: rulesLabel(view.rule_set),
  });
}

async function ranking(body, c, ctx) {
  const draft = await callsApi.draft(c.id);
  if (!ctx.isCurrent()) return;
  const parts = [h('h2', {}, tc('ranking.draftTitle')), h('p', { class: 'muted', 'data-testid': 'ranking-totals' }, totals(draft))];
  parts.push(
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'ranking-export-draft',
          onclick: () => callsApi.exportCsv(c.id, null).then((x) => ctx.toast(tc('ranking.exported')), (e) => ctx.showError(e)),
        },
        tc('ranking.exportDraft'),
      ),
    ),
  );
  if (c.upheld_not_published.length > 0) {
    parts.push(h('p', { class: 'callout', 'data-testid': 'upheld-pending' }, tc('ranking.upheldPending', { list: c.upheld_not_published.map((n) => `n. ${n}`).join(', ') })));
  }
  const due = c.versions === 0 || c.upheld_not_published.length > 0;
  if (!due) {
    parts.push(h('p', { class: 'muted' }, tc('ranking.nothingNew')));
  } else if (!c.can_publish) {
    parts.push(h('p', { class: 'muted', 'data-testid': 'publish-not-allowed' }, tc('ranking.notAllowed')));
  } else {
    parts.push(publishForm(c, ctx));
  }
  parts.push(rankingLists(draft, 'draft'));
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

// ---- Versioni ------------------------------------------------------------------

/** Protocol → the Italian reasons of a not-admitted row in a version. */
function reasonTexts(version) {
  const m = new Map();
  for (const r of version ? version.ranking.not_admitted : []) m.set(r.protocol, r.reasons.map((x) => x.text));
  return m;
}

function standingText(s, texts) {
  if (!s) return tc('versions.absent');
  const bits = [statusLabel(s.status)];
  if (s.position) bits.push(`pos. ${s.position}`);
  if (s.score) bits.push(`punti ${scoreIt(s.score)}`);
  if (s.amount) bits.push(formatMoney(s.amount));
  if (s.reasons && s.reasons.length) bits.push(texts && texts.length ? texts.join('; ') : s.reasons.join(', '));
  return bits.join(' · ');
}

function changesTable(changes, before, after) {
  const [was, now] = [reasonTexts(before), reasonTexts(after)];
  if (changes.length === 0) return h('p', { class: 'empty', 'data-testid': 'changes-empty' }, tc('versions.noChanges'));
  return h(
    'table',
    { class: 'data', 'data-testid': 'changes-table' },
    h('thead', {}, h('tr', {}, ['colProtocol', 'colBefore', 'colAfter', 'colWhy'].map((k) => h('th', { scope: 'col' }, tc(`versions.${k}`))))),
    h(
      'tbody',
      {},
      changes.map((x) =>
        h(
          'tr',
          { 'data-testid': 'change-row', 'data-protocol': x.protocol },
          h('td', { class: 'mono' }, x.protocol),
          h('td', {}, standingText(x.before, was.get(x.protocol))),
          h('td', {}, standingText(x.after, now.get(x.protocol))),
          h('td', { 'data-testid': 'change-why' }, x.why),
        ),
      ),
    ),
  );
}

function publicRows(view) {
  const rows = [...view.funded, ...view.admitted_not_funded, ...view.not_admitted];
  return h(
    'table',
    { class: 'data' },
    h('thead', {}, h('tr', {}, ['colPosition', 'colProtocol', 'colScore', 'colAmount'].map((k) => h('th', { scope: 'col' }, tc(`ranking.${k}`))), h('th', { scope: 'col' }, 'Esito'))),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { 'data-testid': 'version-row', 'data-protocol': r.protocol, 'data-status': r.status },
          h('td', { class: 'num' }, r.position ? String(r.position) : ''),
          h('td', { class: 'mono' }, r.protocol),
          h('td', { class: 'num' }, scoreIt(r.score)),
          h('td', { class: 'num nowrap' }, r.amount ? formatMoney(r.amount) : ''),
          h('td', {}, statusLabel(r.status)),
        ),
      ),
    ),
  );
}

async function versions(body, c, ctx) {
  const list = await callsApi.versions(c.id);
  if (!ctx.isCurrent()) return;
  if (list.length === 0) {
    replace(body, h('p', { class: 'empty', 'data-testid': 'versions-empty' }, tc('versions.empty')));
    return;
  }
  const card = (v) =>
    h(
      'div',
      { class: 'card', 'data-testid': 'version-card', 'data-version': v.version },
      h('h2', {}, tc('versions.heading', { n: v.version })),
      h('p', {}, tc('versions.published', { date: formatDate(v.published_on) })),
      h(
        'p',
        { 'data-testid': 'version-deadline' },
        tc('versions.deadline', { date: formatDate(v.appeal_deadline) }),
        ` (${v.appeal_open ? tc('versions.open') : tc('versions.closed')})`,
        v.deadline_office_closed ? ` — ${tc('versions.officeClosed')}` : '',
      ),
      h('p', { class: 'muted' }, tc('versions.rules', { rules: rulesLabel(v.rule_set) })),
      v.upheld_appeals.length ? h('p', {}, tc('versions.upheld', { list: v.upheld_appeals.join(', ') })) : null,
      h('p', { class: 'muted mono' }, tc('versions.pdf', { file: v.pdf_file })),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'data-testid': `version-export-${v.version}`,
            onclick: () => callsApi.exportCsv(c.id, v.version).then((x) => ctx.toast(tc('ranking.exported')), (e) => ctx.showError(e)),
          },
          tc('versions.export'),
        ),
      ),
      // Two versions share the width: the table scrolls inside its card.
      h('div', { style: 'overflow-x:auto' }, publicRows(v.ranking)),
    );
  // The last two versions side by side, the newest on the right.
  const shown = list.slice(-2);
  const side = h('div', { class: 'versions-side', style: `display:grid;grid-template-columns:repeat(${shown.length},minmax(0,1fr));gap:1rem`, 'data-testid': 'versions-side' }, shown.map(card));
  const parts = [side];
  if (list.length >= 2) {
    const byNumber = (n) => list.find((v) => v.version === n);
    const changes = h('div', { 'data-testid': 'changes' }, changesTable(list[list.length - 1].changes, list[list.length - 2], list[list.length - 1]));
    const numbers = list.map((v) => [String(v.version), tc('versions.heading', { n: v.version })]);
    const pick = (id, value) => {
      const s = h('select', { id, 'data-testid': id }, numbers.map(([v, l]) => h('option', { value: v }, l)));
      s.value = String(value);
      return s;
    };
    const from = pick('compare-from', list.length - 1);
    const to = pick('compare-to', list.length);
    const run = async () => {
      ctx.showError(null);
      try {
        const cmp = await callsApi.compare(c.id, Number(from.value), Number(to.value));
        replace(changes, changesTable(cmp.changes, byNumber(cmp.from), byNumber(cmp.to)));
      } catch (err) {
        ctx.showError(err);
      }
    };
    parts.unshift(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, tc('versions.compareTitle')),
        h(
          'div',
          { class: 'grid' },
          h('div', { class: 'field' }, h('label', { for: 'compare-from' }, tc('versions.from')), from),
          h('div', { class: 'field' }, h('label', { for: 'compare-to' }, tc('versions.to')), to),
        ),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'compare-run', onclick: run }, tc('versions.compare'))),
        changes,
      ),
    );
  }
  replace(body, parts);
}

// ---- Ricorsi -------------------------------------------------------------------

function outcomeText(a) {
  const o = a.outcome;
  if (o.outcome === 'upheld') return `${tc('appeals.upheld', { date: formatDate(o.decided_on) })}: ${o.note}`;
  if (o.outcome === 'rejected') return `${tc('appeals.rejected', { date: formatDate(o.decided_on) })}: ${o.note}`;
  return tc('appeals.pending');
}

async function appeals(body, c, ctx, reload) {
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
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    ctx.showError(null);
    if (!form.validate()) {
      ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
      return;
    }
    const documents = String(model.documents ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    try {
      const a = await callsApi.appealFile({ call_id: c.id, protocol: model.protocol, filed_on: model.filed_on, grounds: model.grounds, documents });
      ctx.setDirty(false);
      ctx.toast(tc('appeals.filed', { id: a.id }));
      reload();
    } catch (err) {
      fail(ctx, form)(err);
    }
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
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    ctx.showError(null);
    if (!form.validate()) {
      ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
      return;
    }
    try {
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
    } catch (err) {
      fail(ctx, form)(err);
    }
  });
  return el;
}

