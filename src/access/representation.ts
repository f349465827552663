/**
 * Personal representatives (45 CFR 164.502(g)): who is treated as the individual, for which patient, when, and for
 * which care not. Pure rules; the access policy (policy.ts, decide) asks them for every request a representative
 * makes, and GET /access/explain shows the same reasons. The links live in personal_representatives (access).
 *
 *  - (g)(2) a person with authority under law to make health care decisions for an adult (a health care power of
 *    attorney, a court-appointed legal guardian) is the adult's personal representative;
 *  - (g)(3) a parent or guardian of an unemancipated minor is the minor's personal representative, except for care
 *    (i)(A) the minor consented to where no other consent is required by law, (i)(B) the minor obtained at the
 *    direction of a court, (i)(C) the parent agreed to keep confidential between the provider and the minor;
 *  - (g)(4) after death, the executor or administrator of the estate (never before the date of death);
 *  - (g)(5) the covered entity may decline to treat a person as the personal representative when it reasonably
 *    believes the individual has been or may be subjected to abuse or endangerment by that person.
 */

export const RELATIONSHIPS = ['parent', 'guardian-of-minor', 'legal-guardian', 'healthcare-poa', 'executor', 'administrator'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** The individual's rights a representation may cover (its scope, from the document on file). */
export const RIGHTS = ['access', 'amendment', 'accounting', 'restriction'] as const;
export type Right = (typeof RIGHTS)[number];

/** Why a parent or guardian is not the minor's representative for one encounter's care (164.502(g)(3)(i)). */
export const MINOR_CONSENT_BASES = ['minor-consented', 'court-directed', 'confidentiality-agreed'] as const;
export type MinorConsentBasis = (typeof MINOR_CONSENT_BASES)[number];

/** The age of majority of most states; an emancipated minor's parent link is ended by HIM (valid to). */
export const AGE_OF_MAJORITY = 18;

/** The permission a request exercises, as the individual's right the representation must cover. */
export const RIGHT_OF_PERMISSION: Readonly<Partial<Record<string, Right>>> = {
  'self:record': 'access',
  'roi:create': 'access',
  'amendment:request': 'amendment',
  'disclosure:read': 'accounting',
  'restriction:request': 'restriction',
};

const KIND: Record<Relationship, { authority: string; citation: string; of: 'minor' | 'adult' | 'estate' }> = {
  parent: { authority: 'parent of an unemancipated minor', citation: '45 CFR 164.502(g)(3)', of: 'minor' },
  'guardian-of-minor': { authority: 'guardian of an unemancipated minor', citation: '45 CFR 164.502(g)(3)', of: 'minor' },
  'legal-guardian': { authority: 'legal guardian of an adult (health care decisions)', citation: '45 CFR 164.502(g)(2)', of: 'adult' },
  'healthcare-poa': { authority: 'health care power of attorney', citation: '45 CFR 164.502(g)(2)', of: 'adult' },
  executor: { authority: 'executor of the deceased individual\'s estate', citation: '45 CFR 164.502(g)(4)', of: 'estate' },
  administrator: { authority: 'administrator of the deceased individual\'s estate', citation: '45 CFR 164.502(g)(4)', of: 'estate' },
};

/** One link of a representative account to a patient, as stored. Dates are YYYY-MM-DD (inclusive), times ISO. */
export interface RepresentationLink {
  id: number;
  relationship: Relationship;
  rights: readonly Right[];
  validFrom: string;
  validTo: string | null;
  declinedAt: string | null;
  declinedReason: string | null;
}

/** What the policy knows when a representative asks about a patient. */
export interface RepresentationFacts {
  /** The caller's links to this patient, newest first (none: the caller represents someone else, or nobody). */
  links: readonly RepresentationLink[];
  birthDate: string;
  deceasedAt: string | null;
  /** The time of the decision (ISO), so the rule stays pure. */
  at: string;
  /** The patient's encounters whose care a parent or guardian is not the representative for, with the basis. */
  minorConsentEncounters: readonly { encounterId: number; basis: MinorConsentBasis }[];
}

/** On whose behalf an answer was given: every answer to a representative carries it. */
export interface ActingFor {
  patientId: number;
  representationId: number;
  relationship: Relationship;
  authority: string;
  rights: Right[];
  citation: string;
}

/** Whole years of age on a calendar date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Why this link does not make the caller the patient's representative now, or null when it does. */
export function linkProblem(link: RepresentationLink, facts: Pick<RepresentationFacts, 'birthDate' | 'deceasedAt' | 'at'>, right: Right | undefined): string | null {
  const kind = KIND[link.relationship];
  const day = facts.at.slice(0, 10);
  // The reason stays on the link for HIM: telling it to the person believed to endanger the patient could harm them.
  if (link.declinedAt !== null) return 'the covered entity declined to treat this person as the personal representative (45 CFR 164.502(g)(5))';
  if (day < link.validFrom) return `the personal representation on file is valid only from ${link.validFrom}`;
  if (link.validTo !== null && day > link.validTo) return `the personal representation on file ended on ${link.validTo}`;
  if (kind.of === 'estate') {
    if (facts.deceasedAt === null || facts.at < facts.deceasedAt) {
      return 'an executor or administrator represents a deceased individual only, from the date of death (45 CFR 164.502(g)(4))';
    }
  } else if (facts.deceasedAt !== null && facts.at >= facts.deceasedAt) {
    return `the individual has died: the ${kind.authority} no longer represents them; the executor or administrator does (45 CFR 164.502(g)(4))`;
  } else if (kind.of === 'minor' && ageOn(facts.birthDate, day) >= AGE_OF_MAJORITY) {
    return `the individual is no longer a minor: a parent or guardian of a minor is not an adult's personal representative (45 CFR 164.502(g)(3))`;
  } else if (kind.of === 'adult' && ageOn(facts.birthDate, day) < AGE_OF_MAJORITY) {
    return `a ${kind.authority} represents an adult; a minor's representative is a parent or guardian (45 CFR 164.502(g)(3))`;
  }
  if (right !== undefined && !link.rights.includes(right)) {
    return `the personal representation on file does not cover the right of ${right} (${kind.citation}: only with respect to the representation)`;
  }
  return null;
}

/** The link in force (the first one without a problem), or the reason none is; null links: no representation. */
export function representationInForce(patientId: number, facts: RepresentationFacts, right: Right | undefined): { actingFor: ActingFor } | { problem: string } {
  if (facts.links.length === 0) return { problem: 'the caller is not a personal representative of this patient (45 CFR 164.502(g))' };
  let first: string | null = null;
  for (const link of facts.links) {
    const problem = linkProblem(link, facts, right);
    if (problem === null) return { actingFor: actingForOf(patientId, link) };
    first ??= problem;
  }
  return { problem: first! };
}

export function actingForOf(patientId: number, link: RepresentationLink): ActingFor {
  const kind = KIND[link.relationship];
  return {
    patientId, representationId: link.id, relationship: link.relationship, authority: kind.authority, rights: [...link.rights], citation: kind.citation,
  };
}

/** The exceptions of 164.502(g)(3)(i): care a parent or guardian does not represent the minor for. */
export function minorExceptionReason(basis: MinorConsentBasis): string {
  switch (basis) {
    case 'minor-consented':
      return 'the minor consented to this care and no other consent is required by law: the parent or guardian is not the personal representative for it (45 CFR 164.502(g)(3)(i)(A))';
    case 'court-directed':
      return 'the minor obtained this care at the direction of a court: the parent or guardian is not the personal representative for it (45 CFR 164.502(g)(3)(i)(B))';
    case 'confidentiality-agreed':
      return 'the parent or guardian agreed to confidentiality between the provider and the minor for this care (45 CFR 164.502(g)(3)(i)(C))';
  }
}

/** Whether the relationship is a minor's parent or guardian (the only ones the (g)(3)(i) exceptions bind). */
export function representsMinor(relationship: Relationship): boolean {
  return KIND[relationship].of === 'minor';
}

/**
 * Why a minor's parent or guardian may not receive this item (164.502(g)(3)(i)), or null: the one check used both when
 * the parent reads and when a copy is disclosed to the parent (a request the parent filed). `item.minorConsent`
 * marks a hypothetical item (the caller's limits).
 */
export function minorCareProblem(
  relationship: Relationship, facts: Pick<RepresentationFacts, 'minorConsentEncounters'>, item: { encounterId?: number | null; minorConsent?: MinorConsentBasis | null },
): string | null {
  if (!representsMinor(relationship)) return null;
  const basis = item.minorConsent ?? facts.minorConsentEncounters.find((e) => e.encounterId === item.encounterId)?.basis;
  return basis ? minorExceptionReason(basis) : null;
}
