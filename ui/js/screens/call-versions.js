// The published versions of a call side by side: what changed and why.

import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { callsApi, reasonLabel, rulesLabel, scoreIt, statusLabel, tc } from './calls-common.js';

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
  if (s.position) bits.push(tc('versions.position', { n: s.position }));
  if (s.score) bits.push(tc('versions.score', { score: scoreIt(s.score) }));
  if (s.amount) bits.push(formatMoney(s.amount));
  if (s.reasons && s.reasons.length) bits.push(texts && texts.length ? texts.join('; ') : s.reasons.map(reasonLabel).join('; '));
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
    h('thead', {}, h('tr', {}, ['colPosition', 'colProtocol', 'colScore', 'colAmount'].map((k) => h('th', { scope: 'col' }, tc(`ranking.${k}`))), h('th', { scope: 'col' }, tc('versions.colOutcome')))),
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

export async function versions(body, c, ctx) {
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
      h('p', { class: 'muted' }, tc('versions.rules', { rules: rulesLabel(c, v.rule_set) })),
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
