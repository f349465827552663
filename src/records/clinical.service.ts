import { Injectable } from '@nestjs/common';
import { AccessPolicyService, Granted } from '../access/access-policy.service';
import type { Permission } from '../access/catalogue';
import { AuditWriter, fromContext } from '../audit/audit.writer';
import { Clock } from '../common/clock';
import { Conflict, InvalidInput, NotFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { Db, Queryable, SqlParam } from '../database/db';
import { ITEM_COLUMNS, ITEM_TABLE, ItemRow, ItemType, toItemDto } from './clinical-items';
import {
  CreateDiagnosisDto, CreateEncounterDto, CreateNoteDto, CreateObservationDto, CreateProcedureDto, EnteredInErrorDto,
  UpdateEncounterDto,
} from './dto/clinical.dto';
import { ENCOUNTER_COLUMNS, EncounterRow, toEncounterDto } from './encounter-row';
import { icd10Chapter } from './icd10-chapters';
import { recordViewFor } from '../access/record-views';
import { ClinicalReads } from './clinical.repository';
import { encounterSubject, visibleEncounter, visibleItems } from './visible-record';
import { itemVisibility, limitsOf } from '../access/item-visibility';
import { toStoredTime } from '../common/validators';

/**
 * Who may write which item type (the route lets in any of them; the service checks the one for the type). Clinical
 * documentation is the clinicians': coding:write is not here (issue 13) - a coder assigns the final codes on the
 * coding abstract (coding/), separate from the documentation, and asks the provider through a query when the
 * documentation is unclear. Which roles hold these permissions is the role matrix's business (access/catalogue.ts).
 */
export const WRITE_PERMISSIONS: Record<ItemType | 'encounters', Permission[]> = {
  encounters: ['clinical:write'],
  diagnoses: ['clinical:write'],
  procedures: ['clinical:write'],
  observations: ['observation:write', 'clinical:write'],
  notes: ['clinical:write', 'observation:write'],
};

type CreateDto = CreateDiagnosisDto | CreateProcedureDto | CreateObservationDto | CreateNoteDto;

/**
 * Encounters and clinical items. Writes are versioned (a stale version is 409), corrections mark the old item
 * entered-in-error and link the new one, and nothing clinical is deleted. Each write and its audit row (with the
 * previous value) commit in one transaction.
 */
@Injectable()
export class ClinicalService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: AccessPolicyService,
    private readonly audit: AuditWriter,
  ) {}

  // ---- reads --------------------------------------------------------------------------------------------

  async listEncounters(ctx: RequestContext, patientId: number) {
    const grant = await this.requireView(ctx, patientId, 'encounters', { resourceType: 'encounter', resourceId: null });
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const rows = await ClinicalReads.encountersOf(this.db, patientId, { enteredInError: true });
    const reasons = await ClinicalReads.reasonCategories(this.db, { patientId });
    const shown = rows.map((r) => visibleEncounter(caller, r, reasons)).filter((e) => e !== null);
    await this.auditRead(ctx, grant, patientId, 'encounter', null, { results: shown.length });
    return shown;
  }

  async readEncounter(ctx: RequestContext, encounterId: number) {
    const enc = await this.encounter(this.db, encounterId);
    const patientId = Number(enc.patient_id);
    const target = { resourceType: 'encounter', resourceId: encounterId };
    const grant = await this.requireView(ctx, patientId, 'encounters', target);
    const shown = await this.visibleOrRefuse(ctx, grant, enc, target);
    await this.auditRead(ctx, grant, patientId, 'encounter', encounterId);
    return shown;
  }

  async listItems(ctx: RequestContext, encounterId: number, type: ItemType) {
    const enc = await this.encounter(this.db, encounterId);
    const patientId = Number(enc.patient_id);
    const target = { resourceType: type, resourceId: `encounter/${encounterId}` };
    const grant = await this.requireView(ctx, patientId, type, target);
    await this.visibleOrRefuse(ctx, grant, enc, target);
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const rows = await ClinicalReads.itemsOfEncounter(this.db, type, encounterId);
    const items = visibleItems(caller, type, rows, new Set([encounterId]));
    const withheld = limitsOf(caller).filter((l) => l.section === type);
    await this.auditRead(ctx, grant, patientId, type, `encounter/${encounterId}`, { results: items.length });
    return { items, withheld };
  }

  /** An encounter the item-visibility rule withholds from the caller is refused (and audited) like its chart. */
  private async visibleOrRefuse(ctx: RequestContext, grant: Granted, enc: EncounterRow, target: { resourceType: string; resourceId: string | number }) {
    const caller = this.policy.callerFor(ctx.user, grant.facts);
    const reasons = await ClinicalReads.reasonCategories(this.db, { encounterId: Number(enc.id) });
    const v = itemVisibility(caller, encounterSubject(enc, reasons));
    if (v.outcome === 'withheld') return this.policy.refuse(ctx, v.reason, { ...target, patientId: Number(enc.patient_id) });
    return visibleEncounter(caller, enc, reasons)!;
  }

  // ---- writes -------------------------------------------------------------------------------------------

  async createEncounter(ctx: RequestContext, patientId: number, dto: CreateEncounterDto) {
    const grant = await this.policy.require(ctx, 'clinical:write', patientId, { resourceType: 'encounter' });
    return this.db.transaction(async (tx) => {
      const now = this.clock.nowIso();
      const row = (await tx.one<EncounterRow>(
        `INSERT INTO encounters (patient_id, encounter_class, admitted_at, department, attending_user_id, reason, version, created_at, created_by, updated_at, updated_by,
           self_pay, minor_consent)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8, $9, $10) RETURNING ${ENCOUNTER_COLUMNS}`,
        [
          patientId, dto.class, toStoredTime(dto.admittedAt), dto.department, ctx.user.role === 'physician' ? ctx.user.id : null, dto.reason, now, ctx.user.id,
          dto.selfPay ?? false, dto.minorConsent ?? null,
        ],
      ))!;
      await this.auditWrite(tx, ctx, grant, patientId, 'create', 'encounter', row.id, { after: toEncounterDto(row) });
      return toEncounterDto(row);
    });
  }

  async updateEncounter(ctx: RequestContext, encounterId: number, dto: UpdateEncounterDto) {
    const enc = await this.encounter(this.db, encounterId);
    const patientId = Number(enc.patient_id);
    const grant = await this.policy.require(ctx, 'clinical:write', patientId, { resourceType: 'encounter', resourceId: encounterId });
    const changes: [string, SqlParam][] = [];
    if (dto.dischargedAt !== undefined) {
      const at = toStoredTime(dto.dischargedAt);
      if (at < enc.admitted_at) throw InvalidInput.field('dischargedAt', 'must not be before admittedAt');
      changes.push(['discharged_at', at]);
    }
    if (dto.disposition !== undefined) changes.push(['disposition', dto.disposition]);
    if (dto.plannedReadmission !== undefined) changes.push(['planned_readmission', dto.plannedReadmission]);
    if (dto.department !== undefined) changes.push(['department', dto.department]);
    if (dto.status !== undefined) changes.push(['status', dto.status]);
    if (dto.selfPay !== undefined) changes.push(['self_pay', dto.selfPay]);
    if (dto.minorConsent !== undefined) changes.push(['minor_consent', dto.minorConsent === 'none' ? null : dto.minorConsent]);
    if (changes.length === 0) throw InvalidInput.field('body', 'names no field to change');
    return this.db.transaction(async (tx) => {
      const before = await this.encounter(tx, encounterId);
      const after = await this.versionedUpdate<EncounterRow>(tx, 'encounters', ENCOUNTER_COLUMNS, encounterId, dto.version, Number(before.version), changes, ctx.user.id);
      await this.auditWrite(tx, ctx, grant, patientId, 'update', 'encounter', encounterId, {
        before: toEncounterDto(before), after: toEncounterDto(after),
      });
      return toEncounterDto(after);
    });
  }

  async createItem(ctx: RequestContext, encounterId: number, type: ItemType, dto: CreateDto) {
    const enc = await this.encounter(this.db, encounterId);
    const patientId = Number(enc.patient_id);
    const permission = await this.writePermission(ctx, type, patientId);
    if (type === 'notes') await this.checkNoteType(ctx, dto as CreateNoteDto, patientId);
    const grant = await this.policy.require(ctx, permission, patientId, { resourceType: type, resourceId: `encounter/${encounterId}` });
    return this.db.transaction(async (tx) => {
      const now = this.clock.nowIso();
      let replaced: ItemRow | undefined;
      if (dto.replacesId !== undefined) replaced = await this.markEnteredInError(tx, ctx, type, dto.replacesId, encounterId, now);
      const [columns, values] = this.itemValues(type, dto, ctx);
      const all = ['encounter_id', 'patient_id', 'sensitivity', 'sensitivity_category', 'replaces_id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', ...columns];
      const params: SqlParam[] = [
        encounterId, patientId, dto.sensitivity ?? 'normal', dto.sensitivity === 'restricted' ? (dto.sensitivityCategory ?? null) : null,
        dto.replacesId ?? null, 1, now, ctx.user.id, now, ctx.user.id, ...values,
      ];
      if (type === 'notes' && (dto as CreateNoteDto).noteType === 'psychotherapy') {
        params[2] = 'restricted';
        params[3] = 'psychotherapy';
      }
      const row = (await tx.one<ItemRow>(
        `INSERT INTO ${ITEM_TABLE[type]} (${all.join(', ')}) VALUES (${all.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${ITEM_COLUMNS[type]}`,
        params,
      ))!;
      await this.auditWrite(tx, ctx, grant, patientId, 'create', type, row.id, {
        replaces: replaced ? Number(replaced.id) : undefined,
        // Note text never goes into the audit trail; its identity does.
        after: toItemDto(type, row, false),
      });
      return toItemDto(type, row);
    });
  }

  async enteredInError(ctx: RequestContext, type: ItemType, itemId: number, dto: EnteredInErrorDto) {
    const item = await this.db.one<ItemRow>(`SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE id = $1`, [itemId]);
    if (!item) throw new NotFound(`${type} item ${itemId}`);
    const patientId = Number(item.patient_id);
    const permission = await this.writePermission(ctx, type, patientId);
    const grant = await this.policy.require(ctx, permission, patientId, { resourceType: type, resourceId: itemId });
    return this.db.transaction(async (tx) => {
      const current = (await tx.one<ItemRow>(`SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE id = $1`, [itemId]))!;
      if (current.status !== 'active') throw new Conflict(`${type} item ${itemId} is ${current.status}, not active`);
      const after = await this.versionedUpdate<ItemRow>(tx, ITEM_TABLE[type], ITEM_COLUMNS[type], itemId, dto.version, Number(current.version), [['status', 'entered-in-error']], ctx.user.id);
      await this.auditWrite(tx, ctx, grant, patientId, 'update', type, itemId, {
        reason: dto.reason, before: { status: current.status, version: Number(current.version) }, after: { status: after.status, version: Number(after.version) },
      });
      return toItemDto(type, after);
    });
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private async encounter(q: Queryable, id: number): Promise<EncounterRow> {
    const row = await q.one<EncounterRow>(`SELECT ${ENCOUNTER_COLUMNS} FROM encounters WHERE id = $1`, [id]);
    if (!row) throw new NotFound(`Encounter ${id}`);
    return row;
  }

  /** The caller's view must include the section; then the policy decides for this patient. */
  private async requireView(ctx: RequestContext, patientId: number, section: 'encounters' | ItemType, target: { resourceType: string; resourceId: string | number | null }): Promise<Granted> {
    const view = recordViewFor(ctx.user.role, ctx.user.permissions);
    const grant = await this.policy.require(ctx, view.gate, patientId, target);
    if (!view.sections[section]) {
      await this.policy.refuse(ctx, `the ${view.name} view does not include ${section} (minimum necessary)`, { ...target, patientId });
    }
    return grant;
  }

  private async writePermission(ctx: RequestContext, type: ItemType, patientId: number): Promise<Permission> {
    const held = WRITE_PERMISSIONS[type].find((p) => ctx.user.permissions.has(p));
    if (!held) {
      return this.policy.refuse(ctx, `role ${ctx.user.role} lacks permission ${WRITE_PERMISSIONS[type].join(' or ')} for ${type}`, { resourceType: type, patientId });
    }
    return held;
  }

  private async checkNoteType(ctx: RequestContext, dto: CreateNoteDto, patientId: number): Promise<void> {
    if (!ctx.user.permissions.has('clinical:write') && dto.noteType !== 'nursing') {
      await this.policy.refuse(ctx, `role ${ctx.user.role} may write nursing notes only`, { resourceType: 'notes', patientId });
    }
    if (dto.noteType === 'psychotherapy' && !ctx.user.permissions.has('note:read:psychotherapy')) {
      await this.policy.refuse(ctx, `role ${ctx.user.role} lacks permission note:read:psychotherapy to write psychotherapy notes`, { resourceType: 'notes', patientId });
    }
  }

  private itemValues(type: ItemType, dto: CreateDto, ctx: RequestContext): [string[], SqlParam[]] {
    const now = this.clock.nowIso();
    switch (type) {
      case 'diagnoses': {
        const d = dto as CreateDiagnosisDto;
        return [['code', 'description', 'chapter', 'is_primary', 'recorded_at'], [d.code, d.description, icd10Chapter(d.code), !!d.primary, now]];
      }
      case 'procedures': {
        const d = dto as CreateProcedureDto;
        return [['code_system', 'code', 'description', 'performed_at'], [d.codeSystem, d.code, d.description, toStoredTime(d.performedAt)]];
      }
      case 'observations': {
        const d = dto as CreateObservationDto;
        return [['loinc_code', 'display', 'value_num', 'value_text', 'unit', 'observed_at'], [d.loincCode, d.display, d.value ?? null, d.valueText ?? null, d.unit ?? null, toStoredTime(d.observedAt)]];
      }
      case 'notes': {
        const d = dto as CreateNoteDto;
        return [['note_type', 'author_user_id', 'text', 'authored_at', 'signed_at', 'signed_by'], [d.noteType, ctx.user.id, d.text, now, d.sign ? now : null, d.sign ? ctx.user.id : null]];
      }
    }
  }

  private async markEnteredInError(tx: Queryable, ctx: RequestContext, type: ItemType, id: number, encounterId: number, now: string): Promise<ItemRow> {
    const old = await tx.one<ItemRow>(`SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE id = $1`, [id]);
    if (!old || Number(old.encounter_id) !== encounterId) throw InvalidInput.field('replacesId', `must name a ${type} item of this encounter`);
    if (old.status !== 'active') throw new Conflict(`${type} item ${id} is ${old.status}, not active`);
    const changed = await tx.execute(
      `UPDATE ${ITEM_TABLE[type]} SET status = 'entered-in-error', version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3 AND version = $4`,
      [now, ctx.user.id, id, old.version],
    );
    if (changed !== 1) throw new Conflict(`${type} item ${id} was changed by someone else`);
    return old;
  }

  /** UPDATE ... WHERE version = sent: a stale version is 409 and changes nothing. */
  private async versionedUpdate<T>(tx: Queryable, table: string, columns: string, id: number, sent: number, current: number, changes: [string, SqlParam][], userId: number): Promise<T> {
    if (current !== sent) throw new Conflict(`${table} ${id} was changed by someone else (version ${current}, you sent ${sent})`);
    const params: SqlParam[] = changes.map(([, v]) => v);
    const sets = changes.map(([c], i) => `${c} = $${i + 1}`);
    params.push(this.clock.nowIso(), userId, id, sent);
    const n = params.length;
    const changed = await tx.execute(
      `UPDATE ${table} SET ${sets.join(', ')}, version = version + 1, updated_at = $${n - 3}, updated_by = $${n - 2} WHERE id = $${n - 1} AND version = $${n}`,
      params,
    );
    if (changed !== 1) throw new Conflict(`${table} ${id} was changed by someone else`);
    return (await tx.one<T>(`SELECT ${columns} FROM ${table} WHERE id = $1`, [id]))!;
  }

  private auditRead(ctx: RequestContext, grant: Granted, patientId: number, resourceType: string, resourceId: string | number | null, details?: Record<string, unknown>) {
    return this.audit.append({
      ...fromContext(ctx), action: 'read', outcome: 'success', resourceType, resourceId, patientId, breakGlass: grant.breakGlass,
      purposeOfUse: ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null), details,
    });
  }

  private auditWrite(tx: Queryable, ctx: RequestContext, grant: Granted, patientId: number, action: 'create' | 'update', resourceType: string, resourceId: number, details: Record<string, unknown>) {
    return this.audit.appendWithin(tx, [
      {
        ...fromContext(ctx), action, outcome: 'success', resourceType, resourceId: Number(resourceId), patientId, breakGlass: grant.breakGlass,
        purposeOfUse: ctx.purposeOfUse ?? (grant.breakGlass ? 'ETREAT' : null), details,
      },
    ]);
  }
}
