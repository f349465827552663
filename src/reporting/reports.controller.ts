import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, AuthorizeAny } from '../auth/decorators';
import { IdPipe } from '../common/id.pipe';
import { PageDto, PageQueryDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { AuditSummaryQueryDto, CreateRunDto, DeidentifiableFlagDto, OutcomesQueryDto, RoiQueryDto, RunDownloadQueryDto } from './dto/report-query.dto';
import {
  ANY_REPORT_SCHEMA, AuditSummaryParametersDto, AuditSummaryReportDto, OutcomesDefinitionDto, OutcomesParametersDto, OutcomesReportDto, REPORT_MODELS, ReportRunDto,
  RoiReportDto, RoiReportParametersDto,
} from './dto/report-response.dto';
import type { RenderedReport } from './render/render';
import { ReportRunsService } from './report-runs.service';
import { ReportFormat, ReportType } from './report-types';
import { ReportsService } from './reports.service';

const REPORTERS = ['report:outcomes', 'report:audit', 'report:roi'] as const;

/** A report answers JSON (documented by its schema), CSV (one table) or SVG (a chart), as `format` asks. */
function reportContent(json: Record<string, unknown>, what: string) {
  return ApiOkResponse({
    description: `${what}: format=json (default), csv (one table; suppressed cells read "suppressed") or svg (a chart for a slide)`,
    content: {
      'application/json': { schema: json },
      'text/csv': { schema: { type: 'string' } },
      'image/svg+xml': { schema: { type: 'string' } },
    },
  });
}

/** A rendering as a file: its type, a file name, and the SHA-256 of its bytes (what a stored run also records). */
function file(res: Response, r: RenderedReport): StreamableFile {
  res.setHeader('X-Content-SHA256', r.sha256);
  res.setHeader('Content-Disposition', `${r.format === 'svg' ? 'inline' : 'attachment'}; filename="${r.filename}"`);
  return new StreamableFile(Buffer.from(r.body, 'utf8'), { type: r.contentType });
}

@ApiTags('reports')
@ApiExtraModels(...REPORT_MODELS, OutcomesParametersDto, AuditSummaryParametersDto, RoiReportParametersDto)
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly runs: ReportRunsService,
  ) {}

  private async answer(ctx: RequestContext, type: ReportType, params: object, format: ReportFormat | undefined, res: Response) {
    const { doc, rendered } = await this.reports.export(ctx, type, params, format ?? 'json');
    return (format ?? 'json') === 'json' ? doc.json : file(res, rendered);
  }

  @Authorize('report:outcomes')
  @Get('outcomes')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json', 'text/csv', 'image/svg+xml')
  @ApiOperation({
    summary: '30-day readmission, length of stay, in-hospital mortality and discharge dispositions of inpatient discharges',
    description: 'Computed in the database. De-identified (small cells suppressed) for quality analysts and on request. The `definitions` section states every rule. Audited as an export.',
  })
  @reportContent({ $ref: getSchemaPath(OutcomesReportDto) }, 'The outcomes report')
  outcomes(@Ctx() ctx: RequestContext, @Query() q: OutcomesQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer(ctx, 'outcomes', q, q.format, res);
  }

  @Authorize('report:outcomes')
  @Get('outcomes/definition')
  @ApiOperation({
    summary: 'What the outcomes report states for the caller, without running it: every definition with its source, the readmission cohort and each exclusion, the length-of-stay convention, and the release grid of de-identified output',
  })
  @ApiOkResponse({ type: OutcomesDefinitionDto })
  outcomesDefinition(@Ctx() ctx: RequestContext, @Query() q: DeidentifiableFlagDto) {
    return this.reports.outcomesDefinition(ctx, q);
  }

  @Authorize('report:audit')
  @Get('audit-summary')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json', 'text/csv', 'image/svg+xml')
  @ApiOperation({ summary: 'Accesses by role, action and outcome over time; denials; break-the-glass use and review; anomaly counts by rule. Audited as an export' })
  @reportContent({ $ref: getSchemaPath(AuditSummaryReportDto) }, 'The audit summary')
  auditSummary(@Ctx() ctx: RequestContext, @Query() q: AuditSummaryQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer(ctx, 'audit-summary', q, q.format, res);
  }

  @Authorize('report:roi')
  @Get('roi')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json', 'text/csv', 'image/svg+xml')
  @ApiOperation({ summary: 'Release-of-information volume by requester type and status, median and 90th-percentile turnaround, share within 30 days, overdue now. Audited as an export' })
  @reportContent({ $ref: getSchemaPath(RoiReportDto) }, 'The release-of-information report')
  roi(@Ctx() ctx: RequestContext, @Query() q: RoiQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer(ctx, 'roi', q, q.format, res);
  }

  @AuthorizeAny(...REPORTERS)
  @Post('runs')
  @HttpCode(201)
  @ApiOperation({ summary: 'Run a report and store it (JSON, CSV and SVG, each with its SHA-256). Needs the permission of the report type; audited as an export' })
  @ApiCreatedResponse({ type: ReportRunDto, description: 'The stored run: who, when, parameters, row count, hashes' })
  createRun(@Ctx() ctx: RequestContext, @Body() dto: CreateRunDto) {
    return this.runs.create(ctx, dto.type, dto.params);
  }

  @AuthorizeAny(...REPORTERS)
  @Get('runs')
  @ApiOperation({ summary: 'Stored runs of the report types the caller may run, newest first' })
  @ApiOkResponse({ type: PageDto(ReportRunDto) })
  listRuns(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto) {
    return this.runs.list(ctx, q);
  }

  @AuthorizeAny(...REPORTERS)
  @Get('runs/:id')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json', 'text/csv', 'image/svg+xml')
  @ApiOperation({ summary: 'Download a stored run, byte for byte as stored (X-Content-SHA256 = the stored hash). Audited as an export' })
  @reportContent(ANY_REPORT_SCHEMA, 'The stored rendering')
  async downloadRun(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Query() q: RunDownloadQueryDto, @Res({ passthrough: true }) res: Response) {
    const { rendered } = await this.runs.download(ctx, id, q.format ?? 'json');
    return file(res, rendered);
  }
}
