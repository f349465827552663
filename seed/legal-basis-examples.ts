import type { Db } from '../src/database/db';
import type { DemoUsername } from './demo-users';

/**
 * Classroom examples of the legal basis of a release (issue 12), on the desk of roi.nguyen (logged by roi.garcia,
 * separation of duties), both still before validation so no chart is opened by them:
 * - a subpoena duces tecum from a law firm, logged on the legal process desk with its documents and scope but without
 *   satisfactory assurances yet: validate-authorization lists the notice and protective-order elements of
 *   45 CFR 164.512(e)(1)(ii)-(v) (complete them with PUT /roi/requests/:id/basis-facts);
 * - a police department's request "investigation" with no warrant, subpoena, order or administrative request: refused
 *   at validation (164.512(f)(1)(ii)).
 * Planted on the first generated patient above id 12 (the small fixtures the suites use are untouched).
 */
export async function seedLegalBasisExamples(db: Db, users: Record<DemoUsername, number>, nowMs: number): Promise<void> {
  const at = (days: number) => new Date(nowMs + days * 86_400_000).toISOString();
  await db.transaction(async (tx) => {
    const p = await tx.one<{ id: number }>('SELECT id FROM patients WHERE id > 12 AND vip = FALSE AND user_id IS NULL AND deceased_at IS NULL ORDER BY id LIMIT 1');
    if (!p) return;
    const subpoena = {
      type: 'subpoena', issuedBy: 'Smith & Jones LLP, for the Springfield County Superior Court', issuedOn: at(-12).slice(0, 10), docketNumber: 'CV-2026-00417',
      documents: [{ title: 'Subpoena duces tecum', reference: 'scan://legal/CV-2026-00417-subpoena.pdf' }], scope: { recordTypes: ['encounters', 'diagnoses'] },
    };
    const rows: [string, string, string, string, string, string | null, string][] = [
      ['attorney', 'attorney', 'Smith & Jones LLP', 'Litigation: CV-2026-00417', 'judicial', JSON.stringify({ legalProcess: subpoena }), 'identity-verified'],
      ['law_enforcement', 'law-enforcement', 'Springfield Police Department', 'Investigation', 'law-enforcement', null, 'received'],
    ];
    for (const [type, kind, name, purpose, basis, facts, status] of rows) {
      const row = await tx.one<{ id: number }>(
        `INSERT INTO roi_requests (patient_id, requester_type, requester_name, purpose, record_types, delivery_format, status, received_at, due_at, extended,
           created_by, version, legal_basis, original_due_at, updated_at, recipient_kind, basis_facts_json)
         VALUES ($1, $2, $3, $4, '["encounters","diagnoses"]', 'paper', $5, $6, $7, $8, $9, 1, $10, $7, $6, $11, $12) RETURNING id`,
        [p.id, type, name, purpose, status, at(-3), at(27), false, users['roi.garcia'], basis, kind, facts],
      );
      await tx.execute(
        'INSERT INTO roi_transitions (request_id, action, from_status, to_status, reason, actor_user_id, at, details) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)',
        [row!.id, 'receive', 'new', 'received', users['roi.garcia'], at(-3), JSON.stringify({ legalBasis: basis })],
      );
      if (status === 'identity-verified') {
        await tx.execute(
          'INSERT INTO roi_transitions (request_id, action, from_status, to_status, reason, actor_user_id, at, details) VALUES ($1, $2, $3, $4, NULL, $5, $6, NULL)',
          [row!.id, 'verify-identity', 'received', 'identity-verified', users['roi.nguyen'], at(-2)],
        );
      }
    }
  });
}
