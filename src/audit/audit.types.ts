/** Audit actions (docs/architecture.md, section 5); FHIR AuditEvent mapping lives with the export. */
export const AUDIT_ACTIONS = [
  'login', 'login-failed', 'logout', 'read', 'search', 'create', 'update', 'delete', 'export', 'disclose',
  'break-glass', 'break-glass-review', 'permission-change', 'access-denied', 'verify', 'checkpoint',
  'user-change', 'amendment', 'roi-transition', 'demo-reset', 'scenario', 'explain',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditActor {
  id: number | null;
  username: string | null;
  role: string | null;
}

/** What a caller hands to AuditWriter; the writer adds seq, time and the chain. */
export interface AuditEventInput {
  action: AuditAction;
  outcome: AuditOutcome;
  actor?: AuditActor | null;
  resourceType?: string | null;
  resourceId?: string | number | null;
  patientId?: number | null;
  reason?: string | null;
  purposeOfUse?: string | null;
  breakGlass?: boolean;
  requestId?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
  /** Small structured facts (result count, before/after of a change). Never PHI text such as note bodies. */
  details?: Record<string, unknown> | null;
}

/** A row of audit_events as stored. Field order here is the canonical order the hash covers. */
export interface AuditRow {
  seq: number;
  occurred_at: string;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  patient_id: number | null;
  outcome: string;
  reason: string | null;
  purpose_of_use: string | null;
  break_glass: boolean;
  request_id: string | null;
  client_ip: string | null;
  user_agent: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}
