import { ItemFacts, RoiScope, roiScopeProblem } from '../access/policy';
import { itemFacts, ItemRow, ItemType, toItemDto } from '../records/clinical-items';
import { EncounterRow, toEncounterDto } from '../records/encounter-row';
import { canonicalJson, sha256Hex } from './canonical-json';
import type { LegalBasis, RequesterType } from './disclosure-basis';
import { DATE_COLUMN, RECORD_TYPES, RecordType } from './roi-scope';

/**
 * The disclosure package, built from the records in a request's scope. Pure: the rows and the item-level
 * decision (the access policy's allows(), with the request's scope) are passed in, so the package can be
 * checked with any rows at all (package-builder.spec.ts does, with fast-check).
 *
 * An item goes in only when it is inside the scope (record type, date range, restricted categories the
 * authorization names: roiScopeProblem) AND the policy allows it. What is left out is counted, per reason, never
 * shown. Substance use disorder items carry the redisclosure notice of 42 CFR 2.32.
 */

/** 42 CFR 2.32(a)(1): the notice that accompanies each disclosure of Part 2 records made with the patient's consent. */
export const PART2_REDISCLOSURE_NOTICE =
  'This information has been disclosed to you from records protected by federal confidentiality rules (42 CFR part 2). ' +
  'The federal rules prohibit you from making any further disclosure of information in this record that identifies a patient ' +
  'as having or having had a substance use disorder either directly, by reference to publicly available information, or ' +
  'through verification of such identification by another person unless further disclosure is expressly permitted by the ' +
  'written consent of the individual whose information is being disclosed or as otherwise permitted by 42 CFR part 2. A ' +
  'general authorization for the release of medical or other information is NOT sufficient for this purpose (see 42 CFR 2.31). ' +
  'The federal rules restrict any use of the information to investigate or prosecute with regard to a crime any patient with ' +
  'a substance use disorder, except as provided at 42 CFR 2.12(c)(5) and 2.66.';

export type EncounterSourceRow = EncounterRow & { sensitivity_category?: string | null };

export interface PackageSource {
  request: {
    id: number;
    requesterType: RequesterType;
    requesterName: string;
    requesterAddress: string | null;
    purpose: string;
    legalBasis: LegalBasis;
    format: 'electronic' | 'paper';
  };
  scope: RoiScope;
  patient: { id: number; mrn: string; givenName: string; familyName: string; birthDate: string; sex: string };
  encounters: EncounterSourceRow[];
  items: Partial<Record<ItemType, ItemRow[]>>;
  generatedAt: string;
  generatedBy: { userId: number; username: string };
}

/** The item-level decision: null to include, or the reason to leave the item out. */
export type ItemDecider = (type: RecordType, facts: ItemFacts) => string | null;

export interface Withheld {
  section: RecordType;
  count: number;
  reason: string;
}

export interface DisclosurePackage {
  format: 'hit-roi-package';
  version: 1;
  requestId: number;
  generatedAt: string;
  generatedBy: { userId: number; username: string };
  patient: { id: number; mrn: string; name: { given: string; family: string }; birthDate: string; sex: string };
  recipient: { name: string; address: string | null };
  requesterType: RequesterType;
  legalBasis: LegalBasis;
  purpose: string;
  deliveryFormat: 'electronic' | 'paper';
  scope: { recordTypes: string[]; dateFrom: string | null; dateTo: string | null; restrictedCategories: string[] };
  counts: Partial<Record<RecordType, number>>;
  withheld: Withheld[];
  notices: { code: string; citation: string; text: string; items: number }[];
  records: Partial<Record<RecordType, Record<string, unknown>[]>>;
}

export function encounterFacts(row: EncounterSourceRow): ItemFacts {
  return {
    sensitivity: row.sensitivity === 'restricted' ? 'restricted' : 'normal',
    category: row.sensitivity_category ?? null,
    recordType: 'encounters',
    date: row.admitted_at,
  };
}

export function scopedItemFacts(type: ItemType, row: ItemRow): ItemFacts {
  return { ...itemFacts(type, row), recordType: type, date: (row[DATE_COLUMN[type]] as string | null) ?? null };
}

export function isPart2(facts: ItemFacts): boolean {
  return facts.sensitivity === 'restricted' && facts.category === 'substance-use';
}

export function buildPackage(src: PackageSource, decide: ItemDecider): DisclosurePackage {
  const withheld = new Map<string, Withheld>();
  const records: Partial<Record<RecordType, Record<string, unknown>[]>> = {};
  const counts: Partial<Record<RecordType, number>> = {};
  let part2Items = 0;

  const consider = (type: RecordType, facts: ItemFacts, dto: () => Record<string, unknown>) => {
    const reason = roiScopeProblem(src.request.id, src.scope, facts) ?? decide(type, facts);
    if (reason !== null) {
      const key = `${type}\u0000${reason}`;
      const w = withheld.get(key) ?? { section: type, count: 0, reason };
      w.count += 1;
      withheld.set(key, w);
      return;
    }
    const item = dto();
    if (isPart2(facts)) {
      item.redisclosureNotice = PART2_REDISCLOSURE_NOTICE;
      part2Items += 1;
    }
    (records[type] ??= []).push(item);
  };

  for (const type of RECORD_TYPES) {
    if (!src.scope.recordTypes.includes(type)) continue;
    records[type] = [];
    if (type === 'encounters') {
      for (const row of src.encounters) {
        // The encounter view of the record omits sensitivity; a disclosed copy must say it (and FHIR labels it).
        consider(type, encounterFacts(row), () => ({ ...toEncounterDto(row), sensitivity: row.sensitivity, sensitivityCategory: row.sensitivity_category ?? null }));
      }
    } else {
      for (const row of src.items[type] ?? []) consider(type, scopedItemFacts(type, row), () => toItemDto(type, row, true));
    }
    counts[type] = records[type]!.length;
  }

  const p = src.patient;
  return {
    format: 'hit-roi-package',
    version: 1,
    requestId: src.request.id,
    generatedAt: src.generatedAt,
    generatedBy: src.generatedBy,
    patient: { id: p.id, mrn: p.mrn, name: { given: p.givenName, family: p.familyName }, birthDate: p.birthDate, sex: p.sex },
    recipient: { name: src.request.requesterName, address: src.request.requesterAddress },
    requesterType: src.request.requesterType,
    legalBasis: src.request.legalBasis,
    purpose: src.request.purpose,
    deliveryFormat: src.request.format,
    scope: {
      recordTypes: RECORD_TYPES.filter((t) => src.scope.recordTypes.includes(t)),
      dateFrom: src.scope.dateFrom,
      dateTo: src.scope.dateTo,
      restrictedCategories: [...src.scope.categories].sort(),
    },
    counts,
    withheld: [...withheld.values()],
    notices: part2Items
      ? [{ code: 'part2-redisclosure', citation: '42 CFR 2.32', text: PART2_REDISCLOSURE_NOTICE, items: part2Items }]
      : [],
    records,
  };
}

/** The bytes that are stored, served (format=json) and hashed. */
export function serializePackage(pkg: DisclosurePackage): { json: string; sha256: string } {
  const json = canonicalJson(pkg);
  return { json, sha256: sha256Hex(json) };
}

/** Every item of the package, with its type (for checks and for the accounting's description). */
export function packageItems(pkg: DisclosurePackage): { type: RecordType; item: Record<string, unknown> }[] {
  return RECORD_TYPES.flatMap((type) => (pkg.records[type] ?? []).map((item) => ({ type, item })));
}

/** 164.528(b)(2)(iii): a brief description of the information disclosed (no clinical content). */
export function describePackage(pkg: DisclosurePackage): string {
  const parts = RECORD_TYPES.filter((t) => pkg.counts[t] !== undefined).map((t) => `${t} (${pkg.counts[t]})`);
  const range = pkg.scope.dateFrom || pkg.scope.dateTo ? ` dated ${pkg.scope.dateFrom ?? 'the beginning'} to ${pkg.scope.dateTo ?? 'the date of the request'}` : '';
  const restricted = pkg.scope.restrictedCategories.length ? `; restricted categories released: ${pkg.scope.restrictedCategories.join(', ')}` : '; no restricted categories';
  return `Copy of the medical record: ${parts.join(', ') || 'no items'}${range}${restricted}`;
}
