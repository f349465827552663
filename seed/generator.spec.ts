import { DataSource } from 'typeorm';
import { DEFAULT_ROLE_MATRIX, ROLES } from '../src/access/catalogue';
import { verifyPassword } from '../src/auth/password';
import { dataSourceOptions } from '../src/database/data-source';
import { bool, Db, num } from '../src/database/db';
import { careTeamOf, DEMO_PASSWORD, DEMO_USERS, isDatabaseEmpty, seedDatabase, SeedTotals, SPECIAL_PATIENTS } from './generator';
import { ICD10_CHAPTERS, ICD10_CODES, icd10Chapter, icd10Sensitivity, LOINC_CODES, PROCEDURE_CODES } from './icd10';
import { iso } from './patient-generator';
import { isInsertOrdered } from './writer';

const PATIENTS = 50;
const SEEDED_TABLES: [table: string, orderBy: string][] = [
  ['roles', 'name'], ['permissions', 'name'], ['role_permissions', 'role, permission'], ['users', 'id'],
  ['patients', 'id'], ['care_team_members', 'patient_id, user_id'], ['encounters', 'id'], ['diagnoses', 'id'],
  ['procedures', 'id'], ['observations', 'id'], ['clinical_notes', 'id'],
];

async function freshDb(): Promise<Db> {
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: ':memory:' }));
  await ds.initialize();
  await ds.runMigrations();
  return new Db(ds);
}

/** Every seeded row, password hashes left out (each has its own random salt). */
async function dump(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, orderBy] of SEEDED_TABLES) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
    out[table] = rows.map(({ password_hash: _omit, ...rest }) => rest);
  }
  return out;
}

const count = async (db: Db, sql: string, params: (string | number)[] = []) => num((await db.one<{ n: unknown }>(sql, params))?.n);

describe('seed generator', () => {
  let db: Db;
  let totals: SeedTotals;
  const userId: Record<string, number> = {};

  beforeAll(async () => {
    db = await freshDb();
    expect(await isDatabaseEmpty(db)).toBe(true);
    totals = await seedDatabase(db, { patients: PATIENTS });
    for (const u of await db.query<{ id: number; username: string }>('SELECT id, username FROM users')) userId[u.username] = u.id;
  });
  afterAll(() => db.dataSource.destroy());

  it('gives the same data for the same options, through every generator and writer path', async () => {
    const expected = await dump(db);
    const viaWorker = await freshDb();
    const portable = await freshDb();
    try {
      await seedDatabase(viaWorker, { patients: PATIENTS, worker: true });
      await seedDatabase(portable, { patients: PATIENTS, portableWriter: true });
      expect(await dump(viaWorker)).toEqual(expected);
      expect(await dump(portable)).toEqual(expected);
    } finally {
      await viaWorker.dataSource.destroy();
      await portable.dataSource.destroy();
    }
  }, 120_000);

  it('reports plausible totals that match the tables', async () => {
    expect(totals.patients).toBe(PATIENTS);
    expect(totals.encounters).toBe(await count(db, 'SELECT COUNT(*) AS n FROM encounters'));
    expect(totals.diagnoses).toBe(await count(db, 'SELECT COUNT(*) AS n FROM diagnoses'));
    expect(totals.notes).toBe(await count(db, 'SELECT COUNT(*) AS n FROM clinical_notes'));
    expect(totals.encounters / PATIENTS).toBeGreaterThan(5);
    expect(totals.encounters / PATIENTS).toBeLessThan(16);
    expect(totals.diagnoses).toBeGreaterThan(totals.encounters);
    expect(totals.observations).toBeGreaterThan(2 * totals.encounters);
    expect(totals.notes).toBeGreaterThanOrEqual(totals.encounters);
  });

  it('keeps every foreign key, and writes each encounter exactly one primary diagnosis', async () => {
    expect(db.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const wrong = await db.query(
      `SELECT e.id FROM encounters e LEFT JOIN diagnoses d ON d.encounter_id = e.id AND d.is_primary = 1
        GROUP BY e.id HAVING COUNT(d.id) <> 1`,
    );
    expect(wrong).toEqual([]);
    expect(await count(db, `SELECT COUNT(*) AS n FROM encounters e WHERE e.encounter_class = 'inpatient' AND e.discharged_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM procedures p WHERE p.encounter_id = e.id)`)).toBe(0);
  });

  it('restores the indexes and the pragmas it relaxed for the bulk load', async () => {
    // Every index of the migrations, with its exact definition: those kept during the load and those rebuilt.
    const indexes = (q: Db) => q.query(`SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`);
    const migrated = await freshDb();
    try {
      expect(await indexes(db)).toEqual(await indexes(migrated));
    } finally {
      await migrated.dataSource.destroy();
    }
    expect((await indexes(db)).map((i) => (i as { name: string }).name)).toEqual(expect.arrayContaining(['observations_encounter', 'observations_patient', 'notes_unsigned']));
    expect(db.sqlite.prepare(`SELECT COUNT(*) AS n FROM observations INDEXED BY observations_patient WHERE patient_id > 0`).get()).toEqual({ n: totals.observations });
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(await db.query(`SELECT name FROM sqlite_temp_master WHERE name LIKE 'seed_%'`)).toEqual([]);
  });

  it('copies the role matrix, with record access for the clinical and patient roles', async () => {
    for (const role of ROLES) {
      const perms = await db.query<{ permission: string }>('SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission', [role]);
      expect(perms.map((p) => p.permission)).toEqual([...DEFAULT_ROLE_MATRIX[role].permissions].sort());
    }
    const access = await db.query<{ name: string }>('SELECT name FROM roles WHERE has_record_access = 1 ORDER BY name');
    expect(access.map((r) => r.name)).toEqual(['coder', 'him_technician', 'nurse', 'patient', 'physician', 'registrar', 'representative']);
  });

  it('creates every demo user with its role and the demo password', async () => {
    const users = await db.query<{ username: string; role: string; password_hash: string }>('SELECT username, role, password_hash FROM users ORDER BY id');
    expect(users.map((u) => [u.username, u.role])).toEqual(DEMO_USERS.map((u) => [u.username, u.role]));
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(DEMO_USERS.length);
    expect(await verifyPassword(DEMO_PASSWORD, users.find((u) => u.username === 'dr.chen')!.password_hash)).toBe(true);
  });

  it('links patient.demo to a patient with inpatient stays, notes, a restricted item and a psychotherapy note', async () => {
    const p = await db.one<{ id: number }>('SELECT id FROM patients WHERE user_id = $1', [userId['patient.demo']]);
    expect(p?.id).toBe(SPECIAL_PATIENTS.demoPatient);
    const id = SPECIAL_PATIENTS.demoPatient;
    expect(await count(db, `SELECT COUNT(*) AS n FROM encounters WHERE patient_id = $1 AND encounter_class = 'inpatient'`, [id])).toBeGreaterThan(0);
    expect(await count(db, `SELECT COUNT(*) AS n FROM clinical_notes WHERE patient_id = $1 AND note_type <> 'psychotherapy'`, [id])).toBeGreaterThan(0);
    expect(await count(db, `SELECT COUNT(*) AS n FROM diagnoses WHERE patient_id = $1 AND sensitivity = 'restricted'`, [id])).toBeGreaterThan(0);
    const psych = await db.query<{ sensitivity: string; sensitivity_category: string; author_user_id: number }>(
      `SELECT sensitivity, sensitivity_category, author_user_id FROM clinical_notes WHERE patient_id = $1 AND note_type = 'psychotherapy'`, [id]);
    expect(psych.length).toBeGreaterThan(0);
    for (const n of psych) expect(n).toEqual({ sensitivity: 'restricted', sensitivity_category: 'psychotherapy', author_user_id: userId['dr.chen'] });
  });

  it('plants the snooping scenarios: a coworker record, a same-surname patient, a VIP off every care team', async () => {
    const own = await db.one<{ id: number; family_name: string }>('SELECT id, family_name FROM patients WHERE user_id = $1', [userId['nurse.patel']]);
    expect(own).toEqual({ id: SPECIAL_PATIENTS.nurseOwnRecord, family_name: 'Patel' });
    expect(await count(db, 'SELECT COUNT(*) AS n FROM care_team_members WHERE patient_id = $1', [own!.id])).toBe(0);
    const namesake = await db.one<{ family_name: string }>('SELECT family_name FROM patients WHERE id = $1', [SPECIAL_PATIENTS.sameSurnameAsNurse]);
    expect(namesake?.family_name).toBe('Patel');
    expect(await count(db, 'SELECT COUNT(*) AS n FROM care_team_members WHERE patient_id = $1 AND user_id = $2',
      [SPECIAL_PATIENTS.sameSurnameAsNurse, userId['nurse.patel']])).toBe(0);
    const vip = await db.one<{ vip: unknown }>('SELECT vip FROM patients WHERE id = $1', [SPECIAL_PATIENTS.vipOffCareTeam]);
    expect(bool(vip?.vip)).toBe(true);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM care_team_members WHERE patient_id = $1', [SPECIAL_PATIENTS.vipOffCareTeam])).toBe(0);
  });

  it('builds care teams by the documented rule, and encounters name the care-team physician', async () => {
    const members = await db.query<{ patient_id: number; username: string; team_role: string }>(
      `SELECT c.patient_id, u.username, c.team_role FROM care_team_members c JOIN users u ON u.id = c.user_id ORDER BY c.patient_id, u.username`);
    const expected = [];
    for (let id = 1; id <= PATIENTS; id++) {
      for (const m of [...careTeamOf(id)].sort((a, b) => a.username.localeCompare(b.username))) {
        expected.push({ patient_id: id, username: m.username, team_role: m.teamRole });
      }
    }
    expect(members).toEqual(expected);
    for (const physician of ['dr.chen', 'dr.okafor']) {
      expect(await count(db, 'SELECT COUNT(*) AS n FROM care_team_members WHERE user_id = $1', [userId[physician]])).toBeGreaterThan(3);
    }
    const attendings = await db.query<{ patient_id: number; attending_user_id: number | null }>(
      'SELECT DISTINCT patient_id, attending_user_id FROM encounters ORDER BY patient_id');
    for (const a of attendings) {
      const physician = careTeamOf(a.patient_id).find((m) => m.teamRole === 'attending');
      expect([a.patient_id, a.attending_user_id]).toEqual([a.patient_id, physician ? userId[physician.username] : null]);
    }
  });

  it('has unplanned readmissions within 30 days of an index discharge', async () => {
    const n = await count(db, `
      SELECT COUNT(*) AS n FROM encounters i
       WHERE i.encounter_class = 'inpatient' AND i.discharged_at IS NOT NULL
         AND i.disposition NOT IN ('expired', 'transfer-acute', 'ama')
         AND EXISTS (SELECT 1 FROM encounters r
                      WHERE r.patient_id = i.patient_id AND r.encounter_class = 'inpatient' AND r.planned_readmission = 0
                        AND r.admitted_at > i.discharged_at AND julianday(r.admitted_at) - julianday(i.discharged_at) <= 30)`);
    expect(n).toBeGreaterThan(0);
  });

  it('ends the history of a patient who died in hospital', async () => {
    const wrong = await db.query(`
      SELECT p.id FROM patients p JOIN encounters e ON e.patient_id = p.id AND e.disposition = 'expired'
       WHERE p.deceased_at IS NULL OR p.deceased_at <> e.discharged_at
          OR EXISTS (SELECT 1 FROM encounters later WHERE later.patient_id = p.id AND later.admitted_at > e.admitted_at)`);
    expect(wrong).toEqual([]);
  });

  it('labels restricted items with their category, a small share of all', async () => {
    const restricted = await count(db, `SELECT COUNT(*) AS n FROM diagnoses WHERE sensitivity = 'restricted'`);
    expect(restricted / totals.diagnoses).toBeGreaterThan(0.005);
    expect(restricted / totals.diagnoses).toBeLessThan(0.2);
    expect(await count(db, `SELECT COUNT(*) AS n FROM diagnoses WHERE (sensitivity = 'restricted') <> (sensitivity_category IS NOT NULL)`)).toBe(0);
    const rows = await db.query<{ code: string; sensitivity_category: string | null }>('SELECT DISTINCT code, sensitivity_category FROM diagnoses');
    for (const r of rows) expect([r.code, r.sensitivity_category]).toEqual([r.code, icd10Sensitivity(r.code)]);
  });

  it('reset wipes everything, the append-only audit trail included, keeps its triggers and reseeds the same data', async () => {
    const before = await dump(db);
    await db.execute(`INSERT INTO audit_events (seq, occurred_at, action, outcome, prev_hash, hash) VALUES (1, $1, 'read', 'success', 'x', 'y')`, [iso(0)]);
    await expect(seedDatabase(db, { patients: PATIENTS })).rejects.toThrow(/reset/);
    await seedDatabase(db, { patients: PATIENTS, reset: true });
    expect(await count(db, 'SELECT COUNT(*) AS n FROM audit_events')).toBe(0);
    expect(await dump(db)).toEqual(before);
    await db.execute(`INSERT INTO audit_events (seq, occurred_at, action, outcome, prev_hash, hash) VALUES (1, $1, 'read', 'success', 'x', 'y')`, [iso(0)]);
    await expect(db.execute('DELETE FROM audit_events')).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
  });
});

describe('seed code lists', () => {
  it('ships at least 150 distinct ICD-10-CM codes across the chapters, each in the right chapter', () => {
    expect(ICD10_CODES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(ICD10_CODES.map((c) => c.code)).size).toBe(ICD10_CODES.length);
    expect(new Set(ICD10_CODES.map((c) => c.chapter)).size).toBeGreaterThanOrEqual(ICD10_CHAPTERS.length - 1);
    expect(icd10Chapter('I21.4')).toBe('Diseases of the circulatory system (I00-I99)');
    expect(icd10Chapter('D50.9')).toMatch(/^Diseases of the blood/);
    expect(icd10Chapter('H66.90')).toBe('Diseases of the ear and mastoid process (H60-H95)');
  });

  it('flags the sensitive categories by the rule', () => {
    expect(icd10Sensitivity('F11.20')).toBe('substance-use');
    expect(icd10Sensitivity('F32.9')).toBe('behavioral-health');
    expect(icd10Sensitivity('B20')).toBe('hiv');
    expect(icd10Sensitivity('Z21')).toBe('hiv');
    expect(icd10Sensitivity('O80')).toBe('reproductive');
    expect(icd10Sensitivity('Z34.00')).toBe('reproductive');
    expect(icd10Sensitivity('I10')).toBeNull();
    for (const cat of ['substance-use', 'behavioral-health', 'hiv', 'reproductive']) {
      expect(ICD10_CODES.some((c) => c.sensitivity === cat)).toBe(true);
    }
  });

  it('ships CPT and ICD-10-PCS procedures and LOINC observations with units and ranges', () => {
    expect(PROCEDURE_CODES.filter((p) => p.system === 'CPT').length).toBeGreaterThanOrEqual(15);
    expect(PROCEDURE_CODES.filter((p) => p.system === 'ICD-10-PCS').length).toBeGreaterThanOrEqual(10);
    expect(PROCEDURE_CODES.filter((p) => p.system === 'ICD-10-PCS').every((p) => /^[0-9A-HJ-NP-Z]{7}$/.test(p.code))).toBe(true);
    expect(LOINC_CODES.length).toBeGreaterThanOrEqual(15);
    for (const code of ['8867-4', '8480-6', '8462-4', '8310-5', '59408-5', '2708-6', '2345-7', '2160-0', '718-7', '6690-2', '2951-2', '2823-3', '29463-7', '39156-5']) {
      const o = LOINC_CODES.find((l) => l.code === code);
      expect(o?.unit).toBeTruthy();
      expect(o!.max).toBeGreaterThan(o!.min);
    }
  });

  it('keeps only the indexes led by patient_id or encounter_id during the load (rows arrive in that order)', () => {
    expect(isInsertOrdered('CREATE INDEX observations_patient ON observations (patient_id)')).toBe(true);
    expect(isInsertOrdered('CREATE INDEX encounters_patient ON encounters (patient_id, admitted_at)')).toBe(true);
    expect(isInsertOrdered('CREATE INDEX notes_encounter ON clinical_notes ( encounter_id)')).toBe(true);
    expect(isInsertOrdered('CREATE INDEX notes_unsigned ON clinical_notes (signed_at)')).toBe(false);
    expect(isInsertOrdered('CREATE INDEX encounters_discharge_report ON encounters (encounter_class, discharged_at, status, patient_id)')).toBe(false);
    expect(isInsertOrdered('CREATE INDEX care_team_by_user ON care_team_members (user_id, patient_id)')).toBe(false);
  });

  it('formats times exactly like Date.prototype.toISOString', () => {
    for (const t of [0, -1, 1, Date.UTC(1958, 8, 22), Date.UTC(2026, 10, 1, 23, 59, 59, 999), 1_764_400_000_123]) {
      expect(iso(t)).toBe(new Date(t).toISOString());
    }
  });
});
