// "Programmi" (issue 12; seeds 001 «Traiettorie» and 003 «CIAO!»): the funded
// programmes the office works in — fund, convention, period, budget, the
// capofila and the partners with their role, the governance bodies, the
// catalogue of interventions — and their participants. Everyone reads them
// (participants by name only for the cases in the operator's scope); the
// coordinatore writes them (programme_save: COORD).
//
// Routes: #/programmi, #/programmi/nuovo, #/programmi/:id.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, formatMoney } from '../format.js';
import { Form, onSubmit } from '../forms.js';
import { label, t } from '../i18n.js';

const tp = (key, vars) => t(`programmes.${key}`, vars);
const head = (cols) => h('thead', {}, h('tr', {}, cols.map(([text, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, text))));

export async function mount(view, ctx) {
  if (ctx.params.id === 'nuovo') return mountEdit(view, ctx, null);
  if (ctx.params.id) return mountDetail(view, ctx);
  const list = await api.programmeList();
  if (!ctx.isCurrent()) return;
  const coordinator = ['coordinatore', 'amministratore'].includes(ctx.session?.operator?.role);
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-programmi' },
      h(
        'header',
        { class: 'screen-head' },
        h('h1', { 'data-testid': 'screen-title' }, tp('title')),
        h('p', { class: 'muted' }, tp('subtitle')),
        coordinator ? h('div', { class: 'actions' }, h('a', { href: '#/programmi/nuovo', class: 'button primary', 'data-testid': 'programme-new' }, tp('new'))) : null,
      ),
      list.length === 0
        ? h('p', { class: 'empty', 'data-testid': 'programmes-empty' }, tp('empty'))
        : h(
            'table',
            { class: 'data', 'data-testid': 'programmes-list' },
            head([[tp('colProgramme')], [tp('colLead')], [tp('colPeriod')], [tp('colInterventions'), true], [tp('colParticipants'), true]]),
            h(
              'tbody',
              {},
              list.map((p) =>
                h(
                  'tr',
                  { 'data-testid': 'programme-row' },
                  h(
                    'td',
                    {},
                    h('a', { href: `#/programmi/${encodeURIComponent(p.id)}`, 'data-testid': 'programme-open' }, h('strong', {}, p.title)),
                    h('div', { class: 'muted' }, [p.programme, p.fund].filter(Boolean).join(' — ')),
                  ),
                  h('td', {}, p.lead_body),
                  h('td', { class: 'nowrap' }, tp('period', { from: formatDate(p.start_on), to: formatDate(p.end_on) }), ' ', p.running ? h('span', { class: 'badge ok' }, tp('running')) : null),
                  h('td', { class: 'num' }, String(p.interventions)),
                  h('td', { class: 'num', 'data-testid': 'programme-participants' }, String(p.participants)),
                ),
              ),
            ),
          ),
    ),
  );
}

async function mountDetail(view, ctx) {
  const d = await api.programmeGet(ctx.params.id);
  if (!ctx.isCurrent()) return;
  const p = d.programme;
  const partnerName = (id) => p.partners.find((x) => x.id === id)?.name ?? tp('theService');
  const facts = [
    [tp('fFund'), p.fund],
    [tp('fProgramme'), p.programme],
    [tp('fConvention'), p.convention],
    [tp('fCup'), p.cup],
    [tp('fPeriod'), tp('period', { from: formatDate(p.start_on), to: formatDate(p.end_on) })],
    [tp('fBudget'), p.budget ? formatMoney(p.budget) : tp('budgetUnknown')],
    [tp('fLead'), p.lead_body],
    [tp('fEsf'), p.esf ? tp('yes') : tp('no')],
    [tp('fEsfPeriod'), p.esf ? label('esfPeriod', p.esf_period) : null],
  ].filter(([, v]) => v);
  const partners = h(
    'section',
    { class: 'card', 'data-testid': 'programme-partners' },
    h('h2', {}, tp('partners')),
    p.partners.length
      ? h(
          'table',
          { class: 'data' },
          head([[tp('colName')], [tp('colKind')], [tp('colRole')]]),
          h(
            'tbody',
            {},
            p.partners.map((x) =>
              h('tr', { 'data-testid': 'partner-row', class: x.active ? null : 'muted' }, h('td', {}, x.name, x.active ? null : ` (${tp('notActive')})`), h('td', {}, label('partnerKind', x.kind)), h('td', {}, label('partnerRole', x.role))),
            ),
          ),
        )
      : h('p', { class: 'muted' }, tp('noPartners')),
  );
  const bodies = h(
    'section',
    { class: 'card', 'data-testid': 'programme-bodies' },
    h('h2', {}, tp('governance')),
    p.bodies.length
      ? p.bodies.map((b) => h('div', { 'data-testid': 'body' }, h('h3', {}, b.name), b.remit ? h('p', {}, b.remit) : null, b.members.length ? h('ul', {}, b.members.map((m) => h('li', {}, m))) : null))
      : h('p', { class: 'muted' }, tp('noBodies')),
  );
  const interventions = h(
    'section',
    { class: 'card', 'data-testid': 'programme-interventions' },
    h('h2', {}, tp('interventions')),
    p.interventions.length
      ? h(
          'table',
          { class: 'data' },
          head([[tp('colIntervention')], [tp('colKind')], [tp('colRunBy')], [tp('colEnrolled'), true], [tp('colOpen'), true]]),
          h(
            'tbody',
            {},
            p.interventions.map((i) => {
              const [all, open] = d.counts[i.id] ?? [0, 0];
              return h(
                'tr',
                { 'data-testid': 'intervention-row', class: i.active ? null : 'muted' },
                h('td', {}, i.title, i.hours_planned ? ` — ${tp('hours', { n: i.hours_planned })}` : null, i.active ? null : ` (${tp('closed')})`),
                h('td', {}, label('interventionKind', i.kind)),
                h('td', {}, partnerName(i.partner_id)),
                h('td', { class: 'num' }, String(all)),
                h('td', { class: 'num' }, String(open)),
              );
            }),
          ),
        )
      : h('p', { class: 'muted' }, tp('noInterventions')),
  );
  const participants = h(
    'section',
    { class: 'card', 'data-testid': 'programme-participants-card' },
    h('h2', {}, tp('participants')),
    d.participants.length ? participantsList(d.participants) : h('p', { class: 'muted' }, tp('noParticipants')),
    d.others ? h('p', { class: 'muted', 'data-testid': 'participants-others' }, tp('others', { n: d.others })) : null,
  );
  // The ESF indicators: the coordinator's (programme_indicators: COORD).
  const indicators = d.can_edit && p.esf ? indicatorsCard(p, ctx) : null;
  replace(
    view,
    h(
      'section',
      { 'data-testid': 'screen-programma' },
      h('a', { href: '#/programmi', 'data-testid': 'programme-back' }, tp('back')),
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, p.title), d.can_edit ? h('div', { class: 'actions' }, h('a', { class: 'button secondary', href: `#/programmi/${encodeURIComponent(p.id)}/modifica`, 'data-testid': 'programme-edit' }, tp('edit'))) : null),
      h('dl', { class: 'facts card' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      p.target ? h('p', { class: 'card' }, h('strong', {}, tp('fTarget')), ' ', p.target) : null,
      partners,
      bodies,
      interventions,
      participants,
      indicators,
    ),
  );
}

/** Rows of the participants' table shown at once: a programme has hundreds. */
const PARTICIPANTS_PAGE = 50;

/**
 * The participants' enrolments, by entry date, a page at a time: how many
 * people, how many still in, how each way out counts; then 50 rows with the
 * previous and next page.
 */
function participantsList(rows) {
  const people = new Set(rows.map((x) => x.member_id)).size;
  const open = rows.filter((x) => !x.exit_date).length;
  const byOutcome = new Map();
  for (const x of rows) if (x.outcome_label) byOutcome.set(x.outcome_label, (byOutcome.get(x.outcome_label) ?? 0) + 1);
  const outcomes = [...byOutcome].map(([k, n]) => `${k} ${n}`).join(', ');
  const pages = Math.ceil(rows.length / PARTICIPANTS_PAGE);
  const box = h('div', { 'data-testid': 'participants-box' });
  let page = 0;
  const draw = (focus) => {
    const from = page * PARTICIPANTS_PAGE;
    const shown = rows.slice(from, from + PARTICIPANTS_PAGE);
    const prev = h('button', { type: 'button', class: 'secondary', 'data-testid': 'participants-prev', disabled: page === 0, onclick: () => { page -= 1; draw('participants-prev'); } }, tp('pagePrev'));
    const next = h('button', { type: 'button', class: 'secondary', 'data-testid': 'participants-next', disabled: page >= pages - 1, onclick: () => { page += 1; draw('participants-next'); } }, tp('pageNext'));
    replace(
      box,
      h('p', { 'data-testid': 'participants-summary' }, tp('participantsSummary', { n: rows.length, people, open }), outcomes ? ` ${tp('participantsOut', { list: outcomes })}` : null),
      h(
        'table',
        { class: 'data', 'data-testid': 'participants-table', 'aria-label': tp('participants') },
        head([[tp('colMember')], [tp('colCase')], [tp('colIntervention')], [tp('colEntry')], [tp('colExit')]]),
        h(
          'tbody',
          {},
          shown.map((x) =>
            h(
              'tr',
              { 'data-testid': 'participant-row' },
              h('td', {}, h('a', { href: `#/nuclei/${encodeURIComponent(x.household_id)}/progetto` }, x.member_name)),
              h('td', { class: 'nowrap' }, x.case_number),
              h('td', {}, x.intervention_title),
              h('td', { class: 'nowrap' }, formatDate(x.entry_date)),
              h('td', {}, x.exit_date ? `${formatDate(x.exit_date)} — ${x.outcome_label}` : tp('inProgress')),
            ),
          ),
        ),
      ),
      pages > 1
        ? h(
            'nav',
            { class: 'actions pager', 'aria-label': tp('pagesOf') },
            prev,
            h('span', { 'data-testid': 'participants-page', 'aria-live': 'polite' }, tp('pageRows', { from: from + 1, to: from + shown.length, n: rows.length })),
            next,
          )
        : null,
    );
    if (focus) {
      const again = box.querySelector(`[data-testid="${focus}"]`);
      (again && !again.disabled ? again : box.querySelector('[data-testid="participants-page"]'))?.focus?.();
    }
  };
  draw(null);
  return box;
}

/** The ESF common indicators on a day, with the funder's and the office's copies. */
function indicatorsCard(p, ctx) {
  const when = { on: ctx.session?.today ?? null };
  const form = new Form({ onChange: () => {} });
  const table = h('div', { 'data-testid': 'indicators-table-box' });
  const box = h('section', { class: 'card', 'data-testid': 'programme-indicators' });
  const show = (x) => {
    const rows = (lines) =>
      lines.map((l) =>
        h('tr', { 'data-testid': `indicator-${l.code}` }, h('td', {}, l.code), h('td', {}, l.description), h('td', { class: 'num' }, String(l.F)), h('td', { class: 'num' }, String(l.M)), h('td', { class: 'num' }, String(l.total)), h('td', { class: 'num' }, String(l.missing))),
      );
    replace(
      table,
      h('p', { 'data-testid': 'indicators-period' }, tp('indicatorsPeriod', { label: x.period_label, reg: x.regulation })),
      h('p', { 'data-testid': 'indicators-summary' }, tp('indicatorsSummary', { n: x.participants, out: x.exited, on: formatDate(x.on) })),
      h(
        'table',
        { class: 'data', 'data-testid': 'indicators-table' },
        head([[tp('colCode')], [tp('colIndicator')], ['F', true], ['M', true], [tp('colTotal'), true], [tp('colMissing'), true]]),
        h('tbody', {}, rows(x.outputs), rows(x.results)),
      ),
    );
  };
  const load = (format = null, copy = null) => {
    if (!form.validate()) return;
    api.programmeIndicators(p.id, when.on, copy, format).then(
      (x) => {
        show(x);
        if (x.file) ctx.toast(tp('indicatorsOpened', { file: x.file.file_name }));
      },
      (e) => {
        if (!form.showError(e)) ctx.showError(e);
      },
    );
  };
  const button = (format, copy, text, primary) =>
    h('button', { type: 'button', class: primary ? 'primary' : 'secondary', 'data-testid': `indicators-${format}-${copy}`, onclick: () => load(format, copy) }, text);
  replace(
    box,
    h('h2', {}, tp('indicators')),
    h('p', { class: 'muted' }, tp('indicatorsHint')),
    form.date(when, 'on', { label: tp('indicatorsOn'), field: 'on', testid: 'indicators-on', required: true }),
    h(
      'div',
      { class: 'actions', role: 'group', 'aria-label': tp('indicators') },
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'indicators-show', onclick: () => load() }, tp('indicatorsShow')),
      button('pdf', 'finanziatore', tp('pdfFunder'), true),
      button('csv', 'finanziatore', tp('csvFunder')),
      button('pdf', 'ufficio', tp('pdfOffice')),
      button('xlsx', 'ufficio', tp('xlsxOffice')),
    ),
    table,
  );
  load();
  return box;
}

export async function mountEditRoute(view, ctx) {
  const d = await api.programmeGet(ctx.params.id);
  if (!ctx.isCurrent()) return;
  return mountEdit(view, ctx, d.programme);
}

/** The coordinator's form: the sheet, then partners, bodies and interventions as rows. */
function mountEdit(view, ctx, p) {
  const model = {
    id: p?.id ?? null,
    title: p?.title ?? null,
    fund: p?.fund || null,
    programme: p?.programme || null,
    convention: p?.convention || null,
    cup: p?.cup || null,
    start_on: p?.start_on ?? null,
    end_on: p?.end_on ?? null,
    budget: p?.budget ?? null,
    lead_body: p?.lead_body ?? null,
    target: p?.target || null,
    esf: p?.esf ?? true,
    esf_period: p?.esf_period ?? '2014-2020',
    funded_project_id: p?.funded_project_id ?? null,
    partners: (p?.partners ?? []).map((x) => ({ ...x })),
    bodies: (p?.bodies ?? []).map((b) => ({ ...b, members: b.members.join('\n') })),
    interventions: (p?.interventions ?? []).map((i) => ({ ...i, hours_planned: i.hours_planned ?? null })),
  };
  const container = h('section', { 'data-testid': 'screen-programma-modifica' });
  const draw = (focus) => {
    const form = new Form({ onChange: () => ctx.setDirty(true) });
    const partnerOptions = model.partners.filter((x) => x.id).map((x) => [x.id, x.name]);
    const rowsOf = (items, render, addLabel, addTestid, blank) =>
      h(
        'div',
        {},
        items.map((it, i) => render(form, it, i)),
        h('button', { type: 'button', class: 'secondary', 'data-testid': addTestid, onclick: () => { items.push(blank()); ctx.setDirty(true); draw(`${addTestid}-${items.length - 1}`); } }, addLabel),
      );
    const el = h(
      'form',
      { class: 'form card', novalidate: true, 'data-testid': 'programme-form' },
      h(
        'div',
        { class: 'grid' },
        form.text(model, 'title', { label: tp('fTitle'), field: 'title', testid: 'programme-f-title', required: true, wide: true }),
        form.text(model, 'fund', { label: tp('fFund'), field: 'fund', testid: 'programme-f-fund' }),
        form.text(model, 'programme', { label: tp('fProgramme'), field: 'programme', testid: 'programme-f-programme' }),
        form.text(model, 'convention', { label: tp('fConvention'), field: 'convention', testid: 'programme-f-convention' }),
        form.text(model, 'cup', { label: tp('fCup'), field: 'cup', testid: 'programme-f-cup', maxlength: 15, spellcheck: false }),
        form.date(model, 'start_on', { label: tp('fStart'), field: 'start_on', testid: 'programme-f-start', required: true }),
        form.date(model, 'end_on', { label: tp('fEnd'), field: 'end_on', testid: 'programme-f-end', required: true }),
        form.money(model, 'budget', { label: tp('fBudget'), field: 'budget', testid: 'programme-f-budget', hint: tp('budgetHint') }),
        form.text(model, 'lead_body', { label: tp('fLead'), field: 'lead_body', testid: 'programme-f-lead', required: true }),
        form.text(model, 'target', { label: tp('fTarget'), field: 'target', testid: 'programme-f-target', multiline: true, wide: true }),
        form.checkbox(model, 'esf', { label: tp('fEsfAsk'), field: 'esf', testid: 'programme-f-esf' }),
        form.select(model, 'esf_period', { label: tp('fEsfPeriod'), field: 'esf_period', testid: 'programme-f-esf-period', required: true, hint: tp('fEsfPeriodHint'), options: ['2014-2020', '2021-2027'].map((v) => [v, label('esfPeriod', v)]) }),
      ),
      h('h2', {}, tp('partners')),
      rowsOf(
        model.partners,
        (f, x, i) =>
          h(
            'fieldset',
            { class: 'grid', 'data-testid': `partner-${i}` },
            h('legend', {}, tp('partnerN', { n: i + 1 })),
            f.text(x, 'name', { label: tp('colName'), field: `partners[${i}].name`, testid: `partner-${i}-name`, required: true, wide: true }),
            f.select(x, 'kind', { label: tp('colKind'), field: `partners[${i}].kind`, testid: `partner-${i}-kind`, required: true, options: ['pubblico', 'terzo_settore', 'privato'].map((v) => [v, label('partnerKind', v)]) }),
            f.select(x, 'role', { label: tp('colRole'), field: `partners[${i}].role`, testid: `partner-${i}-role`, required: true, options: ['capofila', 'partner', 'attuatore', 'sostenitore', 'referente'].map((v) => [v, label('partnerRole', v)]) }),
            f.checkbox(x, 'active', { label: tp('stillPartner'), field: `partners[${i}].active`, testid: `partner-${i}-active` }),
          ),
        tp('addPartner'),
        'partner-add',
        () => ({ id: null, name: null, kind: null, role: 'partner', active: true }),
      ),
      h('h2', {}, tp('governance')),
      rowsOf(
        model.bodies,
        (f, b, i) =>
          h(
            'fieldset',
            { class: 'grid', 'data-testid': `body-${i}` },
            h('legend', {}, tp('bodyN', { n: i + 1 })),
            f.select(b, 'kind', { label: tp('colKind'), field: `bodies[${i}].kind`, testid: `body-${i}-kind`, required: true, options: ['cabina_di_regia', 'coordinamento_operativo', 'comunita_di_pratica', 'altro'].map((v) => [v, label('bodyKind', v)]) }),
            f.text(b, 'name', { label: tp('colName'), field: `bodies[${i}].name`, testid: `body-${i}-name` }),
            f.text(b, 'remit', { label: tp('remit'), field: `bodies[${i}].remit`, testid: `body-${i}-remit`, wide: true }),
            f.text(b, 'members', { label: tp('members'), field: `bodies[${i}].members`, testid: `body-${i}-members`, multiline: true, wide: true, hint: tp('membersHint') }),
          ),
        tp('addBody'),
        'body-add',
        () => ({ id: null, kind: null, name: null, remit: null, members: null }),
      ),
      h('h2', {}, tp('interventions')),
      rowsOf(
        model.interventions,
        (f, v, i) =>
          h(
            'fieldset',
            { class: 'grid', 'data-testid': `intervention-${i}` },
            h('legend', {}, tp('interventionN', { n: i + 1 })),
            f.text(v, 'title', { label: tp('colIntervention'), field: `interventions[${i}].title`, testid: `intervention-${i}-title`, required: true, wide: true }),
            f.select(v, 'kind', { label: tp('colKind'), field: `interventions[${i}].kind`, testid: `intervention-${i}-kind`, required: true, options: ['tirocinio', 'corso', 'orientamento', 'bene_comune', 'socio_educativo', 'consulenza'].map((k) => [k, label('interventionKind', k)]) }),
            f.select(v, 'partner_id', { label: tp('colRunBy'), field: `interventions[${i}].partner_id`, testid: `intervention-${i}-partner`, emptyLabel: tp('theService'), options: partnerOptions }),
            f.integer(v, 'hours_planned', { label: tp('hoursPlanned'), field: `interventions[${i}].hours_planned`, testid: `intervention-${i}-hours`, min: 1, max: 2000, message: tp('hoursRange'), hint: tp('hoursHint') }),
            f.text(v, 'description', { label: tp('description'), field: `interventions[${i}].description`, testid: `intervention-${i}-description`, wide: true }),
            f.checkbox(v, 'active', { label: tp('stillOpen'), field: `interventions[${i}].active`, testid: `intervention-${i}-active` }),
          ),
        tp('addIntervention'),
        'intervention-add',
        () => ({ id: null, kind: null, title: null, partner_id: null, hours_planned: null, description: null, active: true }),
      ),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'programme-save' }, tp('save'))),
    );
    onSubmit(el, form, ctx, async () => {
      const sent = {
        ...model,
        bodies: model.bodies.map((b) => ({ ...b, members: String(b.members ?? '').split('\n') })),
        interventions: model.interventions.map((v) => ({ ...v, hours_planned: v.kind === 'corso' ? v.hours_planned : null })),
      };
      const saved = await api.programmeSave(sent);
      ctx.setDirty(false);
      ctx.toast(tp('saved', { title: saved.programme.title }));
      ctx.navigate(`/programmi/${saved.programme.id}`);
    });
    replace(
      container,
      h('a', { href: model.id ? `#/programmi/${encodeURIComponent(model.id)}` : '#/programmi', 'data-testid': 'programme-back' }, tp('back')),
      h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, model.id ? tp('editTitle', { title: p.title }) : tp('new'))),
      el,
    );
    if (focus) {
      const [kind, , n] = focus.split('-');
      container.querySelector(`[data-testid="${kind}-${n}-${kind === 'body' ? 'kind' : kind === 'partner' ? 'name' : 'title'}"]`)?.focus();
    }
  };
  draw(null);
  replace(view, container);
}
