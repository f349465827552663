import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import { Page, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { bool, Db, num, SqlParam } from '../database/db';
import { CreatePatientDto, DemographicsDto, PatientHitDto, PatientSearchDto, UpdatePatientDto } from './dto/patient.dto';

export interface PatientRow {
  id: number;
  mrn: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  sex: string;
  address_line: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  phone: string | null;
  vip: unknown;
  deceased_at: string | null;
  version: number;
}

export const PATIENT_COLUMNS =
  'id, mrn, given_name, family_name, birth_date, sex, address_line, city, state, postal_code, phone, vip, deceased_at, version';

const FIELD_COLUMNS: Record<string, string> = {
  givenName: 'given_name', familyName: 'family_name', birthDate: 'birth_date', sex: 'sex', addressLine: 'address_line',
  city: 'city', state: 'state', postalCode: 'postal_code', phone: 'phone', vip: 'vip',
};

/** Registration and demographics (registrar, HIM). Reads go through the policy: VIP charts need a relation. */
@Injectable()
export class PatientsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  async search(ctx: RequestContext, q: PatientSearchDto): Promise<Page<PatientHitDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const { where, params, criteria } = searchClause(q.search);
    const n = params.length;
    const rows = await this.db.query<PatientRow>(
      `SELECT ${PATIENT_COLUMNS} FROM patients ${where} ORDER BY family_name, given_name, id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, pageSize, offset],
    );
    const total = num((await this.db.one<{ n: number }>(`SELECT COUNT(*) AS n FROM patients ${where}`, params))?.n);
    const items: PatientHitDto[] = [];
    for (const r of rows) {
      // A VIP hit shows details only to a caller with a relation or registration duties (the policy says who).
      if (bool(r.vip) && !(await this.policy.vipHitVisible(ctx.user, Number(r.id)))) {
        items.push({ id: Number(r.id), vip: true, confidential: 'VIP patient: name, birth date and MRN need a care relation or break-the-glass' });
      } else {
        const d = toDemographics(r);
        items.push({ id: d.id, mrn: d.mrn, givenName: d.givenName, familyName: d.familyName, birthDate: d.birthDate, sex: d.sex, vip: d.vip });
      }
    }
    // The trail records the terms searched and how many were found: an investigation of who looked for whom needs
    // the terms (the trail itself is access-controlled); the hits' identities stay out of it.
    await this.audit.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'patient', details: { criteria, terms: q.search ?? null, results: total },
    });
    return { items, page, pageSize, total };
  }

  async read(ctx: RequestContext, id: number): Promise<DemographicsDto> {
    const grant = await this.policy.require(ctx, 'demographics:read', id, { resourceType: 'patient', resourceId: id });
    const row = (await this.db.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [id]))!;
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'patient', resourceId: id, patientId: id,
      breakGlass: grant.breakGlass,
    });
    return toDemographics(row);
  }

  async create(ctx: RequestContext, dto: CreatePatientDto): Promise<DemographicsDto> {
    return this.db.transaction(async (tx) => {
      const now = this.clock.nowIso();
      const inserted = (await tx.one<{ id: number }>(
        `INSERT INTO patients (mrn, given_name, family_name, birth_date, sex, address_line, city, state, postal_code, phone, vip, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12) RETURNING id`,
        [`pending-${randomUUID()}`, dto.givenName, dto.familyName, dto.birthDate, dto.sex, dto.addressLine, dto.city, dto.state, dto.postalCode, dto.phone, !!dto.vip, now],
      ))!;
      const mrn = mrnFor(Number(inserted.id));
      await tx.execute('UPDATE patients SET mrn = $1 WHERE id = $2', [mrn, inserted.id]);
      const row = (await tx.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [inserted.id]))!;
      await this.audit.appendWithin(tx, [
        { ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'patient', resourceId: row.id, patientId: Number(row.id), details: { mrn } },
      ]);
      return toDemographics(row);
    });
  }

  async update(ctx: RequestContext, id: number, dto: UpdatePatientDto): Promise<DemographicsDto> {
    const grant = await this.policy.require(ctx, 'demographics:write', id, { resourceType: 'patient', resourceId: id });
    const changes = Object.entries(dto).filter(([k, v]) => k !== 'version' && v !== undefined);
    if (changes.length === 0) throw InvalidInput.field('body', 'names no field to change');
    return this.db.transaction(async (tx) => {
      const before = (await tx.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [id]))!;
      if (Number(before.version) !== dto.version) {
        throw new Conflict(`Patient ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      }
      const params: SqlParam[] = [];
      const sets = changes.map(([k, v]) => {
        params.push(v as SqlParam);
        return `${FIELD_COLUMNS[k]} = $${params.length}`;
      });
      params.push(this.clock.nowIso(), id, dto.version);
      const n = params.length;
      const changed = await tx.execute(
        `UPDATE patients SET ${sets.join(', ')}, version = version + 1, updated_at = $${n - 2} WHERE id = $${n - 1} AND version = $${n}`,
        params,
      );
      if (changed !== 1) throw new Conflict(`Patient ${id} was changed by someone else`);
      const after = (await tx.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [id]))!;
      const b = toDemographics(before) as unknown as Record<string, unknown>;
      const a = toDemographics(after) as unknown as Record<string, unknown>;
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'patient', resourceId: id, patientId: id,
          breakGlass: grant.breakGlass,
          // The previous value of every changed field: the history of demographics lives in the trail.
          details: { fields: changes.map(([k]) => k), before: pick(b, changes), after: pick(a, changes), version: Number(after.version) },
        },
      ]);
      return toDemographics(after);
    });
  }
}

function pick(o: Record<string, unknown>, changes: [string, unknown][]): Record<string, unknown> {
  const flat: Record<string, unknown> = { ...o, ...(o.address as Record<string, unknown>) };
  const alias: Record<string, string> = { addressLine: 'line' };
  return Object.fromEntries(changes.map(([k]) => [k, flat[alias[k] ?? k]]));
}

/** Name prefix, MRN or birth date: each maps to an indexed column. */
function searchClause(search: string | undefined): { where: string; params: SqlParam[]; criteria: string } {
  if (!search) return { where: '', params: [], criteria: 'all' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(search)) return { where: 'WHERE birth_date = $1', params: [search], criteria: 'birthDate' };
  if (/^MRN\d+$/i.test(search)) return { where: 'WHERE mrn = $1', params: [search.toUpperCase()], criteria: 'mrn' };
  const [first, second] = search.toLowerCase().replace(/[%_\\]/g, '').split(/[\s,]+/).filter(Boolean);
  if (!first) return { where: 'WHERE 1 = 0', params: [], criteria: 'name' };
  if (second) {
    return {
      where: 'WHERE (lower(family_name) LIKE $1 AND lower(given_name) LIKE $2) OR (lower(given_name) LIKE $1 AND lower(family_name) LIKE $2)',
      params: [`${first}%`, `${second}%`],
      criteria: 'name',
    };
  }
  return { where: 'WHERE lower(family_name) LIKE $1 OR lower(given_name) LIKE $1', params: [`${first}%`], criteria: 'name' };
}

/** MRNs derive from the row id, so concurrent registrations on several instances cannot collide. */
export function mrnFor(id: number): string {
  return `MRN${String(id).padStart(8, '0')}`;
}

export function toDemographics(r: PatientRow): DemographicsDto {
  return {
    id: Number(r.id),
    mrn: r.mrn,
    givenName: r.given_name,
    familyName: r.family_name,
    birthDate: r.birth_date,
    sex: r.sex,
    address: { line: r.address_line, city: r.city, state: r.state, postalCode: r.postal_code },
    phone: r.phone,
    vip: bool(r.vip),
    deceasedAt: r.deceased_at,
    version: Number(r.version),
  };
}
