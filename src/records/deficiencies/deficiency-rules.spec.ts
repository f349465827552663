import fc from 'fast-check';
import { deficiencyTiming, encounterDeficiencies, EncounterFacts, NoteFacts } from './deficiency-rules';

const DISCHARGED = '2026-10-01T12:00:00.000Z';
const enc = (over: Partial<EncounterFacts> = {}): EncounterFacts => ({
  encounterId: 9, patientId: 5, encounterClass: 'inpatient', dischargedAt: DISCHARGED, status: 'active', attendingUserId: 2, ...over,
});
const note = (over: Partial<NoteFacts> = {}): NoteFacts => ({ id: 1, noteType: 'discharge-summary', status: 'active', authorUserId: 2, signedAt: DISCHARGED, ...over });
const types = (...args: Parameters<typeof encounterDeficiencies>) => encounterDeficiencies(...args).map((d) => d.type);

describe('chart deficiency rules (42 CFR 482.24(c); TJC RC.01.03.01)', () => {
  it('a complete discharged stay has none; neither has a stay still in progress', () => {
    expect(encounterDeficiencies(enc(), [note()], [], '2026-10-02T00:00:00.000Z', 30)).toEqual([]);
    expect(encounterDeficiencies(enc({ dischargedAt: null }), [], [{ id: 1, status: 'open', addresseeUserId: 2 }], '2026-10-02T00:00:00.000Z', 30)).toEqual([]);
  });

  it('lists a missing discharge summary (inpatient only), unsigned notes (not psychotherapy) and open queries, each with who completes it', () => {
    const notes = [note({ id: 2, noteType: 'progress', signedAt: null, authorUserId: 4 }), note({ id: 3, noteType: 'psychotherapy', signedAt: null })];
    const found = encounterDeficiencies(enc(), notes, [{ id: 7, status: 'open', addresseeUserId: 3 }, { id: 8, status: 'withdrawn', addresseeUserId: 3 }], '2026-10-02T00:00:00.000Z', 30);
    expect(found.map((d) => [d.type, d.itemId, d.responsibleUserId])).toEqual([
      ['missing-discharge-summary', null, 2], ['unsigned-note', 2, 4], ['unanswered-query', 7, 3],
    ]);
    expect(types(enc({ encounterClass: 'outpatient' }), [], [], '2026-10-02T00:00:00.000Z', 30)).toEqual([]);
    expect(types(enc(), [note({ status: 'entered-in-error' })], [], '2026-10-02T00:00:00.000Z', 30)).toEqual(['missing-discharge-summary']);
    expect(types(enc(), [note(), note({ id: 4, noteType: 'progress', status: 'amended', signedAt: null })], [], '2026-10-02T00:00:00.000Z', 30)).toEqual([]);
  });

  it('is deficient before the completion period ends and delinquent from then on', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 90 * 24 }), (days, hours) => {
      const now = new Date(new Date(DISCHARGED).getTime() + hours * 3_600_000).toISOString();
      const t = deficiencyTiming(DISCHARGED, now, days);
      expect(t.status).toBe(hours >= days * 24 ? 'delinquent' : 'deficient');
      expect(t.daysSinceDischarge).toBe(Math.floor(hours / 24));
    }));
  });
});
