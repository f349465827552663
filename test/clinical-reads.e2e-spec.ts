import { Db } from '../src/database/db';
import { ClinicalReads } from '../src/records/clinical.repository';
import { createTestApp, TestApp } from './helpers/test-app';

/** ClinicalReads.chart takes the reason categories from the diagnoses it read, when no date range cut them. */
describe('ClinicalReads.chart: reason categories', () => {
  let t: TestApp;
  let db: Db;
  let patients: number[];

  beforeAll(async () => {
    t = await createTestApp({ patients: 60 });
    db = t.db;
    // An encounter with two restricted categories, one of them twice, and one entered-in-error restricted diagnosis.
    const [enc] = await db.query<{ id: number; patient_id: number }>('SELECT id, patient_id FROM encounters ORDER BY id LIMIT 1');
    const insert = `INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, sensitivity,
      sensitivity_category, status, version, created_at, updated_at) VALUES ($1, $2, $3, 'x', 'F01-F99', FALSE, '2026-01-01T00:00:00.000Z',
      'restricted', $4, $5, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
    for (const [code, category, status] of [['F10.20', 'substance-use', 'active'], ['F32.9', 'behavioral-health', 'active'], ['F10.10', 'substance-use', 'active'], ['B20', 'hiv', 'entered-in-error']]) {
      await db.execute(insert, [enc.id, enc.patient_id, code, category, status]);
    }
    patients = (await db.query<{ patient_id: number }>(`SELECT DISTINCT patient_id FROM diagnoses WHERE sensitivity = 'restricted' ORDER BY patient_id`)).map((r) => r.patient_id);
  });
  afterAll(() => t.close());

  const sorted = (m: ReadonlyMap<number, readonly string[]>) => [...m].map(([k, v]) => [k, [...v].sort()]).sort((a, b) => Number(a[0]) - Number(b[0]));

  it('gives what the query of its own gives, for every patient with restricted diagnoses', async () => {
    expect(patients.length).toBeGreaterThan(3);
    for (const patientId of patients) {
      const chart = await ClinicalReads.chart(db, patientId, ['encounters', 'diagnoses']);
      expect(sorted(chart.reasonCategories)).toEqual(sorted(await ClinicalReads.reasonCategories(db, { patientId })));
    }
  });

  it('lists each category of an encounter once and leaves entered-in-error diagnoses out', async () => {
    const [enc] = await db.query<{ id: number; patient_id: number }>('SELECT id, patient_id FROM encounters ORDER BY id LIMIT 1');
    const chart = await ClinicalReads.chart(db, enc.patient_id, ['encounters', 'diagnoses']);
    expect([...chart.reasonCategories.get(enc.id)!].sort()).toEqual(['behavioral-health', 'substance-use']);
  });

  it('still counts diagnoses outside a date range or a section left out of the answer', async () => {
    const [enc] = await db.query<{ id: number; patient_id: number }>('SELECT id, patient_id FROM encounters ORDER BY id LIMIT 1');
    const all = sorted(await ClinicalReads.reasonCategories(db, { patientId: enc.patient_id }));
    expect(sorted((await ClinicalReads.chart(db, enc.patient_id, ['encounters'])).reasonCategories)).toEqual(all);
    const range = { dateFrom: '2030-01-01', dateTo: null };
    expect(sorted((await ClinicalReads.chart(db, enc.patient_id, ['encounters', 'diagnoses'], range)).reasonCategories)).toEqual(all);
  });
});
