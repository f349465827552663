import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission, RoleName } from '../access/catalogue';

/** The authenticated caller, loaded from the database on every request (role and status are never taken from the token). */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: RoleName;
  permissions: ReadonlySet<Permission>;
  /** The patient record this user is (patient role, or a workforce member who is also a patient). */
  patientId: number | null;
}

/** Who is asking, and the request facts the audit trail records. Services take this, never the raw request. */
export interface RequestContext {
  user: AuthUser;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  purposeOfUse: string | null;
}

/** The access token the request came with (its jti and expiry), for POST /auth/logout. */
export type AppRequest = Request & { id?: string; user?: AuthUser; token?: { jti: string; exp: number } };

export function contextOf(req: AppRequest): Omit<RequestContext, 'user'> & { user?: AuthUser } {
  const purpose = req.header('x-purpose-of-use');
  return {
    user: req.user,
    requestId: String(req.id ?? ''),
    clientIp: req.ip ?? req.socket?.remoteAddress ?? null,
    userAgent: req.header('user-agent')?.slice(0, 300) ?? null,
    purposeOfUse: purpose ? purpose.slice(0, 40) : null,
  };
}

/** `@Ctx() ctx: RequestContext` in a controller method of an authenticated route. */
export const Ctx = createParamDecorator((_data: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<AppRequest>();
  const ctx = contextOf(req);
  if (!ctx.user) throw new Error('Ctx used on a route without an authenticated user');
  return ctx as RequestContext;
});
