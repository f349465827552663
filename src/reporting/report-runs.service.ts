import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { NotFound } from '../common/errors';
import { Page, PageQueryDto, pageOf } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { bool, Db, num } from '../database/db';
import { mustDeidentify } from './deidentification';
import { renderReport, RenderedReport } from './render/render';
import { CONTENT_TYPES, REPORT_FORMATS, REPORT_PERMISSION, REPORT_TYPES, ReportFormat, ReportType } from './report-types';
import { exportEvent, ReportsService } from './reports.service';

export interface ReportRunView {
  id: number;
  type: ReportType;
  params: Record<string, unknown>;
  deidentified: boolean;
  runBy: { id: number; username: string | null };
  runAt: string;
  rowCount: number;
  /** SHA-256 of the JSON rendering (the run's own fingerprint). */
  sha256: string;
  /** Every stored rendering, each with the SHA-256 of the exact bytes GET /reports/runs/:id?format= returns. */
  outputs: Record<ReportFormat, { sha256: string }>;
}

interface RunRow {
  id: number;
  report_type: ReportType;
  params: string;
  deidentified: unknown;
  run_by: number;
  run_at: string;
  row_count: number;
  sha256: string;
  csv_sha256: string;
  svg_sha256: string;
}

const RUN_COLUMNS = 'r.id, r.report_type, r.params, r.deidentified, r.run_by, r.run_at, r.row_count, r.sha256, r.csv_sha256, r.svg_sha256';

/** Keys sorted at every level: the same parameters are always stored as the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Stored report runs: who ran which report, when, with which parameters, how many rows, and the SHA-256 of each
 * rendering. The renderings are stored as produced, so a download later is byte-for-byte the same file (and its
 * hash proves it), even after the records behind it have changed.
 */
@Injectable()
export class ReportRunsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly reports: ReportsService,
    private readonly audit: AuditWriter,
    private readonly policy: AccessPolicyService,
    private readonly users: UsersRepository,
  ) {}

  async create(ctx: RequestContext, type: ReportType, rawParams: Record<string, unknown> | undefined): Promise<ReportRunView> {
    await this.reports.requirePermission(ctx, type, { resourceType: 'report-run', resourceId: type });
    const params = await this.reports.validParams(type, rawParams);
    const doc = await this.reports.buildForRun(ctx, type, params);
    const [json, csv, svg] = REPORT_FORMATS.map((f) => renderReport(doc, f));
    const runAt = this.clock.nowIso();
    const id = await this.db.transaction(async (tx) => {
      const row = await tx.one<{ id: number }>(
        `INSERT INTO report_runs (report_type, params, output_format, run_by, run_at, row_count, sha256, output,
                                  csv_output, csv_sha256, svg_output, svg_sha256, deidentified)
         VALUES ($1, $2, 'json', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [type, canonicalJson(doc.json.parameters), ctx.user.id, runAt, doc.table.rows.length, json.sha256, json.body,
          csv.body, csv.sha256, svg.body, svg.sha256, doc.json.deidentified],
      );
      const runId = Number(row!.id);
      await this.audit.appendWithin(tx, [
        exportEvent(ctx, doc, { stored: true, rows: doc.table.rows.length, sha256: json.sha256 }, { type: 'report-run', id: runId }),
      ]);
      return runId;
    });
    return (await this.view(id))!;
  }

  /** The runs of the report types the caller may run; a quality analyst sees only de-identified ones. */
  async list(ctx: RequestContext, q: PageQueryDto): Promise<Page<ReportRunView>> {
    const { page, pageSize, offset } = pageOf(q);
    const types = REPORT_TYPES.filter((t) => ctx.user.permissions.has(REPORT_PERMISSION[t]));
    const where = `r.report_type IN (${types.map((t) => `'${t}'`).join(', ') || "''"})${mustDeidentify(ctx.user) ? ' AND r.deidentified = TRUE' : ''}`;
    const total = num((await this.db.one<{ n: unknown }>(`SELECT COUNT(*) AS n FROM report_runs r WHERE ${where}`))?.n);
    const rows = await this.db.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM report_runs r
        WHERE ${where} ORDER BY r.run_at DESC, r.id DESC LIMIT ${pageSize} OFFSET ${offset}`,
    );
    await this.audit.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'report-run',
      details: { results: total },
    });
    return { items: await this.views(rows), page, pageSize, total };
  }

  /** A stored rendering, exactly as stored. Refused (403, audited) without the type's permission, or identified to an analyst. */
  async download(ctx: RequestContext, id: number, format: ReportFormat): Promise<{ run: ReportRunView; rendered: RenderedReport }> {
    const row = await this.db.one<{ report_type: ReportType; deidentified: unknown; output: string; csv_output: string; svg_output: string; sha256: string; csv_sha256: string; svg_sha256: string; params: string }>(
      'SELECT report_type, deidentified, output, csv_output, svg_output, sha256, csv_sha256, svg_sha256, params FROM report_runs WHERE id = $1',
      [id],
    );
    if (!row) throw new NotFound(`Report run ${id}`);
    await this.reports.requirePermission(ctx, row.report_type, { resourceType: 'report-run', resourceId: id });
    if (mustDeidentify(ctx.user) && !bool(row.deidentified)) {
      await this.policy.refuse(ctx, 'this run holds identified figures (small cells not suppressed); a quality analyst gets de-identified output only', {
        resourceType: 'report-run', resourceId: id,
      });
    }
    const body = format === 'json' ? row.output : format === 'csv' ? row.csv_output : row.svg_output;
    const sha256 = format === 'json' ? row.sha256 : format === 'csv' ? row.csv_sha256 : row.svg_sha256;
    const run = (await this.view(id))!;
    await this.audit.append({
      ...fromContext(ctx), action: 'export', outcome: 'success', resourceType: 'report-run',
      resourceId: id, details: { report: row.report_type, parameters: JSON.parse(row.params), format, sha256, stored: true },
    });
    return {
      run,
      rendered: { format, body, sha256, contentType: CONTENT_TYPES[format], filename: `${row.report_type}-run-${id}.${format}` },
    };
  }

  private async view(id: number): Promise<ReportRunView | undefined> {
    const row = await this.db.one<RunRow>(`SELECT ${RUN_COLUMNS} FROM report_runs r WHERE r.id = $1`, [id]);
    return row ? (await this.views([row]))[0] : undefined;
  }

  /** The rows as views, who ran each named by one call to the users' owner for the whole page (null: no such user). */
  private async views(rows: RunRow[]): Promise<ReportRunView[]> {
    const names = await this.users.names(rows.map((r) => Number(r.run_by)));
    return rows.map((r) => toView(r, names.get(Number(r.run_by))?.username ?? null));
  }
}

function toView(r: RunRow, username: string | null): ReportRunView {
  return {
    id: Number(r.id),
    type: r.report_type,
    params: JSON.parse(r.params) as Record<string, unknown>,
    deidentified: bool(r.deidentified),
    runBy: { id: Number(r.run_by), username },
    runAt: r.run_at,
    rowCount: Number(r.row_count),
    sha256: r.sha256,
    outputs: { json: { sha256: r.sha256 }, csv: { sha256: r.csv_sha256 }, svg: { sha256: r.svg_sha256 } },
  };
}
