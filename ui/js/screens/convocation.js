// Convocazione: the letter that calls the household to the interview.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { Form, onSubmit } from '../forms.js';
import { t } from '../i18n.js';
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
  };
  const form = new Form({ onChange: () => ctx.setDirty(true) });
  const result = h('div', { 'data-testid': 'convocation-result' });
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
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-testid': 'document-open',
              onclick: () => api.documentOpen(doc.id).catch((err) => ctx.showError(err)),
            },
            t('common.open'),
          ),
        ),
      );
  });
  replace(view, h('section', { 'data-testid': 'screen-convocazione' }, caseHeader(household, 'convocation', t('convocation.title'), ctx.session?.operator?.role), result, formEl));
}
