import { Injectable } from '@nestjs/common';
import { Page, pageOf } from '../common/pagination';
import { bool, Db, num, SqlParam } from '../database/db';
import type { AuditRow } from './audit.types';
import { AuditFilterDto } from './dto/audit-query.dto';

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actor: { id: number | null; username: string | null; role: string | null };
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  patientId: number | null;
  outcome: string;
  reason: string | null;
  purposeOfUse: string | null;
  breakGlass: boolean;
  requestId: string | null;
  clientIp: string | null;
  userAgent: string | null;
  details: unknown;
  hash: string;
}

/** Filtered, newest-first reads of the trail; every filter maps to an indexed column. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly db: Db) {}

  where(f: AuditFilterDto): { sql: string; params: SqlParam[] } {
    const clauses: string[] = [];
    const params: SqlParam[] = [];
    const add = (sql: string, v: SqlParam) => {
      params.push(v);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    if (f.patientId !== undefined) add('patient_id = ?', f.patientId);
    if (f.actorId !== undefined) add('actor_user_id = ?', f.actorId);
    if (f.action) add('action = ?', f.action);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.role) add('actor_role = ?', f.role);
    if (f.resourceType) add('resource_type = ?', f.resourceType);
    if (f.requestId) add('request_id = ?', f.requestId);
    if (f.breakGlass) add('break_glass = ?', f.breakGlass === 'true');
    if (f.from) add('occurred_at >= ?', new Date(f.from).toISOString());
    if (f.to) add('occurred_at < ?', new Date(f.to).toISOString());
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  async search(f: AuditFilterDto): Promise<Page<AuditEventView>> {
    const { page, pageSize, offset } = pageOf(f);
    const { sql, params } = this.where(f);
    const n = params.length;
    const rows = await this.db.query<AuditRow>(
      `SELECT * FROM audit_events ${sql} ORDER BY seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, pageSize, offset],
    );
    const total = num((await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events ${sql}`, params))?.n);
    return { items: rows.map(toView), page, pageSize, total };
  }

  /**
   * Who accessed one patient's chart, newest first, from the trail (indexed by patient_id, seq). The patient's
   * own actions are left out of their own log.
   */
  async accessLog(patientId: number, q: { page?: number; pageSize?: number }, excludeActorId?: number): Promise<Page<AccessLogEntry>> {
    const { page, pageSize, offset } = pageOf(q);
    const actions = ACCESS_ACTIONS.map((a) => `'${a}'`).join(', ');
    const where = `WHERE e.patient_id = $1 AND e.action IN (${actions}) AND (e.actor_user_id IS NULL OR e.actor_user_id <> $2)`;
    const params = [patientId, excludeActorId ?? -1];
    const rows = await this.db.query<AuditRow & { display_name: string | null }>(
      `SELECT e.*, u.display_name FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id
        ${where} ORDER BY e.patient_id, e.seq DESC LIMIT $3 OFFSET $4`,
      [...params, pageSize, offset],
    );
    const total = num((await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events e ${where}`, params))?.n);
    return {
      items: rows.map((r) => ({
        seq: Number(r.seq),
        at: r.occurred_at,
        who: { userId: r.actor_user_id === null ? null : Number(r.actor_user_id), name: r.display_name ?? r.actor_username, role: r.actor_role },
        action: r.action,
        what: { resourceType: r.resource_type, resourceId: r.resource_id },
        outcome: r.outcome,
        purposeOfUse: r.purpose_of_use,
        breakGlass: bool(r.break_glass),
      })),
      page,
      pageSize,
      total,
    };
  }
}

export interface AccessLogEntry {
  seq: number;
  at: string;
  who: { userId: number | null; name: string | null; role: string | null };
  action: string;
  what: { resourceType: string | null; resourceId: string | null };
  outcome: string;
  purposeOfUse: string | null;
  breakGlass: boolean;
}

/** Actions that are an access to a chart (what a patient's access log and a privacy review list). */
export const ACCESS_ACTIONS = ['read', 'search', 'create', 'update', 'delete', 'export', 'disclose', 'break-glass', 'access-denied'];

export function toView(r: AuditRow): AuditEventView {
  return {
    seq: Number(r.seq),
    occurredAt: r.occurred_at,
    actor: { id: r.actor_user_id === null ? null : Number(r.actor_user_id), username: r.actor_username, role: r.actor_role },
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    patientId: r.patient_id === null ? null : Number(r.patient_id),
    outcome: r.outcome,
    reason: r.reason,
    purposeOfUse: r.purpose_of_use,
    breakGlass: bool(r.break_glass),
    requestId: r.request_id,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    details: r.details ? JSON.parse(r.details) : null,
    hash: r.hash,
  };
}
