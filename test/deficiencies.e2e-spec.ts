import { CodingAndDeficiencies1765400000000 } from '../migrations/1765400000000-coding-and-deficiencies';
import { DAY_MS } from '../src/common/clock';
import { DEFAULT_SEED_NOW } from '../seed/generator';
import { createTestApp, TestApp } from './helpers/test-app';

interface Row { encounterId: number; type: string; itemId: number | null; responsibleUserId: number | null; status: string; daysSinceDischarge: number; citation: string }

/**
 * Issue 13, item 2: a discharged encounter with incomplete documentation is deficient, delinquent after
 * DEFICIENCY_DELINQUENT_DAYS (30); HIM sees every physician's list, a physician their own; completing the document
 * clears it.
 */
describe('chart deficiencies', () => {
  let t: TestApp;
  let chen: number;
  let okafor: number;
  let patientId: number;
  let encounterId: number;
  let noteId: number;

  beforeAll(async () => {
    t = await createTestApp({ patients: 40 });
    const id = async (u: string) => Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [u]))!.id);
    chen = await id('dr.chen');
    okafor = await id('dr.okafor');
    patientId = Number((await t.db.one<{ id: number }>(
      `SELECT c.patient_id AS id FROM care_team_members c JOIN patients p ON p.id = c.patient_id
        WHERE c.user_id = $1 AND p.vip = FALSE AND p.user_id IS NULL AND p.id > 4 ORDER BY p.id LIMIT 1`, [chen]))!.id);
  });
  afterAll(() => t.close());

  const him = async (query = '') => (await (await t.as('him.jones')).get(`/deficiencies${query}`).expect(200)).body;
  const ofEncounter = (body: { items: Row[] }) => body.items.filter((r) => r.encounterId === encounterId);

  it('the seed plants deficient and delinquent records for dr.chen and dr.okafor (as of the seed date)', async () => {
    t.clock.advance(DEFAULT_SEED_NOW.getTime() - t.clock.now().getTime());
    try {
      const all = await him('?pageSize=200');
      const statuses = (who: number) => new Set(all.items.filter((r: Row) => r.responsibleUserId === who).map((r: Row) => r.status));
      expect(statuses(chen)).toEqual(new Set(['deficient', 'delinquent']));
      expect(statuses(okafor)).toEqual(new Set(['deficient', 'delinquent']));
      expect(new Set(all.items.map((r: Row) => r.type))).toEqual(new Set(['missing-discharge-summary', 'unsigned-note', 'unanswered-query']));
      expect(all.byPhysician.map((p: { physicianId: number }) => p.physicianId)).toEqual(expect.arrayContaining([chen, okafor]));
      expect(all.delinquentAfterDays).toBe(30);
      const delinquent = await him('?status=delinquent&physician=dr.okafor');
      expect(delinquent.items.length).toBeGreaterThan(0);
      expect(delinquent.items.every((r: Row) => r.status === 'delinquent' && r.responsibleUserId === okafor && r.daysSinceDischarge >= 30)).toBe(true);
      expect(delinquent.items[0].citation).toMatch(/482\.24\(c\)\(4\)\(viii\).*RC\.01\.03\.01/);
    } finally {
      t.clock.reset();
    }
  });

  it('a discharged stay without a discharge summary and with an unsigned note is deficient, then delinquent after 30 days', async () => {
    const chenApi = await t.as('dr.chen');
    const admitted = new Date(t.clock.now().getTime() - 4 * DAY_MS).toISOString();
    const enc = (await chenApi.post(`/patients/${patientId}/encounters`).send({ class: 'inpatient', admittedAt: admitted, department: 'Internal Medicine', reason: 'Community-acquired pneumonia' }).expect(201)).body;
    encounterId = enc.id;
    noteId = (await chenApi.post(`/encounters/${encounterId}/notes`).send({ noteType: 'progress', text: 'Day 2: improving on antibiotics.' }).expect(201)).body.id;
    // Not discharged yet: nothing is deficient.
    expect(ofEncounter(await him('?pageSize=200'))).toEqual([]);
    await chenApi.patch(`/encounters/${encounterId}`).send({ version: enc.version, dischargedAt: new Date(t.clock.now().getTime() - DAY_MS).toISOString(), disposition: 'home' }).expect(200);
    const rows = ofEncounter(await him('?physician=dr.chen&pageSize=200'));
    expect(rows.map((r) => [r.type, r.status, r.responsibleUserId])).toEqual([
      ['missing-discharge-summary', 'deficient', chen],
      ['unsigned-note', 'deficient', chen],
    ]);
    expect(rows[1].itemId).toBe(noteId);
    t.clock.advance(31 * DAY_MS);
    try {
      const later = ofEncounter(await him(`?physician=${chen}&status=delinquent&pageSize=200`));
      expect(later.map((r) => r.type)).toEqual(['missing-discharge-summary', 'unsigned-note']);
      expect(ofEncounter(await him('?status=deficient&pageSize=200'))).toEqual([]);
    } finally {
      t.clock.advance(-31 * DAY_MS);
    }
  });

  it('the physician sees their own list; another physician does not see it', async () => {
    const mine = (await (await t.as('dr.chen')).get('/me/deficiencies?pageSize=200').expect(200)).body;
    expect(mine.items.every((r: Row) => r.responsibleUserId === chen)).toBe(true);
    expect(ofEncounter(mine)).toHaveLength(2);
    const theirs = (await (await t.as('dr.okafor')).get('/me/deficiencies?pageSize=200').expect(200)).body;
    expect(ofEncounter(theirs)).toEqual([]);
    expect(theirs.items.every((r: Row) => r.responsibleUserId === okafor)).toBe(true);
    await (await t.as('dr.chen')).get('/me/deficiencies?physician=dr.okafor').expect(400);
  });

  it('attacks: only HIM reads every physician\'s list; bad filters are 400 with the field', async () => {
    for (const u of ['dr.chen', 'coder.kim', 'nurse.patel', 'analyst.wong']) await (await t.as(u)).get('/deficiencies').expect(403);
    const status = await (await t.as('him.jones')).get('/deficiencies?status=late').expect(400);
    expect(status.body.details[0].field).toBe('status');
    const who = await (await t.as('him.jones')).get('/deficiencies?physician=dr.nobody').expect(400);
    expect(who.body.details[0].field).toBe('physician');
    await (await t.as('reg.lopez')).get('/me/deficiencies').expect(403);
  });

  it('the lists are audited in each patient\'s access log', async () => {
    await him('?physician=dr.chen&pageSize=200');
    const row = await t.db.one<{ details: string }>(
      `SELECT details FROM audit_events WHERE resource_type = 'chart-deficiency' AND patient_id = $1 AND actor_username = 'him.jones' ORDER BY seq DESC LIMIT 1`, [patientId]);
    expect(JSON.parse(row!.details)).toMatchObject({ view: 'deficiency-list', ids: expect.arrayContaining([encounterId]) });
  });

  it('only the author signs a note (403 for others), once (409), with the version read (409)', async () => {
    await (await t.as('dr.okafor')).post(`/notes/${noteId}/sign`).send({ version: 1 }).expect(403);
    await (await t.as('nurse.patel')).post(`/notes/${noteId}/sign`).send({ version: 1 }).expect(403);
    await (await t.as('coder.kim')).post(`/notes/${noteId}/sign`).send({ version: 1 }).expect(403);
    await (await t.as('dr.chen')).post(`/notes/${noteId}/sign`).send({ version: 9 }).expect(409);
    const signed = (await (await t.as('dr.chen')).post(`/notes/${noteId}/sign`).send({ version: 1 }).expect(200)).body;
    expect(signed).toMatchObject({ id: noteId, signedBy: chen, version: 2 });
    await (await t.as('dr.chen')).post(`/notes/${noteId}/sign`).send({ version: 2 }).expect(409);
    expect(ofEncounter(await him('?pageSize=200')).map((r) => r.type)).toEqual(['missing-discharge-summary']);
  });

  it('completing the documents clears the deficiencies: a signed discharge summary, an answered query', async () => {
    const chenApi = await t.as('dr.chen');
    await chenApi.post(`/encounters/${encounterId}/notes`).send({ noteType: 'discharge-summary', text: 'Discharged home on oral antibiotics.', sign: true }).expect(201);
    expect(ofEncounter(await him('?pageSize=200'))).toEqual([]);
    const query = (await (await t.as('coder.kim')).post(`/encounters/${encounterId}/queries`).send({
      kind: 'open-ended', question: 'Based on the clinical indicators below, please clarify the organism, if known.',
      clinicalIndicators: ['Sputum culture: Streptococcus pneumoniae'],
    }).expect(201)).body;
    const pending = ofEncounter(await him('?pageSize=200'));
    expect(pending).toEqual([expect.objectContaining({ type: 'unanswered-query', itemId: query.id, responsibleUserId: chen, status: 'deficient' })]);
    await chenApi.post(`/queries/${query.id}/answer`).send({ version: 1, response: 'Pneumococcal pneumonia, confirmed by culture.' }).expect(200);
    expect(ofEncounter(await him('?pageSize=200'))).toEqual([]);
  });

  it('the migration brings an existing database along: old notes count as signed, the role matrix gains the new defaults (down, then up)', async () => {
    const runner = t.db.dataSource.createQueryRunner();
    try {
      const migration = new CodingAndDeficiencies1765400000000();
      await migration.down(runner);
      expect(await t.db.one(`SELECT 1 AS x FROM role_permissions WHERE role = 'coder' AND permission = 'clinical:read:restricted'`)).toBeUndefined();
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    t.db.clearStatementCache();
    expect(await t.db.one(`SELECT 1 AS x FROM role_permissions WHERE role = 'coder' AND permission = 'clinical:read:restricted'`)).toBeDefined();
    expect(await t.db.one(`SELECT 1 AS x FROM role_permissions WHERE role = 'him_technician' AND permission = 'deficiency:read'`)).toBeDefined();
    expect(await t.db.one('SELECT 1 AS x FROM clinical_notes WHERE signed_at IS NULL')).toBeUndefined();
  });
});
