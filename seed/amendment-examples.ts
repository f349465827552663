import type { Db } from '../src/database/db';
import type { DemoUsername } from './demo-users';

/** A patient of dr.okafor's care team (ids ending in 3, 6, 8), away from the scenario patients 1-4. */
const PATIENT = 6;

/**
 * A classroom example of the right to amend (45 CFR 164.526) that travels: on patient 6 (dr.okafor's patient), a
 * request to amend a diagnosis, routed by him.jones to dr.okafor (the encounter's attending), denied as accurate and
 * complete ((a)(2)(iv)), the patient's statement of disagreement ((d)(1)(ii)) and HIM's rebuttal, copied to the patient
 * ((d)(3)). Any ROI package of that diagnosis carries all four ((d)(5)(i)). Closed, so no work queue changes.
 */
export async function seedAmendmentExamples(db: Db, users: Record<DemoUsername, number>, nowMs: number): Promise<void> {
  const at = (days: number) => new Date(nowMs + days * 86_400_000).toISOString();
  await db.transaction(async (tx) => {
    const dx = await tx.one<{ id: number }>(
      `SELECT id FROM diagnoses WHERE patient_id = $1 AND status = 'active' AND sensitivity = 'normal' ORDER BY id LIMIT 1`,
      [PATIENT],
    );
    if (!dx) return;
    await tx.execute(
      `INSERT INTO amendments (patient_id, requested_by, item_type, item_id, requested_change, justification, status, received_at, due_at, decided_at,
         decided_by, denial_ground, decision_reason, disagreement_statement, decider_user_id, decider_basis, routed_at, routed_by,
         rebuttal_statement, rebuttal_at, rebuttal_by, rebuttal_copy_sent_at, version)
       VALUES ($1, $2, 'diagnoses', $3, $4, $5, 'denied', $6, $7, $8, $9, 'accurate-and-complete', $10, $11, $9, 'encounter-attending', $12, $2, $13, $14, $2, $14, 5)`,
      [
        PATIENT, users['him.jones'], Number(dx.id), 'Remove this diagnosis: I was never told about it.', 'Letter from the patient, received at the HIM desk.',
        at(-40), at(20), at(-30), users['dr.okafor'], 'The diagnosis is documented by the examination and the test results of that visit.',
        'I disagree: my own physician elsewhere found no sign of it.', at(-38), 'The examination findings and the laboratory results of the visit support the diagnosis.', at(-25),
      ],
    );
  });
}
