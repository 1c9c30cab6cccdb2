// Form controls bound to a plain model object, with the error of each field shown
// beside it. Field names are the contract's paths (`members[1].codice_fiscale`), so
// a backend error's `field` lands next to the right control.

import { h, replace } from './dom.js';
import { formatDate, formatMoney, parseDate, parseMoney, parseTime } from './format.js';
import { t } from './i18n.js';

let nextId = 0;
const newId = () => `f${++nextId}`;

export class Form {
  /** onChange() is called after every edit (the screens use it for "unsaved changes"). */
  constructor({ onChange } = {}) {
    this.onChange = onChange || (() => {});
    this.reset();
  }

  /** Forget the controls (before the form is drawn again). */
  reset() {
    this.fields = new Map();
    this.validators = [];
  }

  changed() {
    this.onChange();
  }

  // ---- layout ----------------------------------------------------------------

  wrap(opts, control, id, extra) {
    const errorSlot = h('div', {
      class: 'field-error',
      id: `${id}-error`,
      'data-testid': `error:${opts.field}`,
      hidden: true,
    });
    const hintEl = opts.hint ? h('div', { class: 'hint', id: `${id}-hint` }, opts.hint) : null;
    const describedBy = [hintEl ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
    control.setAttribute('aria-describedby', describedBy);
    if (opts.field) this.fields.set(opts.field, { control, slot: errorSlot });
    const cls = ['field', opts.wide ? 'wide' : null, opts.className || null].filter(Boolean).join(' ');
    return h(
      'div',
      { class: cls },
      h('label', { for: id }, opts.label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      control,
      extra || null,
      hintEl,
      errorSlot,
    );
  }

  addValidator(field, check) {
    this.validators.push({ field, check });
  }

  /** Whether a field marked `required` is required now (`requiredWhen`: a field shown by some condition). */
  static requiredNow(opts) {
    return Boolean(opts.required) && (!opts.requiredWhen || opts.requiredWhen());
  }

  // ---- controls ----------------------------------------------------------------

  text(model, key, opts) {
    const id = newId();
    const tag = opts.multiline ? 'textarea' : 'input';
    const control = h(tag, {
      id,
      type: opts.multiline ? null : opts.type || 'text',
      rows: opts.multiline ? opts.rows || 3 : null,
      autocomplete: opts.autocomplete || 'off',
      spellcheck: opts.spellcheck === undefined ? null : String(opts.spellcheck),
      placeholder: opts.placeholder || null,
      maxlength: opts.maxlength || null,
      'data-field': opts.field,
      'data-testid': opts.testid,
      disabled: opts.disabled || null,
      value: model[key] ?? '',
    });
    control.addEventListener('input', () => {
      let v = control.value;
      if (opts.transform) v = opts.transform(v);
      model[key] = v === '' && opts.emptyAsNull !== false ? null : v;
      this.clearField(opts.field);
      this.changed();
      if (opts.onInput) opts.onInput(control.value);
    });
    if (opts.required) {
      this.addValidator(opts.field, () =>
        Form.requiredNow(opts) && (model[key] === null || String(model[key]).trim() === '') ? t('common.required') : null,
      );
    }
    // `check(value)`: the field's own rule, a message or null.
    if (opts.check) this.addValidator(opts.field, () => opts.check(model[key]));
    return this.wrap(opts, control, id, opts.extra);
  }

  select(model, key, opts) {
    const id = newId();
    const current = model[key] ?? '';
    const options = [];
    if (opts.allowEmpty !== false) options.push(h('option', { value: '' }, opts.emptyLabel || t('household.choose')));
    for (const [value, text] of opts.options) {
      options.push(h('option', { value }, text));
    }
    const control = h('select', { id, 'data-field': opts.field, 'data-testid': opts.testid, disabled: opts.disabled || null }, options);
    control.value = current;
    control.addEventListener('change', () => {
      model[key] = control.value === '' ? null : control.value;
      this.clearField(opts.field);
      this.changed();
      if (opts.onChange) opts.onChange(model[key]);
    });
    if (opts.required) {
      this.addValidator(opts.field, () => (model[key] || !Form.requiredNow(opts) ? null : t('common.required')));
    }
    return this.wrap(opts, control, id);
  }

  checkbox(model, key, opts) {
    const id = newId();
    const control = h('input', {
      id,
      type: 'checkbox',
      'data-field': opts.field,
      'data-testid': opts.testid,
      checked: Boolean(model[key]),
      disabled: opts.disabled || null,
    });
    control.addEventListener('change', () => {
      model[key] = control.checked;
      this.clearField(opts.field);
      this.changed();
      if (opts.onChange) opts.onChange(control.checked);
    });
    const errorSlot = h('div', { class: 'field-error', id: `${id}-error`, 'data-testid': `error:${opts.field}`, hidden: true });
    control.setAttribute('aria-describedby', `${id}-error`);
    if (opts.field) this.fields.set(opts.field, { control, slot: errorSlot });
    return h('div', { class: 'field checkbox' }, h('label', { for: id }, control, ' ', opts.label), errorSlot);
  }

  /** A day typed as gg/mm/aaaa; the model holds ISO or null. */
  date(model, key, opts) {
    const raw = { value: formatDate(model[key]) };
    const control = this.text(raw, 'value', {
      ...opts,
      placeholder: t('common.dateHint'),
      maxlength: 10,
      emptyAsNull: false,
      hint: opts.hint,
      onInput: (v) => {
        const parsed = parseDate(v);
        model[key] = v.trim() === '' ? null : parsed;
        if (opts.onInput) opts.onInput(model[key]);
      },
    });
    this.addValidator(opts.field, () => {
      const v = String(raw.value ?? '').trim();
      if (v === '') return Form.requiredNow(opts) ? t('common.required') : null;
      return parseDate(v) ? null : t('common.badDate');
    });
    const input = control.querySelector('input');
    // On leaving the field a valid day is shown the standard way (7/12/2026 →
    // 07/12/2026). A bad one is only reported on saving: a message appearing on
    // blur would move the Save button away from under the pointer mid-click.
    input.addEventListener('blur', () => {
      const v = input.value.trim();
      const parsed = parseDate(v);
      if (parsed) input.value = formatDate(parsed);
    });
    return control;
  }

  /** "HH:MM"; the model holds it normalised or null. */
  time(model, key, opts) {
    const raw = { value: model[key] ?? '' };
    const control = this.text(raw, 'value', {
      ...opts,
      placeholder: t('common.timeHint'),
      maxlength: 5,
      emptyAsNull: false,
      onInput: (v) => {
        model[key] = v.trim() === '' ? null : parseTime(v);
      },
    });
    this.addValidator(opts.field, () => {
      const v = String(raw.value ?? '').trim();
      if (v === '') return opts.required ? t('common.required') : null;
      return parseTime(v) ? null : t('common.badTime');
    });
    return control;
  }

  /** An amount typed the Italian way; the model holds "1234.56" or null. */
  money(model, key, opts) {
    const shown = model[key] ? formatMoney(model[key]).replace(/\u00a0€$/, '') : '';
    const raw = { value: shown };
    const control = this.text(raw, 'value', {
      ...opts,
      emptyAsNull: false,
      onInput: (v) => {
        model[key] = v.trim() === '' ? null : parseMoney(v);
      },
    });
    control.querySelector('input').setAttribute('inputmode', 'decimal');
    this.addValidator(opts.field, () => {
      const v = String(raw.value ?? '').trim();
      if (v === '') return opts.required ? t('common.required') : null;
      return parseMoney(v) ? null : t('common.badMoney');
    });
    return control;
  }

  /** A whole number in [min, max]; the model holds a number (or null when optional). */
  integer(model, key, opts) {
    const raw = { value: model[key] === null || model[key] === undefined ? '' : String(model[key]) };
    const parse = (v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : null);
    const control = this.text(raw, 'value', {
      ...opts,
      emptyAsNull: false,
      onInput: (v) => {
        const n = parse(v);
        model[key] = v.trim() === '' ? opts.emptyValue ?? null : n;
      },
    });
    control.querySelector('input').setAttribute('inputmode', 'numeric');
    this.addValidator(opts.field, () => {
      const v = String(raw.value ?? '').trim();
      if (v === '') return opts.required ? t('common.required') : null;
      const n = parse(v);
      if (n === null || n < opts.min || n > opts.max) return opts.message || t('common.badPercent');
      return null;
    });
    return control;
  }

  // ---- errors ----------------------------------------------------------------

  setFieldError(field, message) {
    const entry = this.fields.get(field);
    if (!entry) return false;
    entry.control.setAttribute('aria-invalid', 'true');
    replace(entry.slot, message);
    entry.slot.hidden = false;
    return true;
  }

  clearField(field) {
    const entry = this.fields.get(field);
    if (!entry) return;
    const wasInvalid = entry.control.getAttribute('aria-invalid') === 'true';
    this.unmark(entry);
    // The page's "correct the fields" message goes once none is left (main.js).
    if (wasInvalid) document.dispatchEvent(new CustomEvent('sportello:field-fixed'));
  }

  unmark(entry) {
    entry.control.removeAttribute('aria-invalid');
    replace(entry.slot);
    entry.slot.hidden = true;
  }

  clearErrors() {
    for (const entry of this.fields.values()) this.unmark(entry);
  }

  /** Runs the local checks; shows each message beside its field. True when all pass. */
  validate() {
    this.clearErrors();
    let first = null;
    for (const { field, check } of this.validators) {
      const message = check();
      if (message) {
        this.setFieldError(field, message);
        if (!first) first = field;
      }
    }
    if (first) this.focusField(first);
    return first === null;
  }

  focusField(field) {
    const entry = this.fields.get(field);
    if (!entry) return;
    // Centred, so that its message (below it) is not under the save bar.
    entry.control.focus({ preventScroll: true });
    entry.control.scrollIntoView({ block: 'center' });
  }

  /**
   * Shows a backend error beside its field. False when the error names no field of
   * this form: the caller shows it at the top of the page instead.
   */
  showError(error) {
    if (!error || !error.field) return false;
    if (this.setFieldError(error.field, error.message)) {
      this.focusField(error.field);
      return true;
    }
    return false;
  }
}

/**
 * The save bar of a long form: it stays in sight at the bottom of the window
 * (CSS `.form-actions.sticky`), and Ctrl+S presses its `data-save` button (main.js).
 */
export function saveBar(...buttons) {
  return h('div', { class: 'form-actions sticky', 'data-testid': 'save-bar' }, buttons, h('span', { class: 'shortcut', 'aria-hidden': 'true' }, t('common.saveShortcut')));
}

/** A status line beside a control (e.g. the codice fiscale check). */
export function statusLine(testid) {
  return h('div', { class: 'field-status', role: 'status', 'aria-live': 'polite', 'data-testid': testid });
}

/**
 * Shows a refusal of the service: on its field when it names one the form
 * has (with the banner asking to fix the fields marked), else as the page's error.
 */
export function showFormError(form, ctx, err) {
  if (form.showError(err)) {
    ctx.showError({ code: err.code, message: t('common.fixErrors') }, { focus: false });
  } else {
    ctx.showError(err);
  }
}

/**
 * The one way a form is sent: the page's last error cleared, every field
 * checked at once (the banner asks to fix those marked), one sending at a
 * time, the submit button held (with `busyLabel` as its text, if given)
 * while `send` runs, and a refusal shown by `showFormError`.
 * `button()` finds the button when it is sent (a form redrawn has a new one).
 */
export function onSubmit(formEl, form, ctx, send, { button = null, busyLabel = null } = {}) {
  let busy = false;
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    ctx.showError(null);
    if (!form.validate()) {
      ctx.showError({ code: 'invalid', message: t('common.fixErrors') }, { focus: false });
      return;
    }
    busy = true;
    const btn = button ? button() : null;
    const label = btn ? [...btn.childNodes] : null;
    if (btn) {
      btn.disabled = true;
      if (busyLabel) replace(btn, busyLabel);
    }
    try {
      await send();
    } catch (err) {
      showFormError(form, ctx, err);
    } finally {
      busy = false;
      if (btn) {
        btn.disabled = false;
        if (busyLabel) replace(btn, ...label);
      }
    }
  });
}
