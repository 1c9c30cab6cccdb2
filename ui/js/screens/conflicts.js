// Conflitti: what two copies of the office's data disagree on, for the
// coordinator to decide (docs/sync.md). Each conflict shows both values side by
// side, in words (dates gg/mm/aaaa, amounts 1.234,56 €, codes by their label),
// who changed it, on which device and when, which value stands now, and the
// choice, confirmed in a dialog. The choice travels to the other copies.

import { api } from '../api.js';
import { confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatDateTime, formatMoney } from '../format.js';
import { LABELS, label, t } from '../i18n.js';

// The columns shown by name, and the enum of their codes where one has labels.
const ENUM_OF = {
  sex: 'sex',
  relationship: 'relationship',
  citizenship: 'citizenship',
  employment: 'employment',
  permit_kind: 'permitKind',
  education: 'education',
  isee_kind: 'iseeKind',
  status: 'projectStatus',
  outcome: 'outcome',
  kind: 'documentKind',
  destination: 'destination',
};
const MONEY = new Set(['isee_value', 'amount', 'budget', 'requested', 'value']);
const YES_NO = new Set(['disability_certified', 'not_self_sufficient', 'urgent_need', 'other_subsidies', 'resident', 'continuation']);
// The columns of a whole row worth showing, in this order, when they are there.
const ROW_FIELDS = [
  'last_name', 'first_name', 'codice_fiscale', 'birth_date', 'relationship', 'case_number', 'address',
  'status', 'title', 'kind', 'signed_on', 'member_id', 'file_name',
];

/** The catalogue's text for `key`, or `fallback` when it has none. */
function tOr(key, fallback) {
  const found = t(key);
  return found === key ? fallback : found;
}

/** The name of a column for people: the form's label when there is one. */
export function fieldLabel(table, field) {
  if (field === '*') return tOr(`conflicts.wholeRow.${table}`, t('conflicts.wholeRowAny'));
  return tOr(`conflicts.fields.${field}`, field);
}

/** One stored value in words. */
export function valueInWords(field, value) {
  if (value === null || value === undefined || value === '') return t('conflicts.empty');
  if (typeof value === 'object' && !Array.isArray(value)) return rowInWords(value);
  const s = String(value);
  if (YES_NO.has(field) && (s === '0' || s === '1' || typeof value === 'boolean')) {
    return value === true || s === '1' ? t('common.yes') : t('common.no');
  }
  // The quadro's outcome shares the analysis's column name (its own words).
  if (field === 'outcome' && LABELS.quadroOutcome[s]) return label('quadroOutcome', s);
  if (ENUM_OF[field]) return label(ENUM_OF[field], s);
  if (MONEY.has(field) && /^-?\d+(\.\d+)?$/.test(s)) return formatMoney(s);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return formatDate(s);
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return formatDateTime(s);
  if (field === 'invalidity_percent') return `${s}%`;
  return s;
}

function rowInWords(row) {
  const parts = ROW_FIELDS.filter((k) => row[k] !== undefined && row[k] !== null && row[k] !== '').map(
    (k) => `${fieldLabel('', k)}: ${valueInWords(k, row[k])}`,
  );
  return parts.length ? parts.join(' · ') : t('conflicts.rowOther');
}

function sideValue(c, side) {
  const v = c[side];
  if (c.field === '*' && (v === null || v === undefined)) return t('conflicts.deleted');
  if (typeof v === 'string' && c.field === '*') return t('conflicts.refused', { why: v });
  return valueInWords(c.field, v);
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What the record is: "Fascicolo 2026/000001 · Rossi Mario". */
function recordTitle(c) {
  const parts = [];
  if (c.case_number) parts.push(t('household.caseNumber', { n: c.case_number }));
  if (c.household_name && c.household_name !== c.member_name) parts.push(c.household_name);
  if (c.member_name) parts.push(c.member_name);
  if (!parts.length) parts.push(tOr(`conflicts.table.${c.table}`, c.table));
  return parts.join(' · ');
}

// Which choices a kind offers (docs/ipc.md `sync_conflict_resolve`).
function choices(c) {
  switch (c.kind) {
    case 'fatto':
      return [['ours', t('conflicts.choice.keepFact')]];
    case 'duplicato':
      return [['ours', t('conflicts.choice.samePerson')], ['theirs', t('conflicts.choice.notSamePerson')]];
    case 'vincolo':
      return [['ours', t('conflicts.choice.leave')], ['theirs', t('conflicts.choice.retry')]];
    default:
      return [['ours', t('conflicts.choice.keepOurs')], ['theirs', t('conflicts.choice.keepTheirs')]];
  }
}

function conflictCard(c, ctx, reload) {
  const standing = c.field === '*' ? null : same(c.current, c.ours) ? 'ours' : same(c.current, c.theirs) ? 'theirs' : null;
  const side = (which) =>
    h(
      'div',
      { class: `conflict-side${standing === which ? ' standing' : ''}`, 'data-testid': `conflict-${which}` },
      h('div', { class: 'conflict-side-head' }, which === 'ours' ? t('conflicts.ours') : t('conflicts.theirs', { device: c.device })),
      h('div', { class: 'conflict-value', 'data-testid': `conflict-${which}-value` }, sideValue(c, which)),
      which === 'theirs'
        ? h(
            'div',
            { class: 'muted conflict-who' },
            t('conflicts.changedBy', {
              who: c.operator_name || t('conflicts.unknownOperator'),
              device: c.device,
              when: c.changed_at ? formatDateTime(c.changed_at) : '—',
            }),
          )
        : h('div', { class: 'muted conflict-who' }, t('conflicts.here')),
      standing === which ? h('span', { class: 'badge standing-badge', 'data-testid': `conflict-${which}-standing` }, t('conflicts.standing')) : null,
    );
  const resolved = c.resolved_at
    ? h(
        'p',
        { class: 'conflict-resolved', 'data-testid': 'conflict-resolution' },
        t('conflicts.resolvedBy', {
          who: c.resolved_by || '—',
          when: formatDateTime(c.resolved_at),
          choice: valueInWords(c.field, c.resolution?.chosen),
          device: c.resolution?.device ?? '',
        }),
      )
    : null;
  const actions = c.resolved_at
    ? null
    : h(
        'div',
        { class: 'actions' },
        choices(c).map(([choice, text]) =>
          h(
            'button',
            {
              type: 'button',
              class: choice === 'ours' ? 'secondary' : 'primary',
              'data-testid': `conflict-choose-${choice}`,
              onclick: () => choose(c, choice, text, ctx, reload),
            },
            text,
          ),
        ),
      );
  return h(
    'article',
    { class: 'card conflict', 'data-testid': 'conflict', 'data-conflict-id': c.id, 'data-kind': c.kind },
    h(
      'header',
      { class: 'conflict-head' },
      h('h2', { 'data-testid': 'conflict-record' }, recordTitle(c)),
      h('span', { class: 'conflict-field', 'data-testid': 'conflict-field' }, fieldLabel(c.table, c.field)),
      h('span', { class: `badge kind-${c.kind}` }, t(`conflicts.kind.${c.kind}`)),
      c.household_id
        ? h('a', { href: `#/nuclei/${encodeURIComponent(c.household_id)}`, class: 'conflict-open', 'data-testid': 'conflict-open-case' }, t('conflicts.openCase'))
        : null,
    ),
    h('p', { class: 'muted' }, t(`conflicts.explain.${c.kind}`), ' ', t('conflicts.detected', { when: formatDateTime(c.detected_at) })),
    h('div', { class: 'conflict-sides' }, side('ours'), side('theirs')),
    resolved,
    actions,
  );
}

async function choose(c, choice, text, ctx, reload) {
  const chosen = choice === 'ours' ? c.ours : c.theirs;
  const yes = await confirmDialog({
    name: 'resolve',
    title: t('conflicts.confirmTitle'),
    body: t('conflicts.confirmBody', {
      choice: text,
      field: fieldLabel(c.table, c.field),
      record: recordTitle(c),
      value: c.field === '*' ? text : valueInWords(c.field, chosen),
    }),
    cancel: { label: t('common.cancel'), id: 'no' },
    confirm: { label: t('conflicts.confirm'), id: 'yes', className: 'primary' },
  });
  if (!yes) return;
  ctx.showError(null);
  try {
    await api.syncConflictResolve(c.id, choice);
    document.dispatchEvent(new Event('sportello:sync-changed'));
    ctx.toast(t('conflicts.done'));
    await reload();
  } catch (e) {
    ctx.showError(e);
  }
}

export async function mount(view, ctx) {
  const household = ctx.params.household ?? null;
  let showResolved = false;
  const list = h('div', { class: 'conflicts', 'data-testid': 'conflicts-list' });
  const toggle = h('input', {
    type: 'checkbox',
    id: 'conflicts-resolved',
    'data-testid': 'conflicts-show-resolved',
    onchange: async (e) => {
      showResolved = e.target.checked;
      await reload();
    },
  });
  async function reload() {
    const rows = await api.syncConflictsList({ householdId: household, resolved: showResolved });
    if (!ctx.isCurrent()) return;
    const open = rows.filter((c) => !c.resolved_at).length;
    replace(
      list,
      h(
        'p',
        { class: 'summary', 'data-testid': 'conflicts-summary' },
        open === 0 ? t('conflicts.none') : open === 1 ? t('conflicts.countOne') : t('conflicts.count', { n: open }),
      ),
      // Newest first: what just came in is what the coordinator is looking for.
      [...rows].reverse().map((c) => conflictCard(c, ctx, reload)),
    );
  }
  await reload();
  if (!ctx.isCurrent()) return;
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-conflitti' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, t('conflicts.title')),
        h('p', { class: 'muted' }, household ? t('conflicts.subtitleCase') : t('conflicts.subtitle')),
      ),
      household ? h('p', {}, h('a', { href: '#/conflitti', 'data-testid': 'conflicts-all' }, t('conflicts.all'))) : null,
      h('div', { class: 'field checkbox conflicts-filter' }, h('label', { for: 'conflicts-resolved' }, toggle, ' ', t('conflicts.showResolved'))),
      list,
    ),
  );
}
