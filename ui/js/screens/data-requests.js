// Richieste degli interessati (GDPR art. 12, 15, 20): the register of the
// requests of access and portability, with their deadline (one month from
// receipt, three with an extension), the form that records a new one, and the
// answer: a ZIP with the PDF for the person and the machine-readable copy,
// saved where the coordinator chooses. The coordinator's screen.

import { api, callsApi, files } from '../api.js';
import { h, replace } from '../dom.js';
import { openDialog } from '../dialog.js';
import { formatDate, parseDate } from '../format.js';
import { ENUMS, label, t } from '../i18n.js';

function options(kind, selected) {
  return ENUMS[kind].map((v) => h('option', { value: v, selected: v === selected ? true : null }, label(kind, v)));
}

function stateText(r) {
  if (r.answered_on) return t('dataRequests.answered', { date: formatDate(r.answered_on) });
  if (r.days_left === 0) return t('dataRequests.today');
  if (r.days_left < 0) return t('dataRequests.overdue', { n: -r.days_left });
  return t('dataRequests.daysLeft', { n: r.days_left });
}

export async function mount(view, ctx) {
  const list = h('div', { 'data-testid': 'data-requests-list' }, h('p', { class: 'muted' }, t('app.loading')));
  const form = requestForm(ctx, () => load());
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-richieste' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, t('dataRequests.title')),
        h('p', { class: 'muted' }, t('dataRequests.subtitle')),
      ),
      list,
      form,
    ),
  );

  async function load() {
    let rows;
    try {
      rows = await api.dataRequestsList();
    } catch (e) {
      ctx.showError(e);
      return;
    }
    if (rows.length === 0) {
      replace(list, h('p', { class: 'empty', 'data-testid': 'data-requests-empty' }, t('dataRequests.empty')));
      return;
    }
    replace(
      list,
      h(
        'table',
        { class: 'data', 'data-testid': 'data-requests-table' },
        h('thead', {}, h('tr', {}, ['colPerson', 'colKind', 'colReceived', 'colDue', 'colState', 'colActions'].map((k) => h('th', { scope: 'col' }, t(`dataRequests.${k}`))))),
        h('tbody', {}, rows.map((r) => row(r))),
      ),
    );
  }

  function row(r) {
    const actions = r.answered_on
      ? h('div', { class: 'muted small', 'data-testid': 'data-request-summary' }, r.answer_summary)
      : h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary', 'data-testid': 'data-request-answer', onclick: () => answer(r) }, t('dataRequests.answer')),
          r.extended_on ? null : h('button', { type: 'button', 'data-testid': 'data-request-extend', onclick: () => extend(r) }, t('dataRequests.extend')),
        );
    return h(
      'tr',
      { 'data-testid': 'data-request-row', 'data-id': r.id, 'data-state': r.state ?? 'evasa' },
      h(
        'td',
        {},
        r.household_id ? h('a', { href: `#/nuclei/${encodeURIComponent(r.household_id)}` }, r.person_name) : r.person_name,
        h('div', { class: 'muted small' }, r.codice_fiscale),
        r.representative_name ? h('div', { class: 'muted small' }, `${r.representative_name} (${r.representative_role})`) : null,
      ),
      h('td', {}, r.kind_label),
      h('td', { class: 'nowrap' }, formatDate(r.received_on), h('div', { class: 'muted small' }, r.channel_label)),
      h(
        'td',
        { class: 'nowrap', 'data-testid': 'data-request-due' },
        formatDate(r.due_on),
        r.extended_on ? h('div', { class: 'muted small' }, t('dataRequests.extendedNote', { date: formatDate(r.extended_on), reason: r.extension_reason })) : null,
      ),
      h('td', { 'data-testid': 'data-request-state' }, r.state ? h('span', { class: `badge ${r.state}` }, label('deadlineState', r.state)) : null, h('div', { class: 'small' }, stateText(r))),
      h('td', {}, actions),
    );
  }

  async function extend(r) {
    const reason = await openDialog({
      name: 'data-request-extend',
      title: t('dataRequests.extendTitle'),
      body: t('dataRequests.extendBody'),
      cancel: { label: t('dataRequests.cancel') },
      confirm: { label: t('dataRequests.confirmExtend') },
      input: { label: t('dataRequests.extendReason'), multiline: true, required: true },
    });
    if (!reason) return;
    try {
      await api.dataRequestExtend(r.id, reason);
      await load();
    } catch (e) {
      ctx.showError(e);
    }
  }

  async function answer(r) {
    ctx.showError(null);
    try {
      const path = await files.saveAs({
        title: t('dataRequests.answerTitle'),
        defaultPath: `dati-personali-${r.codice_fiscale}.zip`,
        filters: [{ name: 'ZIP', extensions: ['zip'] }],
      });
      if (!path) return;
      await api.dataRequestAnswer(r.id, path);
      ctx.toast(t('dataRequests.answerSaved', { path }));
      await load();
    } catch (e) {
      ctx.showError(e);
    }
  }

  await load();
}

/** The form of a new request: a member of a household found by search, or an applicant with no case. */
function requestForm(ctx, done) {
  const field = (id, labelText, control) => h('div', { class: 'field' }, h('label', { for: id }, labelText), control, h('div', { class: 'field-error', 'data-error-for': id, id: `${id}-error`, hidden: true }));
  const kind = h('select', { id: 'dr-kind', 'data-testid': 'dr-kind' }, options('requestKind', 'accesso_portabilita'));
  const search = h('input', { type: 'search', id: 'dr-search', 'data-testid': 'dr-search', autocomplete: 'off' });
  const member = h('select', { id: 'dr-member', 'data-testid': 'dr-member' }, h('option', { value: '' }, t('dataRequests.personHint')));
  const noCase = h('input', { type: 'checkbox', id: 'dr-nocase', 'data-testid': 'dr-nocase' });
  const personName = h('input', { type: 'text', id: 'dr-person-name', 'data-testid': 'dr-person-name' });
  const cf = h('input', { type: 'text', id: 'dr-cf', 'data-testid': 'dr-cf' });
  const call = h('select', { id: 'dr-call', 'data-testid': 'dr-call' });
  const protocol = h('input', { type: 'text', id: 'dr-protocol', 'data-testid': 'dr-protocol' });
  const requester = h('select', { id: 'dr-requester', 'data-testid': 'dr-requester' }, options('requester', 'interessato'));
  const repName = h('input', { type: 'text', id: 'dr-rep-name', 'data-testid': 'dr-rep-name' });
  const repRole = h('input', { type: 'text', id: 'dr-rep-role', 'data-testid': 'dr-rep-role' });
  const received = h('input', { type: 'text', id: 'dr-received', inputmode: 'numeric', placeholder: t('common.dateHint'), 'data-testid': 'dr-received' });
  const channel = h('select', { id: 'dr-channel', 'data-testid': 'dr-channel' }, options('requestChannel', 'sportello'));
  const notes = h('textarea', { id: 'dr-notes', rows: 2, 'data-testid': 'dr-notes' });
  const memberPart = h('div', {}, h('div', { class: 'grid' }, field('dr-search', t('dataRequests.householdSearch'), search), field('dr-member', t('dataRequests.person'), member)));
  // A plain box around each grid: the grid's display would show it through `hidden`.
  const applicantPart = h(
    'div',
    { hidden: true, 'data-testid': 'dr-applicant' },
    h(
      'div',
      { class: 'grid' },
      field('dr-person-name', t('dataRequests.personName'), personName),
      field('dr-cf', t('dataRequests.codiceFiscale'), cf),
      field('dr-call', t('dataRequests.call'), call),
      field('dr-protocol', t('dataRequests.protocol'), protocol),
    ),
  );
  const repPart = h(
    'div',
    { hidden: true, 'data-testid': 'dr-representative' },
    h('div', { class: 'grid' }, field('dr-rep-name', t('dataRequests.representativeName'), repName), field('dr-rep-role', t('dataRequests.representativeRole'), repRole)),
  );
  noCase.addEventListener('change', async () => {
    memberPart.hidden = noCase.checked;
    applicantPart.hidden = !noCase.checked;
    if (noCase.checked && call.options.length === 0) {
      try {
        const calls = await callsApi.list();
        replace(call, ...calls.map((c) => h('option', { value: c.id }, c.title)));
      } catch (e) {
        ctx.showError(e);
      }
    }
  });
  requester.addEventListener('change', () => {
    repPart.hidden = requester.value !== 'rappresentante';
  });
  let searching = 0;
  search.addEventListener('input', async () => {
    const mine = ++searching;
    const q = search.value.trim();
    if (q.length < 2) return;
    try {
      const found = await api.householdsSearch(q);
      if (mine !== searching) return;
      const opts = [];
      for (const hh of found) {
        const full = await api.householdGet(hh.id);
        for (const m of full.members) opts.push(h('option', { value: m.id }, `${m.first_name} ${m.last_name} — ${full.case_number}`));
      }
      if (mine !== searching) return;
      replace(member, h('option', { value: '' }, t('dataRequests.personHint')), ...opts);
    } catch (e) {
      ctx.showError(e);
    }
  });
  const errors = (e) => {
    for (const el of form.querySelectorAll('[data-error-for]')) {
      el.textContent = '';
      el.hidden = true;
    }
    const map = { member_id: 'dr-member', person_name: 'dr-person-name', codice_fiscale: 'dr-cf', representative_name: 'dr-rep-name', representative_role: 'dr-rep-role', received_on: 'dr-received', 'applications[0].protocol': 'dr-protocol', applications: 'dr-protocol' };
    const target = e && e.field ? form.querySelector(`[data-error-for="${map[e.field] ?? ''}"]`) : null;
    if (target) {
      target.textContent = e.message;
      target.hidden = false;
    }
    else if (e) ctx.showError(e);
  };
  const form = h(
    'form',
    { class: 'card', 'data-testid': 'data-request-form', novalidate: true },
    h('h2', {}, t('dataRequests.newTitle')),
    h('div', { class: 'grid' }, field('dr-kind', t('dataRequests.kind'), kind), field('dr-received', t('dataRequests.receivedOn'), received), field('dr-channel', t('dataRequests.channel'), channel)),
    h('div', { class: 'field' }, h('label', { for: 'dr-nocase' }, noCase, ' ', t('dataRequests.noCase'))),
    memberPart,
    applicantPart,
    h('div', { class: 'grid' }, field('dr-requester', t('dataRequests.requester'), requester)),
    repPart,
    field('dr-notes', t('dataRequests.notes'), notes),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'data-request-submit' }, t('dataRequests.record'))),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const request = {
      kind: kind.value,
      requester: requester.value,
      received_on: parseDate(received.value) || received.value,
      channel: channel.value,
      notes: notes.value,
    };
    if (noCase.checked) {
      request.person_name = personName.value;
      request.codice_fiscale = cf.value;
      request.applications = [{ call_id: call.value, protocol: protocol.value }];
    } else {
      request.member_id = member.value || null;
    }
    if (requester.value === 'rappresentante') {
      request.representative_name = repName.value;
      request.representative_role = repRole.value;
    }
    try {
      const saved = await api.dataRequestRecord(request);
      errors(null);
      ctx.toast(t('dataRequests.recorded', { date: formatDate(saved.due_on) }));
      form.reset();
      await done();
    } catch (e) {
      errors(e);
    }
  });
  return form;
}
