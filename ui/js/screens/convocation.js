// Convocazione: the letter that calls the household to the interview.

import { api } from '../api.js';
import { viewerHref } from '../document-files.js';
import { h, replace } from '../dom.js';
import { Form, onSubmit } from '../forms.js';
import { label, t } from '../i18n.js';
import { confirmOfficeDays } from '../office-days.js';
import { caseHeader } from './case-header.js';

export async function mount(view, ctx) {
  const household = await api.householdGet(ctx.params.id);
  if (!ctx.isCurrent()) return;
  const office = ctx.session?.office ?? {};
  const model = {
    household_id: household.id,
    date: null,
    time: null,
    place: office.address ?? null,
    ask_for: ctx.session?.operator?.name ?? null,
    bring: t('convocation.bringDefault').join('\n'),
    notes: null,
    // Chosen every time: the letter says why the household is called.
    purpose: null,
    purpose_other: null,
  };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const result = h('div', { 'data-testid': 'convocation-result' });
  const other = form.text(model, 'purpose_other', {
    label: t('convocation.purposeOther'),
    hint: t('convocation.purposeOtherHint'),
    field: 'purpose_other',
    testid: 'convocation-purpose-other',
    wide: true,
  });
  other.hidden = true;
  form.addValidator('purpose_other', () => (model.purpose === 'altro' && !String(model.purpose_other ?? '').trim() ? t('common.required') : null));
  const formEl = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'convocation-form' },
    h(
      'fieldset',
      { class: 'card' },
      h('legend', {}, t('convocation.intro')),
      h(
        'div',
        { class: 'grid' },
        form.select(model, 'purpose', {
          label: t('convocation.purpose'),
          field: 'purpose',
          testid: 'convocation-purpose',
          required: true,
          emptyLabel: t('convocation.purposeChoose'),
          options: ['analisi_preliminare', 'firma_patto', 'monitoraggio', 'altro'].map((p) => [p, label('convocationPurpose', p)]),
          onChange: (v) => {
            other.hidden = v !== 'altro';
          },
        }),
        other,
        form.date(model, 'date', { label: t('convocation.date'), field: 'date', testid: 'convocation-date', required: true }),
        form.time(model, 'time', { label: t('convocation.time'), field: 'time', testid: 'convocation-time', required: true }),
        form.text(model, 'place', { label: t('convocation.place'), field: 'place', testid: 'convocation-place', required: true, wide: true }),
        form.text(model, 'ask_for', { label: t('convocation.askFor'), field: 'ask_for', testid: 'convocation-ask-for', required: true }),
        form.text(model, 'bring', { label: t('convocation.bring'), field: 'bring', testid: 'convocation-bring', multiline: true, rows: 4, wide: true }),
        form.text(model, 'notes', { label: t('convocation.notes'), field: 'notes', testid: 'convocation-notes', multiline: true, rows: 2, wide: true }),
      ),
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'convocation-print' }, t('convocation.print'))),
  );
  onSubmit(formEl, form, ctx, async () => {
    // A convocation on a day the office is closed: said, and asked.
    if (!(await confirmOfficeDays([model.date], t('officeDays.convocation')))) return;
    const input = {
      ...model,
      purpose_other: model.purpose === 'altro' ? model.purpose_other : null,
      bring: String(model.bring ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    const doc = await api.convocationPrint(input);
    ctx.setDirty(false);
    ctx.toast(t('convocation.printed', { title: doc.title }));
    replace(
      result,
      h(
        'p',
        { class: 'callout ok', 'data-testid': 'document-created', 'data-document-id': doc.id },
        t('convocation.printed', { title: doc.title }),
        ' ',
        h('a', { href: viewerHref(doc.household_id, doc.id), 'data-testid': 'document-open' }, t('common.open')),
      ),
    );
  });
  replace(view, h('section', { 'data-testid': 'screen-convocazione' }, caseHeader(household, 'convocation', t('convocation.title'), ctx.session?.operator?.role), result, formEl));
}
