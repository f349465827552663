import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccessPolicyService } from '../../access/access-policy.service';
import { BreakGlassService } from '../../access/break-glass.service';
import { zonedToUtc, localTime } from '../../audit/anomalies/zoned-time';
import { AuditEventsRepository } from '../../audit/audit-events.repository';
import type { AuditEventInput, AuditRow } from '../../audit/audit.types';
import { AuditWriter, fromContext } from '../../audit/audit.writer';
import { UsersRepository } from '../../auth/users.repository';
import { Clock } from '../../common/clock';
import { Conflict } from '../../common/errors';
import type { AuthUser, RequestContext } from '../../common/request-context';
import { AppConfig } from '../../config/app-config';
import { Db } from '../../database/db';
import { PatientsRepository } from '../../records/patients.repository';
import { SPECIAL_PATIENTS } from '../special-patients';

/**
 * A clock that stands still at a chosen instant: the scenario's own "now". Planted activity is written through the
 * real AuditWriter and BreakGlassService, built here around this clock, so its rows carry the planted time (last
 * night, four days ago) while being appended to the one chain like any other row. The application's own Clock and
 * AuditWriter are not touched: requests served meanwhile keep the real time.
 */
export class ScenarioClock extends Clock {
  constructor(private at: number) {
    super();
  }
  override now(): Date {
    return new Date(this.at);
  }
  set(ms: number): void {
    this.at = ms;
  }
}

/** Workstation details of a planted request (the trail records where a request came from). */
export interface Workstation {
  clientIp: string;
  userAgent: string;
}

/** Bystanders come after the patients the seed plants for the scenarios (ids 1-4). */
const LAST_SPECIAL_PATIENT = Math.max(...Object.values(SPECIAL_PATIENTS));

export const WORKSTATION_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** What the scenarios share: the scenario clock, a writer and a break-the-glass service on it, and demo lookups. */
export class ScenarioKit {
  readonly clock = new ScenarioClock(Date.now());
  readonly writer: AuditWriter;
  readonly breakGlass: BreakGlassService;
  readonly seqs: number[] = [];

  constructor(
    readonly db: Db,
    readonly config: AppConfig,
    readonly realClock: Clock,
    policy: AccessPolicyService,
    private readonly users: UsersRepository,
    readonly patients: PatientsRepository,
    readonly trail: AuditEventsRepository,
  ) {
    this.writer = new AuditWriter(db, this.clock, config);
    this.breakGlass = new BreakGlassService(db, this.clock, config, policy, this.writer, users, trail);
  }

  get timeZone(): string {
    return this.config.get('AUDIT_TIME_ZONE');
  }

  /** The instant at local time hh:mm, `daysAgo` local days before today, in AUDIT_TIME_ZONE. */
  localInstant(daysAgo: number, hour: number, minute: number): number {
    const today = localTime(this.realClock.now().getTime(), this.timeZone);
    return zonedToUtc({ year: today.year, month: today.month, day: today.day - daysAgo, hour, minute }, this.timeZone);
  }

  async user(username: string): Promise<AuthUser> {
    const id = await this.users.idOf(username);
    const user = id === undefined ? undefined : await this.users.loadAuthUser(id);
    if (!user) throw new Conflict(`Demo user ${username} is missing or disabled: reset the demo first (POST /demo/reset)`);
    return user;
  }

  /** A request context of `user` at the scenario's current time, from `station`. */
  ctx(user: AuthUser, station: Workstation, purposeOfUse: string | null = null): RequestContext {
    return { user, requestId: randomUUID(), clientIp: station.clientIp, userAgent: station.userAgent, purposeOfUse };
  }

  /** Appends one planted row at the scenario time and remembers its sequence number. */
  async record(ctx: RequestContext, event: Omit<AuditEventInput, 'actor' | 'requestId' | 'clientIp' | 'userAgent'>): Promise<AuditRow> {
    // Marked as planted in its details (and so in every export): a class can tell staged rows from real ones.
    const row = await this.writer.append({
      ...fromContext(ctx), ...event, purposeOfUse: event.purposeOfUse ?? ctx.purposeOfUse, details: { ...(event.details ?? {}), planted: true },
    });
    this.seqs.push(Number(row.seq));
    return row;
  }

  /** A chart read as RecordService writes it (the record view of the reader's role). */
  readRecord(ctx: RequestContext, patientId: number, breakGlass: boolean): Promise<AuditRow> {
    return this.record(ctx, {
      action: 'read', outcome: 'success', resourceType: 'record', resourceId: patientId, patientId, breakGlass,
      purposeOfUse: ctx.purposeOfUse ?? (breakGlass ? 'ETREAT' : null), details: { view: ctx.user.role },
    });
  }

  /**
   * Breaks the glass through the real BreakGlassService at the scenario time. Running a scenario twice finds the
   * grant of the first run still open at that planted time (409): that grant is used again.
   */
  async breakTheGlass(ctx: RequestContext, patientId: number, reason: string): Promise<number> {
    const before = await this.lastSeq();
    try {
      const grant = await this.breakGlass.grant(ctx, patientId, reason);
      this.seqs.push(...(await this.seqsAfter(before)));
      return grant.id;
    } catch (err) {
      const grantId = err instanceof HttpException ? (err.getResponse() as { details?: { grantId?: number } }).details?.grantId : undefined;
      if (grantId) return grantId;
      if (err instanceof HttpException && err.getStatus() === 409) {
        // The planted user is on the patient's care team now (the care teams changed since the seed).
        throw new Conflict(`This scenario needs ${ctx.user.username} off the care team of patient ${patientId}; POST /demo/reset first`);
      }
      throw err;
    }
  }

  /** Reviews a grant through the real service (once only: a second run leaves the first review). */
  async review(ctx: RequestContext, grantId: number, outcome: 'justified' | 'violation', note: string): Promise<void> {
    const before = await this.lastSeq();
    try {
      await this.breakGlass.review(ctx, grantId, outcome, note);
      this.seqs.push(...(await this.seqsAfter(before)));
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
  }

  /**
   * Patients on nobody's care team, not VIP, not linked to an account, alive: bystanders a scenario can use. The
   * same ones on every freshly seeded database (lowest ids first).
   */
  async bystanders(n: number): Promise<number[]> {
    const ids = await this.patients.unattached(n, LAST_SPECIAL_PATIENT);
    if (ids.length < n) throw new Conflict('Not enough seeded patients for this scenario: reset the demo first (POST /demo/reset)');
    return ids;
  }

  private lastSeq(): Promise<number> {
    return this.trail.lastSeq();
  }

  private seqsAfter(seq: number): Promise<number[]> {
    // Rows the grant or review transaction wrote (filtered to the scenario time, so concurrent requests stay out).
    return this.trail.seqsAt(seq, this.clock.nowIso());
  }
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  story: string[];
  /** Where the planted rows sit in the chain, and when they claim to have happened. */
  planted: { seqs: number[]; from: string | null; to: string | null };
  /** What a privacy officer should find, e.g. the anomaly rules expected to fire. */
  lookFor: string[];
  details: Record<string, unknown>;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  run(kit: ScenarioKit, instructor: RequestContext): Promise<ScenarioResult>;
}
