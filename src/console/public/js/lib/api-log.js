// Every request the page makes, for the API panel: method, path, status, time, and enough to replay it with curl.

const MAX_ENTRIES = 300;
const entries = [];
const listeners = new Set();
let nextId = 1;

export const apiLog = {
  /** { method, url, status, ms, requestId, token, body } -> the stored entry (newest first in all()). */
  add(entry) {
    const stored = { id: nextId++, at: new Date(), ...entry };
    entries.unshift(stored);
    if (entries.length > MAX_ENTRIES) entries.length = MAX_ENTRIES;
    listeners.forEach((fn) => fn(stored));
    return stored;
  },
  all: () => entries.slice(),
  count: () => nextId - 1,
  clear() {
    entries.length = 0;
    listeners.forEach((fn) => fn(null));
  },
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

/** A word for a POSIX shell, in single quotes. */
function shellQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/**
 * The curl command that sends the same request: absolute URL, the same token, the same JSON body.
 * `showToken: false` abbreviates the token, for what is shown on a projected screen (the clipboard gets it whole).
 */
export function curlFor(entry, { showToken = true, origin = location.origin } = {}) {
  const parts = ['curl', '-s'];
  if (entry.method !== 'GET') parts.push('-X', entry.method);
  parts.push(shellQuote(origin + entry.url));
  if (entry.token) {
    const token = showToken ? entry.token : `${entry.token.slice(0, 12)}…`;
    parts.push('-H', shellQuote(`authorization: Bearer ${token}`));
  }
  if (entry.body !== undefined) {
    parts.push('-H', shellQuote('content-type: application/json'), '--data-raw', shellQuote(JSON.stringify(entry.body)));
  }
  return parts.join(' ');
}
