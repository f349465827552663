import { Authorization, authorizationInForce, authorizationProblems, authorizedCategories } from './authorization';

const ctx = { today: '2026-11-29', requesterName: 'Smith & Jones LLP', recordTypes: ['diagnoses', 'notes'], patientName: 'Alex Rivera' };
const valid: Authorization = {
  description: 'Diagnoses and notes of 2026',
  discloser: 'HIT Teaching Hospital',
  recipient: 'Smith & Jones LLP',
  purpose: 'Personal injury claim',
  expiresOn: '2027-06-30',
  signedBy: 'Alex Rivera',
  signedOn: '2026-11-20',
  statements: { rightToRevoke: true, conditioning: true, redisclosure: true },
};
const fields = (a: Authorization | null, c = ctx) => authorizationProblems(a, c).map((p) => p.field);

describe('a valid authorization (45 CFR 164.508(c))', () => {
  it('has no problems when every element and statement is there', () => {
    expect(authorizationProblems(valid, ctx)).toEqual([]);
    expect(authorizationProblems({ ...valid, expiresOn: undefined, expirationEvent: 'End of the claim' }, ctx)).toEqual([]);
    expect(authorizationProblems({ ...valid, recipient: 'Dana Smith of Smith & Jones LLP' }, ctx)).toEqual([]);
    expect(authorizationProblems({ ...valid, expiresOn: '2026-11-29' }, ctx)).toEqual([]); // valid through its last day
  });

  it('lists every missing element and statement at once, each citing the rule', () => {
    const problems = authorizationProblems({}, ctx);
    expect(problems.map((p) => p.field)).toEqual([
      'authorization.description', 'authorization.discloser', 'authorization.recipient', 'authorization.purpose', 'authorization.expiresOn',
      'authorization.signedBy', 'authorization.signedOn', 'authorization.statements.rightToRevoke', 'authorization.statements.conditioning',
      'authorization.statements.redisclosure',
    ]);
    for (const p of problems) expect(p.problems[0]).toMatch(/164\.508\(c\)/);
    expect(fields(null)).toEqual(['authorization']);
  });

  it('refuses an expired, an event-expired or a revoked authorization', () => {
    expect(authorizationProblems({ ...valid, expiresOn: '2026-11-28' }, ctx)).toEqual([
      { field: 'authorization.expiresOn', problems: [expect.stringMatching(/has passed.*164\.508\(b\)\(2\)\(i\)/)] },
    ]);
    expect(fields({ ...valid, expiresOn: undefined, expirationEvent: 'Claim settled', expirationEventOccurred: true })).toEqual(['authorization.expirationEvent']);
    expect(fields({ ...valid, revokedOn: '2026-11-25' })).toEqual(['authorization.revokedOn']);
    expect(fields({ ...valid, revokedOn: '2026-12-25' })).toEqual([]);
  });

  it('checks dates, the recipient and a representative\'s authority', () => {
    expect(fields({ ...valid, signedOn: '2026-12-01' })).toEqual(['authorization.signedOn']);
    expect(fields({ ...valid, signedOn: '2027-07-01', expiresOn: '2027-06-30' })).toEqual(['authorization.signedOn']);
    expect(fields({ ...valid, recipient: 'Acme Insurance' })).toEqual(['authorization.recipient']);
    expect(fields({ ...valid, signedByRepresentative: true })).toEqual(['authorization.representativeAuthority']);
    expect(fields({ ...valid, signedByRepresentative: true, representativeAuthority: 'Health care power of attorney' })).toEqual([]);
    expect(fields({ ...valid, recordTypes: ['diagnoses'] })).toEqual(['authorization.recordTypes']);
  });

  it('psychotherapy notes need an authorization of their own (164.508(a)(2), (b)(3)(ii))', () => {
    expect(fields({ ...valid, categories: ['psychotherapy'] }, { ...ctx, recordTypes: ['notes'] })).toEqual([]);
    expect(fields({ ...valid, categories: ['psychotherapy'] })).toEqual(['authorization.categories']);
    expect(fields({ ...valid, categories: ['psychotherapy', 'hiv'] }, { ...ctx, recordTypes: ['notes'] })).toEqual(['authorization.categories']);
    expect(fields({ ...valid, categories: ['astrology'] })).toEqual(['authorization.categories']);
  });

  it('substance use records need a Part 2 consent naming them (42 CFR 2.31), every element listed', () => {
    expect(fields({ ...valid, categories: ['substance-use'] })).toEqual(['authorization.part2Consent']);
    expect(fields({ ...valid, categories: ['substance-use'], part2Consent: {} })).toEqual([
      'authorization.part2Consent.patientName', 'authorization.part2Consent.discloser', 'authorization.part2Consent.information',
      'authorization.part2Consent.recipient', 'authorization.part2Consent.purpose', 'authorization.part2Consent.rightToRevoke',
      'authorization.part2Consent.expiresOn', 'authorization.part2Consent.signedBy', 'authorization.part2Consent.signedOn',
    ]);
    const consent = {
      patientName: 'Alex Rivera', discloser: 'HIT', information: 'SUD diagnoses', recipient: 'Smith & Jones LLP', purpose: 'Claim',
      rightToRevoke: true, expiresOn: '2027-01-01', signedBy: 'Alex Rivera', signedOn: '2026-11-01',
    };
    expect(fields({ ...valid, categories: ['substance-use'], part2Consent: consent })).toEqual([]);
    expect(fields({ ...valid, categories: ['substance-use'], part2Consent: { ...consent, patientName: 'Someone Else' } })).toEqual(['authorization.part2Consent.patientName']);
    expect(fields({ ...valid, part2Consent: consent })).toEqual(['authorization.categories']);
  });
});

describe('what an authorization lets through', () => {
  it('names categories; substance use only with the consent', () => {
    expect(authorizedCategories({ categories: ['hiv', 'substance-use', 'bogus'] })).toEqual(['hiv']);
    expect(authorizedCategories({ categories: ['substance-use'], part2Consent: {} })).toEqual(['substance-use']);
    expect(authorizedCategories(null)).toEqual([]);
  });

  it('is in force until it expires or is revoked', () => {
    expect(authorizationInForce(valid, '2026-11-29')).toBe(true);
    expect(authorizationInForce(valid, '2027-07-01')).toBe(false);
    expect(authorizationInForce({ ...valid, revokedOn: '2026-11-29' }, '2026-11-29')).toBe(false);
    expect(authorizationInForce(null, '2026-11-29')).toBe(false);
  });
});
