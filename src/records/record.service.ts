import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { limitsOf, RECORD_TYPES } from '../access/item-visibility';
import { recordViewFor } from '../access/record-views';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import type { RequestContext } from '../common/request-context';
import { Db } from '../database/db';
import { ClinicalReads } from './clinical.repository';
import { PATIENT_COLUMNS, PatientRow, toDemographics } from './patients.service';
import { visibleChart } from './visible-record';

/**
 * GET /patients/:id/record and /me/record: the designated record set (45 CFR 164.501), shaped by the caller's
 * view (minimum necessary) after the policy allowed the read, and audited as one read.
 */
@Injectable()
export class RecordService {
  constructor(
    private readonly db: Db,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  async read(ctx: RequestContext, patientId: number) {
    const view = recordViewFor(ctx.user.role, ctx.user.permissions);
    const grant = await this.policy.require(ctx, view.gate, patientId, { resourceType: 'record', resourceId: patientId });
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    // An ROI specialist reads inside an open request: only its record types, only its dates.
    const scope = grant.facts.roiRequest?.scope;
    const sections = RECORD_TYPES.filter((t) => view.sections[t] && (!scope || scope.recordTypes.includes(t)));
    const patient = view.sections.demographics
      ? await this.db.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [patientId])
      : null;
    const chart = sections.length ? visibleChart(caller, await ClinicalReads.chart(this.db, patientId, sections, scope), sections) : {};
    const record: Record<string, unknown> = { patientId, view: view.name };
    if (patient) record.demographics = toDemographics(patient);
    const counts: Record<string, number> = {};
    for (const type of RECORD_TYPES) {
      const shown = chart[type];
      if (!shown) continue;
      record[type] = shown;
      counts[type] = shown.length;
    }
    // The caller's limits, never what they removed from this chart (withheld means absent).
    const withheld = limitsOf(caller);
    record.withheld = withheld;
    record.access = { reasons: grant.reasons, breakGlass: grant.breakGlass };
    // A personal representative's read says on whose behalf (45 CFR 164.502(g)).
    if (grant.actingFor) record.actingFor = grant.actingFor;
    await this.audit.append({
      ...fromContext(ctx),
      action: 'read',
      outcome: 'success',
      resourceType: 'record',
      resourceId: patientId,
      patientId,
      breakGlass: grant.breakGlass,
      purposeOfUse: grant.roiRequestId !== undefined ? 'DISCLOSURE' : ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null),
      details: { view: view.name, counts, roiRequestId: grant.roiRequestId, actingFor: grant.actingFor },
    });
    return record;
  }
}
