import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Release of information: the privacy officer's approval (issue 11, finding 3). A release from a VIP chart, or of
 * substance use disorder records (42 CFR Part 2) to a third party, waits for it; who approved, when and why is kept
 * on the request (and in its history and the audit trail).
 */
export class RoiPrivacyApproval1764800000000 implements MigrationInterface {
  name = 'RoiPrivacyApproval1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roi_requests ADD COLUMN privacy_approved_by integer');
    await q.query('ALTER TABLE roi_requests ADD COLUMN privacy_approved_at text');
    await q.query('ALTER TABLE roi_requests ADD COLUMN privacy_approval_note text');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['privacy_approval_note', 'privacy_approved_at', 'privacy_approved_by']) await q.query(`ALTER TABLE roi_requests DROP COLUMN ${c}`);
  }
}
