import type { Db } from '../src/database/db';
import { SPECIAL_PATIENTS } from '../src/demo/special-patients';
import type { DemoUsername } from './demo-users';

/**
 * Classroom examples of the individual's rights around release of information (issue 12), planted on the patient
 * sharing nurse Patel's surname (SPECIAL_PATIENTS.sameSurnameAsNurse), so the demo patient's own record stays as the
 * other exercises expect it:
 * - a denial of access under review (45 CFR 164.524(a)(3)-(4)): an endangerment denial determined by dr.chen, the
 *   review asked for by the patient and referred to dr.okafor, not yet decided (log in as dr.okafor to decide it);
 * - two disclosures made outside the ROI workflow and entered for the accounting (164.528(b)): a public-health report
 *   and a report to a health oversight agency;
 * - that agency's written statement suspending the accounting of its disclosures (164.528(a)(2)): the accounting
 *   leaves its report out until the suspension ends;
 * - a confidential-communication address (164.522(b)): the patient's copies and notices go to a post office box.
 */
export async function seedRoiRightsExamples(db: Db, users: Record<DemoUsername, number>, nowMs: number): Promise<void> {
  const patientId = SPECIAL_PATIENTS.sameSurnameAsNurse;
  const at = (days: number) => new Date(nowMs + days * 86_400_000).toISOString();
  const day = (days: number) => at(days).slice(0, 10);
  await db.transaction(async (tx) => {
    const p = await tx.one<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM patients WHERE id = $1', [patientId]);
    if (!p) return;
    const name = `${p.given_name} ${p.family_name}`;
    const review = { requestedAt: at(-5), requestedBy: users['roi.garcia'], note: 'The patient asks for a review by another clinician (letter of the 27th).', reviewerId: users['dr.okafor'], decision: null, decidedAt: null, reason: null };
    const row = await tx.one<{ id: number }>(
      `INSERT INTO roi_requests (patient_id, requester_type, requester_name, requester_address, purpose, record_types, delivery_format, status, received_at, due_at,
         extended, created_by, version, legal_basis, original_due_at, updated_at, denial_code, denial_reviewable, denial_reason, closed_at, denial_determined_by, denial_review_json)
       VALUES ($1, 'self', $2, NULL, 'My psychiatric notes', '["notes"]', 'paper', 'denied', $3, $4, $5, $6, 6, 'individual', $4, $7, 'endangerment', $8, $9, $10, $11, $12)
       RETURNING id`,
      [
        patientId, name, at(-20), at(10), false, users['roi.garcia'], at(-5), true,
        'The treating psychiatrist documented that reading these notes now is reasonably likely to endanger the patient.', at(-10), users['dr.chen'], JSON.stringify(review),
      ],
    );
    const id = Number(row!.id);
    const history: [string, string, string, string | null, DemoUsername, number, Record<string, unknown> | null][] = [
      ['receive', 'new', 'received', null, 'roi.garcia', -20, { legalBasis: 'individual' }],
      ['verify-identity', 'received', 'identity-verified', null, 'roi.nguyen', -18, null],
      ['deny', 'identity-verified', 'denied', 'The treating psychiatrist documented that reading these notes now is reasonably likely to endanger the patient.', 'roi.nguyen', -10,
        { denialCode: 'endangerment', reviewable: true, determinedBy: users['dr.chen'] }],
      ['request-denial-review', 'denied', 'denied', review.note, 'roi.garcia', -5, { reviewerId: users['dr.okafor'] }],
    ];
    for (const [action, from, to, reason, actor, offset, details] of history) {
      await tx.execute(
        'INSERT INTO roi_transitions (request_id, action, from_status, to_status, reason, actor_user_id, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, action, from, to, reason, users[actor], at(offset), details ? JSON.stringify(details) : null],
      );
    }
    const disclosures: [string, string | null, number, string, string, string][] = [
      ['State Department of Health', '1 Capitol Way, Springfield', -40, 'Mandatory report of a notifiable disease', 'public-health', 'Laboratory result and diagnosis of the reportable condition'],
      ['Office of Inspector General', '330 Independence Ave SW, Washington, DC', -16, 'Health oversight audit of billing', 'health-oversight', 'Encounter dates, procedures and billed codes of 2026'],
    ];
    for (const [recipient, address, offset, purpose, basis, description] of disclosures) {
      await tx.execute(
        `INSERT INTO disclosures (patient_id, roi_request_id, disclosed_at, recipient_name, recipient_address, description, purpose, exempt, exemption, recorded_by, legal_basis, source, recorded_at)
         VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, NULL, $8, $9, 'manual', $2)`,
        [patientId, at(offset), recipient, address, description, purpose, false, users['privacy.smith'], basis],
      );
    }
    await tx.execute(
      `INSERT INTO accounting_suspensions (patient_id, agency_name, agency_type, official_name, statement_form, statement, starts_at, ends_at, recorded_by, recorded_at)
       VALUES ($1, 'Office of Inspector General', 'health-oversight', 'Special Agent R. Diaz', 'written', $2, $3, $4, $5, $6)`,
      [
        patientId, 'An accounting of our access to this record would be reasonably likely to impede our ongoing audit.', `${day(-15)}T00:00:00.000Z`,
        `${day(166)}T00:00:00.000Z`, users['privacy.smith'], at(-15),
      ],
    );
    await tx.execute(
      `INSERT INTO confidential_communications (patient_id, channel, address, note, requested_by, recorded_by, recorded_at) VALUES ($1, 'mail', $2, $3, 'staff', $4, $5)`,
      [patientId, 'PO Box 4411, Springfield 62704', 'Asked at registration; no explanation asked (164.522(b)(2)(ii)).', users['reg.lopez'], at(-30)],
    );
  });
}
