import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import type { AuditEventInput } from '../audit/audit.types';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import type { AuthUser, RequestContext } from '../common/request-context';
import { LoginDto, LoginResponseDto, LogoutDto, MeResponseDto, RefreshDto } from './dto/login.dto';
import { SessionsRepository } from './sessions.repository';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Db, Queryable } from '../database/db';
import { LoginThrottle, THROTTLED_REASON } from './login-throttle';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { TokenService } from './token.service';
import { UserRow, UsersRepository } from './users.repository';

/** One message for every failed login: it must not tell an unknown user from a wrong password. */
export const LOGIN_FAILED_MESSAGE = 'Invalid username or password';

type AnonymousContext = Omit<RequestContext, 'user'>;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditWriter,
    private readonly sessions: SessionsRepository,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async login(dto: LoginDto, ctx: AnonymousContext): Promise<LoginResponseDto> {
    // One attempt at a time per account and address (LoginThrottle.exclusive): the answer is decided inside, the
    // error thrown outside, so the failure row commits with the lock held.
    const outcome = await this.throttle.exclusive(dto.username, ctx.clientIp, (q) => this.attempt(dto, ctx, q));
    if (outcome.kind === 'throttled') {
      throw new HttpException(
        { statusCode: 429, error: 'Too Many Requests', message: `Too many failed logins; try again in ${outcome.wait} seconds`, retryAfter: outcome.wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    if (outcome.kind === 'failed') throw new UnauthorizedException(LOGIN_FAILED_MESSAGE);
    const user = outcome.user;
    return this.session(user, await this.sessions.issueRefresh(this.db, user.id, Number(user.token_version), ...this.refreshWindow()));
  }

  /** The check, the password and the audit row of one attempt (q: the lock's transaction on PostgreSQL). */
  private async attempt(dto: LoginDto, ctx: AnonymousContext, q: Queryable | null) {
    const base = { ...fromContext(ctx), resourceType: 'session' };
    const write = (e: AuditEventInput) => (q ? this.audit.appendWithin(q, [e]) : this.audit.append(e));
    const wait = await this.throttle.retryAfterSeconds(dto.username, ctx.clientIp);
    if (wait > 0) {
      await write({ ...base, action: 'login-failed', outcome: 'denied', reason: THROTTLED_REASON, actor: { id: null, username: dto.username, role: null } });
      return { kind: 'throttled', wait } as const;
    }
    const user = await this.users.byUsername(dto.username);
    // Always pay for one scrypt, so unknown users and wrong passwords take the same time.
    const passwordOk = await verifyPassword(dto.password, user?.password_hash ?? (await dummyHash()));
    const failure = !user ? 'unknown user' : user.disabled ? 'account disabled' : !passwordOk ? 'wrong password' : null;
    if (failure || !user) {
      await write({ ...base, action: 'login-failed', outcome: 'denied', reason: failure, actor: { id: user?.id ?? null, username: dto.username, role: user?.role ?? null } });
      return { kind: 'failed' } as const;
    }
    await write({ ...base, action: 'login', outcome: 'success', actor: { id: user.id, username: user.username, role: user.role } });
    if (needsRehash(user.password_hash)) {
      // Same password, today's parameters; version and token version unchanged (nothing about the account changed),
      // and only if no one changed the password meanwhile.
      await this.users.replacePasswordHash(q ?? this.db, user.id, user.password_hash, await hashPassword(dto.password));
    }
    return { kind: 'ok', user } as const;
  }

  /**
   * A refresh token for a new access token and a new refresh token (rotation: each is good once). A used one
   * presented again means it was copied: its whole family is revoked (RFC 9700 section 4.14.2). A refresh token
   * issued before a password change, a disable or a role change is refused like the access tokens of then.
   */
  async refresh(dto: RefreshDto, ctx: AnonymousContext): Promise<LoginResponseDto> {
    const base = { ...fromContext(ctx), resourceType: 'session' };
    const [now] = this.refreshWindow();
    const outcome = await this.db.transaction(async (tx) => {
      const row = await this.sessions.findRefresh(tx, dto.refreshToken);
      if (!row || row.revoked_at !== null || row.expires_at <= now) return { refused: 'refresh token unknown, expired or revoked' } as const;
      if (!(await this.sessions.markUsed(tx, Number(row.id), now))) {
        await this.sessions.revokeFamily(tx, row.family, now);
        return { refused: 'refresh token used twice: its family is revoked', userId: Number(row.user_id), reused: true } as const;
      }
      const user = await this.users.byId(Number(row.user_id));
      if (!user || user.disabled || Number(user.token_version) !== Number(row.token_version)) return { refused: 'refresh token issued before a password, status or role change' } as const;
      const secret = await this.sessions.issueRefresh(tx, user.id, Number(user.token_version), ...this.refreshWindow(), row.family);
      return { user, secret } as const;
    });
    if ('refused' in outcome) {
      await this.audit.append({ ...base, action: 'login-failed', outcome: 'denied', reason: outcome.refused, actor: { id: 'userId' in outcome ? outcome.userId ?? null : null, username: null, role: null } });
      throw new UnauthorizedException('Invalid or expired refresh token');
    }
    const { user, secret } = outcome;
    await this.audit.append({ ...base, action: 'login', outcome: 'success', actor: { id: user.id, username: user.username, role: user.role }, details: { via: 'refresh' } });
    return this.session(user, secret);
  }

  /** This session ends: its access token (and, when given, its refresh token's family) is revoked. */
  async logout(ctx: RequestContext, token: { jti: string; exp: number }, dto: LogoutDto): Promise<{ loggedOut: true }> {
    const [now] = this.refreshWindow();
    await this.sessions.revokeAccessToken(token.jti, ctx.user.id, new Date(token.exp * 1000).toISOString(), now);
    if (dto.refreshToken) {
      const row = await this.sessions.findRefresh(this.db, dto.refreshToken);
      if (row && Number(row.user_id) === ctx.user.id) await this.sessions.revokeFamily(this.db, row.family, now);
    }
    await this.audit.append({ ...fromContext(ctx), action: 'logout', outcome: 'success', resourceType: 'session', details: { refreshRevoked: !!dto.refreshToken } });
    return { loggedOut: true };
  }

  private session(user: { id: number; username: string; display_name: string; role: UserRow['role']; token_version: number }, refreshToken: string): LoginResponseDto {
    return {
      accessToken: this.tokens.sign(user),
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      refreshToken,
      refreshExpiresIn: this.config.get('REFRESH_TTL'),
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role },
    };
  }

  /** [now, when a refresh token issued now expires] by the app's clock. */
  private refreshWindow(): [string, string] {
    const now = this.clock.now().getTime();
    return [new Date(now).toISOString(), new Date(now + this.config.get('REFRESH_TTL') * 1000).toISOString()];
  }

  me(user: AuthUser): MeResponseDto {
    return {
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
      role: user.role,
      permissions: [...user.permissions].sort(),
      patientId: user.patientId,
    };
  }
}
