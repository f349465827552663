import { Injectable } from '@nestjs/common';
import { BreakGlassGrantsRepository } from '../../access/break-glass.repository';
import { RULE_NAMES } from '../../audit/anomalies/anomaly-rules';
import { AnomalyService } from '../../audit/anomalies/anomaly.service';
import { AuditEventsRepository } from '../../audit/audit-events.repository';
import { Clock } from '../../common/clock';
import { num } from '../../database/db';
import { DateRange, daysBetween, resolveRange } from '../date-range';
import { MeasureDefinition, SOURCES } from '../definitions';
import type { AuditInterval, AuditSummaryParamsDto } from '../dto/report-query.dto';
import { ChartSpec, ReportDocument, ReportHeader, ReportTable } from '../report-document';
import { dayAfter } from '../sql-dialect';

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
type Outcome = (typeof AUDIT_OUTCOMES)[number];
/** Ranges up to this many days are bucketed by day, longer ones by month. */
export const DAILY_UP_TO_DAYS = 92;
const TOP_REASONS = 20;
export const NO_ROLE = '(no role)';

export interface AuditSummaryParameters extends DateRange {
  interval: AuditInterval;
}

type OutcomeCounts = Record<Outcome, number> & { total: number };

export interface AuditSummaryJson extends ReportHeader<AuditSummaryParameters> {
  totals: OutcomeCounts;
  /** Every (period, role, action, outcome) with at least one event. */
  accesses: { period: string; role: string; action: string; outcome: string; count: number }[];
  overTime: ({ period: string } & OutcomeCounts)[];
  byRole: ({ role: string } & OutcomeCounts)[];
  byAction: ({ action: string } & OutcomeCounts)[];
  denials: { total: number; byReason: { reason: string; count: number }[]; byRole: { role: string; count: number }[] };
  breakGlass: { uses: number; reviewed: number; justified: number; violations: number; awaitingReview: number; accessesUnderBreakGlass: number };
  anomalies: { source: string; byRule: { rule: string; count: number }[]; total: number };
}

const DEFINITIONS: MeasureDefinition[] = [
  {
    measure: 'accesses',
    rule:
      'Every row of the audit trail whose time falls in the range (UTC calendar dates, both ends included): reads, searches, ' +
      'exports, writes, logins and refusals, counted by the role of the user at the time, the action and the outcome ' +
      '(success, denied, error). Rows without a user (a failed login with an unknown name) count under "(no role)".',
    source: SOURCES.hipaaAudit,
  },
  {
    measure: 'denials',
    rule: 'Rows with outcome "denied": a permission or the access policy refused the request (the refusal itself is audited). Grouped by the recorded reason and by role.',
    source: SOURCES.hipaaAudit,
  },
  {
    measure: 'break-the-glass',
    rule:
      'Emergency access grants opened in the range; reviewed = a privacy officer recorded an outcome (justified or violation); ' +
      'awaiting review = not reviewed yet. Accesses under break-the-glass = audit rows made under an active grant.',
    source: SOURCES.hipaaAudit,
  },
  {
    measure: 'anomalies',
    rule: 'Findings of the anomaly rules of GET /audit/anomalies (same surname, VIP without care relation, after hours, unusual volume, own or coworker record, break-the-glass not reviewed in time, repeated denials) over the range, counted by rule.',
    source: SOURCES.hipaaAudit,
  },
];

const zero = (): OutcomeCounts => ({ success: 0, denied: 0, error: 0, total: 0 });
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * GET /reports/audit-summary: who did what to the trail's records, how often refused, break-the-glass use and its
 * review, and the anomaly findings, over a date range. The counts come from the tables' owners (docs/architecture.md,
 * section 2): the trail's from AuditEventsRepository (SQL GROUP BY), the grants' from BreakGlassGrantsRepository; the
 * anomaly counts from the audit module's AnomalyService (the same rules as GET /audit/anomalies).
 */
@Injectable()
export class AuditSummaryReport {
  constructor(
    private readonly clock: Clock,
    private readonly anomalies: AnomalyService,
    private readonly trail: AuditEventsRepository,
    private readonly grantRecords: BreakGlassGrantsRepository,
  ) {}

  async build(params: AuditSummaryParamsDto): Promise<ReportDocument<AuditSummaryJson>> {
    const range = resolveRange(params, this.clock.now());
    const interval = params.interval ?? (daysBetween(range.from, range.to) < DAILY_UP_TO_DAYS ? 'day' : 'month');
    const end = dayAfter(range.to);
    const { cube, reasons, grants, underBreakGlass } = await this.counts(range.from, end, interval);
    const findings = await this.anomalies.detect(`${range.from}T00:00:00.000Z`, `${end}T00:00:00.000Z`);

    const accesses = cube
      .map((r) => ({ period: r.period, role: r.role, action: r.action, outcome: r.outcome, count: num(r.n) }))
      .sort((a, b) => byText(a.period, b.period) || byText(a.role, b.role) || byText(a.action, b.action) || byText(a.outcome, b.outcome));
    const rollUp = <K extends 'period' | 'role' | 'action'>(key: K) => rollUpBy(accesses, key);
    const totals = zero();
    for (const a of accesses) {
      totals[a.outcome as Outcome] += a.count;
      totals.total += a.count;
    }
    const ruleCounts = new Map<string, number>(RULE_NAMES.map((r) => [r, 0]));
    for (const f of findings.findings) ruleCounts.set(f.rule, (ruleCounts.get(f.rule) ?? 0) + 1);
    const { uses, reviewed, justified, violations } = grants;

    const byRole = rollUp('role');
    const json: AuditSummaryJson = {
      report: 'audit-summary',
      title: 'Audit trail summary: accesses, denials, break-the-glass and anomalies',
      parameters: { ...range, interval },
      generatedAt: this.clock.nowIso(),
      deidentified: false,
      totals,
      accesses,
      overTime: fillPeriods(range, interval, rollUp('period')).map(([period, c]) => ({ period, ...c })),
      byRole: byRole.map(([role, c]) => ({ role, ...c })),
      byAction: rollUp('action').map(([action, c]) => ({ action, ...c })),
      denials: {
        total: totals.denied,
        byReason: reasons
          .map((r) => ({ reason: r.reason ?? '(no reason recorded)', count: num(r.n) }))
          .sort((a, b) => b.count - a.count || byText(a.reason, b.reason))
          .slice(0, TOP_REASONS),
        byRole: byRole.filter(([, c]) => c.denied > 0).map(([role, c]) => ({ role, count: c.denied })),
      },
      breakGlass: {
        uses, reviewed, justified, violations, awaitingReview: uses - reviewed,
        accessesUnderBreakGlass: underBreakGlass,
      },
      anomalies: {
        source: 'AnomalyService: the rules of GET /audit/anomalies, run over the whole range',
        byRule: [...ruleCounts.entries()].map(([rule, count]) => ({ rule, count })),
        total: findings.findings.length,
      },
      definitions: DEFINITIONS,
    };
    return { type: 'audit-summary', json, table: auditTable(json), chart: auditChart(json), filename: `audit-summary-${range.from}-${range.to}-${interval}` };
  }

  /** The counts the summary is made of, over [from, end): the trail's from its owner, rows without a role under NO_ROLE. */
  private async counts(from: string, end: string, interval: AuditInterval) {
    const trail = await this.trail.counts(from, end, interval);
    const cube = trail.cube.map((r) => ({ ...r, role: r.role ?? NO_ROLE }));
    const reasons = trail.denialReasons;
    const grants = await this.grantRecords.countsBetween(from, end);
    return { cube, reasons, grants, underBreakGlass: trail.underBreakGlass };
  }
}

/** Every bucket of the range, empty ones included, so a line chart shows quiet days as zero. */
function fillPeriods(range: DateRange, interval: AuditInterval, rows: [string, OutcomeCounts][]): [string, OutcomeCounts][] {
  const have = new Map(rows);
  const out: [string, OutcomeCounts][] = [];
  const d = new Date(`${range.from}T00:00:00.000Z`);
  const last = interval === 'day' ? range.to : range.to.slice(0, 7);
  if (interval === 'month') d.setUTCDate(1);
  for (;;) {
    const key = interval === 'day' ? d.toISOString().slice(0, 10) : d.toISOString().slice(0, 7);
    if (key > last) break;
    out.push([key, have.get(key) ?? zero()]);
    if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1);
    else d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

/** One long table: section, then the dimensions that apply, then the count. */
export function auditTable(json: AuditSummaryJson): ReportTable {
  const columns = ['section', 'period', 'role', 'action', 'outcome', 'label', 'count'];
  const rows: ReportTable['rows'] = [
    ...json.accesses.map((a) => ['accesses', a.period, a.role, a.action, a.outcome, null, a.count]),
    ...json.denials.byReason.map((r) => ['denials', null, null, null, 'denied', r.reason, r.count]),
    ...Object.entries(json.breakGlass).map(([k, v]) => ['break-glass', null, null, null, null, k, v]),
    ...json.anomalies.byRule.map((r) => ['anomalies', null, null, null, null, r.rule, r.count]),
  ];
  return { columns, rows };
}

function auditChart(json: AuditSummaryJson): ChartSpec {
  const p = json.parameters;
  return {
    kind: 'line',
    title: 'Audit trail activity by outcome',
    subtitle: `${p.from} to ${p.to}, per ${p.interval} · break-the-glass uses: ${json.breakGlass.uses} (awaiting review: ${json.breakGlass.awaitingReview}) · anomaly findings: ${json.anomalies.total}`,
    xName: p.interval === 'day' ? 'Day (UTC)' : 'Month (UTC)',
    categories: json.overTime.map((o) => o.period),
    yAxes: [{ name: 'Audit events (count)' }],
    series: AUDIT_OUTCOMES.map((o) => ({ name: o, data: json.overTime.map((t) => t[o]) })),
  };
}

/** Access counts summed per period, role or action (sorted by that key). */
function rollUpBy<K extends 'period' | 'role' | 'action'>(accesses: { period: string; role: string; action: string; outcome: string; count: number }[], key: K): [string, OutcomeCounts][] {
  const m = new Map<string, OutcomeCounts>();
  for (const a of accesses) {
    const c = m.get(a[key]) ?? zero();
    c[a.outcome as Outcome] += a.count;
    c.total += a.count;
    m.set(a[key], c);
  }
  return [...m.entries()].sort(([a], [b]) => byText(a, b));
}
