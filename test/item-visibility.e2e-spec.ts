import { AccessPolicyService } from '../src/access/access-policy.service';
import { DEFAULT_ROLE_MATRIX, Permission, RoleName } from '../src/access/catalogue';
import { Caller, itemVisibility, ITEM_TYPES, ItemType, RESTRICTED_CATEGORIES, Visibility } from '../src/access/item-visibility';
import { decide } from '../src/access/policy';
import type { AuthUser } from '../src/common/request-context';
import { ClinicalReads } from '../src/records';
import { encounterSubject, itemSubject } from '../src/records/visible-record';
import { DEMO_USERS } from '../seed/demo-users';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * One item-visibility rule everywhere (docs/architecture.md): a table generated from the rule itself. A fixture
 * chart holds, for every sensitivity category (and none), an encounter whose reason restates a diagnosis of that
 * category and one item of every type; plus a restricted encounter and a psychotherapy note. Every demo user (every
 * role) reads it through every endpoint that returns items, and each endpoint must show exactly what
 * itemVisibility() decides for that user and item: shown, redacted (the field null and named), or absent.
 */
describe('one item-visibility rule: every role x every category x every item type x every endpoint', () => {
  let t: TestApp;
  let patientId: number;
  let policy: AccessPolicyService;
  const encounterIds: number[] = [];
  const itemEncounter = new Map<string, number>();
  const CATEGORIES: (string | null)[] = [null, ...RESTRICTED_CATEGORIES];

  beforeAll(async () => {
    t = await createTestApp({ patients: 12 });
    policy = t.app.get(AccessPolicyService);
    patientId = Number((await t.db.one<{ id: number }>(`SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.username = 'patient.demo'`))!.id);
    const now = t.clock.nowIso();
    const user = async (name: string) => Number((await t.db.one<{ id: number }>('SELECT id FROM users WHERE username = $1', [name]))!.id);
    const chen = await user('dr.chen');
    for (const member of [chen, await user('nurse.patel')]) {
      const on = await t.db.one('SELECT 1 AS x FROM care_team_members WHERE patient_id = $1 AND user_id = $2', [patientId, member]);
      if (!on) await t.db.execute('INSERT INTO care_team_members (patient_id, user_id, team_role, added_at) VALUES ($1, $2, $3, $4)', [patientId, member, 'member', now]);
    }
    const restricted = (c: string | null) => (c ? 'restricted' : 'normal');
    const encounter = async (reason: string, sensitivity: string, category: string | null) => Number((await t.db.one<{ id: number }>(
      `INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, reason, sensitivity, sensitivity_category, created_at, updated_at)
       VALUES ($1, 'outpatient', '2026-03-10T09:00:00.000Z', '2026-03-10T10:00:00.000Z', 'Internal Medicine', 'home', $2, $3, $4, $5, $5) RETURNING id`,
      [patientId, reason, sensitivity, category, now],
    ))!.id);
    for (const c of CATEGORIES) {
      const enc = await encounter(`fixture reason ${c ?? 'normal'}`, 'normal', null);
      encounterIds.push(enc);
      const common = [enc, patientId, restricted(c), c, now];
      await t.db.execute(`INSERT INTO diagnoses (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, code, description, chapter, is_primary, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $5, 'Z00.0', 'fixture diagnosis', 'XXI', TRUE, '2026-03-10T09:10:00.000Z')`, common);
      await t.db.execute(`INSERT INTO procedures (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, code_system, code, description, performed_at)
        VALUES ($1, $2, $3, $4, $5, $5, 'CPT', '99213', 'fixture procedure', '2026-03-10T09:20:00.000Z')`, common);
      await t.db.execute(`INSERT INTO observations (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, loinc_code, display, value_num, unit, observed_at)
        VALUES ($1, $2, $3, $4, $5, $5, '8867-4', 'fixture observation', 70, '/min', '2026-03-10T09:30:00.000Z')`, common);
      await t.db.execute(`INSERT INTO clinical_notes (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, note_type, author_user_id, text, authored_at)
        VALUES ($1, $2, $3, $4, $5, $5, 'progress', $6, 'fixture note', '2026-03-10T09:40:00.000Z')`, [...common, chen]);
    }
    // A restricted encounter as a whole, and a psychotherapy note (its author: dr.chen).
    const hivEncounter = await encounter('fixture restricted encounter', 'restricted', 'hiv');
    encounterIds.push(hivEncounter);
    await t.db.execute(`INSERT INTO diagnoses (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, code, description, chapter, is_primary, recorded_at)
      VALUES ($1, $2, 'normal', NULL, $3, $3, 'Z00.0', 'fixture diagnosis', 'XXI', TRUE, '2026-03-10T09:10:00.000Z')`, [hivEncounter, patientId, now]);
    await t.db.execute(`INSERT INTO clinical_notes (encounter_id, patient_id, sensitivity, sensitivity_category, created_at, updated_at, note_type, author_user_id, text, authored_at)
      VALUES ($1, $2, 'restricted', 'psychotherapy', $3, $3, 'psychotherapy', $4, 'fixture psychotherapy note', '2026-03-10T09:50:00.000Z')`, [encounterIds[0], patientId, now, chen]);
    // Personal representatives (164.502(g)): the fixture patient is a minor here; a parent (in force, but not for the
    // reproductive visit the minor consented to), a health care POA (refused: it represents adults), an executor
    // (refused: the patient is alive).
    await t.db.execute(`UPDATE patients SET birth_date = '2012-06-01' WHERE id = $1`, [patientId]);
    await t.db.execute(`UPDATE encounters SET minor_consent = 'minor-consented' WHERE id = $1`, [encounterIds[CATEGORIES.indexOf('reproductive')]]);
    for (const [name, relationship] of [['parent.alvarez', 'parent'], ['poa.brooks', 'healthcare-poa'], ['executor.hale', 'executor']]) {
      await t.db.execute(
        `INSERT INTO personal_representatives (user_id, patient_id, relationship, rights, document_type, document_reference, valid_from, created_at, created_by)
         VALUES ($1, $2, $3, '["access","amendment","accounting","restriction"]', 'fixture', 'fixture', '2020-01-01', $4, $5)`,
        [await user(name), patientId, relationship, now, chen],
      );
    }
  });
  afterAll(() => t.close());

  /** The rule's answer for this user: the caller as the service builds it, from the same facts. */
  const callerOf = async (username: string): Promise<{ caller: Caller; gateAllowed: boolean }> => {
    const row = (await t.db.one<{ id: number; role: RoleName }>('SELECT id, role FROM users WHERE username = $1', [username]))!;
    const own = await t.db.one<{ id: number }>('SELECT id FROM patients WHERE user_id = $1', [row.id]);
    const user: AuthUser = {
      id: Number(row.id), username, displayName: username, role: row.role, patientId: own ? Number(own.id) : null,
      permissions: new Set<Permission>(DEFAULT_ROLE_MATRIX[row.role].permissions),
    };
    const caller = policy.callerFor(user, await policy.patientFacts(user, patientId));
    return { caller, gateAllowed: decide(caller.subject, caller.view.gate, caller.facts).decision === 'allow' };
  };

  const fixtureEncounters = () => Promise.all(encounterIds.map((id) => ClinicalReads.encounter(t.db, id)));
  const expectedEncounters = async (caller: Caller) => {
    const rows = (await fixtureEncounters()).map((r) => r!);
    const reasons = await ClinicalReads.reasonCategories(t.db, { patientId });
    return new Map(rows.map((r) => [Number(r.id), itemVisibility(caller, encounterSubject(r, reasons))]));
  };
  const expectedItems = async (caller: Caller, type: ItemType) => {
    const rows = (await ClinicalReads.itemsOf(t.db, type, patientId)).filter((r) => encounterIds.includes(Number(r.encounter_id)));
    for (const r of rows) itemEncounter.set(`${type}/${r.id}`, Number(r.encounter_id));
    return new Map(rows.map((r) => [Number(r.id), itemVisibility(caller, itemSubject(type, r))]));
  };

  /** The answer's items of the fixture agree with the rule: present iff not withheld, redacted fields null. */
  const agree = (label: string, got: Record<string, unknown>[] | undefined, expected: Map<number, Visibility>, visibleEncounters: Set<number>) => {
    const fixture = (got ?? []).filter((i) => expected.has(Number(i.id)));
    const shown = [...expected].filter(([, v]) => v.outcome !== 'withheld').map(([id]) => id).sort((a, b) => a - b);
    expect({ label, ids: fixture.map((i) => Number(i.id)).sort((a, b) => a - b) }).toEqual({ label, ids: shown });
    for (const item of fixture) {
      const v = expected.get(Number(item.id))!;
      const redacted = v.outcome === 'redacted' ? v.redactions.map((r) => r.field) : [];
      for (const field of redacted) expect({ label, id: item.id, field, value: item[field] }).toEqual({ label, id: item.id, field, value: null });
      if ('encounterId' in item && item.encounterId !== null) expect(visibleEncounters.has(Number(item.encounterId))).toBe(true);
      // Withheld means absent: no reference to an encounter the caller may not see.
      if ('encounterId' in item && !visibleEncounters.has(Number(item.encounterId ?? -1))) expect(item.encounterId).toBeNull();
    }
  };

  it.each(DEMO_USERS.map((u) => [u.username, u.role]))('%s (%s): the record, /me/record, the encounter list, each encounter and its items', async (username) => {
    const { caller, gateAllowed } = await callerOf(username);
    const api = await t.as(username);
    const encounters = await expectedEncounters(caller);
    const visibleEncounters = new Set([...encounters].filter(([, v]) => v.outcome !== 'withheld').map(([id]) => id));
    const items = Object.fromEntries(await Promise.all(ITEM_TYPES.map(async (type) => [type, await expectedItems(caller, type)] as const)));

    const recordPaths = [
      `/patients/${patientId}/record`, ...(caller.subject.role === 'patient' ? ['/me/record'] : []),
      ...(caller.subject.role === 'representative' ? [`/me/represented/${patientId}/record`] : []),
    ];
    for (const path of recordPaths) {
      const res = await api.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: gateAllowed ? 200 : 403 });
      if (res.status !== 200) continue;
      if (caller.view.sections.encounters) agree(`${path} encounters`, res.body.encounters, encounters, visibleEncounters);
      else expect(res.body.encounters).toBeUndefined();
      for (const type of ITEM_TYPES) {
        if (caller.view.sections[type]) agree(`${path} ${type}`, res.body[type], items[type], visibleEncounters);
        else expect(res.body[type]).toBeUndefined();
      }
      // The limits say nothing about this chart: no counts.
      expect(JSON.stringify(res.body.withheld)).not.toMatch(/"count"/);
    }

    const list = await api.get(`/patients/${patientId}/encounters`);
    const listAllowed = gateAllowed && caller.view.sections.encounters;
    expect({ list: list.status }).toEqual({ list: listAllowed ? 200 : 403 });
    if (list.status === 200) agree('encounter list', list.body, encounters, visibleEncounters);

    for (const id of encounterIds) {
      const one = await api.get(`/encounters/${id}`);
      const shown = listAllowed && visibleEncounters.has(id);
      expect({ id, status: one.status }).toEqual({ id, status: shown ? 200 : 403 });
      if (one.status === 200) agree(`encounter ${id}`, [one.body], new Map([[id, encounters.get(id)!]]), visibleEncounters);
      for (const type of ITEM_TYPES) {
        const res = await api.get(`/encounters/${id}/${type}`);
        const allowed = gateAllowed && caller.view.sections[type] && visibleEncounters.has(id);
        expect({ id, type, status: res.status }).toEqual({ id, type, status: allowed ? 200 : 403 });
        if (res.status !== 200) continue;
        const ofEncounter = new Map([...items[type]].filter(([itemId]) => itemEncounter.get(`${type}/${itemId}`) === id));
        agree(`encounter ${id} ${type}`, res.body.items, ofEncounter, visibleEncounters);
      }
    }
  });

  it('regression: a coder reads no reason text restating a Part 2 diagnosis (list, record, detail); behavioral health is theirs to code (issue 13)', async () => {
    const coder = await t.as('coder.kim');
    const part2 = encounterIds[CATEGORIES.indexOf('substance-use')];
    const list = (await coder.get(`/patients/${patientId}/encounters`).expect(200)).body as Record<string, unknown>[];
    const inList = list.find((e) => e.id === part2)!;
    expect(inList.reason).toBeNull();
    expect(inList.redactions).toEqual([expect.objectContaining({ field: 'reason', code: 'restricted-category' })]);
    const record = (await coder.get(`/patients/${patientId}/record`).expect(200)).body;
    expect(JSON.stringify(record)).not.toMatch(/fixture reason substance-use/);
    expect(JSON.stringify(record)).toMatch(/fixture reason behavioral-health/);
    expect((await coder.get(`/encounters/${part2}`).expect(200)).body.reason).toBeNull();
    // The nurse on the care team, who may see the diagnosis, sees the reason too.
    expect((await (await t.as('nurse.patel')).get(`/encounters/${part2}`).expect(200)).body.reason).toBe('fixture reason substance-use');
  });

  it('the table covers a parent in force (the minor\'s own visit withheld) and representatives refused', async () => {
    const minorVisit = encounterIds[CATEGORIES.indexOf('reproductive')];
    const parent = (await (await t.as('parent.alvarez')).get(`/patients/${patientId}/record`).expect(200)).body;
    expect(parent.encounters.map((e: { id: number }) => e.id)).not.toContain(minorVisit);
    expect(parent.encounters.length).toBeGreaterThan(3);
    expect(parent.actingFor).toMatchObject({ relationship: 'parent' });
    await (await t.as('poa.brooks')).get(`/patients/${patientId}/record`).expect(403);
    await (await t.as('executor.hale')).get(`/patients/${patientId}/record`).expect(403);
    const patient = (await (await t.as('patient.demo')).get('/me/record').expect(200)).body;
    expect(patient.encounters.map((e: { id: number }) => e.id)).toContain(minorVisit);
  });

  it('the table covers every role of the catalogue and every restricted category', () => {
    expect(new Set(DEMO_USERS.map((u) => u.role))).toEqual(new Set(Object.keys(DEFAULT_ROLE_MATRIX)));
    expect(CATEGORIES.filter(Boolean).sort()).toEqual([...RESTRICTED_CATEGORIES].sort());
  });
});
