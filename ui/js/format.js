// Italian formats for dates and money. Dates cross IPC as "YYYY-MM-DD" (no time
// zone: a calendar day), money as a decimal string "1234.56" (never a float).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// UTC on both sides: a calendar day must not move with the machine's time zone.
const dateFormat = new Intl.DateTimeFormat('it-IT', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTimeFormat = new Intl.DateTimeFormat('it-IT', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

function isRealDate(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** "2026-11-21" → "21/11/2026"; anything else is shown as it is. */
export function formatDate(iso) {
  if (iso === null || iso === undefined || iso === '') return '';
  const m = ISO_DATE.exec(String(iso));
  if (!m) return String(iso);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return String(iso);
  return dateFormat.format(new Date(Date.UTC(y, mo - 1, d)));
}

/** A timestamp (RFC 3339) → "21/11/2026, 10:30" in local time. */
export function formatDateTime(stamp) {
  if (!stamp) return '';
  if (ISO_DATE.test(stamp)) return formatDate(stamp);
  const t = Date.parse(stamp);
  if (Number.isNaN(t)) return String(stamp);
  return dateTimeFormat.format(new Date(t));
}

/**
 * What the operator types in a date field → ISO, or null when it is not a real
 * day. Accepts gg/mm/aaaa (also with - or .), g/m/aaaa, and ISO itself.
 */
export function parseDate(input) {
  const s = String(input ?? '').trim();
  let y, mo, d;
  let m = ISO_DATE.exec(s);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (!isRealDate(y, mo, d)) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "HH:MM" 24-hour, or null. */
export function parseTime(input) {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(String(input ?? '').trim());
  if (!m) return null;
  const [hh, mm] = [Number(m[1]), Number(m[2])];
  if (hh > 23 || mm > 59) return null;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}

/**
 * "1234.56" → "1.234,56 €" working on the digits of the string: no float ever
 * touches an amount. (Intl's it-IT currency format does not group 4-digit
 * amounts, "1234,56 €", which is not what offices print.)
 */
export function formatMoney(amount) {
  if (amount === null || amount === undefined || amount === '') return '';
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount).trim());
  if (!m) return String(amount);
  const [, sign, intPart, frac = ''] = m;
  const digits = intPart.replace(/^0+(?=\d)/, '');
  let grouped = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += '.';
    grouped += digits[i];
  }
  const cents = (frac + '00').slice(0, 2);
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) {
    // More than cents: show what is there rather than round silently.
    return `${sign}${grouped},${frac}\u00a0€`;
  }
  return `${sign}${grouped},${cents}\u00a0€`;
}

/**
 * What the operator types in an amount field → "1234.56", or null.
 * Italian input: "1.234,56", "1234,56", "1234"; "1234.56" is also understood.
 */
export function parseMoney(input) {
  let s = String(input ?? '').trim().replace(/\s|€/g, '');
  if (s === '') return null;
  if (s.includes(',')) {
    if (!/^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(s)) return null;
    s = s.replace(/\./g, '').replace(',', '.');
  } else if (/^\d+\.\d{1,2}$/.test(s)) {
    // a decimal point with cents
  } else if (/^\d{1,3}(\.\d{3})+$/.test(s)) {
    s = s.replace(/\./g, '');
  } else if (!/^\d+$/.test(s)) {
    return null;
  }
  const [i, f = ''] = s.split('.');
  return `${i.replace(/^0+(?=\d)/, '')}.${(f + '00').slice(0, 2)}`;
}

/** Completed years on a reference day (both ISO). A 29 February birthday is reached on 1 March. */
export function ageOn(birthIso, refIso) {
  const b = ISO_DATE.exec(birthIso || '');
  const r = ISO_DATE.exec(refIso || '');
  if (!b || !r) return null;
  let age = Number(r[1]) - Number(b[1]);
  const birthday = Number(b[2]) * 100 + Number(b[3]);
  const today = Number(r[2]) * 100 + Number(r[3]);
  if (today < birthday) age -= 1;
  return age;
}

export function isMinor(birthIso, refIso) {
  const age = ageOn(birthIso, refIso);
  return age !== null && age < 18;
}
