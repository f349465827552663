import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The authorization matrix, as a table a student can read: for every demo user, every record endpoint and four
 * kinds of patient, the expected HTTP status. Columns: a patient on the user's care team (for users without a
 * care team, just another patient), a patient on nobody's care team, a VIP on nobody's care team, the user's
 * own record. A dash: the user has no own record. Every refusal must leave an audit row with its reason.
 */
const ENDPOINTS = ['demographics', 'record', 'encounters', 'diagnoses', 'notes', 'careTeam', 'addObservation'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

//                            team outside vip own
const MATRIX: Record<string, Record<Endpoint, string>> = {
  'dr.chen': {
    demographics: '200 200 403 -', record: '200 403 403 -', encounters: '200 403 403 -', diagnoses: '200 403 403 -',
    notes: '200 403 403 -', careTeam: '200 403 403 -', addObservation: '201 403 403 -',
  },
  'dr.okafor': {
    demographics: '200 200 403 -', record: '200 403 403 -', encounters: '200 403 403 -', diagnoses: '200 403 403 -',
    notes: '200 403 403 -', careTeam: '200 403 403 -', addObservation: '201 403 403 -',
  },
  'nurse.patel': {
    demographics: '200 200 403 200', record: '200 403 403 200', encounters: '200 403 403 200', diagnoses: '200 403 403 200',
    notes: '200 403 403 200', careTeam: '200 403 403 200', addObservation: '201 403 403 403',
  },
  'reg.lopez': {
    demographics: '200 200 403 -', record: '200 200 403 -', encounters: '403 403 403 -', diagnoses: '403 403 403 -',
    notes: '403 403 403 -', careTeam: '403 403 403 -', addObservation: '403 403 403 -',
  },
  'him.jones': {
    demographics: '200 200 403 -', record: '200 200 403 -', encounters: '200 200 403 -', diagnoses: '200 200 403 -',
    // Care-team administration shows no chart content: the VIP rule does not apply to it.
    notes: '200 200 403 -', careTeam: '200 200 200 -', addObservation: '403 403 403 -',
  },
  'coder.kim': {
    // Coders read the whole documentation, notes included (issue 13); never write it.
    demographics: '200 200 403 -', record: '200 200 403 -', encounters: '200 200 403 -', diagnoses: '200 200 403 -',
    notes: '200 200 403 -', careTeam: '403 403 403 -', addObservation: '403 403 403 -',
  },
  'roi.garcia': {
    demographics: '200 200 403 -', record: '403 403 403 -', encounters: '403 403 403 -', diagnoses: '403 403 403 -',
    notes: '403 403 403 -', careTeam: '403 403 403 -', addObservation: '403 403 403 -',
  },
  'patient.demo': {
    demographics: '403 403 403 403', record: '403 403 403 200', encounters: '403 403 403 200', diagnoses: '403 403 403 200',
    notes: '403 403 403 200', careTeam: '403 403 403 403', addObservation: '403 403 403 403',
  },
  ...Object.fromEntries(
    ['admin', 'privacy.smith', 'analyst.wong', 'instructor'].map((u) => [
      u,
      Object.fromEntries(ENDPOINTS.map((e) => [e, '403 403 403 -'])) as Record<Endpoint, string>,
    ]),
  ),
};

const KINDS = ['team', 'outside', 'vip', 'own'] as const;

describe('records authorization matrix', () => {
  let t: TestApp;
  const patients: Record<string, Record<(typeof KINDS)[number], number | null>> = {};
  const encounterOf = new Map<number, number>();

  beforeAll(async () => {
    t = await createTestApp({ patients: 40 });
    const ids = async (sql: string, params: (string | number)[] = []) => (await t.db.query<{ id: number }>(sql, params)).map((r) => Number(r.id));
    const [outside] = await ids(
      `SELECT p.id FROM patients p WHERE p.vip = FALSE AND p.user_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id) ORDER BY p.id LIMIT 1`,
    );
    const [vip] = await ids(`SELECT p.id FROM patients p WHERE p.vip = TRUE AND NOT EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = p.id) ORDER BY p.id LIMIT 1`);
    const [anyTeam] = await ids(`SELECT DISTINCT c.patient_id AS id FROM care_team_members c JOIN patients p ON p.id = c.patient_id WHERE p.vip = FALSE AND p.user_id IS NULL ORDER BY c.patient_id LIMIT 1`);
    for (const username of Object.keys(MATRIX)) {
      const [team] = await ids(
        `SELECT c.patient_id AS id FROM care_team_members c JOIN users u ON u.id = c.user_id JOIN patients p ON p.id = c.patient_id
          WHERE u.username = $1 AND p.vip = FALSE AND p.user_id IS NULL ORDER BY c.patient_id LIMIT 1`,
        [username],
      );
      const [own] = await ids('SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = $1', [username]);
      patients[username] = { team: team ?? anyTeam, outside, vip, own: own ?? null };
    }
    for (const id of new Set(Object.values(patients).flatMap((p) => Object.values(p)).filter((x): x is number => x !== null))) {
      const [enc] = await ids('SELECT id FROM encounters WHERE patient_id = $1 ORDER BY id LIMIT 1', [id]);
      encounterOf.set(id, enc);
    }
  });
  afterAll(() => t.close());

  it('attack: a patient probing ids gets the same 403 for an unknown id as for another patient\'s; staff still get 404', async () => {
    const patient = await t.as('patient.demo');
    const paths = (id: number) => [`/patients/${id}/record`, `/patients/${id}`, `/patients/${id}/encounters`, `/patients/${id}/disclosures`];
    const maxId = Number((await t.db.one<{ n: number }>('SELECT MAX(id) AS n FROM patients'))!.n);
    for (const [other, unknown] of paths(patients['patient.demo'].outside!).map((p, i) => [p, paths(maxId + 1)[i]])) {
      const a = await patient.get(other);
      const b = await patient.get(unknown);
      expect({ path: unknown, status: b.status, message: b.body.message }).toEqual({ path: unknown, status: a.status, message: a.body.message });
      expect(a.status).toBe(403);
    }
    // The trail still knows the difference: the unknown id is recorded as an error without a patient.
    const [row] = await t.db.query<{ outcome: string; patient_id: number | null; reason: string }>(
      `SELECT outcome, patient_id, reason FROM audit_events WHERE action = 'access-denied' AND actor_username = 'patient.demo' AND resource_type = 'record'
        ORDER BY seq DESC LIMIT 1`,
    );
    expect(row).toMatchObject({ outcome: 'error', patient_id: null, reason: 'patient not found' });
    await (await t.as('dr.chen')).get(`/patients/${maxId + 1}/record`).expect(404);
  });

  const cases = Object.entries(MATRIX).flatMap(([username, row]) =>
    ENDPOINTS.flatMap((endpoint) =>
      row[endpoint].split(' ').map((expected, i) => ({ username, endpoint, kind: KINDS[i], expected })),
    ),
  ).filter((c) => c.expected !== '-');

  it.each(cases)('$username $endpoint on $kind patient: $expected', async ({ username, endpoint, kind, expected }) => {
    const patientId = patients[username][kind]!;
    const encounterId = encounterOf.get(patientId)!;
    const as = await t.as(username);
    const requestId = randomUUID();
    const call = {
      demographics: () => as.get(`/patients/${patientId}`),
      record: () => as.get(`/patients/${patientId}/record`),
      encounters: () => as.get(`/patients/${patientId}/encounters`),
      diagnoses: () => as.get(`/encounters/${encounterId}/diagnoses`),
      notes: () => as.get(`/encounters/${encounterId}/notes`),
      careTeam: () => as.get(`/patients/${patientId}/care-team`),
      addObservation: () =>
        as.post(`/encounters/${encounterId}/observations`).send({ loincCode: '8867-4', display: 'Heart rate', value: 72, unit: '/min', observedAt: '2026-11-20T10:00:00Z' }),
    }[endpoint];
    const res = await call().set('X-Request-Id', requestId);
    expect(`${res.status} ${res.status >= 400 ? res.body.message : ''}`).toBe(`${expected} ${Number(expected) >= 400 ? res.body.message : ''}`);
    const rows = await t.db.query<{ outcome: string; reason: string | null; action: string }>(
      'SELECT outcome, reason, action FROM audit_events WHERE request_id = $1 ORDER BY seq',
      [requestId],
    );
    if (expected === '403') {
      expect(rows).toEqual([expect.objectContaining({ action: 'access-denied', outcome: 'denied', reason: expect.stringMatching(/\w{5,}/) })]);
      expect(res.body.message).toContain(rows[0].reason);
    } else {
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.every((r) => r.outcome === 'success')).toBe(true);
    }
  });
});
