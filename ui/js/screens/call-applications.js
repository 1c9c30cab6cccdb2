// The call's applications: the CSV import with its report, the list, and the
// typed entry of one application (linked to a household if chosen).

import { h, replace } from '../dom.js';
import { filePicker } from '../file-picker.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { t } from '../i18n.js';
import { onSessionEnd } from '../session-state.js';
import { callsApi, tc, yesNo } from './calls-common.js';

// ---- Domande -------------------------------------------------------------------

// The file's bytes in base64, by chunks (a call's file can be large).
export async function fileBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function refusedReport(out) {
  return importReport(out);
}

function importReport(out) {
  if (out.saved) {
    return h('div', { class: 'callout ok', 'data-testid': 'import-ok' }, tc('applications.imported', { n: out.imported }));
  }
  return h(
    'div',
    { class: 'callout error', 'data-testid': 'import-refused' },
    h('strong', {}, tc('applications.refusedTitle')),
    h('p', {}, out.summary),
    h('p', { class: 'muted', 'data-testid': 'import-read-as' }, out.read_as),
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

// What the office should check about the application just saved (its
// declaration and the member's record disagree): shown once, after the reload.
let notice = null;
onSessionEnd(() => {
  notice = null;
});

function noticeCallout(c) {
  if (!notice || notice.callId !== c.id) return null;
  const n = notice;
  notice = null;
  return h(
    'div',
    { class: 'callout', role: 'status', 'data-testid': 'application-warnings' },
    h('strong', {}, tc('applications.warningsTitle', { protocol: n.protocol })),
    h('ul', { class: 'plain' }, n.warnings.map((w) => h('li', {}, w))),
  );
}

export async function applications(body, c, ctx, reload) {
  const report = h('div', { 'data-testid': 'import-report' });
  const file = filePicker({ id: 'import-file', label: tc('applications.file'), accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const importCard = h(
    'div',
    { class: 'card' },
    h('h2', {}, tc('applications.importTitle')),
    h('p', { class: 'muted' }, tc('applications.importHint')),
    file.element,
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
            const f = file.file();
            if (!f) {
              ctx.showError({ code: 'invalid', message: tc('applications.noFile') });
              return;
            }
            try {
              const out = await callsApi.importCsv(c.id, await fileBase64(f));
              if (out.saved) {
                ctx.toast(`${tc('applications.imported', { n: out.imported })} ${out.read_as}.`);
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
  const parts = [noticeCallout(c)];
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
export function applicationFields(form, model, fields, ids) {
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

/** The household an application is linked to, then the member who applied:
 * choosing the member writes their birth date into the form (the service
 * refuses an application whose birth date is not the member's). */
function householdPicker(model, ctx, birthField) {
  const chosen = h('div', { class: 'muted', 'data-testid': 'application-household-chosen' });
  const results = h('ul', { class: 'plain' });
  const memberSlot = h('div', {});
  const input = h('input', { type: 'search', id: 'application-household', autocomplete: 'off', 'data-testid': 'application-household' });
  const setBirthDate = (iso) => {
    const field = birthField.querySelector('input');
    field.value = formatDate(iso);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const chooseMembers = async (x) => {
    const household = await callsApi.household(x.id);
    const select = h(
      'select',
      { id: 'application-member', 'data-testid': 'application-member' },
      h('option', { value: '' }, tc('applications.memberChoose')),
      household.members.map((m) => h('option', { value: m.id }, tc('applications.memberOption', { name: `${m.first_name} ${m.last_name}`, date: formatDate(m.birth_date) }))),
    );
    select.addEventListener('change', () => {
      const m = household.members.find((y) => y.id === select.value) || null;
      model.member_id = m ? m.id : null;
      if (m) setBirthDate(m.birth_date);
      ctx.setDirty(true);
    });
    replace(
      memberSlot,
      h('div', { class: 'field' }, h('label', { for: 'application-member' }, tc('applications.member')), select, h('div', { class: 'hint' }, tc('applications.memberHint'))),
    );
  };
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
                onclick: async () => {
                  model.household_id = x.id;
                  model.member_id = null;
                  replace(chosen, tc('applications.householdChosen', { name: `${x.name} (${x.case_number})` }));
                  replace(results);
                  ctx.setDirty(true);
                  try {
                    await chooseMembers(x);
                  } catch (err) {
                    ctx.showError(err);
                  }
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
  return h('div', { class: 'field wide' }, h('label', { for: 'application-household' }, tc('applications.household')), input, results, chosen, memberSlot);
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
    member_id: null,
  };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const fields = applicationFields(form, model, '', 'application-');
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'application-form' },
    h('h2', {}, tc('applications.manualTitle')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'protocol', { label: tc('applications.protocol'), field: 'protocol', testid: 'application-protocol', required: true }),
      fields,
      householdPicker(model, ctx, fields[1]),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'application-save', 'data-save': true }, tc('applications.save'))),
  );
  onSubmit(el, form, ctx, async () => {
    const saved = await callsApi.applicationSave(c.id, { ...model });
    ctx.setDirty(false);
    ctx.toast(tc('applications.saved', { protocol: saved.protocol }));
    notice = saved.warnings && saved.warnings.length ? { callId: c.id, protocol: saved.protocol, warnings: saved.warnings } : null;
    reload();
  });
  return el;
}
