import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock, MINUTE_MS } from '../common/clock';
import { Db, num } from '../database/db';

export const THROTTLED_REASON = 'throttled';

/**
 * Login throttling counted from the audit trail itself (login-failed rows), so it holds across restarts and
 * across several instances on one PostgreSQL. Refused attempts while locked are not counted again, so a
 * lock ends when the window passes. A successful login clears the account's count.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  async retryAfterSeconds(username: string, clientIp: string | null): Promise<number> {
    const windowMs = this.config.get('LOGIN_WINDOW_MINUTES') * MINUTE_MS;
    const now = this.clock.now().getTime();
    const since = new Date(now - windowMs).toISOString();
    const lastSuccess = await this.db.one<{ at: string | null }>(
      `SELECT MAX(occurred_at) AS at FROM audit_events WHERE actor_username = $1 AND action = 'login' AND occurred_at > $2`,
      [username, since],
    );
    const accountSince = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
    const checks: [string, string, string, number][] = [
      ['actor_username', username, accountSince, this.config.get('LOGIN_MAX_FAILURES_PER_ACCOUNT')],
    ];
    if (clientIp) checks.push(['client_ip', clientIp, since, this.config.get('LOGIN_MAX_FAILURES_PER_ADDRESS')]);
    let wait = 0;
    for (const [column, value, from, max] of checks) {
      const rows = await this.db.query<{ occurred_at: string }>(
        `SELECT occurred_at FROM audit_events
          WHERE ${column} = $1 AND action = 'login-failed' AND occurred_at > $2 AND (reason IS NULL OR reason <> $3)
          ORDER BY occurred_at DESC LIMIT $4`,
        [value, from, THROTTLED_REASON, max],
      );
      if (rows.length >= max) {
        const oldest = new Date(rows[rows.length - 1].occurred_at).getTime();
        wait = Math.max(wait, Math.ceil((oldest + windowMs - now) / 1000));
      }
    }
    return num(Math.max(wait, 0));
  }
}
