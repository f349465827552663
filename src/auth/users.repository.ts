import { Injectable } from '@nestjs/common';
import type { Permission, RoleName } from '../access/catalogue';
import type { AuthUser } from '../common/request-context';
import { bool, Db } from '../database/db';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: RoleName;
  password_hash: string;
  disabled: boolean;
  department: string | null;
  version: number;
  patient_id: number | null;
  created_at: string;
  updated_at: string;
}

/**
 * The users table, read by login, by the guard on every request, and by other modules (the anomaly rules'
 * directory) through UsersDataModule, which needs only the database.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Db) {}

  private readonly select = `SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, u.department,
      u.version, u.created_at, u.updated_at, p.id AS patient_id
    FROM users u LEFT JOIN patients p ON p.user_id = u.id`;

  async byUsername(username: string): Promise<UserRow | undefined> {
    return normalize(await this.db.one<UserRow>(`${this.select} WHERE u.username = $1`, [username]));
  }

  async byId(id: number): Promise<UserRow | undefined> {
    return normalize(await this.db.one<UserRow>(`${this.select} WHERE u.id = $1`, [id]));
  }

  async permissionsOf(role: string): Promise<Permission[]> {
    const rows = await this.db.query<{ permission: Permission }>(
      'SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission',
      [role],
    );
    return rows.map((r) => r.permission);
  }

  /** Every user as the anomaly rules' directory needs them (a directory is small: one query, no paging). */
  async directory(): Promise<{ id: number; username: string; displayName: string; familyName: string | null; role: string }[]> {
    const rows = await this.db.query<{ id: number; username: string; display_name: string; family_name: string | null; role: string }>(
      'SELECT id, username, display_name, family_name, role FROM users',
    );
    return rows.map((r) => ({ id: Number(r.id), username: r.username, displayName: r.display_name, familyName: r.family_name, role: r.role }));
  }

  /** The caller as the guard sees it: current role, current permissions, enabled. Undefined if gone or disabled. */
  async loadAuthUser(id: number): Promise<AuthUser | undefined> {
    const row = await this.byId(id);
    if (!row || row.disabled) return undefined;
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      permissions: new Set(await this.permissionsOf(row.role)),
      patientId: row.patient_id === null ? null : Number(row.patient_id),
    };
  }
}

function normalize(row: UserRow | undefined): UserRow | undefined {
  if (!row) return row;
  return { ...row, id: Number(row.id), disabled: bool(row.disabled), version: Number(row.version) };
}
