import type { AuthUser } from '../common/request-context';

/**
 * Who gets de-identified output. A quality analyst works on de-identified aggregates only (docs/architecture.md, section 4):
 * for that role the reports always suppress small cells, whatever the request says. Anyone else gets them on
 * request (deidentified=true), e.g. an instructor preparing a slide for a class.
 */
export const ALWAYS_DEIDENTIFIED_ROLES: readonly string[] = ['quality_analyst'];

export function mustDeidentify(user: Pick<AuthUser, 'role'>): boolean {
  return ALWAYS_DEIDENTIFIED_ROLES.includes(user.role);
}

export function deidentifiedFor(user: Pick<AuthUser, 'role'>, requested: boolean | undefined): boolean {
  return mustDeidentify(user) || requested === true;
}
