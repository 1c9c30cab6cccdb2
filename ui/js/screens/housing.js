// Alloggi (#/alloggi): temporary social housing (rules.md §8). The occupancy
// of the units week by week, the stays (a stay's card: proroga and exit), the
// waiting list with the free places proposed to it ("Inserisci", confirmed in
// the dialog), and the units (the coordinator adds and changes them). The
// household page shows its own card (`housingCard`).

import { api } from '../api.js';
import { askText, confirmDialog } from '../dialog.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { label, t } from '../i18n.js';
import { onSessionEnd } from '../session-state.js';

// The grid's first day and width, kept between visits; forgotten at lock and logout.
const choices = { from: null, weeks: 6 };
onSessionEnd(() => {
  Object.assign(choices, { from: null, weeks: 6 });
});

const WEEKS = [4, 6, 8, 12, 26];
const DESTINATIONS = ['autonomia_abitativa', 'edilizia_residenziale_pubblica', 'rientro_in_famiglia', 'altro_servizio', 'abbandono'];

const cell = (text, cls) => h('td', cls ? { class: cls } : {}, text);
const th = (text, cls) => h('th', { scope: 'col', class: cls || null }, text);

export function placeText(place) {
  return place === null || place === undefined ? t('housing.wholeUnit') : t('housing.bed', { n: place });
}

/** "2026-11-20" plus `months` calendar months (the last day of a shorter month). */
function addMonths(iso, months) {
  const [y, m, d] = iso.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

const minIso = (...xs) => xs.filter(Boolean).sort()[0];

export async function mount(view, ctx) {
  const body = h('div', { 'data-testid': 'housing-body' }, h('p', { class: 'muted' }, t('app.loading')));
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-alloggi' },
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, t('housing.title')), h('p', { class: 'muted' }, t('housing.subtitle'))),
      body,
    ),
  );
  const state = { card: null };
  const load = async (focusTestid) => {
    let v;
    try {
      v = await api.housingGet(choices.from, choices.weeks);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replace(body);
      ctx.showError(e, { focus: false });
      return;
    }
    if (!ctx.isCurrent()) return;
    draw(body, v, ctx, state, load);
    if (focusTestid) body.querySelector(`[data-testid="${focusTestid}"]`)?.focus();
  };
  await load();
}

function draw(body, v, ctx, state, reload) {
  const card = h('div', { 'data-testid': 'stay-card-slot' });
  const openCard = (stay) => {
    state.card = stay.id;
    replace(card, stayCard(stay, v, ctx, reload, () => {
      state.card = null;
      replace(card);
      body.querySelector(`[data-testid="stay-open-${stay.id}"]`)?.focus();
    }));
    card.querySelector('h3')?.focus();
  };
  replace(
    body,
    settingsLine(v),
    gridControls(v, reload),
    h('h2', {}, t('housing.occupancyTitle')),
    h('p', { class: 'hint' }, t('housing.occupancyHint')),
    h('p', { 'data-testid': 'housing-free-today' }, t('housing.freeToday', { n: v.free_today })),
    occupancyTable(v),
    h('h2', {}, t('housing.proposalsTitle')),
    h('p', { class: 'hint' }, t('housing.proposalsHint')),
    proposals(v, ctx, reload),
    h('h2', {}, t('housing.waitingTitle')),
    h('p', { class: 'hint' }, t('housing.waitingHint')),
    waitingTable(v, ctx, reload),
    h('h2', {}, t('housing.staysTitle')),
    h('p', { class: 'hint' }, t('housing.staysHint')),
    staysTable(v, openCard),
    card,
    h('h2', {}, t('housing.unitsTitle')),
    h('p', { class: 'hint' }, t('housing.unitsHint')),
    unitsSection(v, ctx, reload),
  );
  const kept = state.card && v.stays.find((s) => s.id === state.card);
  if (kept) replace(card, stayCard(kept, v, ctx, reload, () => replace(card)));
}

function settingsLine(v) {
  if (!v.settings) return h('p', { class: 'callout warn', 'data-testid': 'housing-no-settings' }, t('housing.noSettings'));
  const s = v.settings;
  const contribution = s.contribution ? t('housing.contributionMonth', { amount: formatMoney(s.contribution) }) : t('housing.noContribution');
  return h(
    'p',
    { class: 'muted', 'data-testid': 'housing-settings' },
    t('housing.settings', { months: s.max_months, days: s.warning_days, contribution }),
    ' ',
    t('housing.settingsSource', { title: s.rule_set_title }),
  );
}

function gridControls(v, reload) {
  const fromModel = { from: choices.from || v.from };
  const form = new Form();
  const weeks = h(
    'select',
    { id: 'housing-weeks', 'data-testid': 'housing-weeks' },
    WEEKS.map((n) => h('option', { value: String(n) }, String(n))),
  );
  weeks.value = String(choices.weeks);
  const el = h(
    'form',
    { class: 'grid filters', novalidate: true, 'data-testid': 'housing-grid-controls' },
    form.date(fromModel, 'from', { label: t('housing.from'), field: 'from', testid: 'housing-from' }),
    h('div', { class: 'field' }, h('label', { for: 'housing-weeks' }, t('housing.weeks')), weeks),
    h('div', { class: 'field' }, h('span', { class: 'label-spacer', 'aria-hidden': 'true' }, '\u00a0'), h('button', { type: 'submit', class: 'secondary', 'data-testid': 'housing-show' }, t('housing.show'))),
  );
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!form.validate()) return;
    choices.from = fromModel.from;
    choices.weeks = Number(weeks.value);
    reload('housing-show');
  });
  return el;
}

function guestLine(g) {
  const place = placeText(g.place);
  if (!g.household_name) return t('housing.guestOther', { place });
  const key = g.overstay ? 'housing.guestOver' : 'housing.guestUntil';
  return t(key, { place, name: g.household_name, date: formatDate(g.planned_end) });
}

function occupancyTable(v) {
  if (v.units.length === 0) return h('p', { class: 'empty', 'data-testid': 'housing-no-units' }, t('housing.noUnits'));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data occupancy', 'data-testid': 'housing-occupancy' },
      h('caption', { class: 'visually-hidden' }, t('housing.occupancyTitle')),
      h(
        'thead',
        {},
        h('tr', {}, th(t('housing.colUnit')), th(t('housing.colPlaces'), 'num'), th(t('housing.colToday', { date: formatDate(v.from) })), v.week_starts.map((w) => th(t('housing.weekOf', { date: formatDate(w).slice(0, 5) }), 'week-head'))),
      ),
      h(
        'tbody',
        {},
        v.units.map((u) => {
          const over = u.guests.filter((g) => g.overstay).length;
          return h(
            'tr',
            { 'data-testid': 'occupancy-row', 'data-unit': u.id, 'data-state': u.state },
            h(
              'th',
              { scope: 'row' },
              u.address,
              h('div', { class: 'muted small' }, t('housing.managedBy', { name: u.managing_body })),
              u.state !== 'attivo' ? h('span', { class: 'badge pending' }, label('unitState', u.state)) : null,
            ),
            cell(String(u.places), 'num'),
            h(
              'td',
              { class: 'today', 'data-testid': 'occupancy-today' },
              u.guests.length === 0 ? h('span', { class: 'muted' }, '—') : h('ul', { class: 'plain' }, u.guests.map((g) => h('li', { class: g.overstay ? 'overstay' : null }, guestLine(g)))),
            ),
            u.taken.map((n, i) => {
              // A guest past the planned end with no exit recorded is not
              // counted in the weeks (the stay ended on paper) but still
              // holds the place: said beside the count.
              const held = n + over;
              const text = [t('housing.cell', { taken: n, places: u.places }), over > 0 ? h('div', { class: 'small' }, t('housing.cellOver', { over })) : null];
              return h(
                'td',
                {
                  class: `num week ${u.state !== 'attivo' ? 'closed' : held >= u.places ? 'full' : held > 0 ? 'partial' : 'free'}`,
                  'aria-label': t('housing.cellLabel', { date: formatDate(v.week_starts[i]), taken: n, places: u.places }) + (over > 0 ? `; ${t('housing.overHeld', { over })}` : ''),
                  'data-testid': 'occupancy-cell',
                },
                text,
              );
            }),
          );
        }),
      ),
    ),
  );
}

function candidateText(c) {
  const people = c.people === 1 ? t('housing.onePerson') : t('housing.nPeople', { n: c.people });
  return t('housing.candidate', { name: c.household_name, case: c.case_number, people, priority: label('waitingPriority', c.priority), since: formatDate(c.since) });
}

/** One row per free place: the households that fit it (the list's first chosen), and "Inserisci". */
function proposals(v, ctx, reload) {
  if (!v.settings) return null;
  if (v.proposals.length === 0) return h('p', { class: 'empty', 'data-testid': 'housing-no-proposals' }, t('housing.noProposals'));
  const slot = h('div', { class: 'place-form-slot', 'data-testid': 'place-form-slot' });
  // The places someone fits first, then the others.
  const rows = [...v.proposals].sort((a, b) => (a.candidates.length === 0) - (b.candidates.length === 0));
  const table = h(
    'table',
    { class: 'data proposals', 'data-testid': 'housing-proposals' },
    h('thead', {}, h('tr', {}, th(t('housing.colFreePlace')), th(t('housing.colFree')), th(t('housing.colCandidates')), th(t('housing.colActions')))),
    h(
      'tbody',
      {},
      rows.map((p, i) => {
        const where = t('housing.proposalWhere', { unit: p.unit_address, place: placeText(p.place) });
        const id = `proposal-${i}`;
        const select =
          p.candidates.length === 0
            ? null
            : h(
                'select',
                { id, 'data-testid': 'proposal-select', 'aria-label': t('housing.chooseFor', { where }) },
                p.candidates.map((c) => h('option', { value: c.id, 'data-household': c.household_name }, candidateText(c))),
              );
        return h(
          'tr',
          { 'data-testid': 'housing-proposal', 'data-unit': p.unit_id, 'data-place': p.place === null ? 'intero' : String(p.place) },
          h('th', { scope: 'row' }, where),
          cell(p.free_until ? t('housing.freeUntil', { date: formatDate(p.free_until) }) : t('housing.freeOpen')),
          h('td', {}, select || h('span', { class: 'muted' }, t('housing.noCandidates'))),
          h(
            'td',
            {},
            select && v.can_place
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary small',
                    'aria-label': t('housing.placeIn', { where }),
                    'data-testid': 'proposal-place',
                    onclick: () => {
                      const c = p.candidates.find((x) => x.id === select.value);
                      replace(slot, placeForm(v, p, c, where, ctx, reload, () => {
                        replace(slot);
                        select.focus();
                      }));
                      slot.querySelector('input')?.focus();
                    },
                  },
                  t('housing.place'),
                )
              : null,
          ),
        );
      }),
    ),
  );
  const device = v.can_place ? null : h('p', { class: 'callout warn', 'data-testid': 'housing-not-hub' }, t('housing.notHub'));
  return [device, h('div', { class: 'table-scroll' }, table), slot];
}

/** The entry date and planned end of a placement, confirmed in the dialog. */
function placeForm(v, p, c, where, ctx, reload, close) {
  const entry = v.from;
  const latest = addMonths(entry, v.settings.max_months);
  const model = { entry, planned_end: minIso(addMonths(entry, 6), latest, p.free_until) };
  const form = new Form();
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'place-form' },
    h('h4', {}, t('housing.placeTitle', { name: c.household_name, where })),
    h(
      'div',
      { class: 'grid' },
      form.date(model, 'entry', { label: t('housing.entry'), field: 'entry', testid: 'place-entry', required: true }),
      form.date(model, 'planned_end', { label: t('housing.plannedEnd'), field: 'planned_end', testid: 'place-planned-end', required: true, hint: t('housing.plannedEndHint') }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'place-confirm' }, t('housing.confirmPlace')),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'place-cancel', onclick: close }, t('housing.cancel')),
    ),
  );
  onSubmit(el, form, ctx, async () => {
    const ok = await confirmDialog({
      name: 'place',
      title: t('housing.placeTitle', { name: c.household_name, where }),
      body: t('housing.placeAsk', { name: c.household_name, where, entry: formatDate(model.entry), end: formatDate(model.planned_end) }),
      cancel: { label: t('housing.cancel') },
      confirm: { label: t('housing.confirmPlace') },
    });
    if (!ok) return;
    try {
      await api.stayPlace({ waiting_id: c.id, unit_id: p.unit_id, place: p.place, entry: model.entry, planned_end: model.planned_end });
    } catch (err) {
      // The rules' fields (place, unit.places, duration…) are not this form's: said at the top.
      if (err.field === 'duration') err = { ...err, field: 'planned_end' };
      throw err;
    }
    ctx.toast(t('housing.placed', { name: c.household_name, where }));
    await reload('housing-occupancy');
  });
  return el;
}

function waitingTable(v, ctx, reload) {
  const others = v.others_waiting > 0 ? h('p', { class: 'muted', 'data-testid': 'housing-others-waiting' }, t('housing.othersWaiting', { n: v.others_waiting })) : null;
  if (v.waiting.length === 0) return [h('p', { class: 'empty', 'data-testid': 'housing-no-waiting' }, t('housing.noWaiting')), others];
  return [
    h(
      'table',
      { class: 'data', 'data-testid': 'housing-waiting' },
      h('thead', {}, h('tr', {}, th(t('housing.colPriority')), th(t('housing.colHousehold')), th(t('housing.colPeople'), 'num'), th(t('housing.colNeed')), th(t('housing.colSince')), th(t('housing.colActions')))),
      h(
        'tbody',
        {},
        v.waiting.map((w) =>
          h(
            'tr',
            { 'data-testid': 'waiting-row', 'data-waiting': w.id },
            cell(label('waitingPriority', w.priority), 'nowrap'),
            h('td', {}, h('a', { href: `#/nuclei/${encodeURIComponent(w.household_id)}` }, w.household_name), h('div', { class: 'muted small' }, w.case_number)),
            cell(String(w.people), 'num'),
            cell(w.need),
            cell(formatDate(w.since), 'nowrap'),
            h(
              'td',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary small',
                  'data-testid': 'waiting-withdraw',
                  onclick: async () => {
                    const reason = await askText({
                      name: 'withdraw',
                      title: t('housing.withdrawTitle', { name: w.household_name }),
                      input: { label: t('housing.withdrawReason') },
                      cancel: { label: t('housing.cancel') },
                      confirm: { label: t('housing.withdraw') },
                    });
                    if (reason === null) return;
                    try {
                      await api.waitingWithdraw(w.id, reason);
                      ctx.toast(t('housing.withdrawn'));
                      await reload('housing-waiting');
                    } catch (e) {
                      ctx.showError(e);
                    }
                  },
                },
                t('housing.withdraw'),
              ),
            ),
          ),
        ),
      ),
    ),
    others,
  ];
}

function statusBadge(s) {
  const cls = { oltre_termine: 'scaduto', in_scadenza: 'in_scadenza', in_corso: 'nei_termini', programmato: 'pending', concluso: '' }[s.status];
  return h('span', { class: `badge ${cls}`, 'data-testid': 'stay-status', 'data-status': s.status }, label('stayStatus', s.status));
}

function staysTable(v, openCard) {
  if (v.stays.length === 0) return h('p', { class: 'empty', 'data-testid': 'housing-no-stays' }, t('housing.noStays'));
  return h(
    'table',
    { class: 'data', 'data-testid': 'housing-stays' },
    h('thead', {}, h('tr', {}, th(t('housing.colHousehold')), th(t('housing.colWhere')), th(t('housing.colEntry')), th(t('housing.colPlannedEnd')), th(t('housing.colState')), th(t('housing.colExit')), th(t('housing.colActions')))),
    h(
      'tbody',
      {},
      v.stays.map((s) =>
        h(
          'tr',
          { 'data-testid': 'stay-row', 'data-stay': s.id, 'data-status': s.status },
          h('td', {}, h('a', { href: `#/nuclei/${encodeURIComponent(s.household_id)}` }, s.household_name), h('div', { class: 'muted small' }, s.case_number)),
          cell(`${s.unit_address}, ${placeText(s.place)}`),
          cell(formatDate(s.entry), 'nowrap'),
          cell(formatDate(s.planned_end), 'nowrap'),
          h('td', {}, statusBadge(s)),
          cell(s.exit_date ? t('housing.exitTo', { date: formatDate(s.exit_date), destination: label('destination', s.destination) }) : '—'),
          h('td', {}, h('button', { type: 'button', class: 'secondary small', 'data-testid': `stay-open-${s.id}`, onclick: () => openCard(s) }, t('housing.open'))),
        ),
      ),
    ),
  );
}

/** A stay's card: its project, proroga and exit. */
function stayCard(s, v, ctx, reload, close) {
  const where = `${s.unit_address}, ${placeText(s.place)}`;
  const contribution = s.contribution ? t('housing.contributionMonth', { amount: formatMoney(s.contribution) }) : t('housing.noContribution');
  const head = [
    h('h3', { tabindex: '-1' }, t('housing.stayCard', { name: s.household_name })),
    h('p', {}, where, ' · ', statusBadge(s)),
    h('p', {}, `${t('housing.colEntry')}: ${formatDate(s.entry)} · ${t('housing.colPlannedEnd')}: ${formatDate(s.planned_end)} · ${t('housing.people', { n: s.people })}`),
    h('p', {}, t('housing.contribution', { value: contribution })),
    h('h4', {}, t('housing.project')),
    s.project_id
      ? h('p', {}, h('a', { href: `#/nuclei/${encodeURIComponent(s.household_id)}/progetto`, 'data-testid': 'stay-project' }, t('housing.openProject')))
      : h('p', { class: 'muted', 'data-testid': 'stay-no-project' }, t('housing.noProject')),
  ];
  const closeBtn = h('button', { type: 'button', class: 'secondary', 'data-testid': 'stay-card-close', onclick: close }, t('housing.closeCard'));
  if (s.exit_date) {
    return h(
      'section',
      { class: 'card stay-card', 'data-testid': 'stay-card', 'data-stay': s.id },
      head,
      h('p', { 'data-testid': 'stay-concluded' }, t('housing.concluded', { date: formatDate(s.exit_date), destination: label('destination', s.destination) })),
      s.exit_note ? h('p', { class: 'muted' }, s.exit_note) : null,
      h('div', { class: 'form-actions' }, closeBtn),
    );
  }
  // Proroga.
  const pm = { planned_end: null };
  const pf = new Form();
  const proroga = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'proroga-form' },
    h('h4', {}, t('housing.prorogaTitle')),
    s.latest_planned_end ? h('p', { class: 'hint' }, t('housing.latest', { date: formatDate(s.latest_planned_end) })) : null,
    h('div', { class: 'grid' }, pf.date(pm, 'planned_end', { label: t('housing.newEnd'), field: 'planned_end', testid: 'proroga-date', required: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'secondary', 'data-testid': 'proroga-save' }, t('housing.proroga'))),
  );
  onSubmit(proroga, pf, ctx, async () => {
    const ok = await confirmDialog({
      name: 'proroga',
      title: t('housing.prorogaTitle'),
      body: t('housing.prorogaAsk', { name: s.household_name, date: formatDate(pm.planned_end) }),
      cancel: { label: t('housing.cancel') },
      confirm: { label: t('housing.proroga') },
    });
    if (!ok) return;
    try {
      await api.stayUpdate({ stay_id: s.id, planned_end: pm.planned_end });
    } catch (err) {
      throw err.field === 'duration' ? { ...err, field: 'planned_end' } : err;
    }
    ctx.toast(t('housing.prorogaDone', { date: formatDate(pm.planned_end) }));
    await reload('housing-stays');
  });
  // Exit.
  const em = { exit_date: v.today, destination: null, exit_note: null };
  const ef = new Form();
  const exit = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'exit-form' },
    h('h4', {}, t('housing.exitTitle')),
    h(
      'div',
      { class: 'grid' },
      ef.date(em, 'exit_date', { label: t('housing.exitDate'), field: 'exit_date', testid: 'exit-date', required: true }),
      ef.select(em, 'destination', {
        label: t('housing.destination'),
        field: 'destination',
        testid: 'exit-destination',
        required: true,
        options: DESTINATIONS.map((d) => [d, label('destination', d)]),
      }),
      ef.text(em, 'exit_note', { label: t('housing.exitNote'), field: 'exit_note', testid: 'exit-note', multiline: true, wide: true }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'exit-save' }, t('housing.recordExit')), closeBtn),
  );
  onSubmit(exit, ef, ctx, async () => {
    const ok = await confirmDialog({
      name: 'exit',
      title: t('housing.exitTitle'),
      body: t('housing.exitAsk', { name: s.household_name, date: formatDate(em.exit_date), destination: label('destination', em.destination) }),
      cancel: { label: t('housing.cancel') },
      confirm: { label: t('housing.recordExit') },
    });
    if (!ok) return;
    await api.stayUpdate({ stay_id: s.id, exit_date: em.exit_date, destination: em.destination, exit_note: em.exit_note });
    ctx.toast(t('housing.exitDone'));
    await reload('housing-stays');
  });
  const prorogaOrNote = v.can_place ? proroga : h('p', { class: 'muted', 'data-testid': 'proroga-not-hub' }, t('housing.prorogaNotHub'));
  return h('section', { class: 'card stay-card', 'data-testid': 'stay-card', 'data-stay': s.id }, head, prorogaOrNote, exit);
}

function unitsSection(v, ctx, reload) {
  const slot = h('div', { 'data-testid': 'unit-form-slot' });
  const openForm = (u) => {
    replace(slot, unitForm(u, ctx, reload, () => replace(slot)));
    slot.querySelector('input')?.focus();
  };
  const table =
    v.units.length === 0
      ? h('p', { class: 'empty' }, t('housing.noUnits'))
      : h(
          'table',
          { class: 'data', 'data-testid': 'housing-units' },
          h('thead', {}, h('tr', {}, th(t('housing.colAddress')), th(t('housing.colPlaces'), 'num'), th(t('housing.colBody')), th(t('housing.colState')), th(t('housing.colNote')), v.can_manage_units ? th(t('housing.colActions')) : null)),
          h(
            'tbody',
            {},
            v.units.map((u) =>
              h(
                'tr',
                { 'data-testid': 'unit-row', 'data-unit': u.id },
                cell(u.address),
                cell(String(u.places), 'num'),
                cell(u.managing_body),
                cell(label('unitState', u.state)),
                cell(u.note || '—'),
                v.can_manage_units
                  ? h('td', {}, h('button', { type: 'button', class: 'secondary small', 'aria-label': `${t('housing.edit')}: ${u.address}`, 'data-testid': 'unit-edit', onclick: () => openForm(u) }, t('housing.edit')))
                  : null,
              ),
            ),
          ),
        );
  return [
    table,
    v.can_manage_units ? h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'unit-new', onclick: () => openForm(null) }, t('housing.newUnit'))) : null,
    slot,
  ];
}

function unitForm(u, ctx, reload, close) {
  const model = u
    ? { id: u.id, address: u.address, places: u.places, managing_body: u.managing_body, state: u.state, note: u.note }
    : { id: null, address: null, places: null, managing_body: null, state: 'attivo', note: null };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const el = h(
    'form',
    { class: 'form card', novalidate: true, 'data-testid': 'unit-form' },
    h('h3', {}, u ? t('housing.editUnit') : t('housing.newUnit')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'address', { label: t('housing.address'), field: 'address', testid: 'unit-address', required: true, wide: true }),
      form.integer(model, 'places', { label: t('housing.places'), field: 'places', testid: 'unit-places', required: true, min: 1, max: 30, message: t('housing.numberRange') }),
      form.text(model, 'managing_body', { label: t('housing.body'), field: 'managing_body', testid: 'unit-body', required: true }),
      form.select(model, 'state', {
        label: t('housing.unitState'),
        field: 'state',
        testid: 'unit-state',
        required: true,
        allowEmpty: false,
        options: ['attivo', 'in_ristrutturazione', 'fuori_uso'].map((s) => [s, label('unitState', s)]),
      }),
      form.text(model, 'note', { label: t('housing.note'), field: 'note', testid: 'unit-note', multiline: true, wide: true }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'unit-save' }, t('housing.saveUnit')),
      h('button', { type: 'button', class: 'secondary', onclick: () => { ctx.setDirty(false); close(); } }, t('housing.cancel')),
    ),
  );
  onSubmit(el, form, ctx, async () => {
    await api.unitSave(model);
    ctx.setDirty(false);
    ctx.toast(t('housing.unitSaved'));
    await reload('housing-units');
  });
  return el;
}

// ---- The household page's card -------------------------------------------------------

/** The household's stay (or its place on the waiting list), and putting it on the list. */
export function housingCard(household, ctx) {
  const box = h('section', { class: 'card housing-card', 'data-testid': 'household-housing' }, h('h2', {}, t('housing.cardTitle')), h('p', { class: 'muted' }, t('app.loading')));
  const draw = (x) => {
    const current = x.stays.find((s) => !s.exit_date);
    const ended = x.stays.filter((s) => s.exit_date);
    const lines = [];
    if (current) {
      lines.push(
        h(
          'p',
          { 'data-testid': 'household-housing-stay' },
          t('housing.cardStay', { where: `${current.unit_address}, ${placeText(current.place)}`, entry: formatDate(current.entry), end: formatDate(current.planned_end) }),
          ' ',
          statusBadge(current),
        ),
      );
    }
    if (x.waiting) {
      lines.push(h('p', { 'data-testid': 'household-housing-waiting' }, t('housing.cardWaiting', { since: formatDate(x.waiting.since), priority: label('waitingPriority', x.waiting.priority), need: x.waiting.need })));
    }
    for (const s of ended.slice(0, 3)) {
      lines.push(
        h('p', { class: 'muted' }, t('housing.cardEnded', { where: `${s.unit_address}, ${placeText(s.place)}`, entry: formatDate(s.entry), exit: formatDate(s.exit_date), destination: label('destination', s.destination) })),
      );
    }
    if (lines.length === 0) lines.push(h('p', { class: 'muted', 'data-testid': 'household-housing-none' }, t('housing.cardNone')));
    const link = h('p', {}, h('a', { href: '#/alloggi', 'data-testid': 'household-housing-open' }, t('housing.cardOpen')));
    replace(box, h('h2', {}, t('housing.cardTitle')), lines, current || x.waiting ? null : waitingForm(household, ctx, reload), link);
  };
  const reload = () =>
    api
      .householdHousing(household.id)
      .then(draw)
      .catch((e) => {
        replace(box, h('h2', {}, t('housing.cardTitle')));
        ctx.showError(e, { focus: false });
      });
  reload();
  return box;
}

function waitingForm(household, ctx, reload) {
  const model = { need: null, priority: '3', people: String(household.members?.length || 1) };
  const form = new Form();
  const el = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'waiting-form' },
    h('h3', {}, t('housing.addWaiting')),
    h(
      'div',
      { class: 'grid' },
      form.text(model, 'need', { label: t('housing.need'), field: 'need', testid: 'waiting-need', required: true, wide: true, hint: t('housing.needHint') }),
      form.select(model, 'priority', {
        label: t('housing.priority'),
        field: 'priority',
        testid: 'waiting-priority',
        required: true,
        allowEmpty: false,
        options: ['1', '2', '3'].map((p) => [p, label('waitingPriority', p)]),
      }),
      form.integer(model, 'people', { label: t('housing.peopleCount'), field: 'people', testid: 'waiting-people', required: true, min: 1, max: 30, message: t('housing.numberRange') }),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'secondary', 'data-testid': 'waiting-add' }, t('housing.addWaiting'))),
  );
  onSubmit(el, form, ctx, async () => {
    await api.waitingAdd({ household_id: household.id, need: model.need, priority: model.priority, people: model.people });
    ctx.toast(t('housing.waitingAdded'));
    reload();
  });
  return el;
}
