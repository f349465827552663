import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { CSV_CELLS_NEUTRALIZED, CSV_CELLS_RAW, neutralizeCell } from '../common/csv-cells';
import { Readable } from 'node:stream';
import { UsersRepository } from '../auth/users.repository';
import { Clock, MINUTE_MS } from '../common/clock';
import type { RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { bool, Db } from '../database/db';
import { AuditQueryService, describeFilter, timeRange, toView } from './audit-query.service';
import type { AuditRow } from './audit.types';
import { AuditWriter, fromContext } from './audit.writer';
import { AuditExportQueryDto, AuditFilterFields, ExportFormat } from './dto/audit-query.dto';
import { BUNDLE_TAIL, bundleEntry, bundleHead, toFhirAuditEvent } from './fhir-audit-event';

/** The stored columns, in the stored order: a CSV row is the audit row itself (hash included, so it can be re-verified). */
export const CSV_COLUMNS = [
  'seq', 'occurred_at', 'actor_user_id', 'actor_username', 'actor_role', 'action', 'resource_type', 'resource_id',
  'patient_id', 'outcome', 'reason', 'purpose_of_use', 'break_glass', 'request_id', 'client_ip', 'user_agent',
  'details', 'prev_hash', 'hash',
] as const;

export const EXPORT_THROTTLED_REASON = 'throttled';

/** 429 with the seconds to wait; the controller puts them in Retry-After. */
export class ExportThrottled extends HttpException {
  constructor(readonly retryAfter: number, limit: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests',
        message: `At most ${limit} audit exports per minute; try again in ${retryAfter} seconds`, details: { retryAfter, limit },
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

export interface AuditExport {
  contentType: string;
  filename: string;
  rows: number;
  upToSeq: number;
  body: Readable;
  /** CSV only: whether formula-like cells were neutralized (the X-Csv-Cells header says so). */
  csvCells?: string;
}

/**
 * GET /audit/events/export: the rows of a filter, streamed in keyset pages (AuditQueryService.pages), so memory
 * stays flat whether the export holds ten rows or the whole trail. The set is fixed when the export starts (rows up
 * to the current last sequence number), counted, and the export is audited before the first byte leaves: action
 * 'export' with the format, the filter, the row count and that last sequence number. Exports are rate-limited per
 * user (AUDIT_EXPORT_PER_MINUTE), counted from the trail itself so the limit holds across restarts and instances.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly db: Db,
    private readonly query: AuditQueryService,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
  ) {}

  async open(ctx: RequestContext, q: AuditExportQueryDto): Promise<AuditExport> {
    const { format, fhirBundle, raw, ...filter } = q;
    timeRange(filter);
    const wait = await this.retryAfterSeconds(ctx.user.id);
    if (wait > 0) {
      await this.audit.append({
        ...fromContext(ctx), action: 'export', outcome: 'denied', reason: EXPORT_THROTTLED_REASON, resourceType: 'audit-event',
        patientId: filter.patientId ?? null, details: { format, filter: describeFilter(filter) },
      });
      throw new ExportThrottled(wait, this.config.get('AUDIT_EXPORT_PER_MINUTE'));
    }
    const upToSeq = await this.query.lastSeq();
    const rows = await this.query.count(filter, upToSeq);
    const bundle = format === 'fhir' && fhirBundle === 'true';
    await this.audit.append({
      ...fromContext(ctx), action: 'export', outcome: 'success', resourceType: 'audit-event', patientId: filter.patientId ?? null,
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL',
      details: { format: bundle ? 'fhir-bundle' : format, filter: describeFilter(filter), rows, upToSeq, ...(format === 'csv' ? { csvCells: raw === 'true' ? 'raw' : 'neutralized' } : {}) },
    });
    const stamp = this.clock.nowIso().replace(/[:.]/g, '').slice(0, 15);
    const base = `audit-events-${stamp}-to-${upToSeq}`;
    const source = this.scan(filter, upToSeq);
    switch (format as ExportFormat) {
      case 'csv':
        return {
          contentType: 'text/csv; charset=utf-8', filename: `${base}${raw === 'true' ? '-raw' : ''}.csv`, rows, upToSeq,
          body: Readable.from(csvChunks(source, raw !== 'true')), csvCells: raw === 'true' ? CSV_CELLS_RAW : CSV_CELLS_NEUTRALIZED,
        };
      case 'ndjson':
        return { contentType: 'application/x-ndjson', filename: `${base}.ndjson`, rows, upToSeq, body: Readable.from(ndjson(source)) };
      default: {
        const names = await this.users.displayNames();
        return bundle
          ? { contentType: 'application/fhir+json', filename: `${base}.fhir.json`, rows, upToSeq, body: Readable.from(fhirBundleLines(source, names, this.clock.nowIso())) }
          : { contentType: 'application/fhir+ndjson', filename: `${base}.fhir.ndjson`, rows, upToSeq, body: Readable.from(fhirNdjson(source, names)) };
      }
    }
  }

  /**
   * The export's pages, read on a connection of its own with a small page cache (Db.scanReader), closed when the
   * stream ends or is abandoned: a million-row export streams in bounded memory (docs/performance.md).
   */
  private async *scan(filter: AuditFilterFields, upToSeq: number): AsyncGenerator<AuditRow[]> {
    const reader = this.db.scanReader();
    try {
      yield* this.query.pages(filter, upToSeq, undefined, reader);
    } finally {
      reader.close();
    }
  }

  /** Seconds until this user may start another export (0: now). Counts the user's successful exports of the last minute. */
  async retryAfterSeconds(userId: number): Promise<number> {
    const limit = this.config.get('AUDIT_EXPORT_PER_MINUTE');
    const now = this.clock.now().getTime();
    const rows = await this.db.query<{ occurred_at: string }>(
      `SELECT occurred_at FROM audit_events
        WHERE action = 'export' AND occurred_at > $1 AND actor_user_id = $2 AND outcome = 'success'
        ORDER BY occurred_at DESC LIMIT $3`,
      [new Date(now - MINUTE_MS).toISOString(), userId, limit],
    );
    if (rows.length < limit) return 0;
    const oldest = new Date(rows[rows.length - 1].occurred_at).getTime();
    return Math.max(1, Math.ceil((oldest + MINUTE_MS - now) / 1000));
  }
}

/**
 * CSV through csv-stringify: a header, then one record per row, written one keyset page at a time (one chunk per
 * page, not per row: far fewer writes and less garbage on a million rows). Empty strings are quoted and NULLs left
 * empty, so the two stay apart. By default text cells a spreadsheet would run as a formula (a username typed at a
 * failed login, a User-Agent) are neutralized (common/csv-cells.ts); `raw` keeps the exact stored bytes, so the
 * hash columns re-verify, and the response says so (X-Csv-Cells).
 */
export async function* csvChunks(pages: AsyncIterable<AuditRow[]>, neutralize = true): AsyncGenerator<string> {
  let header = true;
  const record = neutralize ? (r: AuditRow) => csvRecord(r).map(neutralizeCell) : csvRecord;
  for await (const rows of pages) {
    for (const part of slices(rows)) {
      yield stringify(part.map(record), { header, columns: [...CSV_COLUMNS], quoted_match: /^$/ });
      header = false;
    }
  }
  if (header) yield stringify([], { header: true, columns: [...CSV_COLUMNS] });
}

/**
 * Rows per chunk written: about 40 KB of text. Larger strings are born in V8's old generation and wait there for a
 * full collection; chunks this size die young, so the heap stays small however long the export runs.
 */
const ROWS_PER_CHUNK = 100;

function* slices<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) yield rows.slice(i, i + ROWS_PER_CHUNK);
}

function csvRecord(r: AuditRow): unknown[] {
  return CSV_COLUMNS.map((c) => {
    const v = r[c];
    if (c === 'break_glass') return bool(v) ? 'true' : 'false';
    if (c === 'seq' || c === 'actor_user_id' || c === 'patient_id') return v === null ? null : Number(v);
    return v;
  });
}

async function* ndjson(pages: AsyncIterable<AuditRow[]>): AsyncGenerator<string> {
  for await (const rows of pages) for (const part of slices(rows)) yield part.map((r) => `${JSON.stringify(toView(r))}\n`).join('');
}

async function* fhirNdjson(pages: AsyncIterable<AuditRow[]>, names: Map<number, string>): AsyncGenerator<string> {
  for await (const rows of pages) {
    for (const part of slices(rows)) yield part.map((r) => `${JSON.stringify(toFhirAuditEvent(r, displayNameOf(r, names)))}\n`).join('');
  }
}

async function* fhirBundleLines(pages: AsyncIterable<AuditRow[]>, names: Map<number, string>, timestamp: string): AsyncGenerator<string> {
  yield bundleHead(timestamp);
  let first = true;
  for await (const rows of pages) {
    for (const part of slices(rows)) {
      const entries = part.map((r) => `\n${bundleEntry(toFhirAuditEvent(r, displayNameOf(r, names)), r.hash)}`);
      yield `${first ? '' : ','}${entries.join(',')}`;
      first = false;
    }
  }
  yield `\n${BUNDLE_TAIL}`;
}

function displayNameOf(r: AuditRow, names: Map<number, string>): string | null {
  return r.actor_user_id === null ? null : (names.get(Number(r.actor_user_id)) ?? null);
}
