import { Injectable } from '@nestjs/common';
import { AccessPolicyService } from '../access/access-policy.service';
import type { ItemFacts, PatientFacts } from '../access/policy';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import type { AuthUser, RequestContext } from '../common/request-context';
import { Db } from '../database/db';
import { ITEM_COLUMNS, ITEM_TABLE, ITEM_TYPES, itemFacts, ItemRow, ItemType, toItemDto } from './clinical-items';
import { ENCOUNTER_COLUMNS, EncounterRow, toEncounterDto } from './encounter-row';
import { PATIENT_COLUMNS, PatientRow, toDemographics } from './patients.service';
import { RecordView, recordViewFor } from './record-views';
import { DATE_COLUMN } from '../release-of-information/roi-scope';

export interface Withheld {
  section: ItemType;
  count: number;
  reason: string;
}

/** Items of one type that a caller may see, and what was left out and why. */
export function filterItems(
  policy: AccessPolicyService,
  user: AuthUser,
  facts: PatientFacts,
  view: RecordView,
  type: ItemType,
  rows: ItemRow[],
): { items: Record<string, unknown>[]; withheld: Withheld[] } {
  const items: Record<string, unknown>[] = [];
  const withheld = new Map<string, number>();
  // An ROI specialist reads inside a request's scope: every item goes to the policy with its type and date.
  const scoped = facts.roiRequest?.scope !== undefined;
  for (const row of rows) {
    const item: ItemFacts = { ...itemFacts(type, row), recordType: type, date: row[DATE_COLUMN[type]] as string };
    let reason: string | null = null;
    if (item.psychotherapy && !view.psychotherapy) reason = 'psychotherapy notes are not part of this view';
    else if (item.sensitivity === 'restricted' && !item.psychotherapy && !view.restricted) reason = 'restricted items are not part of this view';
    else if (scoped || item.psychotherapy || item.sensitivity === 'restricted') {
      // The same question as for the whole record, now about this item: decide() applies the item rules.
      const d = policy.allows(user, view.gate, facts, item);
      if (d.decision === 'deny') reason = d.reasons[d.reasons.length - 1];
    }
    if (reason) withheld.set(reason, (withheld.get(reason) ?? 0) + 1);
    else items.push(toItemDto(type, row, view.sections.notes));
  }
  return { items, withheld: [...withheld].map(([reason, count]) => ({ section: type, count, reason })) };
}

/** An ROI specialist sees only the record types of the covering request (roiScopeProblem in the policy decides items). */
function sectionsInScope(sections: RecordView['sections'], recordTypes: readonly string[]): RecordView['sections'] {
  const inScope = (t: keyof RecordView['sections']) => sections[t] && recordTypes.includes(t);
  return {
    demographics: sections.demographics,
    encounters: inScope('encounters'),
    diagnoses: inScope('diagnoses'),
    procedures: inScope('procedures'),
    observations: inScope('observations'),
    notes: inScope('notes'),
  };
}

/**
 * GET /patients/:id/record and /me/record: the designated record set (45 CFR 164.501), shaped by the caller's
 * view (minimum necessary) after the policy allowed the read, and audited as one read.
 */
@Injectable()
export class RecordService {
  constructor(
    private readonly db: Db,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  async read(ctx: RequestContext, patientId: number) {
    const view = recordViewFor(ctx.user.role, ctx.user.permissions);
    const grant = await this.policy.require(ctx, view.gate, patientId, { resourceType: 'record', resourceId: patientId });
    const scope = grant.facts.roiRequest?.scope;
    const s = scope ? sectionsInScope(view.sections, scope.recordTypes) : view.sections;
    const [patient, encounters, ...items] = await Promise.all([
      this.db.one<PatientRow>(`SELECT ${PATIENT_COLUMNS} FROM patients WHERE id = $1`, [patientId]),
      s.encounters
        ? this.db.query<EncounterRow>(`SELECT ${ENCOUNTER_COLUMNS} FROM encounters WHERE patient_id = $1 AND status <> 'entered-in-error' ORDER BY admitted_at DESC`, [patientId])
        : Promise.resolve([]),
      ...ITEM_TYPES.map((type) =>
        s[type]
          ? this.db.query<ItemRow>(
              `SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE patient_id = $1 AND status <> 'entered-in-error' ORDER BY id`,
              [patientId],
            )
          : Promise.resolve([] as ItemRow[]),
      ),
    ]);
    const record: Record<string, unknown> = { patientId, view: view.name };
    const withheld: Withheld[] = [];
    const counts: Record<string, number> = {};
    if (s.demographics) record.demographics = toDemographics(patient!);
    if (s.encounters) {
      const shown = scope
        ? encounters.filter((e) => this.policy.allows(ctx.user, view.gate, grant.facts, { sensitivity: e.sensitivity === 'restricted' ? 'restricted' : 'normal', recordType: 'encounters', date: e.admitted_at }).decision === 'allow')
        : encounters;
      record.encounters = shown.map(toEncounterDto);
      counts.encounters = shown.length;
    }
    ITEM_TYPES.forEach((type, i) => {
      if (!s[type]) return;
      const f = filterItems(this.policy, ctx.user, grant.facts, view, type, items[i]);
      record[type] = f.items;
      counts[type] = f.items.length;
      withheld.push(...f.withheld);
    });
    record.withheld = withheld;
    record.access = { reasons: grant.reasons, breakGlass: grant.breakGlass };
    await this.audit.append({
      ...fromContext(ctx),
      action: 'read',
      outcome: 'success',
      resourceType: 'record',
      resourceId: patientId,
      patientId,
      breakGlass: grant.breakGlass,
      purposeOfUse: grant.roiRequestId !== undefined ? 'DISCLOSURE' : ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null),
      details: { view: view.name, counts, withheld: withheld.reduce((n, w) => n + w.count, 0), roiRequestId: grant.roiRequestId },
    });
    return record;
  }
}
