import request from 'supertest';
import { AnomalyService } from '../src/audit/anomalies/anomaly.service';
import { localTime, zonedToUtc } from '../src/audit/anomalies/zoned-time';
import { AuditWriter } from '../src/audit/audit.writer';
import { createTestApp, DEMO_PASSWORD, rawSql, TestApp } from './helpers/test-app';

/**
 * Snooping detection end to end: each rule finds the case planted for it through the real API, with the planted
 * rows as its evidence, and the plain seed with normal care-team work produces no finding at all.
 * The hospital clock is America/New_York; the app clock is moved to chosen local times of the next days.
 */
const TZ = 'America/New_York';

interface Finding {
  rule: string;
  severity: string;
  actor: { username: string } | null;
  patientId: number | null;
  evidence: number[];
  details: Record<string, unknown>;
}

describe('audit anomalies', () => {
  let t: TestApp;
  let day: { year: number; month: number; day: number };
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({
      patients: 40,
      env: { AUDIT_TIME_ZONE: TZ, AUDIT_VOLUME_PER_HOUR_BY_ROLE: 'physician=8,nurse=8', JWT_TTL: String(24 * 3600) },
    });
    const today = localTime(t.clock.now().getTime(), TZ);
    day = { year: today.year, month: today.month, day: today.day + 1 };
    moveTo(0, 8, 0);
  });
  afterAll(() => t.close());

  /** Moves the app clock (forward only) to local hh:mm, `days` after the first test day. */
  function moveTo(days: number, hour: number, minute: number): number {
    const target = zonedToUtc({ ...day, day: day.day + days, hour, minute }, TZ);
    const delta = target - t.clock.now().getTime();
    if (delta < 0) throw new Error('tests must move the clock forward');
    t.clock.advance(delta);
    return target;
  }

  /** Logs in (again after a long clock jump) and returns an agent. */
  async function as(username: string) {
    if (!tokens.has(username)) {
      const res = await request(t.http).post('/auth/login').send({ username, password: DEMO_PASSWORD }).expect(200);
      tokens.set(username, res.body.accessToken);
    }
    const auth = `Bearer ${tokens.get(username)}`;
    return {
      get: (url: string) => request(t.http).get(url).set('Authorization', auth),
      post: (url: string) => request(t.http).post(url).set('Authorization', auth),
    };
  }

  async function anomalies(from: number, to: number): Promise<Finding[]> {
    const res = await (await as('privacy.smith'))
      .get(`/audit/anomalies?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&pageSize=200`)
      .expect(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items;
  }

  const lastSeq = async () => Number((await t.db.one<{ s: number }>('SELECT MAX(seq) AS s FROM audit_events'))!.s);
  const readsSince = async (seq: number, username: string, patientId: number) =>
    (await t.db.query<{ seq: number }>(
      "SELECT seq FROM audit_events WHERE seq > $1 AND actor_username = $2 AND patient_id = $3 AND action = 'read' ORDER BY seq",
      [seq, username, patientId],
    )).map((r) => Number(r.seq));

  it('normal care-team work during the day produces no finding', async () => {
    const from = moveTo(0, 9, 0);
    const chen = await as('dr.chen');
    const nurse = await as('nurse.patel');
    // Their care team: patients whose id ends in 1, 5 or 7; seven each, within the hourly threshold of 8.
    for (const p of [1, 5, 7, 11, 15, 17, 21]) {
      await chen.get(`/patients/${p}/record`).set('X-Purpose-Of-Use', 'TREAT').expect(200);
      await nurse.get(`/patients/${p}/record`).expect(200);
      await nurse.get(`/patients/${p}/encounters`).expect(200);
    }
    await chen.get('/patients?search=a').expect(200);
    t.clock.advance(60_000);
    const findings = await anomalies(from, t.clock.now().getTime());
    expect(findings).toEqual([]);
    const report = (await (await as('privacy.smith')).get(`/audit/anomalies?from=${new Date(from).toISOString()}`).expect(200)).body;
    expect(report.eventsScanned).toBeGreaterThan(21);
    expect(report.rules.map((r: { name: string }) => r.name).sort()).toEqual([
      'after-hours', 'break-glass-unreviewed', 'own-or-coworker-record', 'repeated-denials', 'same-surname', 'unusual-volume',
      'vip-without-care-relation',
    ]);
  });

  it('same surname, VIP without care relation, own record and a coworker\'s record are found, with their evidence', async () => {
    const from = moveTo(0, 11, 0);
    const before = await lastSeq();
    const nurse = await as('nurse.patel');
    // A coworker: dr.okafor is also patient 9 (no care team).
    await rawSql(t, `UPDATE patients SET user_id = (SELECT id FROM users WHERE username = 'dr.okafor') WHERE id = 9`);
    for (const p of [3, 4, 9]) {
      await nurse.post('/access/break-glass').send({ patientId: p, reason: 'Looking something up for a colleague' }).expect(201);
      await nurse.get(`/patients/${p}/record`).expect(200);
    }
    await nurse.get('/patients/2/record').expect(200);
    t.clock.advance(60_000);
    const findings = await anomalies(from, t.clock.now().getTime());
    const by = (rule: string, patientId: number) => findings.find((f) => f.rule === rule && f.patientId === patientId);

    expect(by('same-surname', 3)).toMatchObject({ severity: 'high', actor: { username: 'nurse.patel' }, evidence: await readsSince(before, 'nurse.patel', 3) });
    expect(by('vip-without-care-relation', 4)).toMatchObject({ actor: { username: 'nurse.patel' }, evidence: await readsSince(before, 'nurse.patel', 4), details: { breakGlassAccesses: 1 } });
    expect(by('own-or-coworker-record', 9)).toMatchObject({ severity: 'high', details: { kind: 'coworker' }, evidence: await readsSince(before, 'nurse.patel', 9) });
    expect(by('own-or-coworker-record', 2)).toMatchObject({ details: { kind: 'own' }, evidence: await readsSince(before, 'nurse.patel', 2) });
    // Her own record (patient 2, "Priya Patel") is not also reported as a same-surname relative.
    expect(by('same-surname', 2)).toBeUndefined();
    expect(findings.map((f) => f.rule).sort()).toEqual(['own-or-coworker-record', 'own-or-coworker-record', 'same-surname', 'vip-without-care-relation']);
  });

  it('unusual volume: more distinct patients in an hour than the role\'s threshold', async () => {
    const from = moveTo(0, 13, 0);
    const before = await lastSeq();
    const chen = await as('dr.chen');
    const team = [1, 5, 7, 11, 15, 17, 21, 25, 27];
    for (const p of team) await chen.get(`/patients/${p}/record`).expect(200);
    const findings = await anomalies(from, t.clock.now().getTime() + 60_000);
    expect(findings).toHaveLength(1);
    const firstReads = (await Promise.all(team.map((p) => readsSince(before, 'dr.chen', p)))).map((s) => s[0]);
    expect(findings[0]).toMatchObject({
      rule: 'unusual-volume', actor: { username: 'dr.chen' }, evidence: firstReads, details: { distinctPatients: 9, threshold: 8 },
    });
  });

  it('repeated denials: five refusals of one user within an hour', async () => {
    const from = moveTo(0, 15, 0);
    const before = await lastSeq();
    const coder = await as('coder.kim');
    for (let i = 0; i < 4; i++) await coder.get('/users').expect(403);
    let findings = await anomalies(from, t.clock.now().getTime() + 60_000);
    expect(findings).toEqual([]);
    await coder.get('/access/break-glass').expect(403);
    findings = await anomalies(from, t.clock.now().getTime() + 60_000);
    const denials = (await t.db.query<{ seq: number }>(
      "SELECT seq FROM audit_events WHERE seq > $1 AND actor_username = 'coder.kim' AND outcome = 'denied' ORDER BY seq", [before],
    )).map((r) => Number(r.seq));
    expect(findings).toEqual([expect.objectContaining({ rule: 'repeated-denials', actor: expect.objectContaining({ username: 'coder.kim' }), evidence: denials })]);
  });

  it('after hours: a care-team read at 23:30 New York time, and not at 21:59', async () => {
    const early = moveTo(0, 21, 59);
    const chen = await as('dr.chen');
    await chen.get('/patients/31/record').expect(200);
    expect(await anomalies(early, t.clock.now().getTime() + 1000)).toEqual([]);
    const late = moveTo(0, 23, 30);
    const before = await lastSeq();
    await chen.get('/patients/31/record').expect(200);
    const findings = await anomalies(late, t.clock.now().getTime() + 1000);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'after-hours', severity: 'low', patientId: 31, evidence: await readsSince(before, 'dr.chen', 31),
        details: expect.objectContaining({ timeZone: TZ, span: '22:00-06:00', outsideCareTeam: [] }),
      }),
    ]);
  });

  it('break-the-glass not reviewed within 72 hours; a grant reviewed in time is not reported', async () => {
    const grants = (await t.db.query<{ id: number; patient_id: number; granted_at: string }>('SELECT id, patient_id, granted_at FROM break_glass_grants ORDER BY id'));
    expect(grants.map((g) => Number(g.patient_id))).toEqual([3, 4, 9]);
    const reviewed = grants.find((g) => Number(g.patient_id) === 3)!;
    await (await as('privacy.smith')).post(`/access/break-glass/${reviewed.id}/review`).send({ outcome: 'violation', note: 'Not her patient; referred to HR' }).expect(200);
    const windowFrom = new Date(grants[0].granted_at).getTime() - 1000;
    const windowTo = new Date(grants[2].granted_at).getTime() + 1000;
    expect((await anomalies(windowFrom, windowTo)).filter((f) => f.rule === 'break-glass-unreviewed')).toEqual([]);

    moveTo(3, 12, 0);
    tokens.clear();
    const findings = (await anomalies(windowFrom, windowTo)).filter((f) => f.rule === 'break-glass-unreviewed');
    expect(findings.map((f) => f.patientId).sort()).toEqual([4, 9]);
    const vip = findings.find((f) => f.patientId === 4)!;
    const grantRow = await t.db.one<{ seq: number }>("SELECT seq FROM audit_events WHERE action = 'break-glass' AND patient_id = 4");
    const read = await t.db.one<{ seq: number }>("SELECT seq FROM audit_events WHERE action = 'read' AND patient_id = 4 AND break_glass = TRUE");
    expect(vip).toMatchObject({ severity: 'high', actor: { username: 'nurse.patel' }, evidence: [Number(grantRow!.seq), Number(read!.seq)], details: { reviewedAt: null, hoursAllowed: 72 } });
  });

  it('checks its window and is audited', async () => {
    const privacy = await as('privacy.smith');
    await privacy.get('/audit/anomalies?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z').expect(400);
    await privacy.get('/audit/anomalies?from=2026-03-01T00:00:00Z&to=2026-01-01T00:00:00Z').expect(400);
    await privacy.get('/audit/anomalies?from=yesterday').expect(400);
    await (await as('nurse.patel')).get('/audit/anomalies').expect(403);
    await privacy.get('/audit/anomalies').expect(200);
    const row = await t.db.one<{ details: string }>("SELECT details FROM audit_events WHERE resource_type = 'audit-anomalies' ORDER BY seq DESC LIMIT 1");
    expect(JSON.parse(row!.details)).toMatchObject({ findings: expect.any(Number), byRule: expect.any(Object) });
  });

  it('a long scan gives the event loop a turn between pages, so other requests are answered meanwhile', async () => {
    const from = new Date(t.clock.now().getTime() - 60_000).toISOString();
    const writer = t.app.get(AuditWriter);
    await Promise.all(Array.from({ length: 2500 }, (_, i) => writer.append({ action: 'search', outcome: 'success', resourceType: 'patient', resourceId: i })));
    const to = new Date(t.clock.now().getTime() + 60_000).toISOString();
    let finished = false;
    const scan = t.app.get(AnomalyService).detect(from, to).then((r) => {
      finished = true;
      return r;
    });
    // Without a turn between pages the whole scan would run before this callback (its queries are synchronous).
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    expect((await scan).eventsScanned).toBeGreaterThanOrEqual(2500);
  });
});
