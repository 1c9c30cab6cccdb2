// The sync state in the frame of every screen (docs/sync.md, "In the app"):
// where this copy stands with the office's hub — last contact, changes
// waiting to go, open conflicts — and "Sincronizza ora". On a device that
// knows its hub's address (after its first exchange) the frame also syncs by
// itself every few seconds: a desk on the office network stays current, a
// laptop away from it just says the hub is not reachable.
//
// Neither the refresh nor the automatic exchange is activity for the idle
// lock (api.js BACKGROUND, and the shell the same): the session still locks
// when nobody is at the desk, and a locked session (its key gone) syncs
// nothing until the next login.

import { api } from './api.js';
import { askText } from './dialog.js';
import { h, replace } from './dom.js';
import { formatDateTime } from './format.js';
import { t } from './i18n.js';
import { onSessionEnd } from './session-state.js';

/** Every few seconds (docs/sync.md: desks sync every few seconds). */
export const REFRESH_MS = 5000;
const COORDINATORS = ['coordinatore', 'amministratore'];

let timer = null;
let busy = false;
let box = null;
let role = null;
// What the last automatic exchange said when it could not reach the hub.
let unreachable = null;

onSessionEnd(stop);

function stop() {
  clearTimeout(timer);
  timer = null;
  box = null;
  unreachable = null;
}

/** The frame's box; it fills itself and refreshes until the session ends. */
export function syncFrame(session) {
  stop();
  role = session?.operator?.role ?? null;
  box = h('section', { class: 'sync-state', 'aria-label': t('syncState.label'), 'data-testid': 'sync-state', hidden: true });
  // The screens that change what the frame counts (an import, a choice on a
  // conflict, "Sincronizza ora" on its screen) ask for a refresh.
  document.addEventListener('sportello:sync-changed', refreshSoon);
  schedule(0);
  return box;
}

function refreshSoon() {
  schedule(0);
}

function schedule(ms) {
  clearTimeout(timer);
  if (!box) return;
  timer = setTimeout(turn, ms);
}

async function turn() {
  if (!box || busy) return;
  busy = true;
  try {
    let status = await api.syncStatus();
    if (status.role === 'dispositivo' && status.address) {
      try {
        await api.syncNow();
        unreachable = null;
        status = await api.syncStatus();
      } catch (e) {
        // Not reachable (a laptop away from the office) or refused: said in
        // the frame, tried again at the next turn; nothing was changed.
        unreachable = e.message;
      }
    }
    draw(status);
  } catch (e) {
    // A locked session answers `locked` (api.js brings the lock screen).
    if (e.code === 'locked') return;
  } finally {
    busy = false;
    schedule(REFRESH_MS);
  }
}

async function syncNow(status) {
  let hub = null;
  if (!status.address) {
    hub = await askText({
      name: 'sync-hub',
      title: t('syncState.hubTitle'),
      body: t('syncState.hubBody'),
      input: { label: t('syncState.hubLabel'), value: 'http://' },
      cancel: { label: t('common.cancel'), id: 'no' },
      confirm: { label: t('syncState.now'), id: 'yes' },
    });
    if (!hub) return;
  }
  const button = box?.querySelector('[data-testid="sync-now"]');
  if (button) {
    button.disabled = true;
    replace(button, t('syncState.syncing'));
  }
  try {
    const r = await api.syncNow(hub);
    unreachable = null;
    const note = t('syncState.done', { sent: r.sent, received: r.received?.applied ?? 0, conflicts: (r.at_hub?.conflicts ?? 0) + (r.received?.conflicts ?? 0) });
    draw(await api.syncStatus(), note);
  } catch (e) {
    unreachable = e.message;
    draw(await api.syncStatus().catch(() => status));
  }
}

function draw(status, note = null) {
  if (!box) return;
  if (!status || status.role === 'nessuno') {
    // A database on its own: nothing to sync with, nothing to say.
    box.hidden = true;
    replace(box);
    return;
  }
  const line = (testid, text) => h('div', { 'data-testid': testid }, text);
  const conflicts = status.conflicts ?? 0;
  replace(
    box,
    h('div', { class: 'sync-title', 'data-testid': 'sync-role' }, status.role === 'ufficio' ? t('syncState.hub') : t('syncState.device', { hub: status.hub ?? '—' })),
    line('sync-last-contact', t('syncState.lastContact', { when: status.last_contact ? formatDateTime(status.last_contact) : t('syncState.never') })),
    line('sync-waiting', t('syncState.waiting', { n: status.waiting ?? 0 })),
    conflicts > 0 && COORDINATORS.includes(role)
      ? h('a', { href: '#/conflitti', class: 'sync-conflicts', 'data-testid': 'sync-conflicts' }, t('syncState.conflicts', { n: conflicts }))
      : line('sync-conflicts', t('syncState.conflicts', { n: conflicts })),
    unreachable ? h('div', { class: 'sync-problem', role: 'status', 'data-testid': 'sync-problem' }, unreachable) : null,
    note ? h('div', { class: 'sync-note', role: 'status', 'data-testid': 'sync-note' }, note) : null,
    status.role === 'dispositivo'
      ? h('button', { type: 'button', class: 'secondary sync-now', 'data-testid': 'sync-now', onclick: () => syncNow(status) }, t('syncState.now'))
      : null,
  );
  box.hidden = false;
}
