import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import type { Permission } from '../access/catalogue';
import { Clock } from '../common/clock';
import { Conflict, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db } from '../database/db';
import { ChartAccess } from './chart-access';
import { ClinicalReads } from './clinical.repository';
import { itemFacts, toItemDto } from './clinical-items';
import type { SignNoteDto } from './dto/clinical.dto';

/**
 * Authentication of a note by its author (42 CFR 482.24(c)(1): every entry authenticated by the person responsible
 * for it). A note may be saved unsigned and signed later; until then it is a chart deficiency once the encounter is
 * discharged (deficiencies/deficiency-rules.ts). Only the author signs, once; the signature is never removed.
 */
@Injectable()
export class NoteSigningService {
  constructor(private readonly db: Db, private readonly clock: Clock, private readonly policy: AccessPolicyService, private readonly chart: ChartAccess) {}

  async sign(ctx: RequestContext, noteId: number, dto: SignNoteDto) {
    const note = await ClinicalReads.item(this.db, 'notes', noteId);
    if (!note) throw new NotFound(`Note ${noteId}`);
    const patientId = Number(note.patient_id);
    const permission: Permission = ctx.user.permissions.has('clinical:write') ? 'clinical:write' : 'observation:write';
    const target = { resourceType: 'notes', resourceId: noteId };
    const grant = await this.policy.require(ctx, permission, patientId, target, itemFacts('notes', note));
    if (note.author_user_id === null || Number(note.author_user_id) !== ctx.user.id) {
      await this.policy.refuse(ctx, `only the author of note ${noteId} may sign it (42 CFR 482.24(c)(1))`, { ...target, patientId });
    }
    return this.db.transaction(async (tx) => {
      const current = (await ClinicalReads.item(tx, 'notes', noteId))!;
      if (current.status !== 'active') throw new Conflict(`Note ${noteId} is ${current.status}, not active`);
      if (current.signed_at !== null) throw new Conflict(`Note ${noteId} is already signed (${String(current.signed_at)})`);
      if (Number(current.version) !== dto.version) throw new Conflict(`Note ${noteId} is at version ${current.version}, you sent ${dto.version}`);
      const now = this.clock.nowIso();
      const changed = await tx.execute(
        'UPDATE clinical_notes SET signed_at = $1, signed_by = $2, version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3 AND version = $4',
        [now, ctx.user.id, noteId, dto.version],
      );
      if (changed !== 1) throw new Conflict(`Note ${noteId} was changed by someone else`);
      await this.chart.auditWrite(tx, ctx, grant, patientId, 'update', 'notes', noteId, { before: { signedAt: null }, after: { signedAt: now }, signed: true });
      return toItemDto('notes', (await ClinicalReads.item(tx, 'notes', noteId))!);
    });
  }
}
