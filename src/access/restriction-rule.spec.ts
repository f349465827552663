import fc from 'fast-check';
import {
  bindingRestrictions, decisionConflict, inForceFor, isRequiredRestriction, RESTRICTION_PURPOSES, RestrictionFacts, restrictionProblem, terminationConflict,
} from './restriction-rule';

const r = (over: Partial<RestrictionFacts> = {}): RestrictionFacts => ({
  id: 4, purposes: ['payment', 'operations'], recipient: 'health-plan', encounterId: 10, required: true, status: 'agreed', terminatedAt: null,
  terminatedByIndividual: null, ...over,
});
const plan = { legalBasis: 'payment', requesterType: 'insurer' };

describe('164.522(a)(1)(vi): the required restriction', () => {
  it('is required for a health plan, payment/operations only, of a self-pay encounter', () => {
    expect(isRequiredRestriction({ purposes: ['payment'], recipient: 'health-plan', encounterSelfPay: true })).toBe(true);
    expect(isRequiredRestriction({ purposes: ['payment', 'treatment'], recipient: 'health-plan', encounterSelfPay: true })).toBe(false);
    expect(isRequiredRestriction({ purposes: ['payment'], recipient: 'any', encounterSelfPay: true })).toBe(false);
    expect(isRequiredRestriction({ purposes: ['payment'], recipient: 'health-plan', encounterSelfPay: false })).toBe(false);
  });
  it('withholds that encounter\'s items from a health plan\'s payment request, and nothing else', () => {
    expect(restrictionProblem([r()], plan, { encounterId: 10 })).toMatch(/164\.522\(a\)\(1\)\(vi\)/);
    expect(restrictionProblem([r()], plan, { encounterId: 11 })).toBeNull();
    expect(restrictionProblem([r()], { legalBasis: 'treatment', requesterType: 'provider' }, { encounterId: 10 })).toBeNull();
    expect(restrictionProblem([r()], { legalBasis: 'payment', requesterType: 'attorney' }, { encounterId: 10 })).toBeNull();
    // The stated recipient decides: a health plan logged under another requester type is bound; an insurer stating
    // another kind (a life insurer is not a health plan, 164.103) is not.
    expect(restrictionProblem([r()], { legalBasis: 'payment', requesterType: 'other', recipientKind: 'health-plan' }, { encounterId: 10 })).toMatch(/164\.522\(a\)\(1\)\(vi\)/);
    expect(restrictionProblem([r()], { legalBasis: 'payment', requesterType: 'insurer', recipientKind: 'provider-billing' }, { encounterId: 10 })).toBeNull();
    // 164.522(a)(1)(v): not the individual's own copy, not an authorization, not legal process.
    for (const legalBasis of ['individual', 'authorization', 'judicial', 'law-enforcement']) {
      expect(restrictionProblem([r({ recipient: 'any' })], { legalBasis, requesterType: 'insurer' }, { encounterId: 10 })).toBeNull();
    }
  });
  it('can be neither refused nor terminated by the covered entity; the individual may end it', () => {
    expect(decisionConflict({ status: 'requested', required: true }, 'refuse')).toMatch(/must be agreed/);
    expect(decisionConflict({ status: 'requested', required: false }, 'refuse')).toBeNull();
    expect(decisionConflict({ status: 'agreed', required: false }, 'agree')).toMatch(/only a requested one/);
    expect(terminationConflict({ status: 'agreed', required: true }, false)).toMatch(/164\.522\(a\)\(2\)\(iii\)/);
    expect(terminationConflict({ status: 'agreed', required: true }, true)).toBeNull();
    expect(terminationConflict({ status: 'refused', required: false }, true)).toMatch(/only an agreed/);
  });
});

describe('164.522(a)(2): termination', () => {
  it('by the individual ends it; by the covered entity, only for what was created after', () => {
    const byIndividual = r({ status: 'terminated', terminatedAt: '2026-06-01T00:00:00.000Z', terminatedByIndividual: true });
    expect(inForceFor(byIndividual, { date: '2026-01-01T00:00:00.000Z' })).toBe(false);
    const byEntity = r({ required: false, status: 'terminated', terminatedAt: '2026-06-01T00:00:00.000Z', terminatedByIndividual: false });
    expect(inForceFor(byEntity, { date: '2026-01-01T00:00:00.000Z' })).toBe(true);
    expect(inForceFor(byEntity, { date: '2026-07-01T00:00:00.000Z' })).toBe(false);
    expect(bindingRestrictions([byIndividual, byEntity, r({ status: 'refused' })], plan).map((x) => x.status)).toEqual(['terminated']);
  });
  it('property: a restriction binds only the purposes it names, and a whole-record one binds every item', () => {
    fc.assert(fc.property(
      fc.subarray([...RESTRICTION_PURPOSES], { minLength: 1 }), fc.constantFrom('treatment', 'payment', 'operations', 'individual', 'judicial'),
      fc.constantFrom('insurer', 'provider', 'attorney'), fc.integer({ min: 1, max: 50 }), fc.constantFrom<'health-plan' | 'any'>('health-plan', 'any'),
      (purposes, legalBasis, requesterType, encounterId, recipient) => {
        const problem = restrictionProblem([r({ purposes, encounterId: null, recipient })], { legalBasis, requesterType }, { encounterId });
        const binds = (purposes as string[]).includes(legalBasis) && (recipient === 'any' || requesterType === 'insurer');
        expect(problem !== null).toBe(binds);
      },
    ));
  });
});
