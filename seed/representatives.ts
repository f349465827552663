import type { Db, Queryable } from '../src/database/db';
import { icd10Chapter } from '../src/records/icd10-chapters';
import type { DemoUsername } from './demo-users';

/**
 * The classroom's personal representatives (45 CFR 164.502(g)) and self-pay restriction (164.522(a)(1)(vi)), planted
 * on generated patients after the load (the same ones on every seed with the same options; ids above 12, so the
 * small fixtures the other suites use are untouched):
 *
 *  - parent.alvarez: parent of the first patient aged 12-16; one of the minor's outpatient visits is flagged
 *    minor-consented (164.502(g)(3)(i)(A)) and carries a contraception-counselling diagnosis (reproductive);
 *  - poa.brooks: health care power of attorney of the first adult aged 40-85; that patient's latest outpatient visit
 *    was paid out of pocket in full and carries an agreed restriction on disclosures to a health plan;
 *  - executor.hale: executor of a deceased patient (one who died in the history, or else the oldest patient is given
 *    a date of death after their last visit, at home).
 *
 * A seed too small to hold such patients leaves the accounts without a link (they then see an empty list).
 */
export interface PlantedRepresentatives {
  minor: number | null;
  poaPatient: number | null;
  deceased: number | null;
  minorConsentEncounter: number | null;
  selfPayEncounter: number | null;
}

const DAY = 86_400_000;

export async function plantRepresentatives(db: Db, users: Record<DemoUsername, number>, nowMs: number): Promise<PlantedRepresentatives> {
  const now = new Date(nowMs).toISOString();
  const ago = (years: number) => new Date(nowMs - years * 365.25 * DAY).toISOString().slice(0, 10);
  const free = `id > 12 AND vip = FALSE AND user_id IS NULL`;
  const out: PlantedRepresentatives = { minor: null, poaPatient: null, deceased: null, minorConsentEncounter: null, selfPayEncounter: null };
  await db.transaction(async (tx) => {
    const minor = await tx.one<{ id: number }>(
      `SELECT id FROM patients WHERE ${free} AND deceased_at IS NULL AND birth_date > $1 AND birth_date <= $2 ORDER BY id LIMIT 1`, [ago(17), ago(12)],
    );
    if (minor) {
      out.minor = Number(minor.id);
      const enc = await latestVisit(tx, out.minor);
      if (enc) {
        out.minorConsentEncounter = enc.id;
        await tx.execute(`UPDATE encounters SET minor_consent = 'minor-consented' WHERE id = $1`, [enc.id]);
        await tx.execute(
          `INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, sensitivity, sensitivity_category, created_at, created_by, updated_at, updated_by)
           VALUES ($1, $2, 'Z30.09', 'Encounter for other general counseling and advice on contraception', $4, FALSE, $3, 'restricted', 'reproductive', $3, NULL, $3, NULL)`,
          [enc.id, out.minor, enc.at, icd10Chapter('Z30.09')],
        );
      }
      await link(tx, users['parent.alvarez'], out.minor, 'parent', 'birth certificate', 'HIM scan REP-0001', ago(12), users['him.jones'], now);
    }
    const adult = await tx.one<{ id: number }>(
      `SELECT id FROM patients WHERE ${free} AND deceased_at IS NULL AND birth_date > $1 AND birth_date <= $2 ORDER BY id LIMIT 1`, [ago(85), ago(40)],
    );
    if (adult) {
      out.poaPatient = Number(adult.id);
      await link(tx, users['poa.brooks'], out.poaPatient, 'healthcare-poa', 'durable power of attorney for health care', 'HIM scan REP-0002', ago(1), users['him.jones'], now);
      const enc = await latestVisit(tx, out.poaPatient);
      if (enc) {
        out.selfPayEncounter = enc.id;
        await tx.execute('UPDATE encounters SET self_pay = TRUE WHERE id = $1', [enc.id]);
        await tx.execute(
          `INSERT INTO restrictions (patient_id, requested_by, requested_at, purposes, recipient, encounter_id, description, required, status, decided_at, decision_reason, version)
           VALUES ($1, $2, $3, '["payment","operations"]', 'health-plan', $4, $5, TRUE, 'agreed', $3, $6, 1)`,
          [out.poaPatient, users['poa.brooks'], enc.at, enc.id, 'Paid in full at the visit: do not send this visit to the health plan',
            'paid out of pocket in full: the covered entity must agree (45 CFR 164.522(a)(1)(vi))'],
        );
      }
    }
    out.deceased = await deceasedPatient(tx, nowMs, [out.minor, out.poaPatient]);
    if (out.deceased !== null) {
      const died = (await tx.one<{ deceased_at: string }>('SELECT deceased_at FROM patients WHERE id = $1', [out.deceased]))!.deceased_at;
      await link(tx, users['executor.hale'], out.deceased, 'executor', 'letters testamentary', 'HIM scan REP-0003', died.slice(0, 10), users['him.jones'], now);
    }
  });
  return out;
}

/** The patient's latest outpatient visit (or latest visit), with its time. */
async function latestVisit(tx: Queryable, patientId: number): Promise<{ id: number; at: string } | null> {
  const row = await tx.one<{ id: number; admitted_at: string }>(
    `SELECT id, admitted_at FROM encounters WHERE patient_id = $1 ORDER BY CASE WHEN encounter_class = 'outpatient' THEN 0 ELSE 1 END, admitted_at DESC, id DESC LIMIT 1`,
    [patientId],
  );
  return row ? { id: Number(row.id), at: row.admitted_at } : null;
}

/** One who died in the history, or else the oldest living patient, given a date of death at home after the last visit. */
async function deceasedPatient(tx: Queryable, nowMs: number, taken: (number | null)[]): Promise<number | null> {
  const skip = taken.filter((t): t is number => t !== null);
  const notTaken = skip.length ? `AND id NOT IN (${skip.join(', ')})` : '';
  const died = await tx.one<{ id: number }>(`SELECT id FROM patients WHERE id > 12 AND vip = FALSE AND user_id IS NULL AND deceased_at IS NOT NULL ${notTaken} ORDER BY id LIMIT 1`);
  if (died) return Number(died.id);
  const oldest = await tx.one<{ id: number; last: string | null }>(
    `SELECT p.id, (SELECT MAX(COALESCE(e.discharged_at, e.admitted_at)) FROM encounters e WHERE e.patient_id = p.id) AS last FROM patients p
      WHERE p.id > 12 AND p.vip = FALSE AND p.user_id IS NULL AND p.deceased_at IS NULL ${notTaken}
        AND NOT EXISTS (SELECT 1 FROM encounters o WHERE o.patient_id = p.id AND o.discharged_at IS NULL AND o.encounter_class = 'inpatient')
      ORDER BY p.birth_date, p.id LIMIT 1`,
  );
  if (!oldest) return null;
  const lastMs = oldest.last ? new Date(oldest.last).getTime() : nowMs - 60 * DAY;
  const diedAt = new Date(Math.min(lastMs + 3 * DAY, nowMs - DAY)).toISOString();
  await tx.execute('UPDATE patients SET deceased_at = $1, updated_at = $1 WHERE id = $2', [diedAt, Number(oldest.id)]);
  return Number(oldest.id);
}

async function link(
  tx: Queryable, userId: number, patientId: number, relationship: string, documentType: string, documentReference: string,
  validFrom: string, createdBy: number, now: string,
): Promise<void> {
  await tx.execute(
    `INSERT INTO personal_representatives (user_id, patient_id, relationship, rights, document_type, document_reference, valid_from, valid_to, created_at, created_by, version)
     VALUES ($1, $2, $3, '["access","amendment","accounting","restriction"]', $4, $5, $6, NULL, $7, $8, 1)`,
    [userId, patientId, relationship, documentType, documentReference, validFrom, now, createdBy],
  );
}
