import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../auth/users.repository';
import { NotFound } from '../common/errors';
import { Db, num, Queryable, SqlParam } from '../database/db';
import { PatientsRepository } from '../records/patients.repository';
import type { LegalBasis, RecipientKind, RequesterType } from './disclosure-basis';
import type { RoiStatus } from './roi-state-machine';

const COLUMNS = `id, patient_id, requester_type, requester_name, requester_address, purpose, record_types, date_from, date_to,
  delivery_format, authorization_json, status, received_at, due_at, extended, extension_reason, denial_code, denial_reviewable,
  fee_cents, package_sha256, fulfilled_at, closed_at, created_by, version, legal_basis, original_due_at, extension_days,
  denial_reason, fee_json, package_fhir_sha256, updated_at, privacy_approved_by, privacy_approved_at, privacy_approval_note,
  denial_determined_by, denial_parts_json, denial_review_json,
  recipient_kind, basis_facts_json`;

export interface RoiRow {
  id: number;
  patient_id: number;
  requester_type: RequesterType;
  requester_name: string;
  requester_address: string | null;
  purpose: string;
  record_types: string;
  date_from: string | null;
  date_to: string | null;
  delivery_format: 'electronic' | 'paper';
  authorization_json: string | null;
  status: RoiStatus;
  received_at: string;
  due_at: string;
  extended: unknown;
  extension_reason: string | null;
  denial_code: string | null;
  denial_reviewable: unknown;
  fee_cents: number | null;
  package_sha256: string | null;
  fulfilled_at: string | null;
  closed_at: string | null;
  created_by: number;
  version: number;
  legal_basis: LegalBasis | null;
  original_due_at: string | null;
  extension_days: number | null;
  denial_reason: string | null;
  fee_json: string | null;
  package_fhir_sha256: string | null;
  updated_at: string | null;
  privacy_approved_by: number | null;
  privacy_approved_at: string | null;
  privacy_approval_note: string | null;
  /** 164.524(a)(3): the licensed health care professional who determined a reviewable denial. */
  denial_determined_by: number | null;
  /** deny-in-part: the denied part (access-denial.ts DeniedPart), JSON. */
  denial_parts_json: string | null;
  /** 164.524(a)(4): the review of the denial (access-denial.ts DenialReview), JSON. */
  denial_review_json: string | null;
  recipient_kind: RecipientKind | null;
  /** The facts the basis's conditions are checked against (release-basis-conditions.ts BasisFacts, direction.ts Direction). */
  basis_facts_json: string | null;
}

/** The columns a new request is created with (the rest take their defaults). */
export interface NewRoiRow {
  patientId: number;
  requesterType: RequesterType;
  requesterName: string;
  requesterAddress: string | null;
  purpose: string;
  recordTypes: string[];
  dateFrom: string | null;
  dateTo: string | null;
  format: 'electronic' | 'paper';
  authorizationJson: string | null;
  receivedAt: string;
  dueAt: string;
  createdBy: number;
  legalBasis: LegalBasis;
  recipientKind: RecipientKind | null;
  basisFactsJson: string | null;
}

export interface HistoryRow {
  action: string;
  from_status: string;
  to_status: string;
  reason: string | null;
  actor_user_id: number;
  at: string;
  details: string | null;
}

/**
 * The roi_requests and roi_transitions tables (release of information owns them; docs/architecture.md, section 2):
 * their SQL, row types and the few facts of other modules' tables a request needs, asked of their owners.
 */
@Injectable()
export class RoiRequestsRepository {
  constructor(
    private readonly db: Db,
    private readonly patients: PatientsRepository,
    private readonly users: UsersRepository,
  ) {}

  async find(q: Queryable, id: number): Promise<RoiRow> {
    const row = await q.one<RoiRow>(`SELECT ${COLUMNS} FROM roi_requests WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Release-of-information request ${id}`);
    return row;
  }

  async insert(tx: Queryable, r: NewRoiRow): Promise<RoiRow> {
    return (await tx.one<RoiRow>(
      `INSERT INTO roi_requests (patient_id, requester_type, requester_name, requester_address, purpose, record_types, date_from, date_to,
         delivery_format, authorization_json, status, received_at, due_at, extended, created_by, version, legal_basis, original_due_at, updated_at,
         recipient_kind, basis_facts_json)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'received', $11, $12, $13, $14, 1, $15, $12, $11, $16, $17) RETURNING ${COLUMNS}`,
      [
        r.patientId, r.requesterType, r.requesterName, r.requesterAddress, r.purpose, JSON.stringify(r.recordTypes), r.dateFrom, r.dateTo,
        r.format, r.authorizationJson, r.receivedAt, r.dueAt, false, r.createdBy, r.legalBasis, r.recipientKind, r.basisFactsJson,
      ],
    ))!;
  }

  /** One page of requests matching the WHERE clauses (built by the caller with params), with the total. */
  async page(where: string[], params: SqlParam[], orderBy: string, pageSize: number, offset: number): Promise<{ rows: RoiRow[]; total: number }> {
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM roi_requests ${filter}`, params))?.n);
    const rows = await this.db.query<RoiRow>(
      `SELECT ${COLUMNS} FROM roi_requests ${filter} ORDER BY ${orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    return { rows, total };
  }

  /** UPDATE ... WHERE version = sent, version + 1: false when someone else changed the request first. */
  async update(tx: Queryable, id: number, version: number, sets: [string, SqlParam][]): Promise<boolean> {
    const params: SqlParam[] = sets.map(([, v]) => v);
    params.push(id, version);
    const changed = await tx.execute(
      `UPDATE roi_requests SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1
        WHERE id = $${params.length - 1} AND version = $${params.length}`,
      params,
    );
    return changed === 1;
  }

  /** The stored package bytes of a fulfilled request. */
  async packageJson(id: number): Promise<string | null> {
    return (await this.db.one<{ package_json: string | null }>('SELECT package_json FROM roi_requests WHERE id = $1', [id]))?.package_json ?? null;
  }

  async addHistory(
    tx: Queryable, requestId: number, action: string, from: string, to: string, reason: string | null, actor: number, at: string,
    details: Record<string, unknown> | null,
  ): Promise<void> {
    await tx.execute(
      'INSERT INTO roi_transitions (request_id, action, from_status, to_status, reason, actor_user_id, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [requestId, action, from, to, reason, actor, at, details && Object.keys(details).length ? JSON.stringify(details) : null],
    );
  }

  /** A request's history, oldest first, with the actors' names (asked of auth once for the whole list). */
  async history(q: Queryable, requestId: number): Promise<(HistoryRow & { username: string | null; display_name: string | null })[]> {
    const rows = await q.query<HistoryRow>(
      'SELECT action, from_status, to_status, reason, actor_user_id, at, details FROM roi_transitions WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
    const names = await this.users.names(rows.map((r) => Number(r.actor_user_id)), q);
    return rows.map((r) => {
      const n = names.get(Number(r.actor_user_id));
      return { ...r, username: n?.username ?? null, display_name: n?.displayName ?? null };
    });
  }

  /** Whether the patient is a VIP (records owns patients). */
  async patientIsVip(patientId: number): Promise<boolean> {
    return (await this.patients.directory([patientId]))[0]?.vip ?? false;
  }

  /** The patient's full name, as a request and its authorization name them (records owns patients). */
  async patientName(q: Queryable, patientId: number): Promise<string | null> {
    const p = await this.patients.identity(q, patientId);
    return p ? `${p.givenName} ${p.familyName}` : null;
  }
}
