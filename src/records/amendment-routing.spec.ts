import fc from 'fast-check';
import { travelsWithDisclosures } from './amendment-rules';
import { amendmentNotices, correctedColumns, correctionProblems, deciderRefusal, responsibleClinicians } from './amendment-routing';

describe('who decides an amendment (45 CFR 164.526(a))', () => {
  it('author first, then who recorded it, the encounter attending, care-team attendings; each once', () => {
    expect(responsibleClinicians({ authorUserId: 5, createdBy: 5, attendingUserId: 2, careTeam: [{ userId: 2, teamRole: 'attending' }, { userId: 9, teamRole: 'attending' }, { userId: 4, teamRole: 'nurse' }] }))
      .toEqual([{ userId: 5, basis: 'author' }, { userId: 2, basis: 'encounter-attending' }, { userId: 9, basis: 'care-team-attending' }]);
    expect(responsibleClinicians({ authorUserId: null, createdBy: null, attendingUserId: null, careTeam: [] })).toEqual([]);
  });

  it('only the routed clinician decides; unrouted requests are refused to everyone', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }), fc.integer({ min: 1, max: 50 }), (decider, caller) => {
      expect(deciderRefusal({ deciderUserId: decider }, caller) === null).toBe(decider === caller);
    }));
  });
});

describe('the correction of an accepted amendment (164.526(c)(1))', () => {
  it('is required, per item type, and well formed', () => {
    expect(correctionProblems('diagnoses', undefined)[0].field).toBe('correction');
    expect(correctionProblems('diagnoses', {})[0].field).toBe('correction');
    expect(correctionProblems('diagnoses', { text: 'x' })[0].field).toBe('correction.text');
    expect(correctionProblems('notes', { text: '  ' })[0].field).toBe('correction.text');
    expect(correctionProblems('observations', { value: Number.NaN })[0].field).toBe('correction.value');
    expect(correctionProblems('diagnoses', { code: 'I48.19', description: 'Persistent AF' })).toEqual([]);
    expect(correctionProblems('observations', { value: 7.2 })).toEqual([]);
  });

  it('writes the columns of its type', () => {
    expect(correctedColumns('observations', { value: 7.2, unit: '%' })).toEqual({ value_num: 7.2, value_text: null, unit: '%' });
    expect(correctedColumns('observations', { value: 'positive' })).toEqual({ value_num: null, value_text: 'positive' });
    expect(correctedColumns('notes', { text: ' Corrected. ' })).toEqual({ text: 'Corrected.' });
  });
});

describe('whom an accepted amendment is told to (164.526(c)(2), (c)(3))', () => {
  it('the individual, the persons named, each earlier recipient once', () => {
    const notices = amendmentNotices({
      individual: { name: 'Pat Demo', hasPortal: true },
      named: [{ name: 'Dr. Moreno', address: '12 Lake St' }],
      priorRecipients: [
        { disclosureId: 3, name: 'Springfield Cardiology', address: '1 Main St' },
        { disclosureId: 4, name: 'springfield cardiology ', address: '1 Main St' },
        { disclosureId: 5, name: 'Acme Insurance', address: null },
      ],
    });
    expect(notices.map((n) => [n.kind, n.channel, n.citation])).toEqual([
      ['individual', 'patient-portal', '45 CFR 164.526(c)(2)'],
      ['named-by-individual', 'mail', '45 CFR 164.526(c)(3)(i)'],
      ['prior-recipient', 'mail', '45 CFR 164.526(c)(3)(ii)'],
      ['prior-recipient', 'address-unknown-him-follow-up', '45 CFR 164.526(c)(3)(ii)'],
    ]);
  });
});

describe('which denials travel with disclosures (164.526(d)(5))', () => {
  it('with a disagreement always (all four parts); without, only at the individual\'s request (request and denial)', () => {
    expect(travelsWithDisclosures({ status: 'denied', disagreementStatement: 'x', includeWithDisclosures: false })).toMatchObject({ citation: '45 CFR 164.526(d)(5)(i)' });
    expect(travelsWithDisclosures({ status: 'denied', disagreementStatement: null, includeWithDisclosures: true })).toEqual({ citation: '45 CFR 164.526(d)(5)(ii)', parts: ['request', 'denial'] });
    expect(travelsWithDisclosures({ status: 'denied', disagreementStatement: null, includeWithDisclosures: false })).toBeNull();
    expect(travelsWithDisclosures({ status: 'accepted', disagreementStatement: null, includeWithDisclosures: true })).toBeNull();
  });
});
