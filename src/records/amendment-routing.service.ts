import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { RolePermissionsRepository } from '../access/role-permissions.repository';
import { AuditWriter } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import { isOpen } from './amendment-rules';
import { responsibleClinicians } from './amendment-routing';
import { amendmentEvent, AmendmentRow, findAmendment, toAmendmentDto } from './amendments.repository';
import { ITEM_COLUMNS, ITEM_TABLE, ItemRow } from './clinical-items';
import type { RouteAmendmentDto } from './dto/amendment.dto';

export interface EligibleDecider {
  userId: number;
  basis: string;
  username: string;
  displayName: string;
}

/**
 * HIM's routing of an amendment request to the clinician who decides it: the author of the item or one responsible
 * for it (amendment-routing.ts responsibleClinicians), among accounts whose role may decide (amendment:respond) and
 * who are not the patient. The request may be routed again while it is open (the author is away, has left).
 */
@Injectable()
export class AmendmentRoutingService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly users: UsersRepository,
    private readonly roles: RolePermissionsRepository,
  ) {}

  async eligible(q: Queryable, a: AmendmentRow): Promise<EligibleDecider[]> {
    const item = await q.one<ItemRow>(`SELECT ${ITEM_COLUMNS[a.item_type]} FROM ${ITEM_TABLE[a.item_type]} WHERE id = $1`, [a.item_id]);
    if (!item) return [];
    const encounter = await q.one<{ attending_user_id: number | null }>('SELECT attending_user_id FROM encounters WHERE id = $1', [item.encounter_id]);
    const team = await q.query<{ user_id: number; team_role: string }>('SELECT user_id, team_role FROM care_team_members WHERE patient_id = $1 ORDER BY user_id', [a.patient_id]);
    const patient = await q.one<{ user_id: number | null }>('SELECT user_id FROM patients WHERE id = $1', [a.patient_id]);
    const id = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const candidates = responsibleClinicians({
      authorUserId: a.item_type === 'notes' ? id(item.author_user_id) : null,
      createdBy: id(item.created_by),
      attendingUserId: id(encounter?.attending_user_id),
      careTeam: team.map((m) => ({ userId: Number(m.user_id), teamRole: m.team_role })),
    }).filter((c) => c.userId !== id(patient?.user_id));
    const names = await this.users.names(candidates.map((c) => c.userId), q);
    const out: EligibleDecider[] = [];
    for (const c of candidates) {
      const user = names.get(c.userId);
      const account = user ? await this.users.roleOf(q, c.userId) : undefined;
      if (!user || !account || account.disabled) continue;
      if (!(await this.roles.permissionsOf(account.role, q)).includes('amendment:respond')) continue;
      out.push({ userId: c.userId, basis: c.basis, username: user.username, displayName: user.displayName });
    }
    return out;
  }

  async route(ctx: RequestContext, id: number, dto: RouteAmendmentDto) {
    const existing = await findAmendment(this.db, id);
    const grant = await this.policy.require(ctx, 'amendment:decide', Number(existing.patient_id), { resourceType: 'amendment', resourceId: id });
    return this.db.transaction(async (tx) => {
      const before = await findAmendment(tx, id);
      if (Number(before.version) !== dto.version) throw new Conflict(`amendment ${id} was changed by someone else (version ${before.version}, you sent ${dto.version})`);
      if (!isOpen(before.status)) throw new Conflict(`the amendment request is already ${before.status}; it is no longer routed`, { status: before.status });
      const eligible = await this.eligible(tx, before);
      const chosen = eligible.find((e) => e.userId === dto.deciderUserId);
      if (!chosen) {
        const ids = eligible.map((e) => `${e.userId} (${e.username}, ${e.basis})`).join(', ') || 'none: add an attending to the care team';
        throw InvalidInput.field('deciderUserId', `must be the author of the item or a clinician responsible for it: ${ids}`);
      }
      const now = this.clock.nowIso();
      await tx.execute(
        'UPDATE amendments SET decider_user_id = $1, decider_basis = $2, routed_at = $3, routed_by = $4, version = version + 1 WHERE id = $5 AND version = $6',
        [chosen.userId, chosen.basis, now, ctx.user.id, id, dto.version],
      );
      const after = await findAmendment(tx, id);
      await this.audit.appendWithin(tx, [
        amendmentEvent(ctx, grant, after, 'route', before, after, {
          deciderUserId: chosen.userId, basis: chosen.basis, previousDecider: before.decider_user_id === null ? undefined : Number(before.decider_user_id),
        }),
      ]);
      return toAmendmentDto(after, now);
    });
  }
}
