import fc from 'fast-check';
import {
  DenialFacts, deniedPartInForce, deniedPartProblems, determinationProblems, isLicensedProfessional, LICENSED_PROFESSIONAL_ROLES, reviewDecisionConflict,
  reviewerConflict, reviewRequestConflict, statusAfterReversal,
} from './access-denial';
import { DENIAL_CODES, denialGround, denialNotice, SELF_DENIAL_GROUNDS } from './denial-grounds';
import { buildPackage, PackageSource } from './package-builder';
import { ROI_STATUSES } from './roi-state-machine';
import { RECORD_TYPES } from './roi-scope';

const ROLES = ['admin', 'physician', 'nurse', 'registrar', 'him_technician', 'coder', 'roi_specialist', 'privacy_officer', 'quality_analyst', 'instructor', 'patient'];
const reviewable = DENIAL_CODES.self.filter((c) => denialGround(c).reviewable === true);
const unreviewable = DENIAL_CODES.self.filter((c) => denialGround(c).reviewable === false);

describe('the determination of a reviewable denial (45 CFR 164.524(a)(3))', () => {
  it('the reviewable grounds are exactly those of 164.524(a)(3)', () => {
    expect(reviewable.sort()).toEqual(['endangerment', 'personal-representative', 'reference-to-another-person']);
    for (const c of reviewable) expect(SELF_DENIAL_GROUNDS[c as keyof typeof SELF_DENIAL_GROUNDS].citation).toMatch(/164\.524\(a\)\(3\)/);
  });

  it('a reviewable ground needs a licensed, active professional; an unreviewable ground takes none (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...DENIAL_CODES.self), fc.option(fc.integer({ min: 1, max: 50 })), fc.constantFrom(...ROLES), fc.boolean(),
      (code, by, role, disabled) => {
        const problems = determinationProblems(code, by, by === null ? null : { role, disabled });
        const ok = denialGround(code).reviewable ? by !== null && !disabled && isLicensedProfessional(role) : by === null;
        expect(problems.length === 0).toBe(ok);
        for (const p of problems) expect(p.field).toBe('determinedBy');
      }));
  });

  it('licensed professionals are the physician and the nurse', () => {
    expect(ROLES.filter(isLicensedProfessional)).toEqual([...LICENSED_PROFESSIONAL_ROLES]);
  });
});

describe('the review (164.524(a)(4), (d)(4))', () => {
  const facts = (over: Partial<DenialFacts> = {}): DenialFacts => ({ code: 'endangerment', reviewable: true, determinedBy: 2, review: null, ...over });
  const asked = { requestedAt: '2026-11-10T00:00:00.000Z', requestedBy: 12, note: null, reviewerId: null, decision: null, decidedAt: null, reason: null };

  it('is asked once, for a reviewable denial only', () => {
    expect(reviewRequestConflict(facts())).toBeNull();
    expect(reviewRequestConflict(facts({ code: null }))).toMatch(/not denied/);
    for (const code of unreviewable) expect(reviewRequestConflict(facts({ code, reviewable: false }))).toMatch(/not reviewable/);
    expect(reviewRequestConflict(facts({ review: asked }))).toMatch(/already requested/);
  });

  it('the reviewer is licensed and never the determiner; once designated, only the designee decides (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.constantFrom(...ROLES), fc.integer({ min: 1, max: 6 }), fc.option(fc.integer({ min: 1, max: 6 })),
      (reviewerId, role, determinedBy, designated) => {
        const d = facts({ determinedBy, review: { ...asked, reviewerId: designated } });
        const conflict = reviewDecisionConflict(d, { id: reviewerId, role });
        const ok = isLicensedProfessional(role) && reviewerId !== determinedBy && (designated === null || designated === reviewerId);
        expect(conflict === null).toBe(ok);
        if (reviewerId === determinedBy && isLicensedProfessional(role) && (designated === null || designated === reviewerId)) {
          expect(reviewerConflict(d, { id: reviewerId, role })).toMatch(/did not participate|original decision/);
        }
      }));
    expect(reviewDecisionConflict(facts(), { id: 3, role: 'physician' })).toMatch(/no review was requested/);
    expect(reviewDecisionConflict(facts({ review: { ...asked, decision: 'upheld' } }), { id: 3, role: 'physician' })).toMatch(/already decided/);
  });

  it('a reversal releases: denied, fulfilled and closed requests return to approved; others keep their state', () => {
    for (const s of ROI_STATUSES) expect(statusAfterReversal(s)).toBe(['denied', 'fulfilled', 'closed'].includes(s) ? 'approved' : s);
    const part = { sections: ['notes' as const], items: [] };
    expect(deniedPartInForce(part, null)).toBe(part);
    expect(deniedPartInForce(part, { ...asked, decision: 'upheld' })).toBe(part);
    expect(deniedPartInForce(part, { ...asked, decision: 'reversed' })).toBeNull();
  });

  it('the notice of 164.524(d)(2): basis, review rights, complaint with a contact and HHS; a partial one says the rest is given', () => {
    for (const code of DENIAL_CODES.self) {
      const n = denialNotice(code, 'reason', true);
      expect(n.basis).toContain(denialGround(code).citation);
      expect(n.review).toMatch(denialGround(code).reviewable ? /164\.524\(a\)\(4\)/ : /not subject to review/);
      expect(n.complaint).toMatch(/telephone.*Secretary/s);
      expect(n.access).toMatch(/164\.524\(d\)\(1\)/);
    }
    expect(denialNotice('endangerment', null).access).toBeNull();
    expect(denialNotice('no-legal-basis', null)).toMatchObject({ review: null, complaint: null, access: null });
  });
});

describe('a partial denial (164.524(d)(1))', () => {
  const ids = new Map<string, Set<number>>([['encounters', new Set([1, 2])], ['diagnoses', new Set([10, 11, 12])], ['notes', new Set([20, 21])]]);
  const scope = ['encounters', 'diagnoses', 'notes'];

  it('names a part of the request, never all of it, never outside it', () => {
    expect(deniedPartProblems({ sections: [], items: [] }, scope, ids)[0].field).toBe('deniedSections');
    expect(deniedPartProblems({ sections: ['notes'], items: [] }, scope, ids)).toEqual([]);
    expect(deniedPartProblems({ sections: ['encounters', 'diagnoses', 'notes'], items: [] }, scope, ids)[0].problems[0]).toMatch(/whole request/);
    expect(deniedPartProblems({ sections: ['procedures'], items: [] }, scope, ids)[0].field).toBe('deniedSections');
    expect(deniedPartProblems({ sections: [], items: [{ recordType: 'diagnoses', id: 99 }] }, scope, ids)[0].field).toBe('deniedItems');
    expect(deniedPartProblems({ sections: ['notes'], items: [{ recordType: 'notes', id: 20 }] }, scope, ids)[0].field).toBe('deniedItems');
  });

  it('the package leaves out exactly the denied part and keeps every other item (property)', () => {
    const item = (type: string, id: number, encounterId: number) => ({ id, encounterId, text: `${type} ${id}` });
    const records = {
      encounters: [1, 2].map((id) => ({ id })),
      diagnoses: [10, 11, 12].map((id) => item('dx', id, id % 2 ? 1 : 2)),
      notes: [20, 21].map((id) => item('note', id, 1)),
    };
    const all = [...RECORD_TYPES].flatMap((t) => (records[t as keyof typeof records] ?? []).map((i) => ({ recordType: t, id: i.id })));
    fc.assert(fc.property(fc.subarray(['diagnoses', 'notes'] as const), fc.subarray(all), (sections, items) => {
      const part = { sections: [...sections], items: items.filter((i) => !(sections as readonly string[]).includes(i.recordType)) as { recordType: 'encounters'; id: number }[] };
      const src: PackageSource = {
        request: { id: 1, requesterType: 'self', requesterName: 'P', requesterAddress: null, purpose: 'x', legalBasis: 'individual', format: 'electronic' },
        scope: { recordTypes: scope, dateFrom: null, dateTo: null, categories: new Set() } as unknown as PackageSource['scope'],
        patient: { id: 1, mrn: 'M', givenName: 'A', familyName: 'B', birthDate: '1980-01-01', sex: 'female' },
        records, limits: [], generatedAt: '2026-11-01T00:00:00.000Z', generatedBy: { userId: 1, username: 'u' },
        denied: { part, code: 'endangerment' },
      };
      const pkg = buildPackage(src);
      const deniedKeys = new Set(part.items.map((i) => `${i.recordType}/${i.id}`));
      const deniedEncounters = new Set(part.items.filter((i) => i.recordType === 'encounters').map((i) => i.id));
      for (const t of scope) {
        const expected = (records[t as keyof typeof records] ?? [])
          .filter((i) => !(sections as readonly string[]).includes(t) && !deniedKeys.has(`${t}/${i.id}`)).map((i) => i.id);
        expect((pkg.records[t as 'notes'] ?? []).map((i) => i.id)).toEqual(expected);
        for (const i of pkg.records[t as 'notes'] ?? []) if ('encounterId' in i && i.encounterId !== null) expect(deniedEncounters.has(Number(i.encounterId))).toBe(false);
      }
      expect(pkg.denied).toMatchObject({ sections: [...sections], code: 'endangerment', citation: '45 CFR 164.524(a)(3)(i)' });
    }));
  });
});
