import { Injectable } from '@nestjs/common';
import type { Permission, RoleName } from '../access/catalogue';
import { RolePermissionsRepository } from '../access/role-permissions.repository';
import type { AuthUser } from '../common/request-context';
import { bool, Db, Queryable } from '../database/db';
import { PatientsRepository } from '../records/patients.repository';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: RoleName;
  password_hash: string;
  disabled: boolean;
  department: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** Bumped by a password change or reset, a disable and a role change: older tokens stop working. */
  token_version: number;
}

/** How other modules name a user (the actor of an audit row, the holder of a grant, a care-team member). */
export interface UserName {
  id: number;
  username: string;
  displayName: string;
  role: string;
}

const CHUNK = 500;
const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, k) => `$${k + from}`).join(', ');

/**
 * The users table, read by login, by the guard on every request, and by other modules (names of actors, grant
 * holders, care-team members, the anomaly rules' directory) through UsersDataModule, which needs only the
 * database (docs/architecture.md, section 2: auth owns users; users.service.ts writes it).
 */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly db: Db,
    private readonly patients: PatientsRepository,
    private readonly rolePermissions: RolePermissionsRepository,
  ) {}

  private readonly select = `SELECT id, username, display_name, role, password_hash, disabled, department, version, created_at, updated_at,
      token_version FROM users`;

  async byUsername(username: string): Promise<UserRow | undefined> {
    return normalize(await this.db.one<UserRow>(`${this.select} WHERE username = $1`, [username]));
  }

  async byId(id: number): Promise<UserRow | undefined> {
    return normalize(await this.db.one<UserRow>(`${this.select} WHERE id = $1`, [id]));
  }

  /** The user's id, or undefined when no user has this name. */
  async idOf(username: string): Promise<number | undefined> {
    const row = await this.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [username]);
    return row ? Number(row.id) : undefined;
  }

  /** The role's current permissions, asked of access, which owns the role matrix. */
  permissionsOf(role: string): Promise<Permission[]> {
    return this.rolePermissions.permissionsOf(role);
  }

  /**
   * The names of these users, by id (unknown ids are absent): one query per 500 ids, so a caller names a whole
   * page of rows with one call instead of joining users. Read with q inside a transaction.
   */
  async names(ids: readonly number[], q: Queryable = this.db): Promise<Map<number, UserName>> {
    const unique = [...new Set(ids)];
    const out = new Map<number, UserName>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const rows = await q.query<NameRow>(`SELECT id, username, display_name, role FROM users WHERE id IN (${placeholders(chunk.length)})`, chunk);
      for (const r of rows) out.set(Number(r.id), toName(r));
    }
    return out;
  }

  /**
   * The same names as a list in username order, the database's own (what `ORDER BY username` gave the joins this
   * replaces, whatever the collation). One statement: for small sets, such as a care team.
   */
  async namesByUsername(ids: readonly number[]): Promise<UserName[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = await this.db.query<NameRow>(
      `SELECT id, username, display_name, role FROM users WHERE id IN (${placeholders(unique.length)}) ORDER BY username`,
      unique,
    );
    return rows.map(toName);
  }

  /** Display names of every user (a few thousand at most), for exports that name the actor of each row. */
  async displayNames(): Promise<Map<number, string>> {
    const rows = await this.db.query<{ id: number; display_name: string }>('SELECT id, display_name FROM users');
    return new Map(rows.map((r) => [Number(r.id), r.display_name]));
  }

  /** Replaces a password hash with another of the same password, unless the hash changed meanwhile (q: the login's lock). */
  async replacePasswordHash(q: Queryable, id: number, from: string, to: string): Promise<void> {
    await q.execute('UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [to, id, from]);
  }

  /** A user's role and whether the account is disabled, read with q (a write checks it in its own transaction). */
  async roleOf(q: Queryable, id: number): Promise<{ role: string; disabled: boolean } | undefined> {
    const row = await q.one<{ role: string; disabled: unknown }>('SELECT role, disabled FROM users WHERE id = $1', [id]);
    return row ? { role: row.role, disabled: bool(row.disabled) } : undefined;
  }

  /**
   * Serializes decisions per user inside transaction q. PostgreSQL: locks the user's row until q ends (NO KEY
   * UPDATE does not block rows that merely reference the user). SQLite: nothing to do, a write transaction
   * (BEGIN IMMEDIATE) already serializes.
   */
  async lockForUpdate(q: Queryable, id: number): Promise<void> {
    if (q.dialect === 'postgres') await q.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }

  /** Every user as the anomaly rules' directory needs them (a directory is small: one query, no paging). */
  async directory(): Promise<{ id: number; username: string; displayName: string; familyName: string | null; role: string }[]> {
    const rows = await this.db.query<{ id: number; username: string; display_name: string; family_name: string | null; role: string }>(
      'SELECT id, username, display_name, family_name, role FROM users',
    );
    return rows.map((r) => ({ id: Number(r.id), username: r.username, displayName: r.display_name, familyName: r.family_name, role: r.role }));
  }

  /**
   * The caller as the guard sees it: current role, current permissions (asked of access, which owns the role
   * matrix), enabled, and the patient record linked to the account (asked of records, which owns patients).
   * Undefined if gone or disabled.
   */
  async loadAuthUser(id: number, tokenVersion?: number): Promise<AuthUser | undefined> {
    const row = await this.byId(id);
    if (!row || row.disabled) return undefined;
    // A token issued before a password change, a disable or a role change carries an older version: refused.
    if (tokenVersion !== undefined && tokenVersion !== Number(row.token_version)) return undefined;
    const [permissions, patientId] = await Promise.all([this.permissionsOf(row.role), this.patients.linkedTo(row.id)]);
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      permissions: new Set(permissions),
      patientId,
    };
  }
}

interface NameRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
}

function toName(r: NameRow): UserName {
  return { id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role };
}

function normalize(row: UserRow | undefined): UserRow | undefined {
  if (!row) return row;
  return { ...row, id: Number(row.id), disabled: bool(row.disabled), version: Number(row.version) };
}
