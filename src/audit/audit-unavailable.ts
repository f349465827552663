import { ServiceUnavailableException } from '@nestjs/common';

/**
 * The trail cannot take the next row: a row with the next sequence number already exists, written behind the
 * service's back. Every access to patient data needs its audit row first (45 CFR 164.312(b)), so the service fails
 * closed: 503, nothing served, nothing changed, until a privacy officer has looked (GET /audit/verify names the row;
 * docs/reliability.md says how to recover).
 */
export class AuditUnavailable extends ServiceUnavailableException {
  constructor(seq: number) {
    super(
      `The audit trail cannot be written: row ${seq} already exists and was not written by this service. No data is served or changed ` +
        'without its audit row; a privacy officer must run GET /audit/verify (see docs/reliability.md, section 8).',
    );
  }
}

/** A unique-key violation (SQLite or PostgreSQL): on audit_events, another row already holds the sequence number. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '');
}
