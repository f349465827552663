import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Permission } from '../access/catalogue';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { AccessDenied, InvalidInput } from '../common/errors';
import { isPurposeOfUse, PURPOSE_CODES } from '../common/purpose-of-use';
import { AppRequest, contextOf } from '../common/request-context';
import { AUTHENTICATED_KEY, PERMISSION_KEY, PUBLIC_KEY } from './decorators';
import { SessionsRepository } from './sessions.repository';
import { TokenClaims, TokenService } from './token.service';
import { UsersRepository } from './users.repository';

/**
 * Global guard: who (the bearer token, then the user as the database has it now: a disabled user or a changed
 * role takes effect on the next request) and may they (the route's declared permission). A route that declares
 * nothing is refused: fail closed. Every refusal by permission is audited with its reason.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersRepository,
    private readonly audit: AuditWriter,
    private readonly sessions: SessionsRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const req = context.switchToHttp().getRequest<AppRequest>();
    req.user = await this.authenticate(req);
    const purpose = req.header('x-purpose-of-use');
    if (purpose !== undefined && !isPurposeOfUse(purpose)) {
      throw InvalidInput.field('X-Purpose-Of-Use', `must be one of ${PURPOSE_CODES.join(', ')}`);
    }

    const declared = this.reflector.getAllAndOverride<Permission | Permission[] | undefined>(PERMISSION_KEY, targets);
    if (!declared) {
      if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets)) return true;
      await this.deny(req, 'route declares no permission', 'This route declares no permission and is refused');
      return false;
    }
    const anyOf = Array.isArray(declared) ? declared : [declared];
    if (!anyOf.some((p) => req.user!.permissions.has(p))) {
      const reason = `role ${req.user.role} lacks permission ${anyOf.join(' or ')}`;
      await this.deny(req, reason, `Forbidden: ${reason}`);
    }
    return true;
  }

  private async authenticate(req: AppRequest) {
    const header = req.header('authorization');
    const match = header ? /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing or malformed Authorization header (expected: Bearer <token>)');
    let claims: TokenClaims;
    try {
      claims = this.tokens.verify(match[1]);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    // Logged out, or issued before a password change, a disable or a role change: refused like an expired one.
    const [revoked, user] = await Promise.all([this.sessions.isRevoked(claims.jti), this.users.loadAuthUser(Number(claims.sub), claims.tv)]);
    if (revoked || !user) throw new UnauthorizedException('Invalid or expired token');
    req.token = { jti: claims.jti, exp: claims.exp };
    return user;
  }

  private async deny(req: AppRequest, reason: string, message: string): Promise<never> {
    await this.audit.append({
      ...fromContext(contextOf(req)),
      action: 'access-denied',
      outcome: 'denied',
      reason,
      resourceType: 'route',
      resourceId: `${req.method} ${req.route?.path ?? req.path}`,
    });
    throw new AccessDenied(message, [reason]);
  }
}
