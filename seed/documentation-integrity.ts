import type { Db } from '../src/database/db';
import { ENCOUNTER_CLASSES } from '../src/records/encounter-class';
import type { DemoUsername } from './demo-users';

/**
 * Planted chart deficiencies (issue 13, item 2; src/records/deficiencies/deficiency-rules.ts), deterministic for a
 * given seed: for dr.chen and dr.okafor, their two most recent discharged encounters within the 30 days before the
 * seed's `now` (deficient then) and two discharged 30 to 120 days before it (delinquent), each with one document
 * left incomplete - the discharge summary of an inpatient stay never written, or the physician's note unsigned - and
 * for dr.chen an unanswered provider query from coder.kim. Whether a deficiency is deficient or delinquent is
 * computed against the clock when asked, so the longer after the seed's date the demo runs, the more are delinquent.
 * Only normal-sensitivity encounters of ordinary patients are used (ids above the planted scenario patients).
 */
const DAY = 86_400_000;

interface Picked {
  id: number;
  patient_id: number;
  encounter_class: string;
  discharged_at: string;
}

export interface PlantedDeficiencies {
  unsignedNotes: number;
  missingDischargeSummaries: number;
  openQueries: number;
}

export async function plantDeficiencies(db: Db, users: Record<DemoUsername, number>, nowMs: number): Promise<PlantedDeficiencies> {
  const out: PlantedDeficiencies = { unsignedNotes: 0, missingDischargeSummaries: 0, openQueries: 0 };
  const now = new Date(nowMs).toISOString();
  const monthAgo = new Date(nowMs - 30 * DAY).toISOString();
  const longAgo = new Date(nowMs - 120 * DAY).toISOString();
  await db.transaction(async (tx) => {
    for (const physician of ['dr.chen', 'dr.okafor'] as const) {
      // Per encounter class, each an index range read newest first (encounters_discharge_report leads with the class),
      // then merged: one query over all classes read every encounter of the window (1.2 s of a 100k seed).
      const pick = async (from: string, to: string): Promise<Picked[]> => {
        const found: Picked[] = [];
        for (const encounterClass of ENCOUNTER_CLASSES) {
          found.push(...(await tx.query<Picked>(
            `SELECT e.id, e.patient_id, e.encounter_class, e.discharged_at FROM encounters e
              WHERE e.encounter_class = $4 AND e.attending_user_id = $1 AND e.patient_id > 4 AND e.sensitivity = 'normal'
                AND e.status = 'active' AND e.discharged_at >= $2 AND e.discharged_at < $3
                AND NOT EXISTS (SELECT 1 FROM diagnoses d WHERE d.encounter_id = e.id AND d.sensitivity = 'restricted')
              ORDER BY e.discharged_at DESC, e.id LIMIT 2`,
            [users[physician], from, to, encounterClass],
          )));
        }
        const at = (e: Picked) => new Date(e.discharged_at).getTime();
        return found.sort((a, b) => at(b) - at(a) || Number(a.id) - Number(b.id)).slice(0, 2);
      };
      const chosen = [...(await pick(monthAgo, now)), ...(await pick(longAgo, monthAgo))];
      for (const [i, e] of chosen.entries()) {
        if (e.encounter_class === 'inpatient' && i % 2 === 0) {
          out.missingDischargeSummaries += await tx.execute(`DELETE FROM clinical_notes WHERE encounter_id = $1 AND note_type = 'discharge-summary'`, [e.id]);
          continue;
        }
        const note = await tx.one<{ id: number }>(
          `SELECT id FROM clinical_notes WHERE encounter_id = $1 AND author_user_id = $2 AND note_type <> 'psychotherapy' ORDER BY id LIMIT 1`,
          [e.id, users[physician]],
        );
        if (note) out.unsignedNotes += await tx.execute('UPDATE clinical_notes SET signed_at = NULL, signed_by = NULL WHERE id = $1', [note.id]);
      }
      const queried = chosen[chosen.length - 1];
      if (physician === 'dr.chen' && queried) {
        await tx.execute(
          `INSERT INTO provider_queries (encounter_id, patient_id, asked_by, addressee_user_id, kind, topic, question, clinical_indicators, options, status, created_at, version)
           VALUES ($1, $2, $3, $4, 'open-ended', 'specificity', $5, $6, '[]', 'open', $7, 1)`,
          [queried.id, queried.patient_id, users['coder.kim'], users['dr.chen'],
            'Based on the clinical indicators below, please clarify the clinical significance of the abnormal sodium values.',
            JSON.stringify(['Sodium 128 mmol/L on day 1 and 131 mmol/L on day 2', 'Fluid restriction ordered on day 1']),
            new Date(Math.min(nowMs, new Date(queried.discharged_at).getTime() + 2 * DAY)).toISOString()],
        );
        out.openQueries++;
      }
    }
  });
  return out;
}
