import type { RecordType } from '../access/item-visibility';
import type { Queryable, SqlParam } from '../database/db';
import { CHART_COLUMNS, ChartItemRow, DATE_COLUMN, ITEM_COLUMNS, ITEM_TABLE, ITEM_TYPES, ItemRow, ItemType } from './clinical-items';
import { ENCOUNTER_COLUMNS, EncounterRow } from './encounter-row';
import type { ChartRows } from './visible-record';

/** Inclusive calendar dates (YYYY-MM-DD, UTC) applied to each record type's clinical date; null = open-ended. */
export interface DateRange {
  dateFrom: string | null;
  dateTo: string | null;
}

/**
 * Reads of the clinical tables (encounters, diagnoses, procedures, observations, clinical_notes) for the answers
 * that carry chart items. Rows come out raw; what a caller may see of them is decided by visible-record.ts. Every
 * method takes a Queryable, so a disclosure reads inside its own transaction, one query at a time (a transaction's
 * single connection must not be given concurrent queries).
 */
export class ClinicalReads {
  static async encounter(q: Queryable, id: number): Promise<EncounterRow | undefined> {
    return q.one<EncounterRow>(`SELECT ${ENCOUNTER_COLUMNS} FROM encounters WHERE id = $1`, [id]);
  }

  /** A patient's encounters, newest first; entered-in-error ones only when asked (the encounter list shows them). */
  static async encountersOf(q: Queryable, patientId: number, opts: { range?: DateRange; enteredInError?: boolean } = {}): Promise<EncounterRow[]> {
    const [where, params] = this.where('encounters', patientId, opts.range, !opts.enteredInError);
    return q.query<EncounterRow>(`SELECT ${ENCOUNTER_COLUMNS} FROM encounters WHERE ${where} ORDER BY admitted_at DESC, id`, params);
  }

  /** A chart's items of one type, in clinical-date order, with the chart's columns only. */
  static async itemsOf(q: Queryable, type: ItemType, patientId: number, range?: DateRange): Promise<ChartItemRow[]> {
    const [where, params] = this.where(type, patientId, range, true);
    return q.query<ChartItemRow>(`SELECT ${CHART_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE ${where} ORDER BY ${DATE_COLUMN[type]}, id`, params);
  }

  static async itemsOfEncounter(q: Queryable, type: ItemType, encounterId: number): Promise<ItemRow[]> {
    return q.query<ItemRow>(`SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE encounter_id = $1 ORDER BY id`, [encounterId]);
  }

  static async item(q: Queryable, type: ItemType, id: number): Promise<ItemRow | undefined> {
    return q.one<ItemRow>(`SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE id = $1`, [id]);
  }

  static async itemsByIds(q: Queryable, type: ItemType, patientId: number, ids: readonly number[]): Promise<ItemRow[]> {
    if (ids.length === 0) return [];
    return q.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS[type]} FROM ${ITEM_TABLE[type]} WHERE patient_id = $1 AND id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`,
      [patientId, ...ids],
    );
  }

  /**
   * The restricted categories of the active diagnoses of a patient's (or one encounter's) encounters: an
   * encounter's reason restates its diagnoses, so it carries their sensitivity (item-visibility.ts, step 4).
   */
  static async reasonCategories(q: Queryable, of: { patientId: number } | { encounterId: number }): Promise<Map<number, string[]>> {
    const [column, id] = 'patientId' in of ? ['patient_id', of.patientId] : ['encounter_id', of.encounterId];
    const rows = await q.query<ReasonRow>(
      `SELECT DISTINCT encounter_id, sensitivity_category FROM diagnoses
        WHERE ${column} = $1 AND sensitivity = 'restricted' AND status <> 'entered-in-error'`,
      [id],
    );
    return reasonCategoriesOf(rows);
  }

  /**
   * The rows of a chart for the answer's sections, and always the encounters (an item's reference to its encounter
   * is shown only when the encounter is visible). Entered-in-error items are not part of the record.
   */
  static async chart(q: Queryable, patientId: number, sections: readonly RecordType[], range?: DateRange): Promise<ChartRows> {
    const encounters = await this.encountersOf(q, patientId, { range });
    const items: Partial<Record<ItemType, ChartItemRow[]>> = {};
    for (const type of ITEM_TYPES) {
      if (sections.includes(type)) items[type] = await this.itemsOf(q, type, patientId, range);
    }
    // Without a date range the diagnoses just read are all the active ones: their categories need no query of
    // their own. A range may leave out a diagnosis whose encounter is inside it, so then they are read apart.
    const reasonCategories = items.diagnoses && !range?.dateFrom && !range?.dateTo
      ? reasonCategoriesOf(items.diagnoses.filter((d) => d.sensitivity === 'restricted'))
      : await this.reasonCategories(q, { patientId });
    return { encounters, reasonCategories, items };
  }

  private static where(type: RecordType, patientId: number, range: DateRange | undefined, activeOnly: boolean): [string, SqlParam[]] {
    const date = DATE_COLUMN[type];
    const where = ['patient_id = $1'];
    if (activeOnly) where.push("status <> 'entered-in-error'");
    const params: SqlParam[] = [patientId];
    if (range?.dateFrom) {
      params.push(`${range.dateFrom}T00:00:00.000Z`);
      where.push(`${date} >= $${params.length}`);
    }
    if (range?.dateTo) {
      params.push(dayAfter(range.dateTo));
      where.push(`${date} < $${params.length}`);
    }
    return [where.join(' AND '), params];
  }
}

interface ReasonRow {
  encounter_id: number;
  sensitivity_category: string | null;
}

/** Per encounter, the categories of the restricted diagnoses given (each once, in the order of the rows). */
function reasonCategoriesOf(restricted: readonly ReasonRow[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of restricted) {
    const category = r.sensitivity_category ?? 'unspecified';
    const list = out.get(Number(r.encounter_id));
    if (!list) out.set(Number(r.encounter_id), [category]);
    else if (!list.includes(category)) list.push(category);
  }
  return out;
}

/** The first instant after the last day of a range (dates are inclusive; times are compared as ISO text). */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}
