import { Injectable } from '@nestjs/common';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AppConfig } from '../config/app-config';
import { Clock, MINUTE_MS } from '../common/clock';
import { KeyedMutex } from '../common/keyed-mutex';
import { Db, num, Queryable } from '../database/db';

export const THROTTLED_REASON = 'throttled';

/**
 * Login throttling counted from the audit trail itself (login-failed rows), so it holds across restarts and
 * across several instances on one PostgreSQL. Refused attempts while locked are not counted again, so a
 * lock ends when the window passes. A successful login clears the account's count.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly trail: AuditEventsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly db: Db,
  ) {}

  private readonly mutex = new KeyedMutex();

  /**
   * Runs one login attempt alone for its account: the check, the password verification and the failure row, so N
   * attempts in parallel at one account are checked one after the other and at most the limit is ever tried.
   * In this process a keyed mutex; across instances on PostgreSQL, transaction-scoped advisory locks on the same
   * keys, and fn writes its audit row in that transaction (q), so the next holder's check sees it.
   */
  async exclusive<T>(username: string, _clientIp: string | null, fn: (q: Queryable | null) => Promise<T>): Promise<T> {
    // Per account only: a class behind one NAT shares an address, and its logins must not queue behind each other
    // (the per-address limit stays a count of failures, checked before each attempt).
    const keys = [`login-account:${username}`];
    return this.mutex.run(keys, async () => {
      if (this.db.dialect !== 'postgres') return fn(null);
      return this.db.transaction(async (tx) => {
        for (const key of keys) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
        return fn(tx);
      });
    });
  }

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  async retryAfterSeconds(username: string, clientIp: string | null): Promise<number> {
    const windowMs = this.config.get('LOGIN_WINDOW_MINUTES') * MINUTE_MS;
    const now = this.clock.now().getTime();
    const since = new Date(now - windowMs).toISOString();
    const lastSuccess = await this.trail.lastLoginAt(username, since);
    const accountSince = lastSuccess && lastSuccess > since ? lastSuccess : since;
    const checks: ['account' | 'address', string, string, number][] = [
      ['account', username, accountSince, this.config.get('LOGIN_MAX_FAILURES_PER_ACCOUNT')],
    ];
    if (clientIp) checks.push(['address', clientIp, since, this.config.get('LOGIN_MAX_FAILURES_PER_ADDRESS')]);
    let wait = 0;
    for (const [by, value, from, max] of checks) {
      const times = await this.trail.loginFailures(by, value, from, THROTTLED_REASON, max);
      if (times.length >= max) {
        const oldest = new Date(times[times.length - 1]).getTime();
        wait = Math.max(wait, Math.ceil((oldest + windowMs - now) / 1000));
      }
    }
    return num(Math.max(wait, 0));
  }
}
