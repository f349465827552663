import { Injectable } from '@nestjs/common';
import { InvalidInput } from '../common/errors';
import { Page, pageOf, PageQueryDto } from '../common/pagination';
import { UsersRepository } from '../auth/users.repository';
import { bool, Db, num, Queryable, SqlParam } from '../database/db';
import type { AuditRow } from './audit.types';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditFilterDto, AuditFilterFields } from './dto/audit-query.dto';

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

/** Rows per keyset page when streaming (export): bounded memory whatever the size of the result. */
export const STREAM_PAGE = 200;

/**
 * Filtered, newest-first reads of the trail. Patient and actor filters are answered from audit_by_patient and
 * audit_by_actor, request ids from audit_by_request, time ranges from audit_by_time, denials and break-the-glass
 * from the partial indexes of migration 1764400600000 (test/audit-search-export.e2e-spec.ts checks the plans).
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly db: Db,
    private readonly users: UsersRepository,
    private readonly trail: AuditEventsRepository,
  ) {}

  /**
   * The WHERE clause of a filter, numbered from $1 (or after `offset` placeholders). Values are bound, except the
   * two enum filters that are written literally so that SQLite can use their partial indexes (it does so only when
   * the query contains the index's own WHERE term).
   */
  where(f: AuditFilterFields, alias = ''): { sql: string; params: SqlParam[] } {
    const clauses: string[] = [];
    const params: SqlParam[] = [];
    const c = (column: string) => `${alias}${column}`;
    const add = (column: string, op: string, v: SqlParam) => {
      params.push(v);
      clauses.push(`${c(column)} ${op} $${params.length}`);
    };
    if (f.patientId !== undefined) add('patient_id', '=', f.patientId);
    if (f.actorId !== undefined) add('actor_user_id', '=', f.actorId);
    if (f.action) add('action', '=', f.action);
    if (f.outcome) {
      add('outcome', '=', f.outcome);
      if (f.outcome !== 'success') clauses.push(`${c('outcome')} <> 'success'`);
    }
    if (f.role) add('actor_role', '=', f.role);
    if (f.resourceType) add('resource_type', '=', f.resourceType);
    if (f.requestId) add('request_id', '=', f.requestId);
    if (f.breakGlass) clauses.push(`${c('break_glass')} = ${f.breakGlass === 'true' ? 'TRUE' : 'FALSE'}`);
    const range = timeRange(f);
    if (range.from) add('occurred_at', '>=', range.from);
    if (range.to) add('occurred_at', '<', range.to);
    return { sql: clauses.join(' AND '), params };
  }

  /**
   * One page, newest first, of the rows up to `upToSeq` (default: the newest row now). The answer carries that
   * upToSeq: passed back with the next pages, it keeps them on the same snapshot while the trail grows.
   */
  async search(f: AuditFilterDto): Promise<Page<AuditEventView> & { upToSeq: number }> {
    const { page, pageSize } = pageOf(f);
    const upToSeq = f.upToSeq ?? (await this.lastSeq());
    const q = this.searchSql(f, upToSeq);
    const rows = await this.db.query<AuditRow>(q.page.sql, q.page.params);
    const total = num((await this.db.one<{ n: number }>(q.count.sql, q.count.params))?.n);
    return { items: rows.map(toView), page, pageSize, total, upToSeq };
  }

  /** The two statements of a search (one page, newest first; the total), for search() and for plan checks. */
  searchSql(f: AuditFilterDto, upToSeq: number): { page: { sql: string; params: SqlParam[] }; count: { sql: string; params: SqlParam[] } } {
    const { pageSize, offset } = pageOf(f);
    const { sql, params } = this.where(f);
    const n = params.length;
    const where = `WHERE ${sql ? `${sql} AND ` : ''}seq <= $${n + 1}`;
    return {
      page: { sql: `SELECT * FROM audit_events ${where} ORDER BY seq DESC LIMIT $${n + 2} OFFSET $${n + 3}`, params: [...params, upToSeq, pageSize, offset] },
      count: { sql: `SELECT COUNT(*) AS n FROM audit_events ${where}`, params: [...params, upToSeq] },
    };
  }

  /** The sequence number of the newest row: an export or a scan stops there, so rows appended meanwhile stay out. */
  lastSeq(): Promise<number> {
    return this.trail.lastSeq();
  }

  /** How many rows match the filter up to (and including) `upToSeq`. */
  async count(f: AuditFilterFields, upToSeq: number): Promise<number> {
    const { sql, params } = this.where(f);
    const n = params.length;
    const row = await this.db.one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM audit_events WHERE ${sql ? `${sql} AND ` : ''}seq <= $${n + 1}`,
      [...params, upToSeq],
    );
    return num(row?.n);
  }

  /**
   * The matching rows up to `upToSeq`, oldest first (chain order), in keyset pages of STREAM_PAGE rows (seq > the
   * last one seen), so memory stays bounded and each page is an index range, however deep into the result.
   */
  async *pages(f: AuditFilterFields, upToSeq: number, pageSize = STREAM_PAGE, on: Queryable = this.db): AsyncGenerator<AuditRow[]> {
    const { sql, params } = this.where(f);
    const n = params.length;
    const query = `SELECT * FROM audit_events WHERE ${sql ? `${sql} AND ` : ''}seq > $${n + 1} AND seq <= $${n + 2}
      ORDER BY seq LIMIT ${pageSize}`;
    let after = 0;
    for (;;) {
      const rows = await on.query<AuditRow>(query, [...params, after, upToSeq]);
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /** The same rows one by one. */
  async *stream(f: AuditFilterFields, upToSeq: number, pageSize = STREAM_PAGE): AsyncGenerator<AuditRow> {
    for await (const page of this.pages(f, upToSeq, pageSize)) yield* page;
  }

  /**
   * Who accessed one patient's chart, newest first, from the trail (indexed by patient_id, seq): only rows about
   * this patient, so nothing of any other patient. `excludeActorId` leaves out the patient's own actions from their
   * own log (/me/access-log); the privacy officer's log (GET /audit/patients/:id/access-log) leaves nothing out.
   */
  async accessLog(patientId: number, q: PageQueryDto, excludeActorId?: number): Promise<Page<AccessLogEntry>> {
    const { page, pageSize, offset } = pageOf(q);
    const actions = ACCESS_ACTIONS.map((a) => `'${a}'`).join(', ');
    const where = `WHERE e.patient_id = $1 AND e.action IN (${actions}) AND (e.actor_user_id IS NULL OR e.actor_user_id <> $2)`;
    const params = [patientId, excludeActorId ?? -1];
    const rows = await this.db.query<AuditRow>(
      `SELECT e.* FROM audit_events e ${where} ORDER BY e.patient_id, e.seq DESC LIMIT $3 OFFSET $4`,
      [...params, pageSize, offset],
    );
    const total = num((await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events e ${where}`, params))?.n);
    // The actors' current display names: one call to the users' owner for the page (the recorded username if gone).
    const names = await this.users.names(rows.flatMap((r) => (r.actor_user_id === null ? [] : [Number(r.actor_user_id)])));
    return {
      items: rows.map((r) => ({
        seq: Number(r.seq),
        at: r.occurred_at,
        who: {
          userId: r.actor_user_id === null ? null : Number(r.actor_user_id),
          name: (r.actor_user_id === null ? undefined : names.get(Number(r.actor_user_id))?.displayName) ?? r.actor_username,
          role: r.actor_role,
        },
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

/** from/to as stored times (UTC ISO-8601); `to` must come after `from`. */
export function timeRange(f: { from?: string; to?: string }): { from?: string; to?: string } {
  const from = f.from ? new Date(f.from).toISOString() : undefined;
  const to = f.to ? new Date(f.to).toISOString() : undefined;
  if (from && to && to <= from) throw InvalidInput.field('to', 'must be after from');
  return { from, to };
}

/** The filter as recorded in an audit row's details: only the filters given. */
export function describeFilter(f: AuditFilterFields): Record<string, unknown> {
  const keys = ['patientId', 'actorId', 'action', 'outcome', 'role', 'resourceType', 'requestId', 'breakGlass', 'from', 'to'] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (f[k] !== undefined) out[k] = f[k];
  return out;
}

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
    details: detailsOf(r.details),
    hash: r.hash,
  };
}

/**
 * A row's details as stored JSON. A row written behind the service's back may hold anything: shown as the raw text
 * under `unparsed` rather than failing the whole page (verify names such a row).
 */
function detailsOf(details: string | null): Record<string, unknown> | null {
  if (!details) return null;
  try {
    const v: unknown = JSON.parse(details);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { unparsed: details };
  } catch {
    return { unparsed: details };
  }
}
