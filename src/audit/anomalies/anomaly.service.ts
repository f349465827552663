import { Injectable } from '@nestjs/common';
import { Clock, DAY_MS } from '../../common/clock';
import { InvalidInput } from '../../common/errors';
import { Page, pageOf } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { bool, Db } from '../../database/db';
import { BreakGlassGrantsRepository } from '../../access/break-glass.repository';
import { UsersRepository } from '../../auth/users.repository';
import { CareTeamRepository, PatientsRepository } from '../../records/patients.repository';
import { AuditEventsRepository } from '../audit-events.repository';
import { AuditWriter, fromContext } from '../audit.writer';
import {
  eventRules, Facts, Finding, GrantFacts, parseRoleLimits, PatientFacts, RuleName, Severity, sortFindings, Thresholds, TrailEvent,
  unreviewedBreakGlass, UserFacts,
} from './anomaly-rules';
import { surnameOf } from './surname';
import { formatSpan, LocalTime, localTime, parseDailySpan } from './zoned-time';
import { nextTurn } from '../../common/next-turn';

/** Default window: the last seven days. Longest window one request may scan: 31 days. */
const DEFAULT_WINDOW_MS = 7 * DAY_MS;
const MAX_WINDOW_MS = 31 * DAY_MS;
/** Rows per page of the scan: about a millisecond of work between two turns of the event loop. */
const PAGE = 1000;

export interface AnomalyFindingView {
  rule: RuleName;
  title: string;
  severity: Severity;
  actor: { id: number; username: string; displayName: string; role: string } | null;
  patientId: number | null;
  firstAt: string;
  lastAt: string;
  summary: string;
  evidence: number[];
  details: Record<string, unknown>;
}

export interface RuleDescription {
  name: RuleName;
  title: string;
  settings: Record<string, unknown>;
}

export interface AnomalyReport extends Page<AnomalyFindingView> {
  from: string;
  to: string;
  timeZone: string;
  eventsScanned: number;
  rules: RuleDescription[];
}

interface EventRow {
  seq: number;
  occurred_at: string;
  actor_user_id: number | null;
  actor_role: string | null;
  action: string;
  resource_type: string | null;
  patient_id: number | null;
  outcome: string;
  break_glass: unknown;
}

/**
 * GET /audit/anomalies: runs the named rules of anomaly-rules.ts over one window of the trail. Events are read in
 * keyset pages of the window's sequence range (bounded memory); the facts the rules need (users, the patients
 * touched, care-team membership at the time, break-the-glass grants) are looked up as the pages go.
 * Thresholds come from configuration (AUDIT_* variables in env.schema.ts).
 */
@Injectable()
export class AnomalyService {
  readonly thresholds: Thresholds;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    config: AppConfig,
    private readonly users: UsersRepository,
    private readonly patients: PatientsRepository,
    private readonly careTeams: CareTeamRepository,
    private readonly grants: BreakGlassGrantsRepository,
    private readonly trail: AuditEventsRepository,
  ) {
    this.thresholds = {
      timeZone: config.get('AUDIT_TIME_ZONE'),
      afterHours: parseDailySpan(config.get('AUDIT_AFTER_HOURS')),
      volumePerHour: config.get('AUDIT_VOLUME_PER_HOUR'),
      volumePerHourByRole: parseRoleLimits(config.get('AUDIT_VOLUME_PER_HOUR_BY_ROLE')),
      breakGlassReviewHours: config.get('AUDIT_BREAK_GLASS_REVIEW_HOURS'),
      denialsThreshold: config.get('AUDIT_DENIALS_THRESHOLD'),
      denialsWindowMinutes: config.get('AUDIT_DENIALS_WINDOW_MINUTES'),
    };
  }

  /** The report, paginated, and its own audit row (reviewing the trail is itself recorded). */
  async run(ctx: RequestContext, q: { from?: string; to?: string; page?: number; pageSize?: number }): Promise<AnomalyReport> {
    const { from, to } = this.window(q);
    const { findings, eventsScanned } = await this.detect(from, to);
    const { page, pageSize, offset } = pageOf(q);
    await this.audit.append({
      ...fromContext(ctx), action: 'search', outcome: 'success', resourceType: 'audit-anomalies',
      purposeOfUse: ctx.purposeOfUse ?? 'HCOMPL',
      details: { from, to, findings: findings.length, byRule: countByRule(findings) },
    });
    return {
      from, to, timeZone: this.thresholds.timeZone, eventsScanned, rules: this.describeRules(),
      items: findings.slice(offset, offset + pageSize), page, pageSize, total: findings.length,
    };
  }

  window(q: { from?: string; to?: string }): { from: string; to: string } {
    const toMs = q.to ? new Date(q.to).getTime() : this.clock.now().getTime();
    const fromMs = q.from ? new Date(q.from).getTime() : toMs - DEFAULT_WINDOW_MS;
    if (fromMs >= toMs) throw InvalidInput.field('to', 'must be after from');
    if (toMs - fromMs > MAX_WINDOW_MS) throw InvalidInput.field('from', 'the window may span at most 31 days');
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  }

  /** All findings of the window [from, to), most severe first. */
  async detect(from: string, to: string): Promise<{ findings: AnomalyFindingView[]; eventsScanned: number }> {
    const facts = new TrailFacts(this.db, this.users, this.patients, this.careTeams);
    await facts.loadUsers();
    await facts.loadCareTeamRemovals(from);
    const rules = eventRules(this.thresholds);
    let eventsScanned = 0;
    const range = await this.trail.seqSpan(from, to);
    if (range) {
      const { hi } = range;
      const localOf = localTimeCache(this.thresholds.timeZone);
      for (let after = range.lo - 1; ;) {
        const rows = await this.db.query<EventRow>(
          `SELECT seq, occurred_at, actor_user_id, actor_role, action, resource_type, patient_id, outcome, break_glass
             FROM audit_events WHERE seq > $1 AND seq <= $2 AND occurred_at >= $3 AND occurred_at < $4 ORDER BY seq LIMIT ${PAGE}`,
          [after, hi, from, to],
        );
        if (rows.length === 0) break;
        await facts.loadPatients(rows.map((r) => r.patient_id).filter((p): p is number => p !== null).map(Number));
        for (const r of rows) {
          const ms = new Date(r.occurred_at).getTime();
          const e: TrailEvent = {
            seq: Number(r.seq), at: r.occurred_at, ms, local: localOf(ms),
            actorId: r.actor_user_id === null ? null : Number(r.actor_user_id), actorRole: r.actor_role, action: r.action,
            resourceType: r.resource_type, patientId: r.patient_id === null ? null : Number(r.patient_id), outcome: r.outcome,
            breakGlass: bool(r.break_glass),
          };
          for (const rule of rules) rule.observe(e, facts);
        }
        eventsScanned += rows.length;
        after = Number(rows[rows.length - 1].seq);
        if (rows.length < PAGE) break;
        await nextTurn();
      }
    }
    const titles = new Map<RuleName, string>(rules.map((r) => [r.name, r.title]));
    const findings: Finding[] = rules.flatMap((r) => r.findings(facts));
    findings.push(...(await this.breakGlassFindings(from, to, facts)));
    titles.set('break-glass-unreviewed', BREAK_GLASS_TITLE);
    return {
      findings: sortFindings(findings).map((f) => ({
        rule: f.rule, title: titles.get(f.rule) ?? f.rule, severity: f.severity, actor: facts.actorView(f.actorId),
        patientId: f.patientId, firstAt: f.firstAt, lastAt: f.lastAt, summary: f.summary, evidence: f.evidence, details: f.details,
      })),
      eventsScanned,
    };
  }

  /** Grants opened in the window and not reviewed in time; evidence: the grant's own row and the accesses it carried. */
  private async breakGlassFindings(from: string, to: string, facts: TrailFacts): Promise<Finding[]> {
    const rows = await this.grants.grantedBetween(from, to);
    await facts.loadPatients(rows.map((g) => g.patientId));
    const grants: (GrantFacts & { reason: string; expiresAt: string; vip: boolean })[] = rows.map((g) => ({
      ...g, vip: facts.patient(g.patientId)?.vip ?? false,
    }));
    const hours = this.thresholds.breakGlassReviewHours;
    const out: Finding[] = [];
    for (const { grant, late, hoursToReview } of unreviewedBreakGlass(grants, this.clock.nowIso(), hours)) {
      const g = grant as (typeof grants)[number];
      const evidence = await this.grantEvidence(g);
      const summary = late
        ? `break-the-glass grant ${g.id} of ${facts.label(g.userId)} on patient ${g.patientId} was reviewed after ${hoursToReview} hours (allowed: ${hours})`
        : `break-the-glass grant ${g.id} of ${facts.label(g.userId)} on patient ${g.patientId} has not been reviewed within ${hours} hours`;
      out.push({
        rule: 'break-glass-unreviewed', severity: g.vip ? 'high' : 'medium', actorId: g.userId, patientId: g.patientId,
        firstAt: g.grantedAt, lastAt: g.reviewedAt ?? g.grantedAt, summary, evidence,
        details: {
          events: evidence.length, grantId: g.id, reason: g.reason, grantedAt: g.grantedAt, expiresAt: g.expiresAt, reviewedAt: g.reviewedAt,
          reviewOutcome: g.reviewOutcome, hoursAllowed: hours, hoursToReview, vip: g.vip,
        },
      });
    }
    return out;
  }

  private async grantEvidence(g: { id: number; userId: number; patientId: number; grantedAt: string; expiresAt: string }): Promise<number[]> {
    // The grant's own row is written in the grant's transaction, a few milliseconds around granted_at.
    const around = (ms: number) => new Date(new Date(g.grantedAt).getTime() + ms).toISOString();
    const own = await this.db.query<{ seq: number }>(
      `SELECT seq FROM audit_events WHERE action = 'break-glass' AND occurred_at >= $1 AND occurred_at <= $2
          AND resource_type = 'break-glass-grant' AND resource_id = $3 ORDER BY seq`,
      [around(-60_000), around(60_000), String(g.id)],
    );
    const accesses = await this.db.query<{ seq: number }>(
      `SELECT seq FROM audit_events WHERE patient_id = $1 AND actor_user_id = $2 AND break_glass = TRUE AND action <> 'break-glass'
          AND occurred_at >= $3 AND occurred_at <= $4 ORDER BY seq`,
      [g.patientId, g.userId, g.grantedAt, g.expiresAt],
    );
    return [...own, ...accesses].map((r) => Number(r.seq));
  }

  describeRules(): RuleDescription[] {
    const t = this.thresholds;
    return [
      { name: 'same-surname', title: 'Workforce member opened a patient with the same surname', settings: { compares: 'users.family_name (or the last word of display_name) with patients.family_name' } },
      { name: 'vip-without-care-relation', title: 'VIP record opened without a care relation', settings: { includesBreakGlass: true } },
      { name: 'own-or-coworker-record', title: 'Workforce member opened their own or a coworker\'s record', settings: { coworker: 'patient linked to another workforce account, reader not on the care team' } },
      { name: 'after-hours', title: 'Chart access after hours', settings: { AUDIT_AFTER_HOURS: formatSpan(t.afterHours), AUDIT_TIME_ZONE: t.timeZone } },
      { name: 'unusual-volume', title: 'Unusual volume: many distinct patients within an hour', settings: { AUDIT_VOLUME_PER_HOUR: t.volumePerHour, AUDIT_VOLUME_PER_HOUR_BY_ROLE: t.volumePerHourByRole } },
      { name: 'repeated-denials', title: 'Repeated denials for one user', settings: { AUDIT_DENIALS_THRESHOLD: t.denialsThreshold, AUDIT_DENIALS_WINDOW_MINUTES: t.denialsWindowMinutes } },
      { name: 'break-glass-unreviewed', title: BREAK_GLASS_TITLE, settings: { AUDIT_BREAK_GLASS_REVIEW_HOURS: t.breakGlassReviewHours } },
    ];
  }
}

const BREAK_GLASS_TITLE = 'Break-the-glass not reviewed in time';

function countByRule(findings: AnomalyFindingView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

/** Events come in time order, many per minute: one Intl call per minute, not per event. */
function localTimeCache(timeZone: string): (ms: number) => LocalTime {
  let minute = Number.NaN;
  let value: LocalTime | null = null;
  return (ms) => {
    const m = Math.floor(ms / 60_000);
    if (m !== minute || !value) {
      minute = m;
      value = localTime(m * 60_000, timeZone);
    }
    return value;
  };
}

/**
 * The facts the rules ask about, loaded from the directory and the records as the pages of events go: every user
 * (a directory is small), the patients the events touch, and care-team membership over time (current rows, plus
 * the intervals of removed members, which the trail keeps in the care-team 'delete' rows).
 */
class TrailFacts implements Facts {
  private readonly users = new Map<number, UserFacts>();
  private readonly patients = new Map<number, PatientFacts>();
  private readonly members = new Map<number, Map<number, string>>();
  private readonly removed = new Map<string, { from: string; to: string }[]>();

  constructor(
    private readonly db: Db,
    private readonly directory: UsersRepository,
    private readonly patientDirectory: PatientsRepository,
    private readonly careTeams: CareTeamRepository,
  ) {}

  async loadUsers(): Promise<void> {
    for (const u of await this.directory.directory()) {
      this.users.set(u.id, { id: u.id, username: u.username, displayName: u.displayName, role: u.role, surname: surnameOf(u.familyName, u.displayName) });
    }
  }

  /** Care-team removals after `from`: the member was on the team from before.added_at until the removal. */
  async loadCareTeamRemovals(from: string): Promise<void> {
    const rows = await this.db.query<{ patient_id: number; resource_id: string; occurred_at: string; details: string | null }>(
      `SELECT patient_id, resource_id, occurred_at, details FROM audit_events
        WHERE action = 'delete' AND occurred_at >= $1 AND resource_type = 'care-team' AND outcome = 'success'`,
      [from],
    );
    for (const r of rows) {
      const userId = Number(String(r.resource_id).split('/')[1]);
      const added = parseAddedAt(r.details);
      if (!Number.isInteger(userId) || !added) continue;
      const key = `${Number(r.patient_id)}|${userId}`;
      const list = this.removed.get(key) ?? [];
      list.push({ from: added, to: r.occurred_at });
      this.removed.set(key, list);
    }
  }

  async loadPatients(ids: number[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.patients.has(id));
    if (missing.length === 0) return;
    for (const p of await this.patientDirectory.directory(missing)) this.patients.set(p.id, p);
    for (const id of missing) if (!this.members.has(id)) this.members.set(id, new Map());
    for (const m of await this.careTeams.membersOf(missing)) this.members.get(m.patientId)!.set(m.userId, m.addedAt);
  }

  user(id: number): UserFacts | undefined {
    return this.users.get(id);
  }

  patient(id: number): PatientFacts | undefined {
    return this.patients.get(id);
  }

  onCareTeam(patientId: number, userId: number, at: string): boolean {
    const added = this.members.get(patientId)?.get(userId);
    if (added !== undefined && added <= at) return true;
    return (this.removed.get(`${patientId}|${userId}`) ?? []).some((iv) => iv.from <= at && at < iv.to);
  }

  label(userId: number): string {
    const u = this.users.get(userId);
    return u ? `${u.username} (${u.role})` : `user ${userId}`;
  }

  actorView(id: number | null): AnomalyFindingView['actor'] {
    if (id === null) return null;
    const u = this.users.get(id);
    return u ? { id, username: u.username, displayName: u.displayName, role: u.role } : { id, username: `user ${id}`, displayName: `user ${id}`, role: 'unknown' };
  }
}

function parseAddedAt(details: string | null): string | null {
  if (!details) return null;
  try {
    const d = JSON.parse(details) as { before?: { added_at?: unknown } };
    return typeof d.before?.added_at === 'string' ? d.before.added_at : null;
  } catch {
    return null;
  }
}
