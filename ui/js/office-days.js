// "Is the office open that day?" before a date the office sets is saved (a
// monitoring meeting, a convocation, a signature): a holiday, a weekend or the
// patron day is said, in the service's words (calendar_check), and asked about;
// never accepted silently, never refused (a home visit on a Saturday happens).

import { api } from './api.js';
import { confirmDialog } from './dialog.js';
import { t } from './i18n.js';

/**
 * The sentences for the dates (ISO) on which the office is closed, in the
 * order given, each date once: [] when every date is an office day.
 */
export async function closedDays(dates) {
  const seen = new Set();
  const out = [];
  for (const date of dates) {
    if (!date || seen.has(date)) continue;
    seen.add(date);
    const check = await api.calendarCheck(date);
    if (!check.office_day) out.push(check.message);
  }
  return out;
}

/**
 * Asks when any of `dates` falls on a day the office is closed. Resolves true
 * when every date is an office day or the operator confirms, false otherwise.
 * `what` names the dates in the question ("l'incontro di monitoraggio").
 */
export async function confirmOfficeDays(dates, what) {
  const closed = await closedDays(dates);
  if (closed.length === 0) return true;
  return confirmDialog({
    name: 'closed-day',
    title: t('officeDays.title'),
    body: `${closed.join(' ')} ${t('officeDays.body', { what })}`,
    cancel: { label: t('officeDays.no') },
    confirm: { label: t('officeDays.yes') },
  });
}
