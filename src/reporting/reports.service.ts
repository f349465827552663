import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import type { AuditEventInput } from '../audit/audit.types';
import { InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { fieldProblems } from '../common/validation';
import { AuditSummaryReport } from './audit-summary/audit-summary.report';
import { AuditSummaryParamsDto, OutcomesParamsDto, PARAMS_DTO, RoiParamsDto } from './dto/report-query.dto';
import { OutcomesReport } from './outcomes/outcomes.report';
import { renderReport, RenderedReport } from './render/render';
import type { ReportDocument } from './report-document';
import { REPORT_PERMISSION, ReportFormat, ReportType } from './report-types';
import { RoiReport } from './roi/roi.report';

/**
 * Runs a report by type and renders it. Every report that leaves the service is an export of data derived from
 * patient records or from the audit trail: it leaves an audit row (action 'export') before the answer goes out.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly outcomes: OutcomesReport,
    private readonly auditSummary: AuditSummaryReport,
    private readonly roi: RoiReport,
    private readonly audit: AuditWriter,
    private readonly policy: AccessPolicyService,
  ) {}

  /** The report, computed (the route's guard has already checked the type's permission). */
  build(ctx: RequestContext, type: ReportType, params: object): Promise<ReportDocument> {
    switch (type) {
      case 'outcomes':
        return this.outcomes.build(ctx.user, params as OutcomesParamsDto);
      case 'audit-summary':
        return this.auditSummary.build(params as AuditSummaryParamsDto);
      case 'roi':
        return this.roi.build(ctx.user, params as RoiParamsDto);
    }
  }

  /** A stored run's report: as build(), but a 400 names the fields as params.<field> (the run's body). */
  async buildForRun(ctx: RequestContext, type: ReportType, params: object): Promise<ReportDocument> {
    try {
      return await this.build(ctx, type, params);
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      const body = e.getResponse() as { details: { field: string; problems: string[] }[] };
      throw new InvalidInput(body.details.map((d) => ({ ...d, field: `params.${d.field}` })));
    }
  }

  /** GET /reports/outcomes/definition: the definitions only; reads no patient data (not an export). */
  outcomesDefinition(ctx: RequestContext, params: { deidentified?: boolean }) {
    return this.outcomes.definition(ctx.user, params);
  }

  /** GET /reports/<type>: compute, render, audit as an export, answer. */
  async export(ctx: RequestContext, type: ReportType, params: object, format: ReportFormat): Promise<{ doc: ReportDocument; rendered: RenderedReport }> {
    const doc = await this.build(ctx, type, params);
    const rendered = renderReport(doc, format);
    await this.audit.append(exportEvent(ctx, doc, { format, rows: doc.table.rows.length, sha256: rendered.sha256 }));
    return { doc, rendered };
  }

  /** Refuses (403, audited) a caller without the report type's permission: for routes that serve every type. */
  async requirePermission(ctx: RequestContext, type: ReportType, target: { resourceType: string; resourceId?: string | number }): Promise<void> {
    const permission = REPORT_PERMISSION[type];
    if (!ctx.user.permissions.has(permission)) await this.policy.refuse(ctx, `the ${type} report requires the permission ${permission}`, target);
  }

  /** Validates a stored run's params with the same rules as the report's GET route (400 names params.<field>). */
  async validParams(type: ReportType, raw: Record<string, unknown> | undefined): Promise<object> {
    const dto = plainToInstance(PARAMS_DTO[type], raw ?? {});
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) throw new InvalidInput(fieldProblems(errors, 'params'));
    return dto;
  }
}

/** The audit row of a report leaving the service: which report, which parameters, how much. No PHI. */
export function exportEvent(ctx: RequestContext, doc: ReportDocument, details: Record<string, unknown>, resource?: { type: string; id: string | number }): AuditEventInput {
  return {
    ...fromContext(ctx),
    action: 'export',
    outcome: 'success',
    resourceType: resource?.type ?? 'report',
    resourceId: resource?.id ?? doc.type,
    details: { report: doc.type, parameters: doc.json.parameters, deidentified: doc.json.deidentified, ...details },
  };
}
