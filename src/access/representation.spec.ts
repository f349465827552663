import fc from 'fast-check';
import { DEFAULT_ROLE_MATRIX } from './catalogue';
import { decide, PatientFacts, Subject } from './policy';
import {
  ageOn, linkProblem, minorCareProblem, RELATIONSHIPS, Relationship, RepresentationFacts, RepresentationLink, representationInForce, RIGHTS,
} from './representation';

const link = (over: Partial<RepresentationLink> = {}): RepresentationLink => ({
  id: 1, relationship: 'parent', rights: [...RIGHTS], validFrom: '2020-01-01', validTo: null, declinedAt: null, declinedReason: null, ...over,
});
const facts = (over: Partial<RepresentationFacts> = {}): RepresentationFacts => ({
  links: [link()], birthDate: '2012-05-10', deceasedAt: null, at: '2026-11-30T10:00:00.000Z', minorConsentEncounters: [], ...over,
});
const day = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('ageOn', () => {
  it('counts whole years: the birthday itself is the new age', () => {
    expect(ageOn('2008-12-01', '2026-11-30')).toBe(17);
    expect(ageOn('2008-12-01', '2026-12-01')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
  });
  it('agrees with ordering: never negative after birth, one more a year later', () => {
    fc.assert(fc.property(day, day, (a, b) => {
      const [birth, on] = a <= b ? [a, b] : [b, a];
      const age = ageOn(birth, on);
      expect(age).toBeGreaterThanOrEqual(0);
      const next = `${String(Number(on.slice(0, 4)) + 1).padStart(4, '0')}${on.slice(4)}`;
      if (on.slice(5) !== '02-29') expect(ageOn(birth, next)).toBe(age + 1);
    }));
  });
});

describe('linkProblem (164.502(g))', () => {
  it('a parent represents a minor, not an adult, and nobody after death', () => {
    expect(linkProblem(link(), facts(), 'access')).toBeNull();
    expect(linkProblem(link(), facts({ birthDate: '2000-01-01' }), 'access')).toMatch(/no longer a minor.*164\.502\(g\)\(3\)/);
    expect(linkProblem(link(), facts({ deceasedAt: '2026-10-01T00:00:00.000Z' }), 'access')).toMatch(/has died.*164\.502\(g\)\(4\)/);
  });
  it('a POA or legal guardian represents an adult only', () => {
    expect(linkProblem(link({ relationship: 'healthcare-poa' }), facts({ birthDate: '1950-01-01' }), 'access')).toBeNull();
    expect(linkProblem(link({ relationship: 'legal-guardian' }), facts(), 'access')).toMatch(/represents an adult/);
  });
  it('an executor or administrator only from the date of death', () => {
    for (const relationship of ['executor', 'administrator'] as Relationship[]) {
      expect(linkProblem(link({ relationship }), facts(), 'access')).toMatch(/164\.502\(g\)\(4\)/);
      expect(linkProblem(link({ relationship }), facts({ deceasedAt: '2026-12-01T00:00:00.000Z' }), 'access')).toMatch(/from the date of death/);
      expect(linkProblem(link({ relationship }), facts({ deceasedAt: '2026-11-29T00:00:00.000Z' }), 'access')).toBeNull();
    }
  });
  it('the validity, the 164.502(g)(5) decline and the rights covered', () => {
    expect(linkProblem(link({ validFrom: '2026-12-01' }), facts(), 'access')).toMatch(/valid only from 2026-12-01/);
    expect(linkProblem(link({ validTo: '2026-11-29' }), facts(), 'access')).toMatch(/ended on 2026-11-29/);
    expect(linkProblem(link({ validTo: '2026-11-30' }), facts(), 'access')).toBeNull();
    expect(linkProblem(link({ declinedAt: '2026-01-01T00:00:00.000Z', declinedReason: 'abuse' }), facts(), 'access')).toMatch(/164\.502\(g\)\(5\)\)$/);
    expect(linkProblem(link({ rights: ['access'] }), facts(), 'amendment')).toMatch(/does not cover the right of amendment/);
  });
  it('property: a declined link, or one outside its dates, is never in force whatever else holds', () => {
    fc.assert(fc.property(
      fc.constantFrom(...RELATIONSHIPS), day, day, fc.option(day, { nil: null }), fc.boolean(), fc.option(day, { nil: null }),
      (relationship, birthDate, validFrom, validTo, declined, death) => {
        const at = '2026-11-30T10:00:00.000Z';
        const l = link({ relationship, validFrom, validTo, declinedAt: declined ? '2026-01-01T00:00:00.000Z' : null });
        const p = linkProblem(l, { birthDate, deceasedAt: death ? `${death}T00:00:00.000Z` : null, at }, 'access');
        if (declined || validFrom > '2026-11-30' || (validTo !== null && validTo < '2026-11-30')) expect(p).not.toBeNull();
        // An estate's representative is never in force for a living patient; a parent never for the dead.
        if (death === null && (relationship === 'executor' || relationship === 'administrator')) expect(p).not.toBeNull();
        if (death !== null && death < '2026-11-30' && (relationship === 'parent' || relationship === 'guardian-of-minor')) expect(p).not.toBeNull();
      },
    ));
  });
});

describe('representationInForce and the minor exceptions', () => {
  it('the first link in force wins; otherwise the first link\'s problem', () => {
    const r = representationInForce(9, facts({ links: [link({ id: 2, validTo: '2020-01-01' }), link({ id: 3 })] }), 'access');
    expect(r).toEqual({ actingFor: expect.objectContaining({ patientId: 9, representationId: 3, citation: '45 CFR 164.502(g)(3)' }) });
    expect(representationInForce(9, facts({ links: [] }), 'access')).toEqual({ problem: expect.stringMatching(/not a personal representative/) });
  });
  it('(g)(3)(i): each basis withholds the encounter from a parent, never from an adult\'s representative', () => {
    const f = { minorConsentEncounters: [{ encounterId: 5, basis: 'minor-consented' as const }, { encounterId: 6, basis: 'court-directed' as const }, { encounterId: 7, basis: 'confidentiality-agreed' as const }] };
    expect(minorCareProblem('parent', f, { encounterId: 5 })).toMatch(/\(g\)\(3\)\(i\)\(A\)/);
    expect(minorCareProblem('guardian-of-minor', f, { encounterId: 6 })).toMatch(/\(g\)\(3\)\(i\)\(B\)/);
    expect(minorCareProblem('parent', f, { encounterId: 7 })).toMatch(/\(g\)\(3\)\(i\)\(C\)/);
    expect(minorCareProblem('parent', f, { encounterId: 8 })).toBeNull();
    expect(minorCareProblem('healthcare-poa', f, { encounterId: 5 })).toBeNull();
  });
});

describe('decide() for a representative', () => {
  const rep: Subject = { userId: 50, role: 'representative', permissions: new Set(DEFAULT_ROLE_MATRIX.representative.permissions) };
  const patient = (over: Partial<PatientFacts> = {}): PatientFacts => ({
    patientId: 7, exists: true, vip: false, careTeam: false, ownRecord: false, breakGlass: null, roiRequest: null, representation: facts(), ...over,
  });
  it('allows the individual\'s rights with actingFor, refuses without a link, and withholds a minor\'s own care', () => {
    const d = decide(rep, 'self:record', patient());
    expect(d).toMatchObject({ decision: 'allow', actingFor: { patientId: 7, relationship: 'parent' } });
    expect(decide(rep, 'self:record', patient({ representation: null })).reasons.at(-1)).toMatch(/not a personal representative/);
    expect(decide(rep, 'self:record', patient({ representation: facts({ minorConsentEncounters: [{ encounterId: 3, basis: 'minor-consented' }] }) }), { sensitivity: 'normal', encounterId: 3 }))
      .toMatchObject({ decision: 'deny', withhold: 'minor-consented-care' });
    expect(decide(rep, 'self:record', patient(), { sensitivity: 'restricted', psychotherapy: true }).decision).toBe('deny');
    // Never a workforce permission, whatever the link says.
    expect(decide(rep, 'clinical:read', patient()).decision).toBe('deny');
    expect(decide(rep, 'patient:search', null).decision).toBe('deny');
  });
  it('property: without a link in force to this patient, every permission is refused', () => {
    fc.assert(fc.property(fc.constantFrom(...DEFAULT_ROLE_MATRIX.representative.permissions), fc.integer({ min: 1, max: 1000 }), (permission, patientId) => {
      expect(decide(rep, permission, patient({ patientId, representation: facts({ links: [] }) })).decision).toBe('deny');
      expect(decide(rep, permission, patient({ patientId, representation: facts({ links: [link({ declinedAt: '2026-01-01T00:00:00.000Z' })] }) })).decision).toBe('deny');
    }));
  });
});
