import { Injectable } from '@nestjs/common';
import { AccessPolicyService, actsAsIndividual } from '../access/access-policy.service';
import { AuditWriter } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { bool, Db, SqlParam } from '../database/db';
import { disagreementConflict, inclusionConflict, rebuttalConflict } from './amendment-rules';
import { amendmentEvent, AmendmentRow, findAmendment, toAmendmentDto } from './amendments.repository';
import type { DisagreementDto, RebuttalDto } from './dto/amendment.dto';

/**
 * What follows a denial (45 CFR 164.526(d)): the individual's statement of disagreement, the covered entity's
 * rebuttal (a copy to the individual), or, without a statement, the individual's request that the request and the
 * denial accompany future disclosures. All of it is linked to the disputed item and travels with its disclosures
 * (164.526(d)(4), (d)(5); release-of-information/package-builder.ts).
 */
@Injectable()
export class AmendmentStatementsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  /** The individual's statement of disagreement after a denial, once (164.526(d)(1)(ii)). */
  async disagree(ctx: RequestContext, id: number, dto: DisagreementDto) {
    return this.byIndividual(ctx, id, 'disagreement', (before) => disagreementConflict({ status: before.status, disagreementStatement: before.disagreement_statement }), [
      ['disagreement_statement', dto.statement],
    ]);
  }

  /** Without a statement of disagreement: the individual asks that the request and the denial travel (164.526(d)(1)(iii)). */
  async requestInclusion(ctx: RequestContext, id: number) {
    return this.byIndividual(ctx, id, 'inclusion-request', (before) => inclusionConflict(facts(before)), [
      ['include_with_disclosures', true], ['inclusion_requested_at', this.clock.nowIso()],
    ]);
  }

  /** The covered entity's rebuttal of a statement of disagreement, once; a copy is provided to the individual (164.526(d)(3)). */
  async rebut(ctx: RequestContext, id: number, dto: RebuttalDto) {
    const existing = await findAmendment(this.db, id);
    const patientId = Number(existing.patient_id);
    const grant = await this.policy.require(ctx, 'amendment:decide', patientId, { resourceType: 'amendment', resourceId: id });
    return this.db.transaction(async (tx) => {
      const before = await findAmendment(tx, id);
      const conflict = rebuttalConflict({ ...facts(before), rebuttalStatement: before.rebuttal_statement });
      if (conflict) throw new Conflict(conflict, { status: before.status });
      const now = this.clock.nowIso();
      const changed = await tx.execute(
        `UPDATE amendments SET rebuttal_statement = $1, rebuttal_at = $2, rebuttal_by = $3, rebuttal_copy_sent_at = $2, version = version + 1
          WHERE id = $4 AND rebuttal_statement IS NULL AND version = $5`,
        [dto.statement, now, ctx.user.id, id, before.version],
      );
      if (changed !== 1) throw new Conflict(`amendment ${id} was changed by someone else`);
      const after = await findAmendment(tx, id);
      await this.audit.appendWithin(tx, [amendmentEvent(ctx, grant, after, 'rebuttal', before, after, { copyToIndividual: true })]);
      return toAmendmentDto(after, now);
    });
  }

  private async byIndividual(
    ctx: RequestContext, id: number, event: string, conflictOf: (row: AmendmentRow) => string | null, sets: [string, SqlParam][],
  ) {
    const existing = await findAmendment(this.db, id);
    const patientId = Number(existing.patient_id);
    const grant = await this.policy.require(ctx, 'amendment:request', patientId, { resourceType: 'amendment', resourceId: id });
    // The individual, or their personal representative (164.502(g)), as the policy decided.
    if (!actsAsIndividual(grant)) {
      await this.policy.refuse(ctx, `only the individual whose amendment was denied (or their personal representative) files this (${event}, 164.526(d)(1))`, { resourceType: 'amendment', resourceId: id, patientId });
    }
    return this.db.transaction(async (tx) => {
      const before = await findAmendment(tx, id);
      const conflict = conflictOf(before);
      if (conflict) throw new Conflict(conflict, { status: before.status });
      const params: SqlParam[] = [...sets.map(([, v]) => v), id, before.version];
      const changed = await tx.execute(
        `UPDATE amendments SET ${sets.map(([c], i) => `${c} = $${i + 1}`).join(', ')}, version = version + 1
          WHERE id = $${params.length - 1} AND status = 'denied' AND version = $${params.length}`,
        params,
      );
      if (changed !== 1) throw new Conflict(`amendment ${id} was changed by someone else`);
      const after = await findAmendment(tx, id);
      await this.audit.appendWithin(tx, [amendmentEvent(ctx, grant, after, event, before, after, { [event]: true })]);
      return toAmendmentDto(after, this.clock.nowIso());
    });
  }
}

function facts(r: AmendmentRow) {
  return { status: r.status, disagreementStatement: r.disagreement_statement, includeWithDisclosures: bool(r.include_with_disclosures) };
}
