import { Injectable } from '@nestjs/common';
import { Db, Queryable } from '../database/db';
import type { Permission } from './catalogue';

/**
 * Reads of the role matrix (role_permissions) for other modules: the guard asks it for the caller's permissions on
 * every request (auth's UsersRepository.loadAuthUser). Access owns the table; access.service.ts writes it. It needs
 * only the database, so auth imports it (through AccessDataModule) without depending on the access module.
 */
@Injectable()
export class RolePermissionsRepository {
  constructor(private readonly db: Db) {}

  /** The role's permissions, sorted; read with q inside a transaction. */
  async permissionsOf(role: string, q: Queryable = this.db): Promise<Permission[]> {
    const rows = await q.query<{ permission: Permission }>('SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission', [role]);
    return rows.map((r) => r.permission);
  }
}
