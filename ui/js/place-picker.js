// A comune chosen by name: the operator types part of it (accents and
// apostrophes optional, the province after it if she likes: "san donato mi"),
// the service's list of comuni in force answers, and choosing one puts its
// codice catastale in the model. The ARIA combobox pattern: the focus stays in
// the text box while the arrows move through the list (aria-activedescendant),
// Enter chooses, Escape closes; nothing is redrawn around the box, so typing
// is never interrupted.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';

let nextList = 0;

/**
 * A field of `form` bound to `model[key]` (a codice catastale or null).
 * opts: {label, field, testid, required, hint, kind ('comune' | 'stato'), onChoose(place)}
 */
export function placeField(form, model, key, opts) {
  const listId = `places-${++nextList}`;
  const input = h('input', {
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'data-field': opts.field,
    'data-testid': opts.testid,
    'data-code': model[key] ?? '',
    placeholder: t('places.placeholder'),
  });
  const list = h('ul', { class: 'place-list', id: listId, role: 'listbox', hidden: true, 'data-testid': `${opts.testid}-list` });
  let found = [];
  let active = -1;
  let seq = 0;
  let timer = null;
  // The label of the code in the model: what the box shows when not typing.
  let chosenLabel = '';

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, n) => li.setAttribute('aria-selected', n === i ? 'true' : 'false'));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };

  const choose = (place) => {
    model[key] = place.code;
    chosenLabel = place.label;
    input.value = place.label;
    input.dataset.code = place.code;
    close();
    form.clearField(opts.field);
    form.changed();
    if (opts.onChoose) opts.onChoose(place);
  };

  const show = (places, typed) => {
    found = places;
    if (places.length === 0) {
      replace(list, h('li', { class: 'empty', role: 'option', 'aria-disabled': 'true' }, t('places.none', { q: typed })));
    } else {
      replace(
        list,
        places.map((p, i) =>
          h(
            'li',
            {
              id: `${listId}-${i}`,
              role: 'option',
              'aria-selected': 'false',
              'data-code': p.code,
              'data-testid': 'place-option',
              // mousedown, not click: the box keeps the focus.
              onmousedown: (e) => {
                e.preventDefault();
                choose(p);
              },
            },
            p.label,
            p.alt_name ? h('span', { class: 'muted' }, ` · ${p.alt_name}`) : null,
          ),
        ),
      );
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(places.length > 0 ? 0 : -1);
  };

  const search = async () => {
    const typed = input.value.trim();
    if (typed.length < 2) {
      close();
      return;
    }
    const mine = ++seq;
    try {
      const places = await api.placesSearch(typed, opts.kind || 'comune');
      if (mine !== seq || document.activeElement !== input) return;
      show(places, typed);
    } catch (e) {
      if (mine !== seq) return;
      close();
      form.setFieldError(opts.field, e.message);
    }
  };

  input.addEventListener('input', () => {
    // What is typed is not a comune until one is chosen.
    model[key] = null;
    input.dataset.code = '';
    form.clearField(opts.field);
    form.changed();
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && input.value.trim().length >= 2) {
        e.preventDefault();
        search();
      }
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      highlight(Math.min(active + 1, found.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (e.key === 'Enter') {
      if (active >= 0 && found[active]) {
        // Choosing is not submitting the form.
        e.preventDefault();
        choose(found[active]);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab' && active >= 0 && found[active] && model[key] === null) {
      // Leaving the box with a highlighted comune chooses it (the focus moves on).
      choose(found[active]);
    }
  });
  input.addEventListener('blur', () => {
    close();
    // Nothing typed: the field is empty. A name left unchosen stays as typed,
    // and the check on saving asks to choose it.
    if (input.value.trim() === '') {
      model[key] = null;
      chosenLabel = '';
    }
  });

  // The stored code, shown by name (the box shows the code until the name comes).
  if (model[key]) {
    input.value = model[key];
    const code = model[key];
    api
      .placesSearch(code, opts.kind || 'comune', 'tutti')
      .then((places) => {
        const p = places.find((x) => x.code === code);
        if (p && model[key] === code && input.value === code) {
          chosenLabel = p.label;
          input.value = p.label;
        }
      })
      .catch(() => {});
  }

  form.addValidator(opts.field, () => {
    const typed = input.value.trim();
    if (model[key]) return null;
    if (typed !== '' && typed !== chosenLabel) return t('places.chooseFromList');
    return opts.required ? t('common.required') : null;
  });

  input.id = `${listId}-box`;
  const field = form.wrap(opts, input, input.id, null);
  // The list opens right under the box, over what follows.
  const box = h('div', { class: 'place-box' });
  input.replaceWith(box);
  box.append(input, list);
  return field;
}
