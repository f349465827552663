import { RESPONSE_HEADERS } from './response-headers';
import type { RouteFacts } from './route-facts';

type Operation = Record<string, unknown> & { responses?: Record<string, Record<string, unknown>>; parameters?: { in: string }[]; requestBody?: unknown; security?: unknown[] };

export const ERROR_SCHEMA_REF = '#/components/schemas/ErrorDto';

/** What each error status means in this service (docs/architecture.md, section 7), the default description. */
const MEANING: Record<string, string> = {
  '400': 'Invalid input: `details` names each bad field (body, query or path parameter); malformed JSON is refused the same way. Nothing was changed',
  '401': 'No valid bearer token (missing, malformed, expired or revoked)',
  '403': 'The role lacks the permission, or the access policy refuses this patient or item: `reasons` say why (the refusal is audited)',
  '404': 'No such resource (or not one the caller may know of)',
  '409': 'A stale `version`, a transition the current state does not allow, or a duplicate: `context` gives the current state',
  '413': 'The request body is larger than the 1 MB limit',
  '429': 'Too many requests: wait the seconds Retry-After gives (also `context.retryAfter`)',
  '500': 'A bug: the error is logged with the request id; nothing was changed',
  '503': 'The audit trail cannot take the row this request needs (the service fails closed: nothing served or changed), or a dependency is down',
};

const RETRY_AFTER = RESPONSE_HEADERS['Retry-After'];

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/**
 * The error statuses an operation can answer, from what the route is: every operation can refuse malformed input
 * (400: the body parsers run for every route), fail (500) or fail closed when the audit trail cannot be written (503);
 * a secured one 401 and 403; one with path parameters 404; a secured write 409; one with a body 413. Statuses a
 * route declares itself (429 on login and the audit export, 401 on refresh...) are kept.
 */
export function errorStatuses(method: string, op: Operation, facts: RouteFacts | undefined): string[] {
  const secured = !(facts?.isPublic ?? false) && (op.security?.length ?? 0) > 0;
  const declared = Object.keys(op.responses ?? {}).filter((s) => /^[45]\d\d$/.test(s));
  const statuses = new Set(['400', '500', '503', ...declared]);
  if (secured) ['401', '403'].forEach((s) => statuses.add(s));
  if ((op.parameters ?? []).some((p) => p.in === 'path')) statuses.add('404');
  if (secured && WRITES.has(method)) statuses.add('409');
  if (op.requestBody) statuses.add('413');
  return [...statuses].sort();
}

/**
 * Every error response of the operation in the one documented shape (ErrorDto): the route's own description when
 * it gave one, otherwise the status's meaning; a 429 declares Retry-After.
 */
export function addErrorResponses(method: string, op: Operation, facts: RouteFacts | undefined): void {
  const responses = (op.responses ??= {});
  for (const status of errorStatuses(method, op, facts)) {
    const existing = responses[status] ?? {};
    responses[status] = {
      ...existing,
      description: typeof existing.description === 'string' && existing.description ? existing.description : MEANING[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF } } },
      ...(status === '429' ? { headers: { ...(existing.headers as object), 'Retry-After': RETRY_AFTER } } : {}),
    };
  }
}
