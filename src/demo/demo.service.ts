import { Inject, Injectable } from '@nestjs/common';
import { DEMO_SEEDER, DemoSeeder } from './demo-seeder';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditArchive } from '../audit/audit-archive';
import { AuditWriter, CHAIN_LOCK_KEY, fromContext } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { Db, PgTransaction, Queryable } from '../database/db';
import { PatientsRepository } from '../records/patients.repository';
import { breakGlassScenario } from './scenarios/break-glass.scenario';
import { Scenario, ScenarioKit, ScenarioResult } from './scenarios/scenario-kit';
import { snoopingScenario } from './scenarios/snooping.scenario';
import { tamperScenario } from './scenarios/tamper.scenario';

/** The classroom scenarios, by name (GET /demo/scenarios lists them). */
export const SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  [snoopingScenario, breakGlassScenario, tamperScenario].map((s) => [s.name, s]),
);
export const SCENARIO_NAMES = Object.keys(SCENARIOS);
export const DEFAULT_DEMO_PATIENTS = 200;

export interface ResetResult {
  reset: true;
  patients: number;
  seconds: number;
  /** The first row of the new chain: the reset itself, by whoever asked for it. */
  chainStartsAt: { seq: number; hash: string };
  previousHead: { seq: number; hash: string } | null;
}

/**
 * The instructor's controls (DESIGN.md: demo/). A reset puts the database back to the seed, audit trail included:
 * the only place besides the seed CLI that empties the append-only tables, and it says so in the first row of the
 * new chain (action demo-reset, with the previous head). Scenarios plant classroom activity (scenarios/).
 */
@Injectable()
export class DemoService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly policy: AccessPolicyService,
    private readonly users: UsersRepository,
    private readonly patients: PatientsRepository,
    private readonly trail: AuditEventsRepository,
    private readonly audit: AuditWriter,
    @Inject(DEMO_SEEDER) private readonly seeder: DemoSeeder,
    private readonly archive: AuditArchive,
  ) {}

  list(): { name: string; title: string; description: string }[] {
    return Object.values(SCENARIOS).map(({ name, title, description }) => ({ name, title, description }));
  }

  /**
   * Drops all data and seeds the demo again. Queued audit appends wait (AuditWriter.exclusive), and on PostgreSQL
   * the chain's advisory lock is held throughout, so no other instance appends to a chain that is being wiped;
   * the reset row is written under that lock, so it is the first row of the new chain.
   */
  async reset(ctx: RequestContext, patients = DEFAULT_DEMO_PATIENTS): Promise<ResetResult> {
    const started = performance.now();
    return this.audit.exclusive(() =>
      this.withChainLock(async (inTransaction) => {
        const previousHead = await this.trail.head();
        // The trail being reset is kept as a closed epoch first: a reset never destroys audit history.
        const archived = await this.archive.closeEpoch(ctx.user.username, this.clock.nowIso());
        await this.seeder.reseed(this.db, patients);
        const [row] = await inTransaction((tx) =>
          this.audit.appendWithin(tx, [
            {
              ...fromContext(ctx), action: 'demo-reset', outcome: 'success', resourceType: 'database',
              details: { patients, seed: this.seeder.seed, seedNow: this.seeder.seedNow.toISOString(), previousHead, archivedEpoch: archived },
            },
          ]),
        );
        return {
          reset: true as const, patients, seconds: Math.round((performance.now() - started) / 100) / 10,
          chainStartsAt: { seq: Number(row.seq), hash: row.hash }, previousHead,
        };
      }),
    );
  }

  async runScenario(ctx: RequestContext, name: string): Promise<ScenarioResult & { recordedAs: number }> {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new NotFound(`Scenario ${name}`);
    const kit = new ScenarioKit(this.db, this.config, this.clock, this.policy, this.users, this.patients, this.trail);
    const result = await scenario.run(kit, ctx);
    // The trail says who planted what: planted rows are not passed off as real activity.
    const row = await this.audit.append({
      ...fromContext(ctx), action: 'scenario', outcome: 'success', resourceType: 'demo-scenario', resourceId: name,
      details: { scenario: name, plantedSeqs: result.planted.seqs, plantedFrom: result.planted.from, plantedTo: result.planted.to },
    });
    return { ...result, recordedAs: Number(row.seq) };
  }

  /**
   * SQLite: one process, one writer; the AuditWriter gate is enough. PostgreSQL: hold the chain's advisory lock on a
   * connection of our own, and write the reset row in a transaction on that connection (the lock is re-entrant).
   */
  private async withChainLock<T>(fn: (inTransaction: <R>(work: (tx: Queryable) => Promise<R>) => Promise<R>) => Promise<T>): Promise<T> {
    if (this.db.dialect === 'sqlite') return fn((work) => this.db.transaction(work));
    const runner = this.db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [CHAIN_LOCK_KEY]);
      try {
        return await fn(async (work) => {
          await runner.startTransaction();
          try {
            const result = await work(new PgTransaction(runner));
            await runner.commitTransaction();
            return result;
          } catch (err) {
            if (runner.isTransactionActive) await runner.rollbackTransaction();
            throw err;
          }
        });
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [CHAIN_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}

