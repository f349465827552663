// How times, dates and empty values read on screen.

const pad = (n) => String(n).padStart(2, '0');

/** "2026-12-03 07:08:29" in the browser's time zone (the hospital's clock is the API's; this is the reader's). */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A calendar date as the API sends it, or the date part of an ISO time. */
export function date(iso) {
  if (!iso) return '—';
  return String(iso).slice(0, 10);
}

/** A value for a table cell: null and undefined read as a dash. */
export function text(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** "3 rows", "1 row". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
