import type { FieldProblem } from '../common/errors';
import { MAX_TEXT } from './amendment-rules';
import type { ItemType } from './clinical-items';

/**
 * Who decides an amendment, what an accepted one changes, and whom it is told to (45 CFR 164.526), as pure rules.
 * HIM coordinates (intake, routing, deadlines); the author of the item or a clinician responsible for it decides,
 * because only they can say whether their documentation is accurate and complete (164.526(a)(2)(iv)).
 */

export const DECIDER_BASES = ['author', 'recorded-by', 'encounter-attending', 'care-team-attending'] as const;
export type DeciderBasis = (typeof DECIDER_BASES)[number];

export interface Candidate {
  userId: number;
  basis: DeciderBasis;
}

export interface ResponsibilityFacts {
  /** A note's author. */
  authorUserId: number | null;
  /** Who recorded the item. */
  createdBy: number | null;
  /** The attending of the item's encounter. */
  attendingUserId: number | null;
  careTeam: { userId: number; teamRole: string }[];
}

/**
 * The clinicians who may decide, strongest basis first, each once: the item's author, who recorded it, the
 * encounter's attending, an attending on the patient's care team (when the originator is no longer available,
 * 164.526(a)(2)(i)). The service keeps only those whose role may decide (amendment:respond).
 */
export function responsibleClinicians(f: ResponsibilityFacts): Candidate[] {
  const raw: [number | null, DeciderBasis][] = [
    [f.authorUserId, 'author'],
    [f.createdBy, 'recorded-by'],
    [f.attendingUserId, 'encounter-attending'],
    ...f.careTeam.filter((m) => m.teamRole === 'attending').map((m): [number, DeciderBasis] => [m.userId, 'care-team-attending']),
  ];
  const seen = new Set<number>();
  const out: Candidate[] = [];
  for (const [userId, basis] of raw) {
    if (userId === null || seen.has(userId)) continue;
    seen.add(userId);
    out.push({ userId, basis });
  }
  return out;
}

/** Why the caller may not accept or deny this request (403), or null: only the clinician HIM routed it to decides. */
export function deciderRefusal(a: { deciderUserId: number | null }, callerId: number): string | null {
  if (a.deciderUserId === null) {
    return 'an amendment is decided by the author of the item or a clinician responsible for it; HIM routes the request first (POST /amendments/{id}/route)';
  }
  if (a.deciderUserId !== callerId) return 'this amendment request is routed to another clinician: only the author or responsible clinician it is routed to decides';
  return null;
}

/** The fields an accepted amendment may correct, per item type, and the column each writes. */
const CORRECTABLE: Record<ItemType, Record<string, string>> = {
  diagnoses: { code: 'code', description: 'description' },
  procedures: { code: 'code', description: 'description' },
  observations: { value: 'value', unit: 'unit' },
  notes: { text: 'text' },
};

export type Correction = Record<string, string | number>;

/** An accepted amendment corrects the item (164.526(c)(1)): at least one correctable field of its type, each well formed. */
export function correctionProblems(type: ItemType, correction: unknown): FieldProblem[] {
  const allowed = Object.keys(CORRECTABLE[type]);
  const bad = (problem: string, field = 'correction'): FieldProblem[] => [{ field, problems: [problem] }];
  if (correction === undefined || correction === null) {
    return bad(`is required to accept: the item is corrected (164.526(c)(1)); for ${type} give one or more of ${allowed.join(', ')}`);
  }
  if (typeof correction !== 'object' || Array.isArray(correction)) return bad('must be an object');
  const entries = Object.entries(correction as Record<string, unknown>);
  if (entries.length === 0) return bad(`must change at least one of ${allowed.join(', ')}`);
  const problems: FieldProblem[] = [];
  for (const [k, v] of entries) {
    if (!allowed.includes(k)) problems.push(...bad(`is not a correctable field of ${type} (one of ${allowed.join(', ')})`, `correction.${k}`));
    else if (k === 'value' ? !(typeof v === 'number' && Number.isFinite(v)) && !nonBlank(v) : !nonBlank(v)) {
      problems.push(...bad(k === 'value' ? 'must be a finite number or a non-empty text' : `must be a non-empty text of at most ${MAX_TEXT} characters`, `correction.${k}`));
    }
  }
  return problems;
}

function nonBlank(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;
}

/** The item's columns after the correction (an observation's value goes to value_num or value_text). */
export function correctedColumns(type: ItemType, correction: Correction): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(correction)) {
    const column = CORRECTABLE[type][k];
    if (column === 'value') {
      out.value_num = typeof v === 'number' ? v : null;
      out.value_text = typeof v === 'number' ? null : String(v).trim();
    } else {
      out[column] = typeof v === 'string' ? v.trim() : v;
    }
  }
  return out;
}

export type RecipientKind = 'individual' | 'named-by-individual' | 'prior-recipient';

export interface Notice {
  kind: RecipientKind;
  name: string;
  address: string | null;
  disclosureId: number | null;
  channel: string;
  citation: string;
}

export interface NoticeFacts {
  /** `confidential`: the alternative means or location the individual asked for (45 CFR 164.522(b)), used instead. */
  individual: { name: string; hasPortal: boolean; confidential?: { channel: string; address: string } | null };
  /** Persons the individual identified and agreed to have told (164.526(c)(2)(i)). */
  named: { name: string; address: string }[];
  /** Earlier disclosures of the item to others (from the accounting): they may have relied on it (164.526(c)(3)(ii)). */
  priorRecipients: { disclosureId: number; name: string; address: string | null }[];
}

/**
 * Whom an accepted amendment is told to: the individual (164.526(c)(2)); the persons they named (c)(3)(i); and
 * persons, business associates included, known to hold the information who may have relied on it (c)(3)(ii): each
 * earlier recipient of a disclosure that carried the item, once per recipient.
 */
export function amendmentNotices(f: NoticeFacts): Notice[] {
  const out: Notice[] = [
    f.individual.confidential
      ? {
          kind: 'individual', name: f.individual.name, address: f.individual.confidential.address, disclosureId: null, channel: f.individual.confidential.channel,
          citation: '45 CFR 164.526(c)(2), 164.522(b)',
        }
      : { kind: 'individual', name: f.individual.name, address: null, disclosureId: null, channel: f.individual.hasPortal ? 'patient-portal' : 'mail', citation: '45 CFR 164.526(c)(2)' },
  ];
  for (const n of f.named) {
    out.push({ kind: 'named-by-individual', name: n.name, address: n.address, disclosureId: null, channel: 'mail', citation: '45 CFR 164.526(c)(3)(i)' });
  }
  const seen = new Set<string>();
  for (const r of f.priorRecipients) {
    const key = `${r.name.trim().toLowerCase()}|${(r.address ?? '').trim().toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      kind: 'prior-recipient', name: r.name, address: r.address, disclosureId: r.disclosureId,
      channel: r.address ? 'mail' : 'address-unknown-him-follow-up', citation: '45 CFR 164.526(c)(3)(ii)',
    });
  }
  return out;
}
