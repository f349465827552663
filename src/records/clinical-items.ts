import { ITEM_TYPES, ItemType, RecordType } from '../access/item-visibility';
import type { ItemFacts } from '../access/policy';
import { bool } from '../database/db';

export { ITEM_TYPES };
export type { ItemType };

/**
 * The four clinical item tables and how each maps to the API. One description per type, used by the record
 * read, the encounter endpoints, corrections and amendments alike.
 */

export const ITEM_TABLE: Record<ItemType, string> = {
  diagnoses: 'diagnoses',
  procedures: 'procedures',
  observations: 'observations',
  notes: 'clinical_notes',
};

const COMMON = 'id, encounter_id, patient_id, sensitivity, sensitivity_category, status, version, replaces_id, created_at, created_by, updated_at, updated_by';
export const ITEM_COLUMNS: Record<ItemType, string> = {
  diagnoses: `${COMMON}, code, description, chapter, is_primary, recorded_at`,
  procedures: `${COMMON}, code_system, code, description, performed_at`,
  observations: `${COMMON}, loinc_code, display, value_num, value_text, unit, observed_at`,
  notes: `${COMMON}, note_type, author_user_id, text, authored_at, signed_at, signed_by, query_id`,
};

/** Read by no chart answer: the chart is one patient's, and the API shows neither the creation time nor the last editor. */
const NOT_IN_CHART = new Set(['patient_id', 'created_at', 'updated_by']);

/**
 * The columns of a chart read (ChartItemRow): what toItemDto shows and the item rule reads, nothing else. A chart read
 * maps every row of a patient, so each column left out is one value less per row (docs/performance.md).
 */
export const CHART_COLUMNS = Object.fromEntries(
  ITEM_TYPES.map((type) => [type, ITEM_COLUMNS[type].split(', ').filter((c) => !NOT_IN_CHART.has(c)).join(', ')]),
) as Record<ItemType, string>;

/** The clinical date of each record type: what a date range (an ROI request's) is applied to. */
export const DATE_COLUMN: Record<RecordType, string> = {
  encounters: 'admitted_at',
  diagnoses: 'recorded_at',
  procedures: 'performed_at',
  observations: 'observed_at',
  notes: 'authored_at',
};

/** An item row as a chart read has it (CHART_COLUMNS). */
export type ChartItemRow = Record<string, unknown> & {
  id: number;
  encounter_id: number;
  sensitivity: 'normal' | 'restricted';
  sensitivity_category: string | null;
  status: string;
  version: number;
};

/** A whole item row (ITEM_COLUMNS). */
export type ItemRow = ChartItemRow & { patient_id: number };

export function itemFacts(type: ItemType, row: ChartItemRow): ItemFacts {
  return {
    sensitivity: row.sensitivity,
    category: row.sensitivity_category,
    psychotherapy: type === 'notes' && row.note_type === 'psychotherapy',
    authorUserId: type === 'notes' && row.author_user_id !== null ? Number(row.author_user_id) : null,
  };
}

/**
 * API shape of an item; `withText: false` drops note text (a coder, or any view without note:read). One object
 * literal per type, built straight from the row (no intermediate copy: a record read maps thousands of rows).
 */
export function toItemDto(type: ItemType, r: ChartItemRow, withText = true): Record<string, unknown> {
  const id = Number(r.id);
  const encounterId = Number(r.encounter_id);
  const version = Number(r.version);
  const replacesId = r.replaces_id === null ? null : Number(r.replaces_id);
  const recordedBy = r.created_by === null ? null : Number(r.created_by);
  switch (type) {
    case 'diagnoses':
      return {
        id, encounterId, status: r.status, sensitivity: r.sensitivity, sensitivityCategory: r.sensitivity_category, version, replacesId, recordedBy,
        updatedAt: r.updated_at, code: r.code, description: r.description, chapter: r.chapter, primary: bool(r.is_primary), recordedAt: r.recorded_at,
      };
    case 'procedures':
      return {
        id, encounterId, status: r.status, sensitivity: r.sensitivity, sensitivityCategory: r.sensitivity_category, version, replacesId, recordedBy,
        updatedAt: r.updated_at, codeSystem: r.code_system, code: r.code, description: r.description, performedAt: r.performed_at,
      };
    case 'observations':
      return {
        id, encounterId, status: r.status, sensitivity: r.sensitivity, sensitivityCategory: r.sensitivity_category, version, replacesId, recordedBy,
        updatedAt: r.updated_at, loincCode: r.loinc_code, display: r.display, value: r.value_num === null ? r.value_text : Number(r.value_num),
        unit: r.unit, observedAt: r.observed_at,
      };
    case 'notes': {
      const note: Record<string, unknown> = {
        id, encounterId, status: r.status, sensitivity: r.sensitivity, sensitivityCategory: r.sensitivity_category, version, replacesId, recordedBy,
        updatedAt: r.updated_at, noteType: r.note_type, authorUserId: r.author_user_id === null ? null : Number(r.author_user_id), authoredAt: r.authored_at,
        // Authentication of the entry by its author (42 CFR 482.24(c)(1)); unsigned notes are chart deficiencies.
        signedAt: r.signed_at ?? null, signedBy: r.signed_by == null ? null : Number(r.signed_by),
        queryId: r.query_id == null ? null : Number(r.query_id),
      };
      if (withText) note.text = r.text;
      return note;
    }
  }
}
