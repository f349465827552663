import fc from 'fast-check';
import { roiScopeProblem } from '../access/policy';
import { directionProblems, isDirectedToThirdParty } from './direction';
import {
  accountingExemption, BasisInput, basisProblems, defaultLegalBasis, defaultRecipientKind, LEGAL_BASES, LEGAL_BASIS_CODES, RECIPIENT_KINDS, RELEASE_BASES,
  REQUESTER_TYPES,
} from './disclosure-basis';
import { LegalProcess, releaseBasisProblems } from './release-basis-conditions';
import { scopeLimits, scopeOf, ScopedRequest, TREATMENT_CATEGORIES } from './roi-scope';

/** The legal basis of every release (issue 12, items 1, 2, 4, 7) as pure rules. */

const input = (over: Partial<BasisInput>): BasisInput => ({ requesterType: 'other', recipientKind: 'other', hasAuthorization: false, hasLegalProcess: false, ...over });
const ctx = { today: '2026-12-01', recordTypes: ['diagnoses'], dateFrom: null, dateTo: null };
const fields = (p: { field: string }[]) => p.map((x) => x.field).sort();

describe('the basis is established from the recipient (164.506(c), 164.508, 164.512)', () => {
  it('default by recipient', () => {
    expect(defaultLegalBasis(input({ requesterType: 'self', recipientKind: 'individual' }))).toBe('individual');
    expect(defaultLegalBasis(input({ recipientKind: 'health-care-provider' }))).toBe('treatment');
    expect(defaultLegalBasis(input({ recipientKind: 'health-plan' }))).toBe('payment');
    expect(defaultLegalBasis(input({ recipientKind: 'provider-billing' }))).toBe('payment');
    expect(defaultLegalBasis(input({ recipientKind: 'life-insurer' }))).toBe('authorization');
    expect(defaultLegalBasis(input({ recipientKind: 'employer' }))).toBe('authorization');
    expect(defaultLegalBasis(input({ recipientKind: 'attorney' }))).toBe('authorization');
    expect(defaultLegalBasis(input({ recipientKind: 'attorney', hasLegalProcess: true }))).toBe('judicial');
    expect(defaultLegalBasis(input({ recipientKind: 'court' }))).toBe('judicial');
    expect(defaultLegalBasis(input({ recipientKind: 'law-enforcement' }))).toBe('law-enforcement');
    expect(defaultLegalBasis(input({ recipientKind: 'public-health-authority' }))).toBe('public-health');
    expect(defaultLegalBasis(input({ recipientKind: 'health-plan', hasAuthorization: true }))).toBe('authorization');
    // An insurer that does not say whether it is a health plan: no basis, and the intake says why.
    expect(defaultRecipientKind('insurer')).toBeNull();
    expect(defaultLegalBasis(input({ requesterType: 'insurer', recipientKind: null }))).toBeNull();
    expect(fields(basisProblems(input({ requesterType: 'insurer', recipientKind: null }), null))).toEqual(['recipientKind']);
  });

  it('a life insurer is not a health plan: payment to it is refused, an authorization is required', () => {
    const p = basisProblems(input({ requesterType: 'insurer', recipientKind: 'life-insurer' }), 'payment');
    expect(fields(p)).toEqual(['recipientKind']);
    expect(p[0].problem).toMatch(/not a health plan.*164\.508/);
    expect(fields(basisProblems(input({ requesterType: 'insurer', recipientKind: 'life-insurer' }), 'authorization'))).toEqual(['authorization']);
    expect(releaseBasisProblems('payment', {}, { ...ctx, requesterName: 'Acme Life Insurance', purpose: 'Claim' }).map((p) => p.field)).toEqual(['recipientKind']);
    expect(releaseBasisProblems('payment', {}, { ...ctx, requesterName: 'Blue Plan', purpose: 'Claim for the 2026-03 visit' })).toEqual([]);
  });

  it('refuses inconsistent combinations and the bases a release does not rest on', () => {
    expect(fields(basisProblems(input({ requesterType: 'self', recipientKind: 'individual' }), 'treatment'))).toEqual(['legalBasis']);
    expect(fields(basisProblems(input({ requesterType: 'attorney', recipientKind: 'attorney' }), 'individual'))).toEqual(['legalBasis']);
    expect(fields(basisProblems(input({ requesterType: 'attorney', recipientKind: 'attorney' }), 'authorization'))).toEqual(['authorization']);
    expect(fields(basisProblems(input({ requesterType: 'provider', recipientKind: 'health-care-provider', hasAuthorization: true }), 'treatment'))).toEqual(['legalBasis']);
    expect(fields(basisProblems(input({ requesterType: 'self', recipientKind: 'individual', hasAuthorization: true }), 'individual'))).toEqual(['authorization']);
    expect(basisProblems(input({ requesterType: 'attorney', recipientKind: 'attorney' }), 'judicial')).toEqual([]);
    expect(fields(basisProblems(input({ requesterType: 'law_enforcement', recipientKind: 'law-enforcement' }), 'treatment'))).toEqual(['recipientKind']);
    for (const b of LEGAL_BASIS_CODES.filter((c) => !(RELEASE_BASES as readonly string[]).includes(c))) {
      expect(basisProblems(input({}), b)[0].problem).toMatch(/is not a basis this release-of-information service releases under/);
    }
  });

  it('property: the established basis always passes the intake check against its own recipient, and never skips an authorization', () => {
    fc.assert(fc.property(
      fc.constantFrom(...REQUESTER_TYPES.filter((t) => t !== 'self')), fc.constantFrom(...RECIPIENT_KINDS.filter((k) => k !== 'individual')), fc.boolean(), fc.boolean(),
      (requesterType, recipientKind, hasAuthorization, hasLegalProcess) => {
        const i = input({ requesterType, recipientKind, hasAuthorization, hasLegalProcess });
        const basis = defaultLegalBasis(i)!;
        // Against its own recipient, the only possible problem is the authorization it needs and lacks.
        expect(fields(basisProblems(i, basis))).toEqual(LEGAL_BASES[basis].needsAuthorization && !hasAuthorization ? ['authorization'] : []);
        // Only a provider, a health plan, the provider's billing, a court, law enforcement or public health go without one.
        if (!hasAuthorization && basis === 'authorization') expect(['life-insurer', 'employer', 'attorney', 'other']).toContain(recipientKind);
        if (['life-insurer', 'employer', 'other', 'attorney'].includes(recipientKind) && !hasLegalProcess) expect(LEGAL_BASES[basis].needsAuthorization).toBe(true);
      },
    ));
  });

  it('keeps the accounting consequences (164.528(a)(1)): legal process, law enforcement and public health are accounted for', () => {
    for (const b of ['judicial', 'law-enforcement', 'public-health'] as const) expect(accountingExemption(b).exempt).toBe(false);
    for (const b of ['individual', 'treatment', 'payment', 'operations', 'authorization'] as const) expect(accountingExemption(b).exempt).toBe(true);
  });
});

describe('law enforcement (164.512(f)): each path with its own conditions', () => {
  it('police with purpose "investigation" and nothing else: refused, listing what is missing', () => {
    expect(fields(releaseBasisProblems('law-enforcement', {}, ctx))).toEqual(['lawEnforcement.path', 'legalProcess']);
  });

  it('(f)(1)(ii): a court-ordered warrant with its documents passes; an administrative request needs the three-part test', () => {
    const warrant: LegalProcess = { type: 'court-ordered-warrant', issuedBy: 'Springfield District Court', issuedOn: '2026-11-30', documents: [{ title: 'Search warrant', reference: 'W-1' }] };
    expect(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'legal-process' }, legalProcess: warrant }, ctx)).toEqual([]);
    const admin = { ...warrant, type: 'administrative-request' as const };
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'legal-process' }, legalProcess: admin }, ctx))).toEqual([
      'lawEnforcement.administrativeTest.deidentifiedNotSufficient', 'lawEnforcement.administrativeTest.relevantAndMaterial', 'lawEnforcement.administrativeTest.specificAndLimited',
    ]);
    // A subpoena without a judicial officer is not (f)(1)(ii) process.
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'legal-process' }, legalProcess: { ...warrant, type: 'subpoena' } }, ctx))).toEqual(['legalProcess.type']);
  });

  it('(f)(2)-(6)', () => {
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'identification-location' } }, { ...ctx, recordTypes: ['notes', 'diagnoses'] })))
      .toEqual(['lawEnforcement.subjectRole', 'recordTypes']);
    expect(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'identification-location', subjectRole: 'fugitive' } }, { ...ctx, recordTypes: ['encounters'] })).toEqual([]);
    expect(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'victim', victim: { agreed: true } } }, ctx)).toEqual([]);
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'victim', victim: { incapacitated: true } } }, ctx))).toHaveLength(3);
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'decedent' } }, ctx))).toEqual(['lawEnforcement.deathSuspectedCriminal']);
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'crime-on-premises' } }, ctx))).toEqual(['lawEnforcement.evidenceOfCrimeOnPremises']);
    expect(fields(releaseBasisProblems('law-enforcement', { lawEnforcement: { path: 'emergency', emergency: { careOffPremises: true } } }, ctx))).toEqual(['lawEnforcement.emergency.necessaryToAlert']);
  });
});

describe('legal process (164.512(e))', () => {
  const subpoena: LegalProcess = { type: 'subpoena', issuedBy: 'Smith & Jones LLP for the Superior Court', issuedOn: '2026-11-01', docketNumber: 'CV-1', documents: [{ title: 'Subpoena' }] };
  const notice = { goodFaithWrittenNotice: true, sufficientInformationToObject: true, objectionPeriodEnded: true, objections: 'none' as const };
  const qpo = { status: 'requested' as const, limitsUseToProceeding: true, returnOrDestroyAtEnd: true };

  it('a subpoena needs satisfactory assurance of notice or of a qualified protective order: either one suffices', () => {
    expect(fields(releaseBasisProblems('judicial', { legalProcess: subpoena }, ctx))).toHaveLength(7);
    expect(releaseBasisProblems('judicial', { legalProcess: { ...subpoena, notice } }, ctx)).toEqual([]);
    expect(releaseBasisProblems('judicial', { legalProcess: { ...subpoena, protectiveOrder: qpo } }, ctx)).toEqual([]);
    expect(fields(releaseBasisProblems('judicial', { legalProcess: { ...subpoena, notice: { ...notice, objections: 'pending' } } }, ctx))).toEqual(['legalProcess.notice.objections']);
  });

  it('a court order reaches only what it expressly authorizes: the request must stay inside its scope', () => {
    const order: LegalProcess = { type: 'court-order', issuedBy: 'Superior Court', issuedOn: '2026-11-01', documents: [{ title: 'Order' }] };
    expect(fields(releaseBasisProblems('judicial', { legalProcess: order }, ctx))).toEqual(['legalProcess.scope']);
    const scoped = { ...order, scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01' } };
    expect(releaseBasisProblems('judicial', { legalProcess: scoped }, { ...ctx, dateFrom: '2026-02-01' })).toEqual([]);
    expect(fields(releaseBasisProblems('judicial', { legalProcess: scoped }, { ...ctx, recordTypes: ['diagnoses', 'notes'] }))).toEqual(['dateFrom', 'recordTypes']);
    expect(fields(releaseBasisProblems('judicial', { legalProcess: { ...scoped, scope: { categories: ['substance-use'] } } }, ctx))).toEqual(['legalProcess.scope.categories']);
    expect(fields(releaseBasisProblems('judicial', { legalProcess: { ...order, issuedOn: '2027-01-01', scope: {} } }, ctx))).toEqual(['legalProcess.issuedOn']);
  });

  it('the scope of the release is narrowed to the order\'s', () => {
    const order: LegalProcess = { type: 'court-order', scope: { recordTypes: ['diagnoses'], dateFrom: '2026-01-01', dateTo: '2026-06-30', categories: ['behavioral-health', 'substance-use'] } };
    const s = scopeOf(req({ legalBasis: 'judicial', recordTypes: ['diagnoses', 'notes'], dateFrom: '2025-01-01', legalProcess: order }));
    expect(s).toMatchObject({ recordTypes: ['diagnoses'], dateFrom: '2026-01-01', dateTo: '2026-06-30', categories: ['behavioral-health'] });
  });
});

function req(over: Partial<ScopedRequest>): ScopedRequest {
  return { requesterType: 'other', legalBasis: 'authorization', recordTypes: ['diagnoses', 'notes'], dateFrom: null, dateTo: null, authorization: null, privacyApproved: false, ...over };
}

describe('scope by basis (items 2 and 7)', () => {
  it('treatment is not limited by authorization categories: only psychotherapy notes and Part 2 records stay out', () => {
    const s = scopeOf(req({ requesterType: 'provider', legalBasis: 'treatment' }));
    expect([...s.categories].sort()).toEqual([...TREATMENT_CATEGORIES].sort());
    expect(roiScopeProblem(1, s, { sensitivity: 'restricted', category: 'behavioral-health', recordType: 'diagnoses' })).toBeNull();
    expect(roiScopeProblem(1, s, { sensitivity: 'restricted', category: 'substance-use', recordType: 'diagnoses' })).toMatch(/42 CFR 2\.31/);
    expect(roiScopeProblem(1, s, { sensitivity: 'restricted', category: 'psychotherapy', psychotherapy: true, recordType: 'notes' })).toMatch(/164\.508\(a\)\(2\)/);
  });

  it('minimum necessary is cited only where it applies (164.502(b)(2))', () => {
    const cites = (basis: Parameters<typeof scopeLimits>[0], lp?: LegalProcess) => scopeLimits(basis, lp).scope;
    expect(cites('individual')).toMatch(/does not apply, 164\.502\(b\)\(2\)\(ii\)/);
    expect(cites('treatment')).toMatch(/does not apply .*164\.502\(b\)\(2\)\(i\)/);
    expect(cites('authorization')).toMatch(/164\.502\(b\)\(2\)\(iii\)/);
    expect(cites('judicial', { type: 'court-order' })).toMatch(/164\.502\(b\)\(2\)\(v\)/);
    expect(cites('law-enforcement', { type: 'grand-jury-subpoena' })).toMatch(/164\.502\(b\)\(2\)\(v\)/);
    for (const b of ['payment', 'operations', 'public-health'] as const) expect(cites(b)).toBe('minimum necessary (45 CFR 164.502(b), 164.514(d))');
    expect(cites('judicial', { type: 'subpoena' })).toMatch(/^minimum necessary/);
    expect(cites('law-enforcement', { type: 'administrative-request' })).toMatch(/^minimum necessary/);
    expect(scopeLimits('individual').psychotherapy).toMatch(/164\.524\(a\)\(1\)\(i\)/);
  });

  it('property: a refusal outside the record types cites minimum necessary exactly when 164.502(b)(2) does not exempt the basis', () => {
    fc.assert(fc.property(fc.constantFrom(...RELEASE_BASES), (basis) => {
      const s = scopeOf(req({ requesterType: basis === 'individual' ? 'self' : 'other', legalBasis: basis, recordTypes: ['diagnoses'] }));
      const why = roiScopeProblem(3, s, { sensitivity: 'normal', recordType: 'notes' })!;
      const exempt = ['individual', 'treatment', 'authorization'].includes(basis);
      expect(/does not apply/.test(why)).toBe(exempt);
      expect(/minimum necessary \(45 CFR 164\.502\(b\)/.test(why)).toBe(!exempt);
    }));
  });
});

describe('a copy sent at the individual\'s direction (164.524(c)(3)(ii))', () => {
  it('is a direction when the self request names someone else', () => {
    expect(isDirectedToThirdParty(null, 'Dr. Outside Clinic', 'Alex Rivera')).toBe(true);
    expect(isDirectedToThirdParty(null, 'Alex Rivera', 'Alex Rivera')).toBe(false);
    expect(isDirectedToThirdParty(null, undefined, 'Alex Rivera')).toBe(false);
    expect(isDirectedToThirdParty('health-care-provider', undefined, 'Alex Rivera')).toBe(true);
  });

  it('needs the patient\'s signed, written direction naming the recipient and where to send', () => {
    const c = { today: '2026-12-01', recipientName: 'Dr. Outside Clinic', patientName: 'Alex Rivera' };
    expect(fields(directionProblems(null, c))).toEqual(['direction']);
    expect(fields(directionProblems({}, c))).toEqual(['direction.recipient', 'direction.sendTo', 'direction.signedBy', 'direction.signedOn']);
    expect(fields(directionProblems({ signedBy: 'Someone Else', signedOn: '2026-11-30', recipient: 'Other Clinic', sendTo: 'x' }, c))).toEqual(['direction.recipient', 'direction.signedBy']);
    expect(directionProblems({ signedBy: 'Alex Rivera', signedOn: '2026-11-30', recipient: 'Dr. Outside Clinic', sendTo: '200 Elm St' }, c)).toEqual([]);
  });
});
