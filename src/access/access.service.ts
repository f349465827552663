import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { AccessDenied, InvalidInput, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db } from '../database/db';
import { ALL_PERMISSIONS, Permission, roleMatrixProblem } from './catalogue';

export interface RoleView {
  name: string;
  description: string;
  permissions: Permission[];
}

/** The role matrix as it stands in the database (an instructor may have edited it). */
@Injectable()
export class AccessService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
  ) {}

  async roles(): Promise<RoleView[]> {
    const roles = await this.db.query<{ name: string; description: string }>('SELECT name, description FROM roles ORDER BY name');
    const grants = await this.db.query<{ role: string; permission: Permission }>(
      'SELECT role, permission FROM role_permissions ORDER BY role, permission',
    );
    return roles.map((r) => ({ ...r, permissions: grants.filter((g) => g.role === r.name).map((g) => g.permission) }));
  }

  async matrix(): Promise<{ permissions: Permission[]; roles: string[]; matrix: Record<string, Record<string, boolean>> }> {
    const roles = await this.roles();
    const matrix: Record<string, Record<string, boolean>> = {};
    for (const r of roles) {
      matrix[r.name] = Object.fromEntries(ALL_PERMISSIONS.map((p) => [p, r.permissions.includes(p)]));
    }
    return { permissions: ALL_PERMISSIONS, roles: roles.map((r) => r.name), matrix };
  }

  async matrixCsv(): Promise<string> {
    const m = await this.matrix();
    return stringify([
      ['role', ...m.permissions],
      ...m.roles.map((r) => [r, ...m.permissions.map((p) => (m.matrix[r][p] ? 'yes' : ''))]),
    ]);
  }

  /** Replaces a role's permissions; the audit row carries before and after, in the same transaction. */
  async setPermissions(ctx: RequestContext, role: string, permissions: Permission[]): Promise<RoleView> {
    const problem = roleMatrixProblem(ctx.user.role, role, permissions);
    if (problem?.kind === 'invalid') throw InvalidInput.field(problem.field, problem.problem);
    if (problem?.kind === 'forbidden') {
      await this.audit.append({ ...fromContext(ctx), action: 'access-denied', outcome: 'denied', reason: problem.reason, resourceType: 'role', resourceId: role });
      throw new AccessDenied(`Forbidden: ${problem.reason}`, [problem.reason]);
    }
    return this.db.transaction(async (tx) => {
      const exists = await tx.one('SELECT name FROM roles WHERE name = $1', [role]);
      if (!exists) throw new NotFound(`Role ${role}`);
      const before = (await tx.query<{ permission: Permission }>('SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission', [role])).map((r) => r.permission);
      const after = [...new Set(permissions)].sort();
      await tx.execute('DELETE FROM role_permissions WHERE role = $1', [role]);
      for (const p of after) await tx.execute('INSERT INTO role_permissions (role, permission) VALUES ($1, $2)', [role, p]);
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx),
          action: 'permission-change',
          outcome: 'success',
          resourceType: 'role',
          resourceId: role,
          details: {
            before,
            after,
            added: after.filter((p) => !before.includes(p)),
            removed: before.filter((p) => !after.includes(p)),
          },
        },
      ]);
      const description = (await tx.one<{ description: string }>('SELECT description FROM roles WHERE name = $1', [role]))!.description;
      return { name: role, description, permissions: after };
    });
  }
}
