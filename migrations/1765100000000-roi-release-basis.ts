import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Release of information, issue 12 (the legal basis of every release): the recipient kind the basis is established
 * from, and the facts its conditions are checked against (the legal process desk's documents, scope and
 * assurances, 164.512(e); the law enforcement path, 164.512(f); public health, 164.512(b); the patient's written
 * direction, 164.524(c)(3)(ii)), kept as JSON on the request. Text columns on both dialects; `down` removes them.
 */
export class RoiReleaseBasis1765100000000 implements MigrationInterface {
  name = 'RoiReleaseBasis1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roi_requests ADD COLUMN recipient_kind text');
    await q.query('ALTER TABLE roi_requests ADD COLUMN basis_facts_json text');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['basis_facts_json', 'recipient_kind']) await q.query(`ALTER TABLE roi_requests DROP COLUMN ${c}`);
  }
}
