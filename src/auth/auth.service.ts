import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import type { AuthUser, RequestContext } from '../common/request-context';
import { LoginDto, LoginResponseDto, MeResponseDto } from './dto/login.dto';
import { LoginThrottle, THROTTLED_REASON } from './login-throttle';
import { dummyHash, verifyPassword } from './password';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';

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
  ) {}

  async login(dto: LoginDto, ctx: AnonymousContext): Promise<LoginResponseDto> {
    const base = { ...fromContext(ctx), resourceType: 'session' };
    const wait = await this.throttle.retryAfterSeconds(dto.username, ctx.clientIp);
    if (wait > 0) {
      await this.audit.append({
        ...base, action: 'login-failed', outcome: 'denied', reason: THROTTLED_REASON,
        actor: { id: null, username: dto.username, role: null },
      });
      throw new HttpException(
        { statusCode: 429, error: 'Too Many Requests', message: `Too many failed logins; try again in ${wait} seconds`, retryAfter: wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const user = await this.users.byUsername(dto.username);
    // Always pay for one scrypt, so unknown users and wrong passwords take the same time.
    const passwordOk = await verifyPassword(dto.password, user?.password_hash ?? (await dummyHash()));
    const failure = !user ? 'unknown user' : user.disabled ? 'account disabled' : !passwordOk ? 'wrong password' : null;
    if (failure || !user) {
      await this.audit.append({
        ...base, action: 'login-failed', outcome: 'denied', reason: failure,
        actor: { id: user?.id ?? null, username: dto.username, role: user?.role ?? null },
      });
      throw new UnauthorizedException(LOGIN_FAILED_MESSAGE);
    }
    await this.audit.append({
      ...base, action: 'login', outcome: 'success', actor: { id: user.id, username: user.username, role: user.role },
    });
    return {
      accessToken: this.tokens.sign(user),
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role },
    };
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
