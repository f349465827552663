import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import { communicationProblems, CONFIDENTIAL_COMMUNICATIONS_CITATION } from './confidential-communications';
import { CommunicationRow, ConfidentialCommunicationsRepository } from './confidential-communications.repository';
import type { ConfidentialCommunicationDto, ConfidentialCommunicationsDto, ConfidentialCommunicationViewDto } from './dto/confidential-communications.dto';

const TARGET = 'confidential-communication';

/** 'me': the caller's own record; a number: staff acting for that patient. */
type Who = 'me' | number;

/**
 * The individual's request to receive communications of PHI by alternative means or at an alternative location
 * (45 CFR 164.522(b)): made by the patient (their own record) or recorded by staff for them (ROI or registration);
 * accommodated when reasonable (a usable channel and address, confidential-communications.ts), with no explanation
 * asked. The ROI package and the notices of a request, the fee notice and the accounting use it.
 */
@Injectable()
export class ConfidentialCommunicationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly repo: ConfidentialCommunicationsRepository,
  ) {}

  /**
   * Whose request: 'me' is the patient's own record (a refusal, audited, for an account not linked to one); a patient
   * id is staff acting for that patient, under the policy on the patient's demographics (404 for an unknown patient).
   */
  private async patientOf(ctx: RequestContext, who: Who): Promise<number> {
    if (who !== 'me') {
      await this.policy.require(ctx, 'demographics:read', who, { resourceType: TARGET });
      return who;
    }
    if (ctx.user.patientId === null) return this.policy.refuse(ctx, 'this account is not linked to a patient record', { resourceType: TARGET });
    await this.policy.require(ctx, 'self:record', ctx.user.patientId, { resourceType: TARGET });
    return ctx.user.patientId;
  }

  async set(ctx: RequestContext, who: Who, dto: ConfidentialCommunicationDto): Promise<ConfidentialCommunicationsDto> {
    const patientId = await this.patientOf(ctx, who);
    const requestedBy = who === 'me' ? 'patient' : 'staff';
    const problems = communicationProblems(dto.channel, dto.address);
    if (problems.length) throw new InvalidInput(problems);
    const now = this.clock.nowIso();
    return this.db.transaction(async (tx) => {
      const ended = await this.repo.end(tx, patientId, ctx.user.id, now);
      const row = await this.repo.insert(tx, {
        patient_id: patientId, channel: dto.channel, address: dto.address, note: dto.note ?? null, requested_by: requestedBy, recorded_by: ctx.user.id, recorded_at: now,
      });
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: ended ? 'update' : 'create', outcome: 'success', resourceType: TARGET, resourceId: Number(row.id), patientId,
        details: { channel: dto.channel, requestedBy, replaced: ended > 0 },
      }]);
      return this.answer(tx, patientId);
    });
  }

  async withdraw(ctx: RequestContext, who: Who): Promise<ConfidentialCommunicationsDto> {
    const patientId = await this.patientOf(ctx, who);
    const now = this.clock.nowIso();
    return this.db.transaction(async (tx) => {
      const current = await this.repo.current(tx, patientId);
      if (!current) throw new Conflict('there is no confidential-communication request in force to withdraw');
      await this.repo.end(tx, patientId, ctx.user.id, now);
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'update', outcome: 'success', resourceType: TARGET, resourceId: Number(current.id), patientId, details: { withdrawn: true },
      }]);
      return this.answer(tx, patientId);
    });
  }

  async read(ctx: RequestContext, who: Who): Promise<ConfidentialCommunicationsDto> {
    const patientId = await this.patientOf(ctx, who);
    const answer = await this.answer(this.db, patientId);
    await this.audit.append({ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: TARGET, patientId, details: { inForce: answer.current !== null } });
    return answer;
  }

  private async answer(q: Queryable, patientId: number): Promise<ConfidentialCommunicationsDto> {
    const history = (await this.repo.history(q, patientId)).map(viewOf);
    return { current: history.find((h) => h.endedAt === null) ?? null, history, citation: CONFIDENTIAL_COMMUNICATIONS_CITATION };
  }
}

function viewOf(r: CommunicationRow): ConfidentialCommunicationViewDto {
  return {
    id: Number(r.id), patientId: Number(r.patient_id), channel: r.channel, address: r.address, note: r.note, requestedBy: r.requested_by,
    recordedBy: Number(r.recorded_by), recordedAt: r.recorded_at, endedAt: r.ended_at,
  };
}
