import { Injectable } from '@nestjs/common';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import { PatientsRepository } from '../records/patients.repository';
import { AccessPolicyService } from './access-policy.service';
import type { CreateRepresentativeDto, DeclineRepresentativeDto, RepresentativeDto } from './dto/representative.dto';
import { PrivacyFactsRepository, REPRESENTATION_COLUMNS, RepresentationRow, toLink } from './privacy-facts.repository';
import { actingForOf, linkProblem, RIGHTS } from './representation';

/**
 * Personal representatives (45 CFR 164.502(g)): HIM links a representative account to a patient with the document
 * on file, lists a patient's representatives, and records the covered entity's decision to decline one
 * (164.502(g)(5)); a representative lists the patients they act for (GET /me/represented). Whether a link lets its
 * holder act is decided by the access policy on every request (src/access/representation.ts), never here.
 */
@Injectable()
export class RepresentativesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly users: UsersRepository,
    private readonly patients: PatientsRepository,
    private readonly facts: PrivacyFactsRepository,
  ) {}

  async link(ctx: RequestContext, patientId: number, dto: CreateRepresentativeDto): Promise<RepresentativeDto> {
    if (dto.validTo !== undefined && dto.validTo < dto.validFrom) throw InvalidInput.field('validTo', 'must not be before validFrom');
    await this.policy.require(ctx, 'representative:manage', patientId, { resourceType: 'personal-representative' });
    const user = await this.users.byUsername(dto.username);
    // Only a representative account acts through a link: a workforce account never reaches a chart this way.
    if (!user || user.role !== 'representative') {
      throw InvalidInput.field('username', 'must name an account with role representative (an administrator creates it)');
    }
    const rights = RIGHTS.filter((r) => (dto.rights ?? RIGHTS).includes(r));
    return this.db.transaction(async (tx) => {
      const now = this.clock.nowIso();
      const row = (await tx.one<RepresentationRow>(
        `INSERT INTO personal_representatives (user_id, patient_id, relationship, rights, document_type, document_reference, valid_from, valid_to, created_at, created_by, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING ${REPRESENTATION_COLUMNS}`,
        [Number(user.id), patientId, dto.relationship, JSON.stringify(rights), dto.documentType, dto.documentReference, dto.validFrom, dto.validTo ?? null, now, ctx.user.id],
      ))!;
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'personal-representative', resourceId: Number(row.id), patientId,
        details: { representativeUserId: Number(user.id), relationship: dto.relationship, rights, validFrom: dto.validFrom, validTo: dto.validTo ?? null },
      }]);
      return this.toDto(tx, row, now);
    });
  }

  async list(ctx: RequestContext, patientId: number): Promise<{ items: RepresentativeDto[] }> {
    await this.policy.require(ctx, 'representative:manage', patientId, { resourceType: 'personal-representative' });
    const rows = await this.db.query<RepresentationRow>(
      `SELECT ${REPRESENTATION_COLUMNS} FROM personal_representatives WHERE patient_id = $1 ORDER BY valid_from DESC, id DESC`,
      [patientId],
    );
    const now = this.clock.nowIso();
    const items: RepresentativeDto[] = [];
    for (const r of rows) items.push(await this.toDto(this.db, r, now));
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'personal-representative', patientId, details: { results: items.length },
    });
    return { items };
  }

  /** 164.502(g)(5): the covered entity declines to treat the person as the personal representative. */
  async decline(ctx: RequestContext, id: number, dto: DeclineRepresentativeDto): Promise<RepresentativeDto> {
    const first = await this.find(this.db, id);
    const patientId = Number(first.patient_id);
    await this.policy.require(ctx, 'representative:manage', patientId, { resourceType: 'personal-representative', resourceId: id });
    return this.db.transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`personal representative ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      if (before.declined_at !== null) throw new Conflict(`personal representative ${id} was already declined on ${before.declined_at}`);
      const now = this.clock.nowIso();
      const changed = await tx.execute(
        'UPDATE personal_representatives SET declined_at = $1, declined_by = $2, declined_reason = $3, version = version + 1 WHERE id = $4 AND version = $5',
        [now, ctx.user.id, dto.reason, id, dto.version],
      );
      if (changed !== 1) throw new Conflict(`personal representative ${id} was changed by someone else`);
      const after = await this.find(tx, id);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: 'personal-representative', resourceId: id, patientId,
        details: { event: 'decline', rule: '45 CFR 164.502(g)(5)', version: Number(after.version) },
      }]);
      return this.toDto(tx, after, now);
    });
  }

  /** GET /me/represented: the patients this account represents, each with whether the representation is in force now. */
  async mine(ctx: RequestContext) {
    const rows = await this.db.query<RepresentationRow>(
      `SELECT ${REPRESENTATION_COLUMNS} FROM personal_representatives WHERE user_id = $1 ORDER BY patient_id, valid_from DESC, id DESC`,
      [ctx.user.id],
    );
    const now = this.clock.nowIso();
    const items = [];
    for (const r of rows) {
      const dto = await this.toDto(this.db, r, now);
      const who = await this.patients.identity(this.db, Number(r.patient_id));
      items.push({
        patientId: dto.patientId, patientName: who ? `${who.givenName} ${who.familyName}` : null, representationId: dto.id, relationship: dto.relationship,
        authority: dto.authority, citation: dto.citation, rights: dto.rights, validFrom: dto.validFrom, validTo: dto.validTo, inForce: dto.inForce, problem: dto.problem,
      });
    }
    const patients = [...new Set(items.map((i) => i.patientId))];
    await Promise.all(
      (patients.length ? patients : [null]).map((patientId) => this.audit.append({
        ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'personal-representative', patientId, details: { view: 'represented' },
      })),
    );
    return { items };
  }

  private async find(q: Queryable, id: number): Promise<RepresentationRow> {
    const row = await q.one<RepresentationRow>(`SELECT ${REPRESENTATION_COLUMNS} FROM personal_representatives WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Personal representative ${id}`);
    return row;
  }

  private async toDto(q: Queryable, r: RepresentationRow, now: string): Promise<RepresentativeDto> {
    const link = toLink(r);
    const patient = await this.facts.patientDates(Number(r.patient_id));
    const problem = patient ? linkProblem(link, { ...patient, at: now }, undefined) : 'no such patient';
    const acting = actingForOf(Number(r.patient_id), link);
    const user = (await this.users.names([Number(r.user_id)], q)).get(Number(r.user_id));
    return {
      id: Number(r.id), patientId: Number(r.patient_id), userId: Number(r.user_id), username: user?.username ?? '', displayName: user?.displayName ?? '',
      relationship: link.relationship, authority: acting.authority, citation: acting.citation, rights: [...link.rights], documentType: r.document_type,
      documentReference: r.document_reference, validFrom: r.valid_from, validTo: r.valid_to,
      declined: r.declined_at ? { at: r.declined_at, by: r.declined_by === null ? null : Number(r.declined_by), reason: r.declined_reason } : null,
      inForce: problem === null, problem, version: Number(r.version),
    };
  }
}
