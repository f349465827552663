import type { AuditEventInput } from '../../src/audit/audit.types';

/**
 * The audit events of a busy clinic, deterministic by index so the writer run and the reference write the same
 * rows: mostly chart reads by care-team clinicians, some searches, some denied attempts (which are audited too).
 */

const ROLES = ['physician', 'nurse', 'nurse', 'coder', 'him_technician', 'registrar'] as const;
const RESOURCES = ['patient', 'encounter', 'observation', 'diagnosis', 'clinical_note', 'procedure'] as const;
const PURPOSES = ['treatment', 'treatment', 'treatment', 'operations', 'payment'] as const;
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
] as const;

/** A small integer hash (splitmix-like), so event i is the same in every run and in both writers. */
function mix(i: number, salt: number): number {
  let x = (i * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

function hex(i: number, salt: number, len: number): string {
  let s = '';
  for (let k = 0; s.length < len; k++) s += mix(i, salt + k).toString(16).padStart(8, '0');
  return s.slice(0, len);
}

/** A request id in UUID v4 shape. */
function requestId(i: number): string {
  const h = hex(i, 101, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function auditEvent(i: number): AuditEventInput {
  const userId = 1 + (mix(i, 1) % 400);
  const role = ROLES[userId % ROLES.length];
  const patientId = 1 + (mix(i, 2) % 20_000);
  const kind = mix(i, 3) % 100;
  const resourceType = RESOURCES[mix(i, 4) % RESOURCES.length];
  const common = {
    actor: { id: userId, username: `${role}.${userId.toString().padStart(4, '0')}`, role },
    purposeOfUse: PURPOSES[mix(i, 5) % PURPOSES.length],
    requestId: requestId(i),
    clientIp: `10.${20 + (userId % 8)}.${(userId >> 3) % 256}.${(mix(i, 6) % 250) + 2}`,
    userAgent: USER_AGENTS[userId % USER_AGENTS.length],
    patientId,
  };
  if (kind < 90) {
    return {
      ...common,
      action: 'read',
      outcome: 'success',
      resourceType,
      resourceId: resourceType === 'patient' ? patientId : 1 + (mix(i, 7) % 1_000_000),
      details: { view: role, items: 1 + (mix(i, 8) % 40) },
    };
  }
  if (kind < 95) {
    return { ...common, action: 'search', outcome: 'success', resourceType: 'patient', resourceId: null, details: { results: mix(i, 9) % 25 } };
  }
  return {
    ...common,
    action: 'access-denied',
    outcome: 'denied',
    resourceType,
    resourceId: 1 + (mix(i, 7) % 1_000_000),
    reason: 'not on the care team of this patient and no active break-glass grant',
  };
}
