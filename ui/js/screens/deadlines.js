// Scadenze: the first screen. Projects waiting for signatures, and residence
// permits about to lapse or lapsed, late ones first, so the morning starts with
// the families whose agreement is overdue or whose permit has run out.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { label, t } from '../i18n.js';
import { onSessionEnd } from '../session-state.js';

// The board's filter and order, kept while the operator moves between screens
// and forgotten at lock and logout (they are the operator's, not the app's).
// Filtering and sorting happen here, on the rows the service gave: the board
// is one office's cases waiting for signatures, a few hundred rows at most.
const NO_ONE = '-';
const ALL = '';
const choices = { operator: ALL, equipe: ALL, sort: 'urgency' };
onSessionEnd(() => {
  Object.assign(choices, { operator: ALL, equipe: ALL, sort: 'urgency' });
});

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

// A stay's planned end is a calendar date too.
export function stayDaysText(days) {
  if (days === 0) return t('deadlines.stayToday');
  if (days === 1) return t('deadlines.stayTomorrow');
  if (days === -1) return t('deadlines.stayOverdueOne');
  if (days < 0) return t('deadlines.stayOverdue', { n: -days });
  return t('deadlines.stayDaysLeft', { n: days });
}

// A monitoring meeting's date is a calendar date too (issue 12 item 3).
export function meetingDaysText(days) {
  if (days === 0) return t('deadlines.meetingToday');
  if (days === 1) return t('deadlines.meetingTomorrow');
  if (days === -1) return t('deadlines.meetingOverdueOne');
  if (days < 0) return t('deadlines.meetingOverdue', { n: -days });
  return t('deadlines.meetingDaysLeft', { n: days });
}

// A request's due date is a calendar date (art. 12(3): one month from receipt).
function requestDaysText(days) {
  if (days === 0) return t('dataRequests.today');
  if (days < 0) return t('dataRequests.overdue', { n: -days });
  return t('dataRequests.daysLeft', { n: days });
}

function row(item) {
  const permit = item.kind === 'permesso';
  const stay = item.kind === 'alloggio';
  const meeting = item.kind === 'monitoraggio';
  const request = item.kind === 'richiesta';
  const href = request ? '#/richieste' : `#/nuclei/${encodeURIComponent(item.household_id)}${permit || stay ? '' : '/progetto'}`;
  return h(
    'tr',
    {
      class: `deadline ${item.state}`,
      'data-testid': 'deadline-row',
      'data-state': item.state,
      'data-kind': item.kind,
      'data-project-id': item.project_id,
      'data-operator': operatorOf(item),
      'data-equipe': equipeOf(item),
    },
    // What falls due under its state, and the case number under the household:
    // the board fits the window (1280 px) with the responsabile's column.
    h(
      'td',
      {},
      h('span', { class: `badge ${item.state}`, 'data-testid': 'deadline-state' }, label('deadlineState', item.state)),
      h('div', { class: 'small', 'data-testid': 'deadline-kind' }, label('boardKind', item.kind)),
    ),
    h(
      'td',
      {},
      h('a', { href, 'data-testid': 'deadline-household' }, item.household_name),
      h('div', { class: 'muted small nowrap', 'data-testid': 'deadline-case' }, item.case_number),
    ),
    h('td', { class: 'nowrap' }, item.analysis_date ? formatDate(item.analysis_date) : '—'),
    h('td', { class: 'nowrap', 'data-testid': 'deadline-date' }, formatDate(item.deadline)),
    h('td', { 'data-testid': 'deadline-days' }, permit ? permitDaysText(item.days_left) : request ? requestDaysText(item.days_left) : stay ? stayDaysText(item.days_left) : meeting ? meetingDaysText(item.days_left) : daysLeftText(item.working_days_left, item.days_left)),
    h(
      'td',
      { 'data-testid': 'deadline-operator' },
      item.responsabile ? item.responsabile.name : t('deadlines.nobody'),
      item.responsabile && item.responsabile.equipe ? h('div', { class: 'muted small' }, item.responsabile.equipe) : null,
    ),
    h(
      'td',
      { class: 'missing', 'data-testid': 'deadline-detail' },
      permit && item.permit
        ? permitText(item.permit)
        : stay && item.stay
          ? h('a', { href: '#/alloggi', 'data-testid': 'deadline-stay' }, t('deadlines.stayOf', { unit: item.stay.unit, place: item.stay.place }))
          : meeting
          ? t('deadlines.meetingOf')
          : request && item.request
          ? h('a', { href: '#/richieste', 'data-testid': 'deadline-request' }, t('deadlines.requestOf', { kind: label('requestKind', item.request.kind), name: item.request.person_name, date: formatDate(item.request.received_on) }))
          : item.quadro_due
          ? h('a', { href: `#/nuclei/${encodeURIComponent(item.household_id)}/quadro`, 'data-testid': 'deadline-quadro' }, t('deadlines.quadroDue'))
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
  if (items.length === 0) {
    replace(body, h('p', { class: 'empty', 'data-testid': 'deadlines-empty' }, t('deadlines.empty')));
    return;
  }
  const listed = h('div', { 'data-testid': 'deadlines-listed' });
  const draw = () => replace(listed, board(shown(items)));
  replace(body, filters(items, draw), h('p', { class: 'hint', 'data-testid': 'deadlines-days-hint' }, t('deadlines.daysHint')), listed);
  draw();
}

const operatorOf = (item) => (item.responsabile ? item.responsabile.id : NO_ONE);
const equipeOf = (item) => (item.responsabile && item.responsabile.equipe ? item.responsabile.equipe : NO_ONE);
const byText = (a, b) => a.localeCompare(b, 'it', { sensitivity: 'base' });

const ORDERS = {
  // The service's order: overdue first, then by deadline.
  urgency: null,
  deadline: (a, b) => a.deadline.localeCompare(b.deadline) || byText(a.household_name, b.household_name),
  household: (a, b) => byText(a.household_name, b.household_name),
  case: (a, b) => a.case_number.localeCompare(b.case_number),
  operator: (a, b) => byText(a.responsabile?.name ?? '\uffff', b.responsabile?.name ?? '\uffff') || a.deadline.localeCompare(b.deadline),
};

function shown(items) {
  const rows = items.filter((i) => (choices.operator === ALL || operatorOf(i) === choices.operator) && (choices.equipe === ALL || equipeOf(i) === choices.equipe));
  const order = ORDERS[choices.sort];
  return order ? [...rows].sort(order) : rows;
}

function choice(id, labelText, options, value, onChange) {
  const select = h('select', { id, 'data-testid': id }, options.map(([v, text]) => h('option', { value: v }, text)));
  select.value = value;
  if (select.value !== value) select.value = ALL; // a choice no longer on the board
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'field' }, h('label', { for: id }, labelText), select);
}

/** Who is in charge and which équipe, from the board's own rows; and the order. */
function filters(items, draw) {
  const operators = new Map();
  const equipes = new Set();
  let nobody = false;
  let noEquipe = false;
  for (const i of items) {
    if (i.responsabile) operators.set(i.responsabile.id, i.responsabile.name);
    else nobody = true;
    if (i.responsabile && i.responsabile.equipe) equipes.add(i.responsabile.equipe);
    else noEquipe = true;
  }
  const operatorOptions = [[ALL, t('deadlines.allOperators')], ...[...operators].sort((a, b) => byText(a[1], b[1])).map(([id, name]) => [id, name])];
  if (nobody) operatorOptions.push([NO_ONE, t('deadlines.nobody')]);
  const equipeOptions = [[ALL, t('deadlines.allEquipes')], ...[...equipes].sort(byText).map((e) => [e, e])];
  if (noEquipe) equipeOptions.push([NO_ONE, t('deadlines.noEquipe')]);
  const set = (key) => (v) => {
    choices[key] = v;
    draw();
  };
  const bar = h(
    'div',
    { class: 'grid filters', 'data-testid': 'deadlines-filters' },
    choice('deadlines-operator', t('deadlines.filterOperator'), operatorOptions, choices.operator, set('operator')),
    choice('deadlines-equipe', t('deadlines.filterEquipe'), equipeOptions, choices.equipe, set('equipe')),
    choice(
      'deadlines-sort',
      t('deadlines.sort'),
      Object.keys(ORDERS).map((k) => [k, t(`deadlines.order.${k}`)]),
      choices.sort,
      set('sort'),
    ),
  );
  // A choice that is no longer on the board (the case was signed) shows everything.
  for (const [key, id] of [['operator', 'deadlines-operator'], ['equipe', 'deadlines-equipe']]) {
    const select = bar.querySelector(`#${id}`);
    if (select.value !== choices[key]) choices[key] = select.value;
  }
  return bar;
}

/** The summary of the rows shown, and their table. */
function board(items) {
  const count = (s) => items.filter((i) => i.state === s).length;
  if (items.length === 0) return h('p', { class: 'empty', 'data-testid': 'deadlines-none-shown' }, t('deadlines.noneShown'));
  return [
    h(
      'p',
      { class: 'summary', 'data-testid': 'deadlines-summary' },
      t('deadlines.summary', { overdue: count('scaduto'), soon: count('in_scadenza'), ok: count('nei_termini') }),
    ),
    h(
      'table',
      { class: 'data', 'data-testid': 'deadlines-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['colState', 'colHousehold', 'colAnalysis', 'colDeadline', 'colDaysLeft', 'colOperator', 'colMissing'].map((k) =>
            h('th', { scope: 'col' }, t(`deadlines.${k}`)),
          ),
        ),
      ),
      h('tbody', {}, items.map((item) => row(item))),
    ),
  ];
}
