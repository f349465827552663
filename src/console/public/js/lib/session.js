// The signed-in user of this browser tab. sessionStorage: the token lives as long as the tab, is not shared with
// other tabs (two students, or a student and the instructor, can use two tabs side by side), and is gone when
// the tab closes.

const KEY = 'hit-console.session';
const listeners = new Set();

function read() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export const session = {
  /** { token, expiresAt, user: { id, username, displayName, role }, permissions: [], patientId } or null. */
  get: read,
  set(value) {
    sessionStorage.setItem(KEY, JSON.stringify(value));
    listeners.forEach((fn) => fn(value));
  },
  /** Merges new fields (a fresh token, refreshed permissions). */
  update(fields) {
    const current = read();
    if (current) session.set({ ...current, ...fields });
  },
  clear() {
    sessionStorage.removeItem(KEY);
    listeners.forEach((fn) => fn(null));
  },
  token: () => read()?.token ?? null,
  user: () => read()?.user ?? null,
  can: (permission) => (read()?.permissions ?? []).includes(permission),
  canAny: (...permissions) => permissions.some((p) => session.can(p)),
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
