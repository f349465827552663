import { Injectable } from '@nestjs/common';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import { Page, pageOf, PageQueryDto } from '../common/pagination';
import type { RequestContext } from '../common/request-context';
import { bool, Db, num } from '../database/db';
import { CreateUserDto, UpdateUserDto, UserDto } from './dto/users.dto';
import { hashPassword } from './password';

interface Row {
  id: number;
  username: string;
  display_name: string;
  role: string;
  disabled: unknown;
  department: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, username, display_name, role, disabled, department, version, created_at, updated_at';

/** Account management (user:manage). A change of role or status applies on the holder's next request. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
  ) {}

  async list(q: PageQueryDto): Promise<Page<UserDto>> {
    const { page, pageSize, offset } = pageOf(q);
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2`, [pageSize, offset]);
    const total = num((await this.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n);
    return { items: rows.map(toDto), page, pageSize, total };
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserDto> {
    const hash = await hashPassword(dto.password);
    return this.db.transaction(async (tx) => {
      if (await tx.one('SELECT id FROM users WHERE username = $1', [dto.username])) {
        throw new Conflict(`Username ${dto.username} is taken`);
      }
      const now = this.clock.nowIso();
      const row = (await tx.one<Row>(
        `INSERT INTO users (username, display_name, role, password_hash, disabled, department, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, FALSE, $5, 1, $6, $6) RETURNING ${COLUMNS}`,
        [dto.username, dto.displayName, dto.role, hash, dto.department ?? null, now],
      ))!;
      await this.audit.appendWithin(tx, [
        { ...fromContext(ctx), action: 'user-change', outcome: 'success', resourceType: 'user', resourceId: row.id, details: { created: { username: dto.username, role: dto.role } } },
      ]);
      return toDto(row);
    });
  }

  async update(ctx: RequestContext, id: number, dto: UpdateUserDto): Promise<UserDto> {
    if (id === ctx.user.id && dto.role !== undefined && dto.role !== ctx.user.role) {
      throw InvalidInput.field('role', 'cannot be changed on your own account');
    }
    if (id === ctx.user.id && dto.disabled) throw InvalidInput.field('disabled', 'cannot disable your own account');
    const hash = dto.password ? await hashPassword(dto.password) : null;
    return this.db.transaction(async (tx) => {
      const before = await tx.one<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
      if (!before) throw new NotFound(`User ${id}`);
      if (Number(before.version) !== dto.version) throw new Conflict(`User ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      const now = this.clock.nowIso();
      const changed = await tx.execute(
        `UPDATE users SET display_name = $1, role = $2, disabled = $3, password_hash = COALESCE($4, password_hash),
           version = version + 1, updated_at = $5, token_version = token_version + $8 WHERE id = $6 AND version = $7`,
        [dto.displayName ?? before.display_name, dto.role ?? before.role, dto.disabled ?? bool(before.disabled), hash, now, id, dto.version,
          // A password change or reset, a disable or a role change revokes every token issued before it.
          hash !== null || (dto.disabled ?? bool(before.disabled)) !== bool(before.disabled) || (dto.role ?? before.role) !== before.role ? 1 : 0],
      );
      if (changed !== 1) throw new Conflict(`User ${id} was changed by someone else`);
      const after = (await tx.one<Row>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]))!;
      await this.audit.appendWithin(tx, [
        {
          ...fromContext(ctx), action: 'user-change', outcome: 'success', resourceType: 'user', resourceId: id,
          details: {
            before: { displayName: before.display_name, role: before.role, disabled: bool(before.disabled) },
            after: { displayName: after.display_name, role: after.role, disabled: bool(after.disabled) },
            passwordReset: !!hash,
          },
        },
      ]);
      return toDto(after);
    });
  }
}

function toDto(r: Row): UserDto {
  return {
    id: Number(r.id), username: r.username, displayName: r.display_name, role: r.role, disabled: bool(r.disabled),
    department: r.department, version: Number(r.version), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
