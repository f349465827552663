import { Body, Controller, Get, HttpCode, Logger, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Authorize } from '../auth/decorators';
import { CSV_CELLS_HEADER } from '../common/csv-cells';
import { IdPipe } from '../common/id.pipe';
import { responseHeaders } from '../common/openapi/response-headers';
import { PageQueryDto } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { AnomalyService } from './anomalies/anomaly.service';
import { AuditExportService, ExportThrottled } from './audit-export.service';
import { AuditQueryService, describeFilter } from './audit-query.service';
import { AuditUnavailable } from './audit-unavailable';
import { AuditVerifier } from './audit-verifier';
import { AuditWriter, fromContext } from './audit.writer';
import { AnomalyQueryDto, AuditExportQueryDto, AuditFilterDto, CheckpointReceiptBodyDto, VerifyQueryDto } from './dto/audit-query.dto';
import {
  AnomalyReportDto, AuditEventPageDto, CheckpointReceiptListDto, CheckpointResultDto, EXPORT_CONTENT, PatientAccessLogDto, ReceiptCheckDto,
  VerifyResultDto,
} from './dto/audit-response.dto';
import { FhirAuditEventDto } from './dto/fhir-audit-event.dto';
import { PatientAccessLogService } from './patient-access-log.service';

@ApiTags('audit')
@ApiExtraModels(FhirAuditEventDto)
@Controller('audit')
export class AuditController {
  private readonly logger = new Logger('AuditExport');

  constructor(
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
    private readonly writer: AuditWriter,
    private readonly exporter: AuditExportService,
    private readonly anomalies: AnomalyService,
    private readonly accessLogs: PatientAccessLogService,
  ) {}

  @Authorize('audit:read')
  @Get('events')
  @ApiOperation({
    summary: 'Filtered, paginated audit events, newest first',
    description: 'Filters: patientId, actorId, action, outcome, role, resourceType, breakGlass, requestId, from (inclusive), to (exclusive). The search is audited.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  async events(@Ctx() ctx: RequestContext, @Query() f: AuditFilterDto) {
    const page = await this.query.search(f);
    await this.writer.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'audit-event', patientId: f.patientId ?? null,
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL', details: { filter: describeFilter(f), page: page.page, results: page.total },
    });
    return page;
  }

  @Authorize('audit:export')
  @Get('events/export')
  @ApiOperation({
    summary: 'Stream the events of a filter as CSV, NDJSON or FHIR R4 AuditEvent (IHE BALP); audited; rate-limited per user',
    description:
      'The same filters as GET /audit/events. Rows come oldest first (chain order), up to the last row that existed when the export ' +
      'started; the response headers X-Audit-Export-Rows and X-Audit-Export-Up-To-Seq say which. format=fhir gives NDJSON of ' +
      'AuditEvent resources, or one Bundle with fhirBundle=true. Every export writes an `export` audit row (format, filter, rows) ' +
      'before the first byte; at most AUDIT_EXPORT_PER_MINUTE exports per user and minute (429 with Retry-After). CSV cells that a ' +
      'spreadsheet would run as formulas are neutralized unless raw=true; the X-Csv-Cells header says which.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson', 'application/fhir+ndjson', 'application/fhir+json')
  @ApiOkResponse({
    description: 'The rows, streamed in the asked format', content: EXPORT_CONTENT,
    headers: responseHeaders('Content-Disposition', 'X-Audit-Export-Rows', 'X-Audit-Export-Up-To-Seq', 'X-Csv-Cells'),
  })
  @ApiTooManyRequestsResponse({ description: 'Too many exports in the last minute; see Retry-After', headers: responseHeaders('Retry-After') })
  async export(@Ctx() ctx: RequestContext, @Query() q: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    let exp;
    try {
      exp = await this.exporter.open(ctx, q);
    } catch (err) {
      if (err instanceof ExportThrottled) res.setHeader('Retry-After', String(err.retryAfter));
      throw err;
    }
    res.status(200);
    res.setHeader('Content-Type', exp.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${exp.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Audit-Export-Rows', String(exp.rows));
    res.setHeader('X-Audit-Export-Up-To-Seq', String(exp.upToSeq));
    if (exp.csvCells) res.setHeader(CSV_CELLS_HEADER, exp.csvCells);
    try {
      await pipeline(exp.body, res);
    } catch (err) {
      // Headers are gone: the connection is cut rather than ending cleanly, so a partial file never looks complete.
      this.logger.warn({ err, requestId: ctx.requestId }, 'audit export interrupted');
    }
  }

  @Authorize('audit:read')
  @Get('patients/:id/access-log')
  @ApiOperation({
    summary: 'Who accessed one patient\'s record: name and role, when, what, purpose, break-the-glass; newest first',
    description: 'From the audit trail, only rows about this patient. Reading it is audited.',
  })
  @ApiOkResponse({ type: PatientAccessLogDto })
  accessLog(@Ctx() ctx: RequestContext, @Param('id', IdPipe) id: number, @Query() q: PageQueryDto) {
    return this.accessLogs.read(ctx, id, q);
  }

  @Authorize('audit:read')
  @Get('anomalies')
  @ApiOperation({
    summary: 'Snooping detection: named rules over a window of the trail, each finding with its evidence (sequence numbers)',
    description:
      'Rules: same-surname, vip-without-care-relation, own-or-coworker-record, after-hours, unusual-volume, repeated-denials, ' +
      'break-glass-unreviewed; thresholds from configuration (AUDIT_* variables). Window: from (default to - 7 days) to (default now), ' +
      'at most 31 days. The run is audited.',
  })
  @ApiOkResponse({ type: AnomalyReportDto })
  anomaliesReport(@Ctx() ctx: RequestContext, @Query() q: AnomalyQueryDto) {
    return this.anomalies.run(ctx, q);
  }

  @Authorize('audit:verify')
  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain; names the first broken sequence (changed, deleted or truncated rows)' })
  @ApiOkResponse({ type: VerifyResultDto })
  async verify(@Ctx() ctx: RequestContext, @Query() q: VerifyQueryDto) {
    const result = await this.verifier.verify(q.from ?? 0);
    // The privacy officer needs this answer most when the trail cannot take a row (a foreign row after the head):
    // verify reads no patient data, so it answers then too, and the failure to record it goes to the log.
    try {
      await this.writer.append({
        ...fromContext(ctx), action: 'verify', outcome: 'success', resourceType: 'audit-chain',
        details: { valid: result.valid, checked: result.checked, fromSequence: result.fromSequence, firstBrokenSequence: result.firstBrokenSequence ?? null },
      });
    } catch (err) {
      if (!(err instanceof AuditUnavailable)) throw err;
      this.logger.error({ requestId: ctx.requestId, err: err.message }, 'verify answered without its audit row: the trail cannot be written');
    }
    return result;
  }

  @Authorize('audit:verify')
  @Post('checkpoints')
  @ApiOperation({ summary: 'Checkpoint the chain head now (sequence, hash, time, HMAC)' })
  @ApiCreatedResponse({ type: CheckpointResultDto })
  async checkpoint(@Ctx() ctx: RequestContext) {
    const cp = await this.writer.checkpoint();
    await this.writer.append({ ...fromContext(ctx), action: 'checkpoint', outcome: 'success', resourceType: 'audit-chain', details: cp ? { ...cp } : { unchanged: true } });
    return cp ?? { unchanged: true };
  }

  @Authorize('audit:verify')
  @Get('checkpoints')
  @ApiOperation({ summary: 'Every checkpoint as a receipt, to keep outside the database (each is also written to the log when taken)' })
  @ApiOkResponse({ type: CheckpointReceiptListDto })
  async checkpointReceipts(@Ctx() ctx: RequestContext) {
    const items = await this.verifier.receipts();
    await this.writer.append({ ...fromContext(ctx), action: 'export', outcome: 'success', resourceType: 'audit-chain', details: { receipts: items.length } });
    return { items };
  }

  @Authorize('audit:verify')
  @Post('receipts/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prove the trail still holds a checkpoint receipt kept outside the database (a cut-back trail fails)' })
  @ApiOkResponse({ type: ReceiptCheckDto })
  async verifyReceipt(@Ctx() ctx: RequestContext, @Body() receipt: CheckpointReceiptBodyDto) {
    const result = await this.verifier.checkReceipt(receipt);
    await this.writer.append({
      ...fromContext(ctx), action: 'verify', outcome: 'success', resourceType: 'audit-chain',
      details: { receipt: receipt.seq, contained: result.contained, problem: result.problem ?? null },
    });
    return result;
  }
}
