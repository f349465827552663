import fc from 'fast-check';
import { DEFAULT_ROLE_MATRIX, Permission, ROLES } from './catalogue';
import { Caller, computeLimits, limitsOf } from './item-visibility';
import type { PatientFacts, RoiScope } from './policy';
import { recordViewFor } from './record-views';

/**
 * limitsOf remembers its answers (item-visibility.ts, LIMITS). These properties hold the cache to the rule: whatever
 * the caller, the remembered answer is the one the rule computes now, also when the same relation is asked about
 * another patient (the key leaves the patient's id out only where the rule does not read it).
 */
const ALL_PERMISSIONS = [...new Set(Object.values(DEFAULT_ROLE_MATRIX).flatMap((r) => r.permissions))] as Permission[];

const scopeArb: fc.Arbitrary<RoiScope> = fc.record({
  recordTypes: fc.subarray(['encounters', 'diagnoses', 'procedures', 'observations', 'notes']),
  dateFrom: fc.option(fc.constantFrom('2024-01-01', '2025-06-30'), { nil: null }),
  dateTo: fc.option(fc.constantFrom('2025-12-31', '2026-03-01'), { nil: null }),
  categories: fc.subarray(['behavioral-health', 'substance-use', 'hiv', 'reproductive', 'genetic', 'psychotherapy']),
});

const callerArb: fc.Arbitrary<Caller> = fc
  .record({
    role: fc.constantFrom(...ROLES),
    // The role's own permissions, or any set (an instructor edits the role matrix).
    permissions: fc.oneof(fc.constant(null), fc.subarray(ALL_PERMISSIONS)),
    userId: fc.integer({ min: 1, max: 4 }),
    patientId: fc.integer({ min: 1, max: 1000 }),
    careTeam: fc.boolean(),
    ownRecord: fc.boolean(),
    vip: fc.boolean(),
    grant: fc.option(fc.record({ id: fc.integer({ min: 1, max: 3 }), expiresAt: fc.constant('2026-12-04T12:00:00.000Z') }), { nil: null }),
    roi: fc.option(fc.record({ id: fc.integer({ min: 1, max: 3 }), scope: scopeArb, privacyApproved: fc.boolean() }), { nil: null }),
  })
  .map((g) => {
    const permissions = new Set(g.permissions ?? DEFAULT_ROLE_MATRIX[g.role].permissions);
    const facts: PatientFacts = {
      patientId: g.patientId, exists: true, vip: g.vip, careTeam: g.careTeam, ownRecord: g.ownRecord,
      breakGlass: g.grant, roiRequest: g.roi,
    };
    return { subject: { userId: g.userId, role: g.role, permissions }, facts, view: recordViewFor(g.role, permissions) };
  });

describe('limitsOf: the remembered limits are the rule\'s', () => {
  it('equal what the rule computes, for the caller and for the same relation to another patient', () => {
    fc.assert(
      fc.property(callerArb, fc.integer({ min: 1, max: 1000 }), (caller, otherPatient) => {
        expect(limitsOf(caller)).toEqual(computeLimits(caller));
        const other: Caller = { ...caller, facts: { ...caller.facts, patientId: otherPatient } };
        expect(limitsOf(other)).toEqual(computeLimits(other));
      }),
      { numRuns: 600 },
    );
  });

  it('one entry per relation: a care team\'s charts share it; a different permission set or scope does not', () => {
    const physician = DEFAULT_ROLE_MATRIX.physician.permissions;
    const caller = (patientId: number, permissions: readonly Permission[], roiRequest: PatientFacts['roiRequest'] = null): Caller => {
      const set = new Set(permissions);
      return {
        subject: { userId: 2, role: 'physician', permissions: set },
        facts: { patientId, exists: true, vip: false, careTeam: true, ownRecord: false, breakGlass: null, roiRequest },
        view: recordViewFor('physician', set),
      };
    };
    const first = limitsOf(caller(11, physician));
    expect(limitsOf(caller(12, physician))).toBe(first);
    const withoutRestricted = limitsOf(caller(11, physician.filter((p) => p !== 'clinical:read:restricted')));
    expect(withoutRestricted).not.toEqual(first);
    expect(withoutRestricted.some((l) => l.code === 'restricted-category' && l.section === 'diagnoses')).toBe(true);
    // An ROI request's scope is part of the key: two requests' date ranges give two lists.
    const scope = (dateFrom: string): RoiScope => ({ recordTypes: ['diagnoses'], dateFrom, dateTo: null, categories: [] });
    const a = limitsOf(caller(11, physician, { id: 1, scope: scope('2024-01-01') }));
    const b = limitsOf(caller(11, physician, { id: 1, scope: scope('2025-01-01') }));
    expect(a.map((l) => l.reason).join()).toContain('2024-01-01');
    expect(b.map((l) => l.reason).join()).toContain('2025-01-01');
  });

  it('hands out frozen lists: no answer can change another\'s', () => {
    const permissions = new Set(DEFAULT_ROLE_MATRIX.nurse.permissions);
    const limits = limitsOf({
      subject: { userId: 3, role: 'nurse', permissions },
      facts: { patientId: 5, exists: true, vip: false, careTeam: true, ownRecord: false, breakGlass: null, roiRequest: null },
      view: recordViewFor('nurse', permissions),
    });
    expect(limits.length).toBeGreaterThan(0);
    expect(() => (limits as unknown as { push(x: unknown): void }).push({})).toThrow(TypeError);
    expect(() => {
      (limits[0] as { reason: string }).reason = 'changed';
    }).toThrow(TypeError);
  });
});
