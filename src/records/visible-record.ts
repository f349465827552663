import { Caller, itemVisibility, ItemSubject, ITEM_TYPES, RecordType, referenceRedaction, Redaction } from '../access/item-visibility';
import type { Queryable } from '../database/db';
import { ClinicalReads } from './clinical.repository';
import { ChartItemRow, DATE_COLUMN, itemFacts, ItemType, toItemDto } from './clinical-items';
import { EncounterRow, toEncounterDto } from './encounter-row';

/**
 * Chart rows turned into what one caller may see of them, by the one item-visibility rule
 * (src/access/item-visibility.ts). Every endpoint that answers with chart items builds its answer here: the record
 * read, the encounter list and detail, the items of an encounter, the release-of-information records and package,
 * amendments. Withheld items are dropped without a trace; redacted fields are null and named in `redactions`.
 */

export type Dto = Record<string, unknown>;

/** The restricted categories each encounter's reason may restate: those of its active restricted diagnoses. */
export type ReasonCategories = ReadonlyMap<number, readonly string[]>;

export function encounterSubject(row: EncounterRow, reasonCategories: ReasonCategories): ItemSubject {
  const own = row.sensitivity === 'restricted' && row.sensitivity_category ? [row.sensitivity_category] : [];
  return {
    type: 'encounters',
    facts: {
      sensitivity: row.sensitivity === 'restricted' ? 'restricted' : 'normal',
      category: row.sensitivity_category ?? null,
      date: row.admitted_at,
      encounterId: Number(row.id),
      recordType: 'encounters',
    },
    sensitiveFields: [{ field: 'reason', categories: [...own, ...(reasonCategories.get(Number(row.id)) ?? [])] }],
  };
}

export function itemSubject(type: ItemType, row: ChartItemRow): ItemSubject {
  const facts = itemFacts(type, row);
  facts.date = (row[DATE_COLUMN[type]] as string | null) ?? null;
  // Restrictions and a minor's own care are per encounter (164.522(a), 164.502(g)(3)).
  facts.encounterId = Number(row.encounter_id);
  facts.recordType = type;
  return { type, facts };
}

function withRedactions(dto: Dto, redactions: Redaction[]): Dto {
  if (redactions.length === 0) return dto;
  const out: Dto = { ...dto };
  for (const r of redactions) out[r.field] = null;
  out.redactions = redactions;
  return out;
}

/** One encounter as the caller may see it, or null when it is withheld. */
export function visibleEncounter(caller: Caller, row: EncounterRow, reasonCategories: ReasonCategories): Dto | null {
  const subject = encounterSubject(row, reasonCategories);
  const v = itemVisibility(caller, subject);
  if (v.outcome === 'withheld') return null;
  if (v.outcome === 'redacted') return withRedactions(toEncounterDto(row), v.redactions);
  // The reason is shown: say which restricted categories it restates (a disclosed copy labels them, 42 CFR 2.32).
  const categories = subject.sensitiveFields![0].categories;
  return categories.length ? { ...toEncounterDto(row), reasonCategories: [...new Set(categories)].sort() } : toEncounterDto(row);
}

/** The ids of the encounters the caller may see: an item keeps its encounter reference only to one of these. */
export function visibleEncounterIds(caller: Caller, rows: readonly EncounterRow[], reasonCategories: ReasonCategories): Set<number> {
  return new Set(rows.filter((r) => itemVisibility(caller, encounterSubject(r, reasonCategories)).outcome !== 'withheld').map((r) => Number(r.id)));
}

/** The items of one type the caller may see, each with its encounter reference only when that encounter is visible. */
export function visibleItems(caller: Caller, type: ItemType, rows: readonly ChartItemRow[], encounters: ReadonlySet<number>): Dto[] {
  const out: Dto[] = [];
  for (const row of rows) {
    const v = itemVisibility(caller, itemSubject(type, row));
    if (v.outcome === 'withheld') continue;
    let redactions = v.outcome === 'redacted' ? v.redactions : null;
    if (!encounters.has(Number(row.encounter_id))) redactions = [...(redactions ?? []), referenceRedaction('encounterId', 'encounters')];
    const dto = toItemDto(type, row, true);
    out.push(redactions ? withRedactions(dto, redactions) : dto);
  }
  return out;
}

export interface ChartRows {
  /** Every encounter of the patient (or of the request's scope), whether or not the answer includes encounters. */
  encounters: readonly EncounterRow[];
  reasonCategories: ReasonCategories;
  items: Partial<Record<ItemType, readonly ChartItemRow[]>>;
}

/** The sections of a chart the caller may see; `sections` names those the answer carries. */
export function visibleChart(caller: Caller, rows: ChartRows, sections: readonly RecordType[]): Partial<Record<RecordType, Dto[]>> {
  const out: Partial<Record<RecordType, Dto[]>> = {};
  const encounterIds = visibleEncounterIds(caller, rows.encounters, rows.reasonCategories);
  if (sections.includes('encounters') && caller.view.sections.encounters) {
    out.encounters = rows.encounters.map((e) => visibleEncounter(caller, e, rows.reasonCategories)).filter((e): e is Dto => e !== null);
  }
  for (const type of ITEM_TYPES) {
    if (sections.includes(type) && caller.view.sections[type]) out[type] = visibleItems(caller, type, rows.items[type] ?? [], encounterIds);
  }
  return out;
}

/** Whether one encounter is visible to the caller, as the set `visibleItems` takes (for answers about one item). */
export async function visibleEncounterSet(q: Queryable, caller: Caller, encounterId: number): Promise<Set<number>> {
  const row = await ClinicalReads.encounter(q, encounterId);
  if (!row) return new Set();
  return visibleEncounterIds(caller, [row], await ClinicalReads.reasonCategories(q, { encounterId }));
}
