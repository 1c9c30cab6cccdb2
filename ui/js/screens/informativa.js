// The informativa sul trattamento dei dati (GDPR artt. 13-14) and the register
// of processing (art. 30):
// - on the household page, the card of who was given the informativa, when,
//   which version and how, with the adults still without one flagged; the desk
//   records a delivery and prints the informativa for the case;
// - on Operatori, the administrator's text of the office (each save a new
//   version, the earlier ones kept as given) and the register of processing
//   the coordinator saves for the DPO.

import { api, files } from '../api.js';
import { viewerPath } from '../document-files.js';
import { h, replace } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { label, t } from '../i18n.js';

const MODES = ['a_mano', 'inviata'];

/** The household page's card (`household_informativa`). */
export function householdInformativaCard(household, ctx) {
  const title = () => h('h2', { id: 'informativa-title' }, t('informativa.cardTitle'));
  const box = h('section', { class: 'card informativa-card', 'data-testid': 'household-informativa', 'aria-labelledby': 'informativa-title' }, title(), h('p', { class: 'muted' }, t('app.loading')));

  const row = (m) => {
    const given = m.deliveries.map((d) =>
      h(
        'li',
        { 'data-testid': 'informativa-delivery' },
        t('informativa.given', { date: formatDate(d.given_on), version: d.version, mode: label('deliveryMode', d.mode), by: d.created_by }),
      ),
    );
    let state;
    if (m.deliveries.length > 0) state = h('ul', { class: 'plain' }, given);
    else if (m.missing) state = h('span', { class: 'badge in_scadenza', 'data-testid': 'informativa-missing' }, t('informativa.missing'));
    else state = h('span', { class: 'muted' }, t('informativa.minor', { date: formatDate(m.adult_from) }));
    return h(
      'tr',
      { 'data-testid': 'informativa-row', 'data-member': m.member_id, 'data-missing': String(m.missing) },
      h('td', {}, m.name),
      h('td', {}, formatDate(m.birth_date)),
      h('td', { 'data-testid': 'informativa-state' }, state),
    );
  };

  const draw = (x) => {
    const adults = x.members.filter((m) => m.adult);
    const summary =
      x.current_version === null
        ? h('p', { class: 'callout', 'data-testid': 'informativa-none' }, t('informativa.noneSaved'))
        : x.missing > 0
          ? h('p', { class: 'callout warn', role: 'status', 'data-testid': 'informativa-missing-count' }, t(x.missing === 1 ? 'informativa.missingOne' : 'informativa.missingCount', { count: x.missing, version: x.current_version }))
          : h('p', { class: 'muted', 'data-testid': 'informativa-all-given' }, t('informativa.allGiven', { version: x.current_version }));
    const table = h(
      'table',
      { class: 'data', 'data-testid': 'informativa-table' },
      h('thead', {}, h('tr', {}, [t('informativa.colMember'), t('informativa.colBirth'), t('informativa.colGiven')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, x.members.map(row)),
    );
    const canRecord = x.current_version !== null && adults.length > 0;
    replace(box, title(), h('p', { class: 'hint' }, t('informativa.cardIntro')), summary, table, canRecord ? recordForm(household, x, adults, ctx, draw) : null, x.current_version !== null ? printButton(household, ctx) : null);
  };

  api
    .householdInformativa(household.id)
    .then(draw)
    .catch((e) => {
      replace(box, title());
      ctx.showError(e, { focus: false });
    });
  return box;
}

function recordForm(household, card, adults, ctx, redraw) {
  const first = adults.find((m) => m.missing) || adults[0];
  const model = { member_id: first.member_id, given_on: ctx.session?.today ?? null, mode: 'a_mano' };
  const form = new Form();
  const el = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'informativa-form' },
    h('h3', {}, t('informativa.recordTitle', { version: card.current_version })),
    h(
      'div',
      { class: 'grid' },
      form.select(model, 'member_id', {
        label: t('informativa.member'),
        field: 'member_id',
        testid: 'informativa-member',
        required: true,
        allowEmpty: false,
        options: adults.map((m) => [m.member_id, m.name]),
      }),
      form.date(model, 'given_on', { label: t('informativa.givenOn'), field: 'given_on', testid: 'informativa-date', required: true }),
      form.select(model, 'mode', {
        label: t('informativa.mode'),
        field: 'mode',
        testid: 'informativa-mode',
        required: true,
        allowEmpty: false,
        options: MODES.map((m) => [m, label('deliveryMode', m)]),
      }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'informativa-record' }, t('informativa.record'))),
  );
  onSubmit(
    el,
    form,
    ctx,
    async () => {
      const updated = await api.informativaGivenRecord({ household_id: household.id, member_id: model.member_id, given_on: model.given_on, mode: model.mode });
      const who = updated.members.find((m) => m.member_id === model.member_id);
      ctx.toast(t('informativa.recorded', { name: who ? who.name : '', date: formatDate(model.given_on) }));
      redraw(updated);
    },
    { button: () => el.querySelector('[data-testid="informativa-record"]'), busyLabel: t('common.saving') },
  );
  return el;
}

function printButton(household, ctx) {
  const btn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'informativa-print' }, t('informativa.print'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    ctx.showError(null);
    try {
      const doc = await api.informativaPrint(household.id);
      ctx.toast(t('informativa.printed', { title: doc.title }));
      ctx.navigate(viewerPath(household.id, doc.id));
    } catch (e) {
      ctx.showError(e);
    } finally {
      btn.disabled = false;
    }
  });
  return h('div', { class: 'form-actions' }, btn);
}

/** Operatori: the office's informativa (`informativa_get`, `informativa_save`). */
export function informativaSettingsCard(ctx, admin) {
  const box = h('section', { class: 'card form informativa-settings', 'data-testid': 'informativa-settings', 'aria-labelledby': 'informativa-settings-title' }, h('h2', { id: 'informativa-settings-title' }, t('informativa.settingsTitle')), h('p', { class: 'muted' }, t('app.loading')));
  const draw = (s) => {
    const versions = h(
      'ul',
      { class: 'plain', 'data-testid': 'informativa-versions' },
      s.versions.length === 0
        ? h('li', { class: 'muted' }, t('informativa.noVersions'))
        : s.versions.map((v) => h('li', { 'data-testid': 'informativa-version' }, t('informativa.versionLine', { version: v.version, when: formatDateTime(v.created_at), by: v.created_by }))),
    );
    const head = [h('h2', { id: 'informativa-settings-title' }, t('informativa.settingsTitle')), h('p', { class: 'hint' }, t('informativa.settingsIntro'))];
    if (!admin) {
      const current = s.current;
      replace(
        box,
        ...head,
        current
          ? [
              h('h3', {}, t('informativa.controller')),
              h('p', { class: 'pre' }, current.controller),
              h('h3', {}, t('informativa.dpo')),
              h('p', { class: 'pre' }, current.dpo),
            ]
          : h('p', { class: 'callout' }, t('informativa.noneSaved')),
        h('h3', {}, t('informativa.versions')),
        versions,
      );
      return;
    }
    const model = { controller: s.draft.controller || null, dpo: s.draft.dpo || null, body: s.draft.body || null };
    const form = new Form({ onChange: () => ctx.setDirty(true) });
    const formEl = h(
      'form',
      { novalidate: true, 'data-testid': 'informativa-settings-form' },
      h(
        'div',
        { class: 'grid' },
        form.text(model, 'controller', { label: t('informativa.controller'), field: 'controller', testid: 'informativa-controller', required: true, multiline: true, rows: 3, wide: true, hint: t('informativa.controllerHint') }),
        form.text(model, 'dpo', { label: t('informativa.dpo'), field: 'dpo', testid: 'informativa-dpo', required: true, multiline: true, rows: 2, wide: true, hint: t('informativa.dpoHint') }),
        form.text(model, 'body', { label: t('informativa.body'), field: 'body', testid: 'informativa-body', required: true, multiline: true, rows: 18, wide: true, hint: t('informativa.bodyHint') }),
      ),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'informativa-save' }, t('informativa.save')),
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-testid': 'informativa-default',
            onclick: () => {
              const area = formEl.querySelector('[data-testid="informativa-body"]');
              area.value = s.default_body;
              model.body = s.default_body;
              ctx.setDirty(true);
            },
          },
          t('informativa.restoreDefault'),
        ),
      ),
    );
    onSubmit(
      formEl,
      form,
      ctx,
      async () => {
        const saved = await api.informativaSave({ controller: model.controller, dpo: model.dpo, body: model.body });
        ctx.setDirty(false);
        ctx.toast(t('informativa.saved', { version: saved.version }));
        api.informativaGet().then(draw).catch((e) => ctx.showError(e));
      },
      { button: () => formEl.querySelector('[data-testid="informativa-save"]'), busyLabel: t('common.saving') },
    );
    replace(
      box,
      ...head,
      s.current ? h('p', { 'data-testid': 'informativa-current' }, t('informativa.current', { version: s.current.version, when: formatDateTime(s.current.created_at) })) : h('p', { class: 'callout', 'data-testid': 'informativa-current' }, t('informativa.firstSave')),
      formEl,
      h('h3', {}, t('informativa.versions')),
      versions,
    );
  };
  api
    .informativaGet()
    .then(draw)
    .catch((e) => ctx.showError(e, { focus: false }));
  return box;
}

/** Operatori: the register of processing for the DPO (`processing_register_save`). */
export function processingRegisterCard(ctx) {
  const btn = h('button', { type: 'button', class: 'primary', 'data-testid': 'processing-register-save' }, t('informativa.registerSave'));
  btn.addEventListener('click', async () => {
    ctx.showError(null);
    const path = await files.saveAs({
      title: t('informativa.registerDialog'),
      defaultPath: `registro-trattamenti-${ctx.session?.today ?? ''}.pdf`,
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    });
    if (!path) return;
    btn.disabled = true;
    try {
      const r = await api.processingRegisterSave(path);
      ctx.toast(t('informativa.registerSaved', { path: r.path }));
    } catch (e) {
      ctx.showError(e);
    } finally {
      btn.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card processing-register', 'data-testid': 'processing-register', 'aria-labelledby': 'processing-register-title' },
    h('h2', { id: 'processing-register-title' }, t('informativa.registerTitle')),
    h('p', { class: 'hint' }, t('informativa.registerIntro')),
    h('div', { class: 'form-actions' }, btn),
  );
}
