import fc from 'fast-check';
import {
  afterHoursRule, eventRules, Facts, ownOrCoworkerRule, parseRoleLimits, PatientFacts, repeatedDenialsRule, sameSurnameRule,
  sortFindings, Thresholds, TrailEvent, unreviewedBreakGlass, unusualVolumeRule, UserFacts, vipRule, Rule, Finding,
} from './anomaly-rules';
import { localTime, parseDailySpan } from './zoned-time';

const TZ = 'America/New_York';
const thresholds: Thresholds = {
  timeZone: TZ, afterHours: parseDailySpan('22:00-06:00'), volumePerHour: 40, volumePerHourByRole: { nurse: 3 },
  breakGlassReviewHours: 72, denialsThreshold: 3, denialsWindowMinutes: 60,
};

const users: UserFacts[] = [
  { id: 2, username: 'dr.chen', displayName: 'Dr. Mei Chen', role: 'physician', surname: 'Chen' },
  { id: 3, username: 'dr.okafor', displayName: 'Dr. Chidi Okafor', role: 'physician', surname: 'Okafor' },
  { id: 4, username: 'nurse.patel', displayName: 'Priya Patel, RN', role: 'nurse', surname: 'Patel' },
  { id: 12, username: 'patient.demo', displayName: 'Jordan Rivera', role: 'patient', surname: 'Rivera' },
];
const patients: PatientFacts[] = [
  { id: 1, familyName: 'Rivera', vip: false, linkedUserId: 12 },
  { id: 2, familyName: 'Patel', vip: false, linkedUserId: 4 },
  { id: 3, familyName: 'Patel', vip: false, linkedUserId: null },
  { id: 4, familyName: 'Stone', vip: true, linkedUserId: null },
  { id: 5, familyName: 'Grant', vip: false, linkedUserId: null },
  { id: 9, familyName: 'Okafor', vip: false, linkedUserId: 3 },
  { id: 11, familyName: 'Lind', vip: true, linkedUserId: null },
];
/** Care teams: chen and patel on 1, 5, 11 (11 is a VIP they treat); patel joined 9 on 2026-11-29 at 12:00Z. */
const facts: Facts = {
  user: (id) => users.find((u) => u.id === id),
  patient: (id) => patients.find((p) => p.id === id),
  onCareTeam: (p, u, at) => ([1, 5, 11].includes(p) && [2, 4].includes(u)) || (p === 9 && u === 4 && at >= '2026-11-29T12:00:00.000Z'),
};

let seq = 0;
/** A successful chart read by `actor` of `patientId` at `at` (UTC), unless told otherwise. */
function ev(actorId: number, patientId: number | null, at: string, over: Partial<TrailEvent> = {}): TrailEvent {
  const ms = new Date(at).getTime();
  const role = users.find((u) => u.id === actorId)?.role ?? null;
  return {
    seq: ++seq, at: new Date(ms).toISOString(), ms, local: localTime(ms, TZ), actorId, actorRole: role, action: 'read',
    resourceType: 'record', patientId, outcome: 'success', breakGlass: false, ...over,
  };
}

function run(rule: Rule, events: TrailEvent[]): Finding[] {
  for (const e of events) rule.observe(e, facts);
  return rule.findings(facts);
}

// 14:00 in New York on 2026-11-29 (EST, UTC-5) is 19:00Z; 23:30 local is 04:30Z the next day.
const DAY = '2026-11-29T19:00:00.000Z';
const NIGHT = '2026-11-30T04:30:00.000Z';

describe('anomaly rules', () => {
  it('normal care-team work in the day leaves every rule silent', () => {
    const normal = [1, 5, 11].flatMap((p, i) => [
      ev(2, p, `2026-11-29T19:0${i}:00.000Z`), ev(4, p, `2026-11-29T19:1${i}:00.000Z`),
      ev(4, p, `2026-11-29T19:2${i}:00.000Z`, { action: 'create', resourceType: 'observation' }),
    ]);
    normal.push(ev(2, null, DAY, { action: 'search', resourceType: 'patient' }), ev(12, 1, DAY));
    for (const rule of eventRules(thresholds)) expect(run(rule, normal)).toEqual([]);
  });

  it('same-surname: a Patel opening a Patel, but not her own record and not a refused attempt', () => {
    const events = [ev(4, 3, DAY), ev(4, 3, DAY), ev(4, 2, DAY), ev(4, 3, DAY, { outcome: 'denied', action: 'access-denied' }), ev(2, 3, DAY)];
    const [f, ...rest] = run(sameSurnameRule(), events);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'same-surname', actorId: 4, patientId: 3, evidence: [events[0].seq, events[1].seq], details: { surname: 'Patel', events: 2 } });
  });

  it('vip-without-care-relation: VIP opened off the care team (also under break-the-glass), not by the care team', () => {
    const events = [ev(3, 4, DAY, { breakGlass: true }), ev(2, 11, DAY), ev(4, 11, DAY), ev(3, 11, DAY)];
    const found = run(vipRule(), events);
    expect(found.map((f) => [f.actorId, f.patientId, f.evidence])).toEqual([[3, 4, [events[0].seq]], [3, 11, [events[3].seq]]]);
    expect(found[0].details).toMatchObject({ breakGlassAccesses: 1 });
  });

  it('own-or-coworker-record: own record always; a coworker\'s only outside the care relation at that time', () => {
    const events = [
      ev(4, 2, DAY), // nurse.patel, her own record
      ev(4, 9, '2026-11-29T11:00:00.000Z'), // dr.okafor's record, before she joined its care team
      ev(4, 9, '2026-11-29T13:00:00.000Z'), // after: treating a coworker is normal
      ev(2, 1, DAY), // patient.demo's record: linked to a patient account, not a coworker
    ];
    const found = run(ownOrCoworkerRule(), events);
    expect(found).toEqual([
      expect.objectContaining({ actorId: 4, patientId: 2, severity: 'medium', evidence: [events[0].seq], details: expect.objectContaining({ kind: 'own' }) }),
      expect.objectContaining({ actorId: 4, patientId: 9, severity: 'high', evidence: [events[1].seq], details: expect.objectContaining({ kind: 'coworker', coworkerUserId: 3 }) }),
    ]);
  });

  it('after-hours: local time in the configured zone, one finding per user and night', () => {
    // 02:30Z is 21:30 in New York (not after hours); 04:30Z is 23:30; 10:59Z is 05:59; 11:00Z is 06:00 (over).
    const events = [
      ev(2, 5, '2026-11-30T02:30:00.000Z'), ev(2, 5, NIGHT), ev(2, 3, '2026-11-30T04:35:00.000Z'),
      ev(4, 1, '2026-11-30T10:59:00.000Z'), ev(4, 1, '2026-11-30T11:00:00.000Z'),
    ];
    const found = run(afterHoursRule(thresholds), events);
    expect(found).toEqual([
      expect.objectContaining({ actorId: 2, patientId: null, severity: 'medium', evidence: [events[1].seq, events[2].seq], details: expect.objectContaining({ patients: [5, 3], outsideCareTeam: [3] }) }),
      expect.objectContaining({ actorId: 4, patientId: 1, severity: 'low', evidence: [events[3].seq] }),
    ]);
  });

  it('unusual-volume: distinct patients within one local hour above the role threshold', () => {
    const at = (m: number) => `2026-11-29T19:${String(m).padStart(2, '0')}:00.000Z`;
    const three = [ev(4, 1, at(1)), ev(4, 1, at(2)), ev(4, 5, at(3)), ev(4, 11, at(4))];
    expect(run(unusualVolumeRule(thresholds), three)).toEqual([]);
    const four = [...three, ev(4, 3, at(59)), ev(4, 9, '2026-11-29T20:00:00.000Z')];
    const [f, ...rest] = run(unusualVolumeRule(thresholds), four);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ actorId: 4, evidence: [three[0].seq, three[2].seq, three[3].seq, four[4].seq], details: { distinctPatients: 4, threshold: 3, hour: '2026-11-29T14:00' } });
    // A physician has no override: the default (40) applies.
    expect(run(unusualVolumeRule(thresholds), [1, 3, 4, 5, 9].map((p) => ev(2, p, at(p))))).toEqual([]);
  });

  it('repeated-denials: the threshold within the sliding window, whatever was refused', () => {
    const denied = (m: number) => ev(7, null, `2026-11-29T19:${String(m).padStart(2, '0')}:00.000Z`, { action: 'access-denied', outcome: 'denied', resourceType: 'route', actorRole: 'coder' });
    expect(run(repeatedDenialsRule(thresholds), [denied(0), denied(30)])).toEqual([]);
    // 19:00, 19:30 and 20:00 are 60 minutes apart end to end: not within a 60-minute window. 19:59 is.
    expect(run(repeatedDenialsRule(thresholds), [denied(0), denied(30), ev(7, null, '2026-11-29T20:00:00.000Z', { outcome: 'denied', actorRole: 'coder' })])).toEqual([]);
    const burst = [denied(0), denied(30), denied(59)];
    expect(run(repeatedDenialsRule(thresholds), burst)).toEqual([expect.objectContaining({ actorId: 7, evidence: burst.map((e) => e.seq), details: expect.objectContaining({ denialsInWindow: 3 }) })]);
  });

  it('repeated-denials fires exactly when some window holds the threshold (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 12 }), (minutes) => {
        const events = minutes.map((m) => ev(7, null, new Date(Date.UTC(2026, 10, 29, 12) + m * 60_000).toISOString(), { outcome: 'denied', actorRole: 'coder' }));
        const fired = run(repeatedDenialsRule(thresholds), events).length === 1;
        const sorted = [...minutes].sort((a, b) => a - b);
        const expected = sorted.some((m, i) => i + 2 < sorted.length && sorted[i + 2] - m < 60);
        return fired === expected;
      }),
    );
  });

  it('break-glass-unreviewed: open past the deadline, or reviewed late; not within it', () => {
    const g = (id: number, grantedAt: string, reviewedAt: string | null) => ({ id, userId: 4, patientId: 3, grantedAt, reviewedAt, reviewOutcome: reviewedAt ? 'justified' : null });
    const grants = [
      g(1, '2026-11-20T10:00:00.000Z', null), // 4+ days, open
      g(2, '2026-11-20T10:00:00.000Z', '2026-11-21T10:00:00.000Z'), // reviewed in 24 h
      g(3, '2026-11-20T10:00:00.000Z', '2026-11-24T10:00:00.000Z'), // reviewed after 96 h
      g(4, '2026-11-23T12:00:00.000Z', null), // open, but only 70 hours old
    ];
    expect(unreviewedBreakGlass(grants, '2026-11-26T10:00:00.000Z', 72).map((x) => [x.grant.id, x.late, x.hoursToReview])).toEqual([[1, false, null], [3, true, 96]]);
  });

  it('orders findings by severity, then time', () => {
    const f = (severity: 'high' | 'low', firstAt: string): Finding => ({ rule: 'after-hours', severity, actorId: 1, patientId: null, firstAt, lastAt: firstAt, summary: '', evidence: [], details: {} });
    expect(sortFindings([f('low', '1'), f('high', '2'), f('high', '1')]).map((x) => [x.severity, x.firstAt])).toEqual([['high', '1'], ['high', '2'], ['low', '1']]);
  });

  it('parses per-role thresholds', () => {
    expect(parseRoleLimits('physician=30,nurse=12')).toEqual({ physician: 30, nurse: 12 });
    expect(parseRoleLimits('')).toEqual({});
  });
});
