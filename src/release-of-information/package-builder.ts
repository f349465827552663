import type { Limit } from '../access/item-visibility';
import type { RoiScope } from '../access/policy';
import type { AmendmentDispute, Dto } from '../records';
import type { DeniedPart } from './access-denial';
import { canonicalJson, sha256Hex } from './canonical-json';
import type { Delivery } from './confidential-communications';
import { denialGround, DenialCode } from './denial-grounds';
import type { LegalBasis, RequesterType } from './disclosure-basis';
import { RECORD_TYPES, RecordType } from './roi-scope';

/**
 * The disclosure package, built from the records in a request's scope as the item-visibility rule lets the ROI
 * specialist see them (records/visible-record.ts, with the request's scope in the policy facts). Pure: the package
 * is a function of its source, so it can be checked with any items at all (package-builder.spec.ts does, with
 * fast-check). Withheld items are absent; `withheld` lists the rules that may have left items out, never counts.
 * Substance use disorder items carry the redisclosure notice of 42 CFR 2.32.
 */

/**
 * 42 CFR 2.32(a)(1), as amended by the 2024 final rule (89 FR 12472, 16 February 2024; compliance from
 * 16 February 2026): the notice that accompanies each disclosure made with the patient's consent.
 */
export const PART2_REDISCLOSURE_NOTICE =
  'This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). ' +
  'These rules prohibit you from using or disclosing this record, or testimony that describes the information contained in this ' +
  'record, in any civil, criminal, administrative, or legislative proceedings by any Federal, State, or local authority, against ' +
  'the patient, unless authorized by the consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a ' +
  'court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or ' +
  'disclosure of this record unless at least one of the following applies: (i) further use or disclosure is expressly permitted ' +
  'by the written consent of the individual whose information is being disclosed in this record or as otherwise permitted by ' +
  '42 CFR part 2; (ii) you are a covered entity or business associate and have received the record for treatment, payment, or ' +
  'health care operations; or (iii) you have received the record from a covered entity or business associate as permitted by ' +
  '45 CFR part 164, subparts A and E. A general authorization for the release of medical or other information is NOT ' +
  'sufficient to meet the required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).';

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
  /** The visible items of each record type in scope (records/visible-record.ts visibleChart). */
  records: Partial<Record<RecordType, Dto[]>>;
  /** The rules that may have left items out (item-visibility.ts limitsOf): the same for every chart. */
  limits: readonly Limit[];
  generatedAt: string;
  generatedBy: { userId: number; username: string };
  /** The patient's denied amendments that travel with disclosures (records AmendmentReads.disputesOf, 164.526(d)(5)). */
  disputes?: AmendmentDispute[];
  /** A partial denial in force (164.524(d)(1)): the part left out, and its ground. */
  denied?: { part: DeniedPart; code: DenialCode } | null;
  /** Where the package goes: the individual's alternative means or location when they asked for one (164.522(b)). */
  delivery?: Delivery;
}

/** A denied amendment as the package carries it, beside the disputed item (164.526(d)(5)). */
export interface PackagedDispute {
  amendmentId: number;
  itemType: string;
  itemId: number;
  citation: string;
  request: { receivedAt: string; requestedChange: string; justification: string };
  denial: { decidedAt: string; ground: string; groundCitation: string; basis: string };
  disagreement: string | null;
  rebuttal: string | null;
}

export const AMENDMENT_DISPUTE_NOTICE =
  'The individual asked this organization to amend information in this disclosure and the request was denied. The request, the denial, ' +
  'the individual\'s statement of disagreement and any rebuttal accompany the disputed information (45 CFR 164.526(d)(5)).';

export type Withheld = Limit;

/** What a partial denial left out of the package, with its ground: the rest was released (164.524(d)(1)). */
export interface DeniedInPackage {
  sections: string[];
  items: { recordType: string; id: number }[];
  code: string;
  citation: string;
  ground: string;
  notice: string;
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
  /** Present only when part of the request was denied (164.524(d)(1)). */
  denied?: DeniedInPackage;
  /** Where the package is sent (confidential communications, 164.522(b), for the individual's own copy). */
  delivery?: Delivery;
  records: Partial<Record<RecordType, Record<string, unknown>[]>>;
  /** Denied amendments of items in this package, with the statements (164.526(d)(5)); empty when none is disputed. */
  amendments: PackagedDispute[];
}

/** Only the disputes of items the package actually carries travel: a package without the disputed item carries none. */
export function disputesIn(records: Partial<Record<RecordType, Record<string, unknown>[]>>, disputes: readonly AmendmentDispute[]): PackagedDispute[] {
  return disputes
    .filter((d) => (records[d.itemType as RecordType] ?? []).some((i) => Number(i.id) === d.itemId))
    .map((d) => ({
      amendmentId: d.amendmentId, itemType: d.itemType, itemId: d.itemId, citation: d.citation, request: d.request, denial: d.denial,
      disagreement: d.disagreement, rebuttal: d.rebuttal,
    }));
}

/**
 * The records minus a denied part: denied sections and items are left out, and a reference to a denied encounter is
 * dropped from the items that keep it (every reference of the package resolves inside it).
 */
export function withoutDeniedPart(records: Partial<Record<RecordType, Dto[]>>, part: DeniedPart): Partial<Record<RecordType, Dto[]>> {
  const denied = new Set(part.items.map((i) => `${i.recordType}/${i.id}`));
  const deniedEncounters = new Set(part.items.filter((i) => i.recordType === 'encounters').map((i) => i.id));
  const out: Partial<Record<RecordType, Dto[]>> = {};
  for (const type of RECORD_TYPES) {
    const list = records[type];
    if (!list) continue;
    if (part.sections.includes(type)) {
      out[type] = [];
      continue;
    }
    out[type] = list
      .filter((item) => !denied.has(`${type}/${String(item.id)}`))
      .map((item) => ('encounterId' in item && (part.sections.includes('encounters') || deniedEncounters.has(Number(item.encounterId))) ? { ...item, encounterId: null } : item));
  }
  return out;
}

/** Part 2 information (42 CFR 2.11): an item of the substance-use category, or an encounter reason restating one. */
export function isPart2(item: Dto): boolean {
  if (item.sensitivity === 'restricted' && item.sensitivityCategory === 'substance-use') return true;
  return Array.isArray(item.reasonCategories) && item.reasonCategories.includes('substance-use');
}

export function buildPackage(src: PackageSource): DisclosurePackage {
  const records: Partial<Record<RecordType, Record<string, unknown>[]>> = {};
  const counts: Partial<Record<RecordType, number>> = {};
  const released = src.denied ? withoutDeniedPart(src.records, src.denied.part) : src.records;
  let part2Items = 0;
  for (const type of RECORD_TYPES) {
    if (!src.scope.recordTypes.includes(type)) continue;
    records[type] = (released[type] ?? []).map((shown) => {
      if (!isPart2(shown)) return shown;
      part2Items += 1;
      return { ...shown, redisclosureNotice: PART2_REDISCLOSURE_NOTICE };
    });
    counts[type] = records[type]!.length;
  }

  const p = src.patient;
  const amendments = disputesIn(records, src.disputes ?? []);
  const notices = part2Items
    ? [{ code: 'part2-redisclosure', citation: '42 CFR 2.32', text: PART2_REDISCLOSURE_NOTICE, items: part2Items }]
    : [];
  if (amendments.length) notices.push({ code: 'amendment-dispute', citation: '45 CFR 164.526(d)(5)', text: AMENDMENT_DISPUTE_NOTICE, items: amendments.length });
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
    withheld: src.limits.filter((l) => src.scope.recordTypes.includes(l.section)),
    notices,
    ...(src.denied ? { denied: deniedInPackage(src.denied.part, src.denied.code) } : {}),
    ...(src.delivery ? { delivery: src.delivery } : {}),
    records,
    amendments,
  };
}

function deniedInPackage(part: DeniedPart, code: DenialCode): DeniedInPackage {
  const ground = denialGround(code);
  return {
    sections: [...part.sections], items: part.items.map((i) => ({ recordType: i.recordType, id: i.id })), code, citation: ground.citation,
    ground: ground.description, notice: 'Part of the information you asked for is denied on the ground above; this package gives you access to the rest (45 CFR 164.524(d)(1)).',
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
