import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db } from '../database/db';
import { suspensionProblems, suspensionWindow } from './accounting-suspension';
import { AccountingSuspensionsRepository, SuspensionRow } from './accounting-suspensions.repository';
import { accountingExemption } from './disclosure-basis';
import { DisclosureEntry, DisclosuresService } from './disclosures.service';
import type { AccountingSuspensionDto, AccountingSuspensionViewDto, ManualDisclosureDto } from './dto/disclosure-log.dto';

const SUSPENSION_CITATION = '45 CFR 164.528(a)(2)';

/**
 * The disclosures log beyond the ROI workflow (45 CFR 164.528): disclosures made elsewhere (a public-health report, a
 * report to a health oversight agency) entered so the accounting lists them, and the temporary suspensions of
 * 164.528(a)(2). ROI staff and the privacy officer; every entry is a patient-data write, so the policy answers first
 * (404 for an unknown patient, audited refusals) and the write and its audit row commit together.
 */
@Injectable()
export class DisclosureLogService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly disclosures: DisclosuresService,
    private readonly suspensions: AccountingSuspensionsRepository,
  ) {}

  async recordManual(ctx: RequestContext, patientId: number, dto: ManualDisclosureDto): Promise<DisclosureEntry> {
    await this.policy.require(ctx, 'disclosure:read', patientId, { resourceType: 'disclosure' });
    const now = this.clock.nowIso();
    const problems = [];
    const { exempt, exemption } = accountingExemption(dto.legalBasis);
    if (exempt) problems.push({ field: 'legalBasis', problems: [`is exempt from the accounting (${exemption}): such a disclosure is never listed, so there is nothing to enter`] });
    if (dto.disclosedOn > now.slice(0, 10)) problems.push({ field: 'disclosedOn', problems: ['is in the future'] });
    if (problems.length) throw new InvalidInput(problems);
    // The disclosure's day; today's disclosure is dated now, so it falls inside an accounting asked for today.
    const disclosedAt = dto.disclosedOn === now.slice(0, 10) ? now : `${dto.disclosedOn}T12:00:00.000Z`;
    return this.db.transaction(async (tx) => {
      const id = await this.disclosures.record(tx, {
        patientId, roiRequestId: null, disclosedAt, recipientName: dto.recipientName, recipientAddress: dto.recipientAddress ?? null,
        description: dto.description, purpose: dto.purpose, exempt: false, exemption: null, recordedBy: ctx.user.id,
        legalBasis: dto.legalBasis, source: 'manual', recordedAt: now,
      });
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'disclosure', resourceId: id, patientId, purposeOfUse: 'DISCLOSURE',
        details: { source: 'manual', legalBasis: dto.legalBasis, disclosedOn: dto.disclosedOn },
      }]);
      return {
        id, date: disclosedAt, recipient: { name: dto.recipientName, address: dto.recipientAddress ?? null }, description: dto.description, purpose: dto.purpose,
        roiRequestId: null, source: 'manual' as const, legalBasis: dto.legalBasis,
      };
    });
  }

  async suspend(ctx: RequestContext, patientId: number, dto: AccountingSuspensionDto): Promise<AccountingSuspensionViewDto> {
    await this.policy.require(ctx, 'disclosure:read', patientId, { resourceType: 'accounting-suspension' });
    const now = this.clock.nowIso();
    const input = { form: dto.form, statedOn: dto.statedOn, endsOn: dto.endsOn ?? null };
    const problems = suspensionProblems(input, now.slice(0, 10));
    if (problems.length) throw new InvalidInput(problems);
    const { startsAt, endsAt } = suspensionWindow(input);
    return this.db.transaction(async (tx) => {
      const row = await this.suspensions.insert(tx, {
        patient_id: patientId, agency_name: dto.agencyName, agency_type: dto.agencyType, official_name: dto.officialName, statement_form: dto.form,
        statement: dto.statement, starts_at: startsAt, ends_at: endsAt, recorded_by: ctx.user.id, recorded_at: now,
      });
      await this.audit.appendWithin(tx, [{
        ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'accounting-suspension', resourceId: Number(row.id), patientId,
        purposeOfUse: 'DISCLOSURE', details: { agencyType: dto.agencyType, form: dto.form, startsAt, endsAt },
      }]);
      return viewOf(row, now);
    });
  }

  async listSuspensions(ctx: RequestContext, patientId: number): Promise<{ items: AccountingSuspensionViewDto[] }> {
    await this.policy.require(ctx, 'disclosure:read', patientId, { resourceType: 'accounting-suspension' });
    const rows = await this.suspensions.ofPatient(this.db, patientId);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'accounting-suspension', patientId, purposeOfUse: 'DISCLOSURE', details: { results: rows.length },
    });
    const now = this.clock.nowIso();
    return { items: rows.map((r) => viewOf(r, now)) };
  }
}

function viewOf(r: SuspensionRow, now: string): AccountingSuspensionViewDto {
  return {
    id: Number(r.id), patientId: Number(r.patient_id), agencyName: r.agency_name, agencyType: r.agency_type, officialName: r.official_name, form: r.statement_form,
    statement: r.statement, startsAt: r.starts_at, endsAt: r.ends_at, inForce: r.starts_at <= now && now < r.ends_at, recordedBy: Number(r.recorded_by),
    recordedAt: r.recorded_at, citation: r.statement_form === 'oral' ? `${SUSPENSION_CITATION}(ii)` : `${SUSPENSION_CITATION}(i)`,
  };
}
