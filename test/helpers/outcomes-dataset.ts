import type { Queryable } from '../../src/database/db';
import type { TestApp } from './test-app';

/**
 * The hand-built hospital of the report tests: 2030 (every outcome rule and the readmission cohort, worked out by
 * hand in the table below) and 2031 (the one-child differencing case). The seed's history ends in 2026, so nothing
 * else falls in these years.
 */

export interface Stay {
  admit: string;
  discharge: string | null;
  disposition?: string | null;
  planned?: boolean;
  cls?: 'inpatient' | 'outpatient' | 'emergency';
  status?: 'active' | 'entered-in-error';
  department?: string;
}

export async function insertPatient(tx: Queryable, mrn: string, birthDate = '1960-01-01'): Promise<number> {
  const row = await tx.one<{ id: number }>(
    `INSERT INTO patients (mrn, given_name, family_name, birth_date, sex, created_at, updated_at)
     VALUES ($1, 'Test', 'Report', $2, 'female', '2029-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z') RETURNING id`,
    [mrn, birthDate],
  );
  return Number(row!.id);
}

export async function insertStay(tx: Queryable, patientId: number, s: Stay): Promise<number> {
  const row = await tx.one<{ id: number }>(
    `INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, planned_readmission, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $3, $3) RETURNING id`,
    [patientId, s.cls ?? 'inpatient', s.admit, s.discharge, s.department ?? 'Medicine', s.disposition === undefined ? 'home' : s.disposition,
      s.planned ?? false, s.status ?? 'active'],
  );
  return Number(row!.id);
}

/**
 * The year. LOS in days (discharge date - admission date). R = readmitted index stay.
 *
 *  P1  S1  01-01 -> 01-05 08:00  home       LOS 4  R (S2 admitted 02-04 20:00: day 30, although 30.5 days later)
 *      S2  02-04 -> 02-06        home       LOS 2  R (S3, day 14): a readmission that is itself an index stay
 *      S3  02-20 -> 02-20        home-health LOS 0 (same-day stay)
 *  P2  S4  03-01 -> 03-03 23:30  home       LOS 2  not R: S5 admitted 04-03 00:10 is day 31 (only 30 days 40 min later)
 *      S5  04-03 -> 04-04        home       LOS 1
 *  P3  S6  05-01 -> 05-04        transfer-acute LOS 3  not an index stay; not in the mortality denominator (Surgery)
 *      S7  05-10 -> 05-12        home       LOS 2  (Surgery)
 *  P4  S8  06-01 -> 06-02        ama        LOS 1  not an index stay (Surgery)
 *      S9  06-05 -> 06-09        home       LOS 4  (Surgery)
 *  P5  S10 07-01 -> 07-03        home       LOS 2  not R: the next stay S11 is a planned readmission
 *      S11 07-10 -> 07-12 planned home      LOS 2  (a planned stay can be an index stay)
 *      S12 08-20 -> 08-25        expired    LOS 5  a death (day 39 after S11: no readmission)
 *  P6  S13 08-01 -> 08-02        home       LOS 1  R (S14 and S15 both within 30 days: counted once)
 *      S14 08-05 -> 08-06        home       LOS 1  R (S15)
 *      S15 08-10 -> 08-11        home       LOS 1
 *  P7  S16 09-01 -> 09-02 entered-in-error: not a stay
 *      S17 09-08 -> 09-10        home       LOS 2  not R: S18 (09-15) is entered-in-error
 *      S18 09-15 -> 09-16 entered-in-error
 *  P8  S19 10-01 -> 10-02        home       LOS 1  not R: the visit on 10-05 is an emergency visit, not an admission
 *      E   10-05 emergency; O 10-06 outpatient
 *
 * November: the readmission cohort of the CMS hospital-wide measure (item 6 of issue 13). All home.
 *  P9  (born 2015: a child) S20 11-01 -> 11-03, S21 11-10 -> 11-12 (Pediatrics)   no index stay: under 18
 *  P10 S22 11-02 -> 11-06 F32.9 (Psychiatry)   not index: primary psychiatric; so S23 is no readmission of it
 *      S23 11-15 -> 11-16 J18.9                index, not R
 *  P11 S24 11-03 -> 11-05 F10.239              index (substance use stays in the cohort), R (S25, day 15)
 *      S25 11-20 -> 11-21 F10.239              index, not R
 *  P12 S26 11-04 -> 11-05 Z51.11 (Oncology)    not index: chemotherapy (medical treatment of cancer)
 *      S27 11-08 -> 11-10 C34.90 (Oncology)    not index: cancer, no surgical procedure
 *      S28 11-20 -> 11-22 C18.9 + 0DTN0ZZ resection (Surgery)   index (cancer surgery), not R
 *  P13 S29 11-05 -> 11-12 Z47.1 (Orthopedics)  not index: rehabilitation (aftercare after joint replacement)
 *  P14 S30 11-01 -> 11-03 I50.9                index, not R: the next two admissions are planned
 *      S31 11-10 -> 11-11 Z51.11 (Oncology)    planned (maintenance chemotherapy); not index
 *      S32 11-14 -> 11-20 N18.6 + 0TY00Z0 kidney transplant (Surgery)   planned (transplant); index, not R
 *  Died, left against advice, transferred out: S12, S8, S6 above.
 *
 * Totals: 30 discharges, 20 index stays, 5 readmitted (5/20 = 0.25), LOS sum 67: average 2.23, median 2,
 * 1 death over 29 eligible discharges (0.0345); home 26, home-health 1, transfer-acute 1, ama 1, expired 1.
 */
export async function buildYear(t: TestApp): Promise<void> {
  await t.db.transaction(async (tx) => {
    const p = async (n: number) => insertPatient(tx, `RPT2030-${n}`);
    const z = (d: string, time = '10:00') => `2030-${d}T${time}:00.000Z`;
    const p1 = await p(1);
    const s1 = await insertStay(tx, p1, { admit: z('01-01'), discharge: z('01-05', '08:00') });
    await insertStay(tx, p1, { admit: z('02-04', '20:00'), discharge: z('02-06') });
    await insertStay(tx, p1, { admit: z('02-20', '08:00'), discharge: z('02-20', '18:00'), disposition: 'home-health' });
    const p2 = await p(2);
    const s4 = await insertStay(tx, p2, { admit: z('03-01'), discharge: z('03-03', '23:30') });
    await insertStay(tx, p2, { admit: z('04-03', '00:10'), discharge: z('04-04') });
    const p3 = await p(3);
    await insertStay(tx, p3, { admit: z('05-01'), discharge: z('05-04'), disposition: 'transfer-acute', department: 'Surgery' });
    await insertStay(tx, p3, { admit: z('05-10'), discharge: z('05-12'), department: 'Surgery' });
    const p4 = await p(4);
    await insertStay(tx, p4, { admit: z('06-01'), discharge: z('06-02'), disposition: 'ama', department: 'Surgery' });
    await insertStay(tx, p4, { admit: z('06-05'), discharge: z('06-09'), department: 'Surgery' });
    const p5 = await p(5);
    await insertStay(tx, p5, { admit: z('07-01'), discharge: z('07-03') });
    await insertStay(tx, p5, { admit: z('07-10'), discharge: z('07-12'), planned: true });
    await insertStay(tx, p5, { admit: z('08-20'), discharge: z('08-25'), disposition: 'expired' });
    const p6 = await p(6);
    await insertStay(tx, p6, { admit: z('08-01'), discharge: z('08-02') });
    await insertStay(tx, p6, { admit: z('08-05'), discharge: z('08-06') });
    await insertStay(tx, p6, { admit: z('08-10'), discharge: z('08-11') });
    const p7 = await p(7);
    await insertStay(tx, p7, { admit: z('09-01'), discharge: z('09-02'), status: 'entered-in-error' });
    await insertStay(tx, p7, { admit: z('09-08'), discharge: z('09-10') });
    await insertStay(tx, p7, { admit: z('09-15'), discharge: z('09-16'), status: 'entered-in-error' });
    const p8 = await p(8);
    await insertStay(tx, p8, { admit: z('10-01'), discharge: z('10-02') });
    await insertStay(tx, p8, { admit: z('10-05'), discharge: z('10-05', '16:00'), cls: 'emergency', disposition: 'home' });
    await insertStay(tx, p8, { admit: z('10-06'), discharge: z('10-06', '11:00'), cls: 'outpatient', disposition: null });
    // Diagnosis chapters: S1's active primary diagnosis is circulatory; S4's primary was entered in error.
    const dx = (encounterId: number, patientId: number, code: string, chapter: string, status: string) =>
      tx.execute(
        `INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, status, created_at, updated_at)
         VALUES ($1, $2, $3, 'test', $4, TRUE, '2030-01-02T00:00:00.000Z', $5, '2030-01-02T00:00:00.000Z', '2030-01-02T00:00:00.000Z')`,
        [encounterId, patientId, code, chapter, status],
      );
    await dx(s1, p1, 'I21.4', 'Diseases of the circulatory system (I00-I99)', 'active');
    await dx(s4, p2, 'J18.9', 'Diseases of the respiratory system (J00-J99)', 'entered-in-error');
    await buildCohortCases(tx, z, dx);
  });
}

export const CHAPTER = {
  C: 'Neoplasms (C00-D49)',
  F: 'Mental, behavioral and neurodevelopmental disorders (F01-F99)',
  I: 'Diseases of the circulatory system (I00-I99)',
  J: 'Diseases of the respiratory system (J00-J99)',
  N: 'Diseases of the genitourinary system (N00-N99)',
  Z: 'Factors influencing health status and contact with health services (Z00-Z99)',
} as const;

/** November 2030: one case per exclusion of the readmission cohort, and planned readmissions (see the table above). */
async function buildCohortCases(
  tx: Queryable,
  z: (d: string, time?: string) => string,
  dx: (encounterId: number, patientId: number, code: string, chapter: string, status: string) => Promise<unknown>,
): Promise<void> {
  const stay = async (patient: number, admit: string, discharge: string, code: string | null, department = 'Medicine') => {
    const id = await insertStay(tx, patient, { admit: z(admit), discharge: z(discharge), department });
    if (code) await dx(id, patient, code, CHAPTER[code[0] as keyof typeof CHAPTER], 'active');
    return id;
  };
  const procedure = (encounterId: number, patientId: number, code: string) =>
    tx.execute(
      `INSERT INTO procedures (encounter_id, patient_id, code_system, code, description, performed_at, status, created_at, updated_at)
       VALUES ($1, $2, 'ICD-10-PCS', $3, 'test', '2030-11-15T10:00:00.000Z', 'active', '2030-11-15T10:00:00.000Z', '2030-11-15T10:00:00.000Z')`,
      [encounterId, patientId, code],
    );
  const child = await insertPatient(tx, 'RPT2030-9', '2015-06-01');
  await stay(child, '11-01', '11-03', null, 'Pediatrics');
  await stay(child, '11-10', '11-12', null, 'Pediatrics');
  const p10 = await insertPatient(tx, 'RPT2030-10');
  await stay(p10, '11-02', '11-06', 'F32.9', 'Psychiatry');
  await stay(p10, '11-15', '11-16', 'J18.9');
  const p11 = await insertPatient(tx, 'RPT2030-11');
  await stay(p11, '11-03', '11-05', 'F10.239');
  await stay(p11, '11-20', '11-21', 'F10.239');
  const p12 = await insertPatient(tx, 'RPT2030-12');
  await stay(p12, '11-04', '11-05', 'Z51.11', 'Oncology');
  await stay(p12, '11-08', '11-10', 'C34.90', 'Oncology');
  await procedure(await stay(p12, '11-20', '11-22', 'C18.9', 'Surgery'), p12, '0DTN0ZZ');
  const p13 = await insertPatient(tx, 'RPT2030-13');
  await stay(p13, '11-05', '11-12', 'Z47.1', 'Orthopedics');
  const p14 = await insertPatient(tx, 'RPT2030-14');
  await stay(p14, '11-01', '11-03', 'I50.9');
  await stay(p14, '11-10', '11-11', 'Z51.11', 'Oncology');
  await procedure(await stay(p14, '11-14', '11-20', 'N18.6', 'Surgery'), p14, '0TY00Z0');
}

/**
 * The one-child differencing case of issue 13, item 8, in 2031: September has 12 children in Pediatrics and 14 adults
 * in Medicine; October has 15 adults in Medicine and one child, discharged home from Pediatrics on 25 October.
 */
export async function buildDifferencingCase(t: TestApp): Promise<void> {
  await t.db.transaction(async (tx) => {
    let n = 0;
    const one = async (birth: string, department: string, discharge: string, los: number) => {
      const p = await insertPatient(tx, `RPT2031-${++n}`, birth);
      const admit = new Date(Date.parse(`${discharge}T09:00:00.000Z`) - los * 86_400_000).toISOString();
      await insertStay(tx, p, { admit, discharge: `${discharge}T15:00:00.000Z`, department });
    };
    for (let k = 0; k < 12; k++) await one('2020-03-01', 'Pediatrics', `2031-09-${String(3 + k).padStart(2, '0')}`, 3 + (k % 3));
    for (let k = 0; k < 14; k++) await one('1970-03-01', 'Medicine', `2031-09-${String(10 + k).padStart(2, '0')}`, 2 + (k % 4));
    for (let k = 0; k < 15; k++) await one('1970-03-01', 'Medicine', `2031-10-${String(2 + k).padStart(2, '0')}`, 2 + (k % 5));
    await one('2019-05-05', 'Pediatrics', '2031-10-25', 2);
  });
}

