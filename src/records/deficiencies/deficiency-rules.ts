/**
 * Chart deficiencies (docs/instructor-guide.md, "Chart deficiencies"). A discharged encounter whose documentation is
 * incomplete is deficient; once the completion period after discharge has passed, it is delinquent.
 *
 *  - CMS Conditions of Participation, 42 CFR 482.24(c)(4)(vii): the record of an inpatient stay contains a discharge
 *    summary; 482.24(c)(4)(viii): final diagnosis with completion of medical records within 30 days following
 *    discharge; 482.24(c)(1): every entry is authenticated (signed) by the person responsible for it.
 *  - The Joint Commission RC.01.03.01: the hospital sets the time frame for completing the record, not more than 30
 *    days after discharge. The period is DEFICIENCY_DELINQUENT_DAYS (default 30).
 *
 * What counts (one deficiency per missing or incomplete document, each with the person who must complete it):
 *  - missing-discharge-summary: a discharged inpatient stay without an active discharge summary (the attending);
 *  - unsigned-note: an active note without its author's signature (the author). Psychotherapy notes are not part of
 *    the medical record (45 CFR 164.501) and are not listed;
 *  - unanswered-query: an open provider query (its addressee).
 * An uncoded or unfinalized coding abstract is NOT a physician deficiency: it is HIM's own work (discharged, not
 * final billed), and no physician can clear it. Withdrawn and expired queries are closed, so they are not listed.
 */

export const DEFICIENCY_TYPES = ['missing-discharge-summary', 'unsigned-note', 'unanswered-query'] as const;
export type DeficiencyType = (typeof DEFICIENCY_TYPES)[number];
export const DEFICIENCY_STATUSES = ['deficient', 'delinquent'] as const;
export type DeficiencyStatus = (typeof DEFICIENCY_STATUSES)[number];

export const DEFICIENCY_CITATION: Record<DeficiencyType, string> = {
  'missing-discharge-summary': '42 CFR 482.24(c)(4)(vii) discharge summary; completion within 30 days, 482.24(c)(4)(viii); TJC RC.01.03.01',
  'unsigned-note': '42 CFR 482.24(c)(1) authentication of entries; completion within 30 days, 482.24(c)(4)(viii); TJC RC.01.03.01',
  'unanswered-query': 'AHIMA/ACDIS compliant query practice (the answer is part of the record); completion within 30 days, 482.24(c)(4)(viii); TJC RC.01.03.01',
};

export interface EncounterFacts {
  encounterId: number;
  patientId: number;
  encounterClass: string;
  dischargedAt: string | null;
  status: string;
  attendingUserId: number | null;
}
export interface NoteFacts {
  id: number;
  noteType: string;
  status: string;
  authorUserId: number | null;
  signedAt: string | null;
}
export interface QueryFacts {
  id: number;
  status: string;
  addresseeUserId: number;
}

export interface Deficiency {
  encounterId: number;
  patientId: number;
  type: DeficiencyType;
  /** The note or query to complete; null for a missing document. */
  itemType: 'notes' | 'queries' | null;
  itemId: number | null;
  responsibleUserId: number | null;
  dischargedAt: string;
  delinquentAt: string;
  daysSinceDischarge: number;
  status: DeficiencyStatus;
  citation: string;
}

/** The deficiencies of one encounter at `now`; [] while the patient is in or when the record is complete. */
export function encounterDeficiencies(enc: EncounterFacts, notes: readonly NoteFacts[], queries: readonly QueryFacts[], now: string, delinquentAfterDays: number): Deficiency[] {
  if (enc.dischargedAt === null || enc.status === 'entered-in-error') return [];
  const active = notes.filter((n) => n.status !== 'entered-in-error');
  const found: Omit<Deficiency, 'encounterId' | 'patientId' | 'dischargedAt' | 'delinquentAt' | 'daysSinceDischarge' | 'status' | 'citation'>[] = [];
  if (enc.encounterClass === 'inpatient' && !active.some((n) => n.noteType === 'discharge-summary')) {
    found.push({ type: 'missing-discharge-summary', itemType: null, itemId: null, responsibleUserId: enc.attendingUserId });
  }
  for (const n of active) {
    // An amended note's old version stays as it was; only the current (active) version needs its signature.
    if (n.status === 'active' && n.signedAt === null && n.noteType !== 'psychotherapy') found.push({ type: 'unsigned-note', itemType: 'notes', itemId: n.id, responsibleUserId: n.authorUserId });
  }
  for (const q of queries) {
    if (q.status === 'open') found.push({ type: 'unanswered-query', itemType: 'queries', itemId: q.id, responsibleUserId: q.addresseeUserId });
  }
  const timing = deficiencyTiming(enc.dischargedAt, now, delinquentAfterDays);
  return found.map((f) => ({ encounterId: enc.encounterId, patientId: enc.patientId, ...f, dischargedAt: enc.dischargedAt!, ...timing, citation: DEFICIENCY_CITATION[f.type] }));
}

/** Deficient until the completion period has passed since discharge, delinquent from then on. */
export function deficiencyTiming(dischargedAt: string, now: string, delinquentAfterDays: number): { delinquentAt: string; daysSinceDischarge: number; status: DeficiencyStatus } {
  const discharged = new Date(dischargedAt).getTime();
  const delinquentAt = new Date(discharged + delinquentAfterDays * 86_400_000).toISOString();
  return {
    delinquentAt,
    daysSinceDischarge: Math.max(0, Math.floor((new Date(now).getTime() - discharged) / 86_400_000)),
    status: now >= delinquentAt ? 'delinquent' : 'deficient',
  };
}
