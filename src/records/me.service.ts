import { Injectable } from '@nestjs/common';
import { AccessPolicyService, individualPermission } from '../access/access-policy.service';
import { AuditQueryService } from '../audit/audit-query.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { PageQueryDto } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { DisclosuresService } from '../release-of-information/disclosures.service';
import { RecordService } from './record.service';

@Injectable()
export class MeService {
  constructor(
    private readonly records: RecordService,
    private readonly policy: AccessPolicyService,
    private readonly auditQuery: AuditQueryService,
    private readonly audit: AuditWriter,
    private readonly disclosureLog: DisclosuresService,
  ) {}

  /** `represented`: the patient a personal representative picked (GET /me/represented); the policy decides. */
  async record(ctx: RequestContext, represented?: number) {
    return this.records.read(ctx, represented ?? (await this.ownPatientId(ctx)));
  }

  async accessLog(ctx: RequestContext, q: PageQueryDto, represented?: number) {
    const patientId = represented ?? (await this.ownPatientId(ctx));
    const grant = await this.policy.require(ctx, 'self:record', patientId, { resourceType: 'access-log', resourceId: patientId });
    const page = await this.auditQuery.accessLog(patientId, q, ctx.user.id);
    await this.audit.append({ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'access-log', resourceId: patientId, patientId, details: { results: page.total } });
    return grant.actingFor ? { ...page, actingFor: grant.actingFor } : page;
  }

  async disclosures(ctx: RequestContext, represented?: number) {
    const patientId = represented ?? (await this.ownPatientId(ctx));
    const grant = await this.policy.require(ctx, individualPermission(ctx.user, 'accounting'), patientId, { resourceType: 'disclosures', resourceId: patientId });
    const accounting = await this.disclosureLog.accounting(patientId);
    await this.audit.append({ ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'disclosures', resourceId: patientId, patientId, details: { results: accounting.items.length } });
    return grant.actingFor ? { ...accounting, actingFor: grant.actingFor } : accounting;
  }

  /** A patient user is linked to one record; the link comes from the database, never from the request. */
  private async ownPatientId(ctx: RequestContext): Promise<number> {
    if (ctx.user.patientId !== null) return ctx.user.patientId;
    return this.policy.refuse(ctx, 'this account is not linked to a patient record', { resourceType: 'record' });
  }
}
