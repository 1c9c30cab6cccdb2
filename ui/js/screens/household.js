// Nucleo: the household form. Members with every field of the contract, the
// codice fiscale checked as it is typed, the ISEE attestation. New and existing.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { ageOn, isMinor } from '../format.js';
import { Form, onSubmit, saveBar, statusLine } from '../forms.js';
import { ENUMS, label, t } from '../i18n.js';
import { placeField } from '../place-picker.js';
import { caseHeader } from './case-header.js';
import { accessLogPanel } from './access-log.js';
import { fieldHistoryPanel } from './field-history.js';
import { assignControl, restrictionControl, seesWholeOffice } from './case-scope.js';
import { housingCard } from './housing.js';
import { enrolmentsCard } from './enrolments.js';
import { householdInformativaCard } from './informativa.js';
import { eligibilityPanel } from './eligibility.js';
import { fieldLabel, valueInWords } from './conflicts.js';

function options(kind) {
  return ENUMS[kind].map((v) => [v, label(kind, v)]);
}

// A new member gets its id from the form (docs/ipc.md allows it), so that a
// minor's guardian can be chosen among members not saved yet.
function newMemberId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function newMember(relationship, comune) {
  return {
    id: newMemberId(),
    first_name: null,
    last_name: null,
    codice_fiscale: null,
    birth_date: null,
    sex: null,
    relationship,
    citizenship: null,
    citizenship_country: null,
    permit: null,
    residence_comune: comune ?? null,
    resident_since: null,
    invalidity_percent: 0,
    disability_certified: false,
    not_self_sufficient: false,
    employment: null,
    education: null,
    guardian_id: null,
  };
}

function newHousehold(session) {
  const comune = session?.office?.comune ?? null;
  return {
    id: null,
    case_number: null,
    address: null,
    cap: null,
    comune,
    phone: null,
    email: null,
    notes: null,
    isee: null,
    members: [newMember('richiedente', comune)],
  };
}

function emptyIsee() {
  return { protocol: null, kind: 'ordinario', value: null, issued_on: null, expires_on: null };
}

function emptyPermit() {
  return { kind: null, number: null, expires_on: null };
}

export async function mount(view, ctx) {
  const id = ctx.params.id;
  // The rules in force today that the form follows: from which age the
  // employment status is asked, which kinds of permit end (the service's,
  // so the window keeps no copy of them).
  const [loaded, rules] = await Promise.all([id ? api.householdGet(id) : newHousehold(ctx.session), api.memberRules()]);
  if (!ctx.isCurrent()) return;
  const expiring = new Set(rules.permit_kinds.filter((k) => k.expires).map((k) => k.kind));
  const permitKinds = rules.permit_kinds.map((k) => [k.kind, label('permitKind', k.kind)]);
  const model = structuredClone(loaded);
  // What the form was loaded with: a save on a stale copy is merged against it,
  // field by field (docs/ipc.md `household_save`).
  let base = id ? structuredClone(loaded) : null;
  // What the last save could not write (someone else changed it meanwhile).
  let notWritten = [];
  const today = ctx.session?.today ?? new Date().toISOString().slice(0, 10);
  let keptIsee = model.isee ?? emptyIsee();

  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const formEl = h('form', { class: 'form', novalidate: true, 'data-testid': 'household-form' });

  // ---- codice fiscale as typed --------------------------------------------------

  function cfChecker(member, index, card, status) {
    let timer = null;
    let seq = 0;
    const fieldOf = (name) => card.querySelector(`[data-field="members[${index}].${name}"]`);
    const run = async () => {
      const code = (member.codice_fiscale || '').trim();
      if (code.length === 0) {
        replace(status);
        status.dataset.state = '';
        return;
      }
      if (code.length < 16) {
        replace(status);
        status.dataset.state = '';
        return;
      }
      const mine = ++seq;
      try {
        const res = await api.cfCheck({
          code,
          first_name: member.first_name ?? '',
          last_name: member.last_name ?? '',
          birth_date: member.birth_date ?? null,
          sex: member.sex ?? null,
        });
        if (mine !== seq) return;
        if (!res.valid) {
          status.dataset.state = 'invalid';
          replace(status, h('span', { class: 'cf-reason' }, res.reason ?? ''));
          return;
        }
        // The code carries birth date and sex: fill them when still empty.
        if (res.decoded) {
          // Through the controls' own events, so every binding sees the value.
          const sex = fieldOf('sex');
          if (!member.sex && res.decoded.sex && sex) {
            sex.value = res.decoded.sex;
            sex.dispatchEvent(new Event('change'));
          }
          const birth = fieldOf('birth_date');
          if (!member.birth_date && res.decoded.birth_date && birth) {
            birth.value = res.decoded.birth_date.split('-').reverse().join('/');
            birth.dispatchEvent(new Event('input'));
            birth.dispatchEvent(new Event('change'));
          }
        }
        const warnings = res.warnings || [];
        status.dataset.state = warnings.length ? 'warning' : 'valid';
        const born = res.decoded?.birthplace_name;
        replace(
          status,
          h('span', { class: 'cf-ok' }, t('household.cfValid')),
          born ? h('span', { class: 'cf-born', 'data-testid': `member-${index}-birthplace` }, ' ', t('household.cfBornIn', { place: born })) : null,
          warnings.length ? h('ul', { class: 'warnings', 'data-testid': `member-${index}-cf-warnings` }, warnings.map((w) => h('li', {}, w))) : null,
        );
      } catch (e) {
        if (mine !== seq) return;
        status.dataset.state = 'invalid';
        replace(status, e.message);
      }
    };
    return {
      soon() {
        clearTimeout(timer);
        timer = setTimeout(run, 250);
      },
      now: run,
    };
  }

  // ---- drawing ----------------------------------------------------------------

  function memberCard(member, index) {
    const f = (name) => `members[${index}].${name}`;
    const tid = (name) => `member-${index}-${name}`;
    const card = h('fieldset', { class: 'card member', 'data-testid': `member-${index}` });
    const status = statusLine(tid('cf-status'));
    const checker = cfChecker(member, index, card, status);
    const minor = isMinor(member.birth_date, today);

    // ---- the country of citizenship: only for a citizen of another country
    // (SIUSS asks it; an Italian's is never asked). Shown or hidden in place,
    // its value kept aside while the citizenship says "italiana".
    const countrySelect = form.select(member, 'citizenship_country', {
      label: t('household.citizenshipCountry'),
      hint: t('household.citizenshipCountryHint'),
      field: f('citizenship_country'),
      testid: tid('citizenship-country'),
      options: rules.countries.map((c) => [c.code, c.name]),
      allowEmpty: true,
      emptyLabel: t('household.citizenshipCountryUnknown'),
    });
    const countryBlock = h('div', { class: 'country', 'data-testid': tid('country') }, countrySelect);
    let keptCountry = member.citizenship_country ?? null;
    function drawCountry() {
      const foreign = member.citizenship === 'ue' || member.citizenship === 'extra_ue';
      const select = countrySelect.querySelector('select');
      if (!foreign) {
        if (member.citizenship_country) keptCountry = member.citizenship_country;
        member.citizenship_country = null;
        countryBlock.hidden = true;
        return;
      }
      member.citizenship_country = member.citizenship_country ?? keptCountry;
      if (select) select.value = member.citizenship_country ?? '';
      countryBlock.hidden = false;
    }
    drawCountry();

    // ---- the residence permit: only for a citizen of a country outside the EU
    const permitBlock = h('div', { class: 'permit', 'data-testid': tid('permit') });
    const forgetPermitFields = () => {
      const prefix = `${f('permit')}.`;
      form.fields.forEach((_, k) => k.startsWith(prefix) && form.fields.delete(k));
      form.validators = form.validators.filter((v) => !String(v.field).startsWith(prefix));
    };
    // What was typed is kept aside while the citizenship says otherwise.
    let keptPermit = member.permit;
    function drawPermit() {
      forgetPermitFields();
      if (member.citizenship !== 'extra_ue') {
        if (member.permit) keptPermit = member.permit;
        member.permit = null;
        permitBlock.hidden = true;
        replace(permitBlock);
        return;
      }
      member.permit = member.permit ?? keptPermit ?? emptyPermit();
      const permit = member.permit;
      permitBlock.hidden = false;
      // The expiry is asked only for the kinds that end; shown or hidden in
      // place, so that choosing the kind keeps the focus where it is.
      const expiry = form.date(permit, 'expires_on', {
        label: t('household.permitExpiresOn'),
        field: f('permit.expires_on'),
        testid: tid('permit-expires-on'),
        required: true,
        requiredWhen: () => expiring.has(permit.kind),
      });
      const noExpiry = h('p', { class: 'hint', 'data-testid': tid('permit-no-expiry') }, t('household.permitNoExpiry'));
      const number = form.text(permit, 'number', {
        label: t('household.permitNumber'),
        field: f('permit.number'),
        testid: tid('permit-number'),
        spellcheck: false,
        transform: (v) => v.toUpperCase(),
      });
      const showKind = () => {
        const ends = !permit.kind || expiring.has(permit.kind);
        expiry.hidden = !ends;
        noExpiry.hidden = ends;
        if (!ends && permit.expires_on) {
          permit.expires_on = null;
          const box = expiry.querySelector('input');
          if (box) box.value = '';
        }
      };
      replace(
        permitBlock,
        h('p', { class: 'permit-title' }, t('household.sectionPermit')),
        h('p', { class: 'hint' }, t('household.permitHint', { days: rules.permit_warning_days })),
        h(
          'div',
          { class: 'grid' },
          form.select(permit, 'kind', {
            label: t('household.permitKind'),
            field: f('permit.kind'),
            testid: tid('permit-kind'),
            options: permitKinds,
            onChange: () => showKind(),
          }),
          number,
          expiry,
          noExpiry,
        ),
      );
      showKind();
    }

    // ---- employment: asked from the age the rules give
    const asked = () => {
      const age = ageOn(member.birth_date, today);
      return age === null || age >= rules.employment_age;
    };
    let keptEmployment = member.employment;
    // Made where it stands in the card, so its check comes in the card's order.
    let employmentField = null;
    const employmentControl = () => {
      employmentField = form.select(member, 'employment', {
        label: t('household.employment'),
        field: f('employment'),
        testid: tid('employment'),
        options: options('employment'),
        required: true,
        requiredWhen: asked,
      });
      return employmentField;
    };
    const employmentNote = h('p', { class: 'hint not-asked', 'data-testid': tid('employment-not-asked') }, t('household.employmentNotAsked', { n: rules.employment_age }));
    const showEmployment = () => {
      const on = asked();
      if (!on && member.employment) keptEmployment = member.employment;
      if (on && !member.employment && keptEmployment) {
        member.employment = keptEmployment;
        const sel = employmentField.querySelector('select');
        if (sel) sel.value = keptEmployment;
      }
      if (!on) member.employment = null;
      employmentField.hidden = !on;
      employmentNote.hidden = on;
    };

    const legend = h(
      'legend',
      {},
      t('household.member', { n: index + 1 }),
      minor ? h('span', { class: 'tag' }, ' · ', t('household.minor')) : null,
    );
    const removeBtn =
      model.members.length > 1
        ? h(
            'button',
            {
              type: 'button',
              class: 'link danger',
              'data-testid': tid('remove'),
              onclick: () => {
                model.members.splice(index, 1);
                ctx.setDirty(true);
                draw();
              },
            },
            t('household.removeMember'),
          )
        : null;

    // The guardian: another member who is an adult (the service checks it too).
    const guardianChoices = model.members
      .filter((m, i) => i !== index && m.id && m.birth_date && !isMinor(m.birth_date, today))
      .map((m) => [m.id, [m.last_name, m.first_name].filter(Boolean).join(' ') || t('household.member', { n: model.members.indexOf(m) + 1 })]);

    const grid = h(
      'div',
      { class: 'grid' },
      form.text(member, 'last_name', {
        label: t('household.lastName'),
        field: f('last_name'),
        testid: tid('last-name'),
        required: true,
        spellcheck: false,
        onInput: () => checker.soon(),
      }),
      form.text(member, 'first_name', {
        label: t('household.firstName'),
        field: f('first_name'),
        testid: tid('first-name'),
        required: true,
        spellcheck: false,
        onInput: () => checker.soon(),
      }),
      form.text(member, 'codice_fiscale', {
        label: t('household.codiceFiscale'),
        field: f('codice_fiscale'),
        testid: tid('codice-fiscale'),
        required: true,
        maxlength: 16,
        spellcheck: false,
        className: 'cf',
        transform: (v) => v.toUpperCase().trim(),
        onInput: () => checker.soon(),
        extra: status,
      }),
      form.date(member, 'birth_date', {
        label: t('household.birthDate'),
        field: f('birth_date'),
        testid: tid('birth-date'),
        required: true,
        onInput: () => checker.soon(),
      }),
      form.select(member, 'sex', {
        label: t('household.sex'),
        field: f('sex'),
        testid: tid('sex'),
        options: options('sex'),
        required: true,
        onChange: () => checker.soon(),
      }),
      form.select(member, 'relationship', {
        label: t('household.relationship'),
        field: f('relationship'),
        testid: tid('relationship'),
        options: options('relationship'),
        required: true,
      }),
      form.select(member, 'citizenship', {
        label: t('household.citizenship'),
        field: f('citizenship'),
        testid: tid('citizenship'),
        options: options('citizenship'),
        required: true,
        onChange: () => {
          drawCountry();
          drawPermit();
        },
      }),
      countryBlock,
      permitBlock,
      placeField(form, member, 'residence_comune', {
        label: t('household.residenceComune'),
        field: f('residence_comune'),
        testid: tid('residence-comune'),
      }),
      form.date(member, 'resident_since', {
        label: t('household.residentSince'),
        field: f('resident_since'),
        testid: tid('resident-since'),
      }),
      form.integer(member, 'invalidity_percent', {
        label: t('household.invalidity'),
        field: f('invalidity_percent'),
        testid: tid('invalidity'),
        min: 0,
        max: 100,
        emptyValue: 0,
      }),
      employmentControl(),
      form.select(member, 'education', {
        label: t('household.education'),
        field: f('education'),
        testid: tid('education'),
        options: options('education'),
        required: true,
      }),
      minor
        ? form.select(member, 'guardian_id', {
            label: t('household.guardian'),
            field: f('guardian_id'),
            testid: tid('guardian'),
            options: guardianChoices,
            emptyLabel: t('household.guardianDefault'),
          })
        : null,
    );
    const flags = h(
      'div',
      { class: 'flags' },
      form.checkbox(member, 'disability_certified', {
        label: t('household.disability'),
        field: f('disability_certified'),
        testid: tid('disability'),
      }),
      form.checkbox(member, 'not_self_sufficient', {
        label: t('household.notSelfSufficient'),
        field: f('not_self_sufficient'),
        testid: tid('not-self-sufficient'),
      }),
    );
    grid.insertBefore(employmentNote, employmentField.nextSibling);
    card.append(legend, grid, flags);
    drawPermit();
    showEmployment();
    // Becoming (or ceasing to be) a minor changes the card: who signs for them.
    card.querySelector(`[data-field="${f('birth_date')}"]`).addEventListener('change', () => {
      showEmployment();
      if (isMinor(member.birth_date, today) !== minor) {
        draw();
        formEl.querySelector(`[data-field="${f('sex')}"]`)?.focus();
      }
    });
    if (removeBtn) card.append(h('div', { class: 'card-actions' }, removeBtn));
    if ((member.codice_fiscale || '').length === 16) checker.now();
    return card;
  }

  function iseeSection() {
    const present = { value: model.isee !== null };
    const body = h('div', { class: 'grid', hidden: !present.value || null });
    const drawBody = () => {
      form.fields.forEach((_, k) => k.startsWith('isee.') && form.fields.delete(k));
      form.validators = form.validators.filter((v) => !String(v.field).startsWith('isee.'));
      if (!model.isee) {
        replace(body);
        return;
      }
      const isee = model.isee;
      replace(
        body,
        form.text(isee, 'protocol', {
          label: t('household.iseeProtocol'),
          field: 'isee.protocol',
          testid: 'isee-protocol',
          required: true,
          placeholder: t('household.iseeProtocolHint'),
          transform: (v) => v.toUpperCase().trim(),
          spellcheck: false,
        }),
        form.select(isee, 'kind', {
          label: t('household.iseeKind'),
          field: 'isee.kind',
          testid: 'isee-kind',
          options: options('iseeKind'),
          required: true,
        }),
        form.money(isee, 'value', { label: t('household.iseeValue'), field: 'isee.value', testid: 'isee-value', required: true }),
        form.date(isee, 'issued_on', { label: t('household.iseeIssuedOn'), field: 'isee.issued_on', testid: 'isee-issued-on', required: true }),
        form.date(isee, 'expires_on', { label: t('household.iseeExpiresOn'), field: 'isee.expires_on', testid: 'isee-expires-on', required: true }),
      );
    };
    drawBody();
    const toggle = form.checkbox(present, 'value', {
      label: t('household.iseePresent'),
      field: 'isee',
      testid: 'isee-present',
      onChange: (on) => {
        if (on) {
          model.isee = keptIsee;
        } else {
          keptIsee = model.isee ?? keptIsee;
          model.isee = null;
        }
        body.hidden = !on;
        drawBody();
      },
    });
    return h('fieldset', { class: 'card' }, h('legend', {}, t('household.sectionIsee')), toggle, body);
  }

  function draw() {
    form.reset();
    const general = h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('household.sectionHousehold')),
      h(
        'div',
        { class: 'grid' },
        form.text(model, 'address', { label: t('household.address'), field: 'address', testid: 'household-address', wide: true, required: true }),
        form.text(model, 'cap', {
          label: t('household.cap'),
          field: 'cap',
          testid: 'household-cap',
          hint: t('household.capHint'),
          maxlength: 5,
          transform: (v) => v.trim(),
          check: (v) => (v === null || /^\d{5}$/.test(v) ? null : t('household.badCap')),
        }),
        placeField(form, model, 'comune', {
          label: t('household.comune'),
          field: 'comune',
          testid: 'household-comune',
          hint: t('household.comuneHint'),
          required: true,
        }),
        form.text(model, 'phone', { label: t('household.phone'), field: 'phone', testid: 'household-phone', type: 'tel' }),
        form.text(model, 'email', { label: t('household.email'), field: 'email', testid: 'household-email', type: 'email' }),
        form.text(model, 'notes', { label: t('household.notes'), field: 'notes', testid: 'household-notes', multiline: true, wide: true }),
      ),
    );
    const members = h(
      'section',
      { class: 'members', 'aria-label': t('household.sectionMembers') },
      h('h2', {}, t('household.sectionMembers')),
      model.members.map((m, i) => memberCard(m, i)),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-testid': 'member-add',
          onclick: () => {
            model.members.push(newMember(model.members.length === 0 ? 'richiedente' : null, model.comune));
            ctx.setDirty(true);
            draw();
            const last = model.members.length - 1;
            formEl.querySelector(`[data-field="members[${last}].last_name"]`)?.focus();
          },
        },
        t('household.addMember'),
      ),
    );
    const saveBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'household-save', 'data-save': true }, t('common.save'));
    replace(formEl, general, iseeSection(), members, saveBar(saveBtn));
  }

  onSubmit(
    formEl,
    form,
    ctx,
    async () => {
      const answer = await api.householdSave(model, base);
      const { conflicts: found = [], ...saved } = answer;
      ctx.setDirty(false);
      if (!id) {
        ctx.toast(t(saved.case_provisional ? 'household.createdProvisional' : 'household.created', { n: saved.case_number }));
        ctx.navigate(`/nuclei/${saved.id}`);
        return;
      }
      Object.assign(model, structuredClone(saved));
      base = structuredClone(saved);
      notWritten = found;
      ctx.toast(t('common.saved'));
      drawPage();
    },
    { button: () => formEl.querySelector('[data-testid="household-save"]'), busyLabel: t('common.saving') },
  );

  function drawPage() {
    draw();
    const header = model.id
      ? caseHeader(model, 'household', t('household.title'), ctx.session?.operator?.role)
      : h('header', { class: 'screen-head' }, h('h1', { 'data-testid': 'screen-title' }, t('household.newTitle')));
    // The coordinator distributes the cases: reassigning changes only who is
    // in charge, so the form (and what is typed in it) stays as it is.
    const coordinator = model.id && seesWholeOffice(ctx.session);
    const assign = coordinator
      ? assignControl(model, ctx, (saved) => {
          model.responsabile = saved.responsabile;
          loaded.responsabile = saved.responsabile;
          replace(header, ...caseHeader(model, 'household', t('household.title'), ctx.session?.operator?.role).childNodes);
        })
      : null;
    // Requisiti misure di sostegno: on a saved household, below its form.
    const eligibility = model.id ? eligibilityPanel(model, ctx) : null;
    // Alloggio temporaneo: the household's stay, or its place on the waiting list.
    const housing = model.id ? housingCard(model, ctx) : null;
    // Interventi: what each member is doing in the funded programmes (read only here).
    const enrolments = model.id ? enrolmentsCard(model, ctx) : null;
    // Informativa privacy (GDPR artt. 13-14): who was given it, the adults still without.
    const informativa = model.id ? householdInformativaCard(model, ctx) : null;
    // Registro accessi: the coordinator's, below everything else.
    const accessLog = coordinator ? accessLogPanel(model, ctx) : null;
    // Storico modifiche (art. 16): for whoever may open the case.
    const fieldHistory = model.id ? fieldHistoryPanel(model, ctx) : null;
    // Restricting the case (art. 18) draws the page again: its header and,
    // for an operatore, nothing more to see.
    const restriction = coordinator ? restrictionControl(model, ctx, () => ctx.navigate(location.hash.replace(/^#/, ''))) : null;
    replace(view, h('section', { 'data-testid': 'screen-nucleo' }, header, assign, restriction, conflictsNotice(), formEl, informativa, housing, enrolments, eligibility, fieldHistory, accessLog));
  }

  /** The fields the last save left as they stand, with both values. */
  function conflictsNotice() {
    if (notWritten.length === 0) return null;
    const memberName = (record) => {
      const m = model.members.find((x) => x.id === record);
      return m ? [m.last_name, m.first_name].filter(Boolean).join(' ') : t('formConflicts.wholeMember');
    };
    const line = (c) => {
      const column = c.column === '*' ? null : c.column;
      const what = c.table === 'members' ? `${memberName(c.record)} · ${column ? fieldLabel('members', column) : fieldLabel('members', '*')}` : fieldLabel(c.table, c.column);
      return h(
        'li',
        { 'data-testid': 'form-conflict', 'data-field': c.field },
        t('formConflicts.line', { field: what, ours: valueInWords(column ?? '*', c.ours), theirs: valueInWords(column ?? '*', c.theirs) }),
      );
    };
    return h(
      'div',
      { class: 'banner warning', role: 'status', 'data-testid': 'form-conflicts' },
      h('strong', {}, t('formConflicts.title')),
      h('p', {}, t('formConflicts.body')),
      h('ul', {}, notWritten.map(line)),
    );
  }

  drawPage();
}
