// The one way the console talks to the service: the public HTTP API with the tab's bearer token.
// Every call is logged for the API panel. A 401 on a signed-in tab means the token expired: the re-login
// dialog opens over the current screen and, once the user has signed in again, the same request is sent again,
// so the screen (its filters, its open chart) is not lost.

import { apiLog } from './api-log.js';
import { promptRelogin } from './relogin.js';
import { session } from './session.js';

/** A query string from an object, leaving out empty values. */
export function queryString(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * api('GET', '/patients', { query: { search: 'Riv' } }) -> { ok, status, data, headers }
 * Options: query, body (sent as JSON), as: 'json' (default; text when the answer is not JSON) or 'blob'.
 * Never throws for an HTTP status: a refusal is an answer the screens show.
 */
export async function api(method, path, options = {}) {
  const url = path + queryString(options.query);
  let result = await send(method, url, options);
  if (result.status === 401 && session.token() && path !== '/auth/login') {
    if (await promptRelogin()) result = await send(method, url, options);
  }
  return result;
}

async function send(method, url, { body, as = 'json', logBody } = {}) {
  const token = session.token();
  const headers = { accept: as === 'blob' ? '*/*' : 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    apiLog.add({ method, url, status: 0, ms: Math.round(performance.now() - started), token, body: logBody ?? body });
    return { ok: false, status: 0, data: { message: `The service did not answer (${err.message})` }, headers: new Headers() };
  }
  const type = response.headers.get('content-type') ?? '';
  let data;
  if (as === 'blob' && response.ok) data = await response.blob();
  else if (type.includes('json')) data = await response.json().catch(() => null);
  else data = await response.text();
  apiLog.add({
    method, url, status: response.status, ms: Math.round(performance.now() - started),
    requestId: response.headers.get('x-request-id'), token, body: logBody ?? body,
  });
  return { ok: response.ok, status: response.status, data, headers: response.headers };
}

/** The error message of a failed answer, as the API's error shape gives it. */
export function messageOf(result) {
  const d = result.data;
  if (d && typeof d === 'object' && d.message) return Array.isArray(d.message) ? d.message.join('; ') : String(d.message);
  if (typeof d === 'string' && d) return d.slice(0, 300);
  return `HTTP ${result.status}`;
}

/**
 * Signs in and fills the session: POST /auth/login, then GET /auth/me for the role's current permissions.
 * The password is not kept in the API panel's log.
 */
export async function signIn(username, password) {
  const login = await api('POST', '/auth/login', { body: { username, password }, logBody: { username, password: '<password>' } });
  if (!login.ok) return login;
  const { accessToken, expiresIn, user } = login.data;
  session.set({ token: accessToken, expiresAt: Date.now() + expiresIn * 1000, user, permissions: [] });
  await refreshPermissions();
  return login;
}

/** The role's permissions can change while the tab is open (the instructor edits the matrix): ask again. */
export async function refreshPermissions() {
  const me = await api('GET', '/auth/me');
  if (me.ok) session.update({ permissions: me.data.permissions, patientId: me.data.patientId ?? null, user: me.data.user });
  return me;
}
