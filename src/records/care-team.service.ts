import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db } from '../database/db';

interface MemberRow {
  user_id: number;
  team_role: string;
  added_at: string;
}

/** Roles that can be on a care team: the care team is what opens a chart to a clinician. */
const CLINICAL_ROLES = ['physician', 'nurse'];

@Injectable()
export class CareTeamService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
    private readonly users: UsersRepository,
  ) {}

  async list(ctx: RequestContext, patientId: number) {
    const permission = ctx.user.permissions.has('careteam:manage') ? 'careteam:manage' : 'clinical:read';
    const grant = await this.policy.require(ctx, permission, patientId, { resourceType: 'care-team', resourceId: patientId });
    const rows = await this.db.query<MemberRow>('SELECT user_id, team_role, added_at FROM care_team_members WHERE patient_id = $1', [patientId]);
    // Members named by the users' owner, in its username order (a member without a user row is left out, as a join would).
    const byUser = new Map(rows.map((r) => [Number(r.user_id), r]));
    const members = (await this.users.namesByUsername([...byUser.keys()])).map((u) => ({ u, m: byUser.get(u.id)! }));
    await this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType: 'care-team', resourceId: patientId, patientId,
      breakGlass: grant.breakGlass, details: { results: members.length },
    });
    return members.map(({ u, m }) => ({ userId: u.id, username: u.username, displayName: u.displayName, role: u.role, teamRole: m.team_role, addedAt: m.added_at }));
  }

  async add(ctx: RequestContext, patientId: number, userId: number, teamRole = 'member') {
    await this.policy.require(ctx, 'careteam:manage', patientId, { resourceType: 'care-team', resourceId: patientId });
    return this.db.transaction(async (tx) => {
      const user = await this.users.roleOf(tx, userId);
      if (!user) throw InvalidInput.field('userId', 'names no user');
      if (!CLINICAL_ROLES.includes(user.role)) throw InvalidInput.field('userId', `must be a ${CLINICAL_ROLES.join(' or ')} (is ${user.role})`);
      if (await tx.one('SELECT 1 AS x FROM care_team_members WHERE patient_id = $1 AND user_id = $2', [patientId, userId])) {
        throw new Conflict(`User ${userId} is already on the care team of patient ${patientId}`);
      }
      const at = this.clock.nowIso();
      await tx.execute('INSERT INTO care_team_members (patient_id, user_id, team_role, added_at, added_by) VALUES ($1, $2, $3, $4, $5)', [patientId, userId, teamRole, at, ctx.user.id]);
      await this.audit.appendWithin(tx, [
        { ...fromContext(ctx), action: 'create', outcome: 'success', resourceType: 'care-team', resourceId: `${patientId}/${userId}`, patientId, details: { userId, teamRole } },
      ]);
      return { patientId, userId, teamRole, addedAt: at };
    });
  }

  async remove(ctx: RequestContext, patientId: number, userId: number) {
    await this.policy.require(ctx, 'careteam:manage', patientId, { resourceType: 'care-team', resourceId: patientId });
    return this.db.transaction(async (tx) => {
      const before = await tx.one<{ team_role: string; added_at: string; added_by: number | null }>(
        'SELECT team_role, added_at, added_by FROM care_team_members WHERE patient_id = $1 AND user_id = $2',
        [patientId, userId],
      );
      if (!before) throw new NotFound(`Care-team member ${userId} of patient ${patientId}`);
      await tx.execute('DELETE FROM care_team_members WHERE patient_id = $1 AND user_id = $2', [patientId, userId]);
      // The membership's history is kept in the trail (who added whom, when, and who removed them).
      await this.audit.appendWithin(tx, [
        { ...fromContext(ctx), action: 'delete', outcome: 'success', resourceType: 'care-team', resourceId: `${patientId}/${userId}`, patientId, details: { userId, before } },
      ]);
      return { removed: true };
    });
  }
}
