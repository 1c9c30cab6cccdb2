// Scadenze: the first screen. Projects waiting for signatures, and residence
// permits about to lapse or lapsed, late ones first, so the morning starts with
// the families whose agreement is overdue or whose permit has run out.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { label, t } from '../i18n.js';

// The deadline is 20 *working* days: the board counts in the office's working
// days (`working_days_left`) and adds the calendar days in brackets, saying which.
export function daysLeftText(working, calendar) {
  if (working === null || working === undefined) return '';
  if (calendar === 0) return t('deadlines.dueToday');
  let text;
  if (working === 0) text = t('deadlines.noneLeft');
  else if (working === 1) text = t('deadlines.oneDayLeft');
  else if (working === -1) text = t('deadlines.overdueByOne');
  else if (working < 0) text = t('deadlines.overdueBy', { n: -working });
  else text = t('deadlines.daysLeft', { n: working });
  return calendar === null || calendar === undefined ? text : `${text} ${t('deadlines.calendarDays', { n: Math.abs(calendar) })}`;
}

// A permit's expiry is a calendar date: its days are calendar days.
export function permitDaysText(days) {
  if (days === 0) return t('deadlines.permitToday');
  if (days === 1) return t('deadlines.permitTomorrow');
  if (days === -1) return t('deadlines.permitLapsedOne');
  if (days < 0) return t('deadlines.permitLapsed', { n: -days });
  return t('deadlines.permitDaysLeft', { n: days });
}

function permitText(p) {
  const kind = label('permitKind', p.kind);
  return t('deadlines.permitOf', { kind: kind.charAt(0).toLowerCase() + kind.slice(1), name: p.member_name, number: p.number });
}

function row(item) {
  const permit = item.kind === 'permesso';
  const href = `#/nuclei/${encodeURIComponent(item.household_id)}${permit ? '' : '/progetto'}`;
  return h(
    'tr',
    {
      class: `deadline ${item.state}`,
      'data-testid': 'deadline-row',
      'data-state': item.state,
      'data-kind': item.kind,
      'data-project-id': item.project_id,
    },
    h('td', {}, h('span', { class: `badge ${item.state}`, 'data-testid': 'deadline-state' }, label('deadlineState', item.state))),
    h('td', { 'data-testid': 'deadline-kind' }, label('boardKind', item.kind)),
    h('td', { class: 'nowrap' }, item.case_number),
    h('td', {}, h('a', { href, 'data-testid': 'deadline-household' }, item.household_name)),
    h('td', { class: 'nowrap' }, item.analysis_date ? formatDate(item.analysis_date) : '—'),
    h('td', { class: 'nowrap', 'data-testid': 'deadline-date' }, formatDate(item.deadline)),
    h('td', { 'data-testid': 'deadline-days' }, permit ? permitDaysText(item.days_left) : daysLeftText(item.working_days_left, item.days_left)),
    h(
      'td',
      { class: 'missing', 'data-testid': 'deadline-detail' },
      permit && item.permit
        ? permitText(item.permit)
        : (item.missing_signatures || []).length === 0
          ? t('common.none')
          : h('ul', { class: 'plain' }, item.missing_signatures.map((name) => h('li', {}, name))),
    ),
  );
}

export async function mount(view, ctx) {
  // The heading first: the board is the first thing an operator sees, even
  // while (or if) the data cannot be read.
  const body = h('div', { 'data-testid': 'deadlines-body' }, h('p', { class: 'muted' }, t('app.loading')));
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-scadenze' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, t('deadlines.title')),
        h('p', { class: 'muted' }, t('deadlines.subtitle')),
      ),
      body,
    ),
  );
  let items;
  try {
    items = await api.deadlinesBoard();
  } catch (e) {
    if (!ctx.isCurrent()) return;
    replace(body);
    ctx.showError(e, { focus: false });
    return;
  }
  if (!ctx.isCurrent()) return;
  const count = (s) => items.filter((i) => i.state === s).length;
  if (items.length === 0) {
    replace(body, h('p', { class: 'empty', 'data-testid': 'deadlines-empty' }, t('deadlines.empty')));
    return;
  }
  replace(
    body,
    h(
      'p',
      { class: 'summary', 'data-testid': 'deadlines-summary' },
      t('deadlines.summary', { overdue: count('scaduto'), soon: count('in_scadenza'), ok: count('nei_termini') }),
    ),
    h('p', { class: 'hint', 'data-testid': 'deadlines-days-hint' }, t('deadlines.daysHint')),
    h(
      'table',
      { class: 'data', 'data-testid': 'deadlines-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['colState', 'colKind', 'colCase', 'colHousehold', 'colAnalysis', 'colDeadline', 'colDaysLeft', 'colMissing'].map((k) =>
            h('th', { scope: 'col' }, t(`deadlines.${k}`)),
          ),
        ),
      ),
      h('tbody', {}, items.map((item) => row(item))),
    ),
  );
}
