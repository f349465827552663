import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Permission } from '../access/catalogue';

export const PERMISSION_KEY = 'hit:permission';
export const PUBLIC_KEY = 'hit:public';
export const AUTHENTICATED_KEY = 'hit:authenticated';

/**
 * The permission a route requires. One decorator carries both the guard metadata and the API docs, so /docs
 * shows exactly what the guard enforces. Record-level rules (care team, sensitivity...) are then the
 * access policy's job, inside the service.
 */
export function Authorize(permission: Permission) {
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, permission),
    ApiBearerAuth(),
    ApiExtension('x-permission', permission),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `Requires the permission \`${permission}\` (the refusal is audited)` }),
  );
}

/**
 * Routes whose answer is shaped per role (the record, encounters): the guard lets in a role holding any of
 * these permissions, and the access policy then decides, per patient and per item, what it sees.
 */
export function AuthorizeAny(...permissions: Permission[]) {
  return applyDecorators(
    SetMetadata(PERMISSION_KEY, permissions),
    ApiBearerAuth(),
    ApiExtension('x-permission', `any of ${permissions.join(', ')}`),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
    ApiForbiddenResponse({ description: `Requires one of ${permissions.map((p) => `\`${p}\``).join(', ')}, then the access policy (refusals are audited)` }),
  );
}

/** Any logged-in user, whatever the role (e.g. /auth/me, /access/explain). */
export function Authenticated() {
  return applyDecorators(
    SetMetadata(AUTHENTICATED_KEY, true),
    ApiBearerAuth(),
    ApiExtension('x-permission', 'authenticated'),
    ApiUnauthorizedResponse({ description: 'No valid bearer token' }),
  );
}

/** No token needed (login, health). */
export function Public() {
  return applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension('x-permission', 'public'));
}
