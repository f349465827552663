/**
 * Why a release-of-information request may be denied, as data.
 *
 * The individual's own request (right of access) may be denied only on the grounds of 45 CFR 164.524(a): some
 * unreviewable (164.524(a)(1)-(2)), some reviewable by a licensed health care professional who did not take part
 * in the denial (164.524(a)(3), (a)(4)). A third party's request is denied for want of a valid authorization or
 * another legal basis.
 */

export interface DenialGround {
  citation: string;
  /** 164.524(a)(4): the individual may have the denial reviewed. Null: not a right-of-access denial. */
  reviewable: boolean | null;
  description: string;
}

export const SELF_DENIAL_GROUNDS = {
  'psychotherapy-notes': {
    citation: '45 CFR 164.524(a)(1)(i), (a)(2)(i)', reviewable: false,
    description: 'The request is for psychotherapy notes, which the right of access excludes.',
  },
  'litigation-compilation': {
    citation: '45 CFR 164.524(a)(1)(ii), (a)(2)(i)', reviewable: false,
    description: 'The information was compiled in reasonable anticipation of, or for use in, a civil, criminal or administrative action or proceeding.',
  },
  'correctional-institution': {
    citation: '45 CFR 164.524(a)(2)(ii)', reviewable: false,
    description: 'The individual is an inmate and a copy would jeopardize the health, safety, security, custody or rehabilitation of the individual or other inmates, or the safety of others at the institution.',
  },
  'research-participation': {
    citation: '45 CFR 164.524(a)(2)(iii)', reviewable: false,
    description: 'The information was created or obtained in research that includes treatment, and the individual agreed to the suspension of access while the research is in progress.',
  },
  'privacy-act': {
    citation: '45 CFR 164.524(a)(2)(iv)', reviewable: false,
    description: 'The records are subject to the Privacy Act, 5 U.S.C. 552a, and the denial meets its requirements.',
  },
  'confidential-source': {
    citation: '45 CFR 164.524(a)(2)(v)', reviewable: false,
    description: 'The information was obtained from someone other than a health care provider under a promise of confidentiality, and access would reasonably be likely to reveal the source.',
  },
  endangerment: {
    citation: '45 CFR 164.524(a)(3)(i)', reviewable: true,
    description: 'A licensed health care professional has determined that access is reasonably likely to endanger the life or physical safety of the individual or another person.',
  },
  'reference-to-another-person': {
    citation: '45 CFR 164.524(a)(3)(ii)', reviewable: true,
    description: 'The information makes reference to another person (not a health care provider) and a licensed health care professional has determined that access is reasonably likely to cause substantial harm to that person.',
  },
  'personal-representative': {
    citation: '45 CFR 164.524(a)(3)(iii)', reviewable: true,
    description: 'The request is made by a personal representative and a licensed health care professional has determined that access by that representative is reasonably likely to cause substantial harm to the individual or another person.',
  },
} as const satisfies Record<string, DenialGround>;

export const THIRD_PARTY_DENIAL_GROUNDS = {
  'authorization-invalid': {
    citation: '45 CFR 164.508(b)(2), (c)', reviewable: null,
    description: 'The authorization lacks a required element or statement, or is otherwise defective.',
  },
  'authorization-expired': {
    citation: '45 CFR 164.508(b)(2)(i)', reviewable: null,
    description: 'The authorization has expired (its expiration date has passed or its expiration event is known to have occurred).',
  },
  'authorization-revoked': {
    citation: '45 CFR 164.508(b)(5)', reviewable: null,
    description: 'The individual has revoked the authorization.',
  },
  'part2-consent-missing': {
    citation: '42 CFR 2.31', reviewable: null,
    description: 'The request reaches substance use disorder records and no consent meeting 42 CFR Part 2 names them.',
  },
  'no-legal-basis': {
    citation: '45 CFR 164.502(a)', reviewable: null,
    description: 'No authorization was given and no other provision of the Privacy Rule permits the disclosure.',
  },
  'identity-not-verified': {
    citation: '45 CFR 164.514(h)', reviewable: null,
    description: 'The identity or the authority of the requester could not be verified.',
  },
  'no-records': {
    citation: '45 CFR 164.501', reviewable: null,
    description: 'This organization holds no records of this patient in the requested scope.',
  },
} as const satisfies Record<string, DenialGround>;

export type SelfDenialCode = keyof typeof SELF_DENIAL_GROUNDS;
export type ThirdPartyDenialCode = keyof typeof THIRD_PARTY_DENIAL_GROUNDS;
export type DenialCode = SelfDenialCode | ThirdPartyDenialCode;

export const DENIAL_CODES: Record<'self' | 'third-party', readonly DenialCode[]> = {
  self: Object.keys(SELF_DENIAL_GROUNDS) as SelfDenialCode[],
  'third-party': Object.keys(THIRD_PARTY_DENIAL_GROUNDS) as ThirdPartyDenialCode[],
};
export const ALL_DENIAL_CODES: readonly DenialCode[] = [...DENIAL_CODES.self, ...DENIAL_CODES['third-party']];

export function isDenialCodeFor(kind: 'self' | 'third-party', code: unknown): code is DenialCode {
  return typeof code === 'string' && (DENIAL_CODES[kind] as readonly string[]).includes(code);
}

export function denialGround(code: DenialCode): DenialGround {
  return (SELF_DENIAL_GROUNDS as Record<string, DenialGround>)[code] ?? (THIRD_PARTY_DENIAL_GROUNDS as Record<string, DenialGround>)[code];
}

/**
 * Who receives complaints (164.524(d)(2)(iii) wants the name or title, and telephone number, of the contact person or
 * office designated under 164.530(a)(1)(ii)). The demo hospital's privacy office.
 */
export const COMPLAINT_CONTACT = 'the Privacy Office (Privacy Officer), HIT Teaching Hospital, telephone (555) 010-0100';

/**
 * The written denial. For the individual's own request it has the content 164.524(d)(2) requires, in plain language:
 * the basis (i); the review rights when the ground is reviewable, and how to exercise them (ii); how to complain to the
 * covered entity, with the contact's title and telephone number, and to the Secretary of HHS (iii). A partial denial
 * also says that access to the rest is given (164.524(d)(1)).
 */
export function denialNotice(code: DenialCode, reason: string | null, partial = false) {
  const ground = denialGround(code);
  const basis = `${ground.description} (${ground.citation})${reason ? ` ${reason}` : ''}`;
  if (ground.reviewable === null) return { basis, review: null, complaint: null, access: null };
  return {
    basis,
    review: ground.reviewable
      ? 'You may have this denial reviewed by a licensed health care professional designated by us who did not take part in the original decision (45 CFR 164.524(a)(4), (d)(4)). To ask for it, tell our release-of-information office in writing (or use POST /roi/requests/{id}/denial-review); we refer it promptly and tell you the reviewer\'s decision in writing.'
      : 'This ground of denial is not subject to review (45 CFR 164.524(a)(2)).',
    complaint: `You may complain to ${COMPLAINT_CONTACT}, or to the Secretary of Health and Human Services (Office for Civil Rights) (45 CFR 164.524(d)(2)(iii), 160.306).`,
    access: partial ? 'Only part of the information you asked for is denied: you are given access to the rest (45 CFR 164.524(d)(1)).' : null,
  };
}
