import type { FieldProblem } from '../common/errors';
import type { Direction } from './direction';
import type { LegalBasis } from './disclosure-basis';

/**
 * The conditions of each legal basis a third-party release rests on, checked at validation (issue 12, item 1), as
 * one pure check that lists every missing element at once, as the authorization check does (authorization.ts):
 * legal process (45 CFR 164.512(e)), law enforcement (164.512(f), each path with its own conditions), public health
 * (164.512(b)), health care operations with another covered entity (164.506(c)(4)). Treatment and payment need
 * nothing beyond the recipient (164.506(c)(1)-(3)), which the intake checked (disclosure-basis.ts).
 */

export const LEGAL_PROCESS_TYPES = [
  'court-order', 'administrative-tribunal-order', 'subpoena', 'discovery-request',
  'court-ordered-warrant', 'judicial-subpoena', 'grand-jury-subpoena', 'administrative-request',
] as const;
export type LegalProcessType = (typeof LEGAL_PROCESS_TYPES)[number];

/** Orders a covered entity may answer as written (164.512(e)(1)(i)): only what they expressly authorize. */
export const ORDERS: readonly LegalProcessType[] = ['court-order', 'administrative-tribunal-order'];
/** (e)(1)(ii): a subpoena or discovery request not accompanied by an order needs satisfactory assurances. */
export const NEEDS_ASSURANCES: readonly LegalProcessType[] = ['subpoena', 'discovery-request'];
/** 164.512(f)(1)(ii)(A)-(C): the legal process a law enforcement official may present. */
export const LAW_ENFORCEMENT_PROCESS: readonly LegalProcessType[] = [
  'court-order', 'court-ordered-warrant', 'judicial-subpoena', 'grand-jury-subpoena', 'administrative-request',
];
/** Required by law (164.103, 164.512(a)): court orders, court-ordered warrants, subpoenas issued by a court, grand jury subpoenas. */
export const COMPELLED: readonly LegalProcessType[] = ['court-order', 'administrative-tribunal-order', 'court-ordered-warrant', 'judicial-subpoena', 'grand-jury-subpoena'];

/** The scope the order or subpoena allows: the release is limited to it (roi-scope.ts intersects). */
export interface LegalProcessScope {
  recordTypes?: string[];
  dateFrom?: string;
  dateTo?: string;
  /** Restricted categories an order expressly reaches (never substance use: 42 CFR 2.64; never psychotherapy notes). */
  categories?: string[];
}

/** A subpoena or court order as the legal process desk logs it. */
export interface LegalProcess {
  type?: LegalProcessType;
  /** The issuing court, tribunal, grand jury or agency. */
  issuedBy?: string;
  issuedOn?: string;
  docketNumber?: string;
  documents?: { title?: string; reference?: string }[];
  scope?: LegalProcessScope;
  /** 164.512(e)(1)(ii)(A), (iii): the party's written statement and documentation on notice to the individual. */
  notice?: {
    goodFaithWrittenNotice?: boolean;
    noticeSentOn?: string;
    sufficientInformationToObject?: boolean;
    objectionPeriodEnded?: boolean;
    objections?: 'none' | 'resolved' | 'pending';
  };
  /** 164.512(e)(1)(ii)(B), (iv), (v): a qualified protective order. */
  protectiveOrder?: {
    status?: 'agreed-and-presented' | 'requested';
    limitsUseToProceeding?: boolean;
    returnOrDestroyAtEnd?: boolean;
  };
}

export const LAW_ENFORCEMENT_PATHS = ['legal-process', 'identification-location', 'victim', 'decedent', 'crime-on-premises', 'emergency'] as const;
export type LawEnforcementPath = (typeof LAW_ENFORCEMENT_PATHS)[number];

/** The 164.512(f) path of a disclosure to a law enforcement official, and the facts its conditions ask for. */
export interface LawEnforcement {
  path?: LawEnforcementPath;
  /** (f)(1)(ii)(C)(1)-(3): the administrative request's three-part test. */
  administrativeTest?: { relevantAndMaterial?: boolean; specificAndLimited?: boolean; deidentifiedNotSufficient?: boolean };
  /** (f)(2): whom the official is identifying or locating. */
  subjectRole?: 'suspect' | 'fugitive' | 'material-witness' | 'missing-person';
  /** (f)(3): the victim agreed, or could not (incapacity) and the three conditions hold. */
  victim?: { agreed?: boolean; incapacitated?: boolean; notToBeUsedAgainstVictim?: boolean; immediateActivityWouldSuffer?: boolean; inBestInterests?: boolean };
  /** (f)(4): the covered entity suspects the death resulted from criminal conduct. */
  deathSuspectedCriminal?: boolean;
  /** (f)(5): good-faith belief the information is evidence of a crime on the premises. */
  evidenceOfCrimeOnPremises?: boolean;
  /** (f)(6): emergency care off the premises, to alert law enforcement to a crime. */
  emergency?: { careOffPremises?: boolean; necessaryToAlert?: boolean };
}

/** 164.512(f)(2)(i): only name and address, dates of treatment, type of injury...: encounters and diagnoses here. */
export const IDENTIFICATION_RECORD_TYPES = ['encounters', 'diagnoses'] as const;

export interface BasisFacts {
  legalProcess?: LegalProcess | null;
  lawEnforcement?: LawEnforcement | null;
  /** 164.512(b)(1)(i): the law that authorizes the public health authority to collect the information. */
  publicHealth?: { legalAuthority?: string } | null;
  /** 164.506(c)(4): operations of another covered entity: each has a relationship with the individual. */
  operations?: { recipientHasRelationship?: boolean; activity?: 'quality' | 'fraud-abuse' } | null;
  /** 164.524(c)(3)(ii): the patient's written direction to send their copy to someone else. */
  direction?: Direction | null;
}

export interface BasisContext {
  today: string;
  recordTypes: readonly string[];
  dateFrom: string | null;
  dateTo: string | null;
  requesterName?: string;
  purpose?: string;
}

/** Words that name a life or disability insurer, or underwriting: not a health plan's payment (164.103, 164.501). */
const NOT_A_HEALTH_PLAN = /\blife insur|\bunderwrit|\bdisability insur|\bemploy(er|ment)\b/i;

type Add = (field: string, problem: string) => void;
const blank = (v: unknown): boolean => typeof v !== 'string' || v.trim().length === 0;

/** Every missing or bad element of the basis's conditions; empty: the basis holds for this request today. */
export function releaseBasisProblems(basis: LegalBasis, facts: BasisFacts, ctx: BasisContext): FieldProblem[] {
  const out = new Map<string, string[]>();
  const add: Add = (field, problem) => out.set(field, [...(out.get(field) ?? []), problem]);
  if (basis === 'payment' && NOT_A_HEALTH_PLAN.test(`${ctx.requesterName ?? ''} ${ctx.purpose ?? ''}`)) {
    add('recipientKind', 'the requester or the purpose names a life or disability insurer, underwriting or employment: not a health plan or payment (164.103, 164.501); such a release needs an authorization (164.508)');
  }
  if (basis === 'judicial') judicialProblems(facts.legalProcess, ctx, add);
  if (basis === 'law-enforcement') lawEnforcementProblems(facts, ctx, add);
  if (basis === 'public-health' && blank(facts.publicHealth?.legalAuthority)) {
    add('publicHealth.legalAuthority', 'is missing: the law that authorizes the public health authority to collect the information (164.512(b)(1)(i))');
  }
  if (basis === 'operations') {
    const o = facts.operations;
    if (o?.recipientHasRelationship !== true) {
      add('operations.recipientHasRelationship', 'is missing: another covered entity receives information for its operations only when it also has a relationship with the individual (164.506(c)(4))');
    }
    if (o?.activity !== 'quality' && o?.activity !== 'fraud-abuse') {
      add('operations.activity', 'is missing: quality assessment and improvement or health care fraud and abuse detection (164.506(c)(4)(i)-(ii))');
    }
  }
  return [...out].map(([field, problems]) => ({ field, problems }));
}

/** 164.512(e): an order (only what it expressly authorizes), or a subpoena or discovery request with satisfactory assurances. */
function judicialProblems(lp: LegalProcess | null | undefined, ctx: BasisContext, add: Add): void {
  if (!lp) {
    add('legalProcess', 'is missing: a court or administrative tribunal order, or a subpoena or discovery request with satisfactory assurances (164.512(e)(1))');
    return;
  }
  if (!lp.type || ![...ORDERS, ...NEEDS_ASSURANCES].includes(lp.type)) {
    add('legalProcess.type', `must be one of ${[...ORDERS, ...NEEDS_ASSURANCES].join(', ')} for a disclosure in a judicial or administrative proceeding (164.512(e)(1))`);
  }
  documentProblems(lp, ctx, add);
  if (lp.type && ORDERS.includes(lp.type) && !lp.scope) {
    add('legalProcess.scope', 'is missing: only the information the order expressly authorizes may be disclosed (164.512(e)(1)(i))');
  }
  if (lp.type && NEEDS_ASSURANCES.includes(lp.type)) assuranceProblems(lp, add);
}

/** The document's metadata and the scope it allows: the request must stay inside it. */
function documentProblems(lp: LegalProcess, ctx: BasisContext, add: Add): void {
  if (blank(lp.issuedBy)) add('legalProcess.issuedBy', 'is missing: the issuing court, tribunal, grand jury or agency');
  if (blank(lp.issuedOn)) add('legalProcess.issuedOn', 'is missing: the date of the document');
  else if ((lp.issuedOn as string) > ctx.today) add('legalProcess.issuedOn', `is in the future (${lp.issuedOn})`);
  const docs = (lp.documents ?? []).filter((d) => !blank(d.title) || !blank(d.reference));
  if (!docs.length) add('legalProcess.documents', 'is missing: at least one document (the order, subpoena or request itself, with its reference)');
  const s = lp.scope;
  if (!s) return;
  const beyond = s.recordTypes ? ctx.recordTypes.filter((t) => !s.recordTypes!.includes(t)) : [];
  if (beyond.length) add('recordTypes', `the request asks for ${beyond.join(', ')}, which the ${lp.type ?? 'document'} does not reach: the release is limited to its scope`);
  if (s.dateFrom && (ctx.dateFrom === null || ctx.dateFrom < s.dateFrom)) add('dateFrom', `must not be before ${s.dateFrom}, where the ${lp.type ?? 'document'}'s scope begins`);
  if (s.dateTo && (ctx.dateTo === null || ctx.dateTo > s.dateTo)) add('dateTo', `must not be after ${s.dateTo}, where the ${lp.type ?? 'document'}'s scope ends`);
  for (const c of s.categories ?? []) {
    if (c === 'substance-use') add('legalProcess.scope.categories', 'substance-use: Part 2 records need a court order under 42 CFR 2.64 with its findings, not handled by this desk');
    else if (c === 'psychotherapy') add('legalProcess.scope.categories', 'psychotherapy: psychotherapy notes are not released on legal process here (164.508(a)(2))');
    else if (!lp.type || !ORDERS.includes(lp.type)) add('legalProcess.scope.categories', `${c}: only an order can expressly reach a restricted category (164.512(e)(1)(i))`);
  }
}

/** 164.512(e)(1)(ii)-(v): notice to the individual with time to object and no objections, or a qualified protective order. */
function assuranceProblems(lp: LegalProcess, add: Add): void {
  const n = lp.notice;
  const po = lp.protectiveOrder;
  const noticeMissing: [string, string][] = [];
  if (n?.goodFaithWrittenNotice !== true) noticeMissing.push(['notice.goodFaithWrittenNotice', 'a good-faith attempt to give the individual written notice (164.512(e)(1)(iii)(A))']);
  if (n?.sufficientInformationToObject !== true) noticeMissing.push(['notice.sufficientInformationToObject', 'the notice told enough about the proceeding for the individual to object to the court (164.512(e)(1)(iii)(B))']);
  if (n?.objectionPeriodEnded !== true) noticeMissing.push(['notice.objectionPeriodEnded', 'the time to object has elapsed (164.512(e)(1)(iii)(C))']);
  if (n?.objections !== 'none' && n?.objections !== 'resolved') noticeMissing.push(['notice.objections', 'no objection was filed, or the court resolved every objection consistently with the disclosure (164.512(e)(1)(iii)(C)(1)-(2))']);
  const orderMissing: [string, string][] = [];
  if (po?.status !== 'agreed-and-presented' && po?.status !== 'requested') orderMissing.push(['protectiveOrder.status', 'the parties agreed to a qualified protective order and presented it to the court, or the requester asked the court for one (164.512(e)(1)(iv)(A)-(B))']);
  if (po?.limitsUseToProceeding !== true) orderMissing.push(['protectiveOrder.limitsUseToProceeding', 'the order prohibits any use or disclosure outside the proceeding (164.512(e)(1)(v)(A))']);
  if (po?.returnOrDestroyAtEnd !== true) orderMissing.push(['protectiveOrder.returnOrDestroyAtEnd', 'the order requires the information to be returned or destroyed at the end of the proceeding (164.512(e)(1)(v)(B))']);
  if (!noticeMissing.length || !orderMissing.length) return;
  // Neither assurance is complete: list what the one begun lacks (both when both or neither were begun).
  const list = n && !po ? noticeMissing : po && !n ? orderMissing : [...noticeMissing, ...orderMissing];
  for (const [field, what] of list) {
    add(`legalProcess.${field}`, `is missing: ${what}; a subpoena or discovery request without a court order needs satisfactory assurance of notice (164.512(e)(1)(ii)(A)) or of a qualified protective order ((ii)(B))`);
  }
}

/** 164.512(f): each path and its conditions. */
function lawEnforcementProblems(facts: BasisFacts, ctx: BasisContext, add: Add): void {
  const le = facts.lawEnforcement;
  if (!le?.path) {
    add('lawEnforcement.path', 'is missing: a disclosure to law enforcement needs one of the paths of 164.512(f): legal-process (court order, court-ordered warrant, subpoena or summons issued by a judicial officer, grand jury subpoena, or an administrative request meeting the three-part test, (f)(1)(ii)), identification-location ((f)(2)), victim ((f)(3)), decedent ((f)(4)), crime-on-premises ((f)(5)), emergency ((f)(6)); an investigation alone is not one');
    if (!facts.legalProcess) add('legalProcess', 'is missing: no court order, warrant, subpoena, grand jury subpoena or administrative request came with the request (164.512(f)(1)(ii))');
    return;
  }
  switch (le.path) {
    case 'legal-process': {
      const lp = facts.legalProcess;
      if (!lp) {
        add('legalProcess', 'is missing: the court order, court-ordered warrant, judicial subpoena or summons, grand jury subpoena or administrative request (164.512(f)(1)(ii)(A)-(C))');
        return;
      }
      if (!lp.type || !LAW_ENFORCEMENT_PROCESS.includes(lp.type)) add('legalProcess.type', `must be one of ${LAW_ENFORCEMENT_PROCESS.join(', ')} (164.512(f)(1)(ii))`);
      documentProblems(lp, ctx, add);
      if (lp.type === 'administrative-request') {
        const t = le.administrativeTest;
        if (t?.relevantAndMaterial !== true) add('lawEnforcement.administrativeTest.relevantAndMaterial', 'is missing: the information is relevant and material to a legitimate law enforcement inquiry (164.512(f)(1)(ii)(C)(1))');
        if (t?.specificAndLimited !== true) add('lawEnforcement.administrativeTest.specificAndLimited', 'is missing: the request is specific and limited in scope as far as practicable (164.512(f)(1)(ii)(C)(2))');
        if (t?.deidentifiedNotSufficient !== true) add('lawEnforcement.administrativeTest.deidentifiedNotSufficient', 'is missing: de-identified information could not reasonably be used (164.512(f)(1)(ii)(C)(3))');
      }
      return;
    }
    case 'identification-location': {
      if (!le.subjectRole) add('lawEnforcement.subjectRole', 'is missing: a suspect, fugitive, material witness or missing person being identified or located (164.512(f)(2))');
      const beyond = ctx.recordTypes.filter((t) => !(IDENTIFICATION_RECORD_TYPES as readonly string[]).includes(t));
      if (beyond.length) add('recordTypes', `${beyond.join(', ')}: for identification or location only limited data may go (name, address, dates of treatment, type of injury...: encounters and diagnoses), never DNA, dental records or body fluid or tissue analysis (164.512(f)(2)(i)-(ii))`);
      return;
    }
    case 'victim': {
      const v = le.victim;
      if (v?.agreed === true) return;
      if (v?.incapacitated !== true) add('lawEnforcement.victim.agreed', 'is missing: the victim agrees (164.512(f)(3)(i)), or cannot agree because of incapacity or emergency ((f)(3)(ii))');
      else {
        if (v.notToBeUsedAgainstVictim !== true) add('lawEnforcement.victim.notToBeUsedAgainstVictim', 'is missing: the official represents the information is needed to determine whether someone else broke the law and is not to be used against the victim (164.512(f)(3)(ii)(A))');
        if (v.immediateActivityWouldSuffer !== true) add('lawEnforcement.victim.immediateActivityWouldSuffer', 'is missing: immediate law enforcement activity would be materially and adversely affected by waiting (164.512(f)(3)(ii)(B))');
        if (v.inBestInterests !== true) add('lawEnforcement.victim.inBestInterests', 'is missing: the disclosure is in the victim\'s best interests, in professional judgment (164.512(f)(3)(ii)(C))');
      }
      return;
    }
    case 'decedent':
      if (le.deathSuspectedCriminal !== true) add('lawEnforcement.deathSuspectedCriminal', 'is missing: the covered entity suspects the death resulted from criminal conduct (164.512(f)(4))');
      return;
    case 'crime-on-premises':
      if (le.evidenceOfCrimeOnPremises !== true) add('lawEnforcement.evidenceOfCrimeOnPremises', 'is missing: a good-faith belief that the information is evidence of criminal conduct on the premises (164.512(f)(5))');
      return;
    case 'emergency':
      if (le.emergency?.careOffPremises !== true) add('lawEnforcement.emergency.careOffPremises', 'is missing: emergency health care given other than on the premises (164.512(f)(6)(i))');
      if (le.emergency?.necessaryToAlert !== true) add('lawEnforcement.emergency.necessaryToAlert', 'is missing: needed to alert law enforcement to the crime, its location, victims or perpetrator (164.512(f)(6)(i)(A)-(C))');
      return;
  }
}
