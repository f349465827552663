import { Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import type { Permission } from '../access/catalogue';
import { Caller, itemVisibility } from '../access/item-visibility';
import { recordViewFor } from '../access/record-views';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable } from '../database/db';
import { ClinicalReads } from './clinical.repository';
import type { EncounterRow } from './encounter-row';
import { encounterSubject } from './visible-record';

export interface EncounterAccess {
  enc: EncounterRow;
  patientId: number;
  grant: Granted;
  caller: Caller;
}

/**
 * One encounter's documentation for the coding, query and deficiency services (docs/architecture.md, section 3): the
 * caller's view gate through the access policy, then the item-visibility rule on the encounter; every refusal is
 * audited by the policy. Writes add the write permission's own policy check. The audit rows are written here too.
 */
@Injectable()
export class ChartAccess {
  constructor(private readonly db: Db, private readonly policy: AccessPolicyService, private readonly audit: AuditWriter) {}

  async encounter(q: Queryable, id: number): Promise<EncounterRow> {
    const row = await ClinicalReads.encounter(q, id);
    if (!row) throw new NotFound(`Encounter ${id}`);
    return row;
  }

  /** Read access to an encounter: the view's gate for this patient, then the encounter must be visible to the caller. */
  async readable(ctx: RequestContext, encounterId: number, resourceType: string): Promise<EncounterAccess> {
    const enc = await this.encounter(this.db, encounterId);
    const patientId = Number(enc.patient_id);
    const target = { resourceType, resourceId: `encounter/${encounterId}` };
    const view = recordViewFor(ctx.user.role, ctx.user.permissions);
    const grant = await this.policy.require(ctx, view.gate, patientId, target);
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const reasons = await ClinicalReads.reasonCategories(this.db, { encounterId });
    const v = itemVisibility(caller, encounterSubject(enc, reasons));
    if (!view.sections.encounters || v.outcome === 'withheld') {
      await this.policy.refuse(ctx, v.outcome === 'withheld' ? v.reason : `the ${view.name} view does not include encounters`, { ...target, patientId });
    }
    return { enc, patientId, grant, caller };
  }

  /** Write access: what `readable` asks, then the write permission for this patient. */
  async writable(ctx: RequestContext, encounterId: number, permission: Permission, resourceType: string): Promise<EncounterAccess> {
    const read = await this.readable(ctx, encounterId, resourceType);
    const grant = await this.policy.require(ctx, permission, read.patientId, { resourceType, resourceId: `encounter/${encounterId}` });
    return { ...read, grant };
  }

  /** Whether the caller's view shows items of each of these restricted categories (the item-visibility rule). */
  categoriesVisible(caller: Caller, categories: readonly string[], date: string): { visible: boolean; reason?: string } {
    for (const category of categories) {
      const v = itemVisibility(caller, { type: 'diagnoses', facts: { sensitivity: 'restricted', category, date } });
      if (v.outcome === 'withheld') return { visible: false, reason: v.reason };
    }
    return { visible: true };
  }

  refuse(ctx: RequestContext, reason: string, target: { resourceType: string; resourceId?: string | number | null; patientId?: number | null }): Promise<never> {
    return this.policy.refuse(ctx, reason, target);
  }

  auditRead(ctx: RequestContext, grant: Granted, patientId: number, resourceType: string, resourceId: string | number | null, details?: Record<string, unknown>) {
    return this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType, resourceId, patientId, breakGlass: grant.breakGlass,
      purposeOfUse: ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null), details,
    });
  }

  /**
   * A work list that shows several patients' rows (queries, deficiencies): each patient's access log gets its own row
   * naming the items shown; an empty list leaves one row saying so.
   */
  async auditList(ctx: RequestContext, resourceType: string, rows: readonly { patientId: number; id: number }[], details: Record<string, unknown>): Promise<void> {
    const byPatient = new Map<number, number[]>();
    for (const r of rows) byPatient.set(r.patientId, [...(byPatient.get(r.patientId) ?? []), r.id]);
    const base = { ...fromContext(ctx), action: 'read' as const, outcome: 'success' as const, resourceType, purposeOfUse: ctx.purposeOfUse ?? null };
    const events = byPatient.size
      ? [...byPatient].map(([patientId, ids]) => ({ ...base, patientId, resourceId: ids.length === 1 ? ids[0] : null, details: { ...details, ids } }))
      : [{ ...base, details: { ...details, results: 0 } }];
    await Promise.all(events.map((e) => this.audit.append(e)));
  }

  auditWrite(tx: Queryable, ctx: RequestContext, grant: Granted, patientId: number, action: 'create' | 'update', resourceType: string, resourceId: number, details: Record<string, unknown>) {
    return this.audit.appendWithin(tx, [{
      ...fromContext(ctx), action, outcome: 'success', resourceType, resourceId, patientId, breakGlass: grant.breakGlass,
      purposeOfUse: ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null), details,
    }]);
  }
}
