import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors';
import { Page, PageQueryDto } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { PatientsRepository } from '../records/patients.repository';
import { AccessLogEntry, AuditQueryService } from './audit-query.service';
import { AuditWriter, fromContext } from './audit.writer';

/**
 * GET /audit/patients/:id/access-log: the privacy officer's view of who opened one patient's record (HIPAA
 * 164.308(a)(1)(ii)(D) activity review; the patient's own copy is GET /me/access-log). It reads the audit trail,
 * not the chart, so the route permission (audit:read) is the whole check: the care-team and VIP rules of the access
 * policy are about charts and would keep the officer from reviewing exactly the VIP records that need it.
 */
@Injectable()
export class PatientAccessLogService {
  constructor(
    private readonly patients: PatientsRepository,
    private readonly query: AuditQueryService,
    private readonly audit: AuditWriter,
  ) {}

  async read(ctx: RequestContext, patientId: number, q: PageQueryDto): Promise<Page<AccessLogEntry> & { patientId: number }> {
    if (!(await this.patients.exists(patientId))) {
      // Probing ids leaves a trace, as the access policy does for unknown patients.
      await this.audit.append({
        ...fromContext(ctx), action: 'access-denied', outcome: 'error', reason: 'patient not found', resourceType: 'access-log',
        resourceId: patientId,
      });
      throw new NotFound(`Patient ${patientId}`);
    }
    const page = await this.query.accessLog(patientId, q);
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'access-log', resourceId: patientId, patientId,
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL', details: { page: page.page, results: page.total },
    });
    return { patientId, ...page };
  }
}
