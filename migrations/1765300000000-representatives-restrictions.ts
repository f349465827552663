import { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * Personal representatives (45 CFR 164.502(g)) and restriction requests (164.522(a)), issue 12.
 *
 * - encounters.minor_consent: why a parent or guardian is not the minor's personal representative for this care
 *   (164.502(g)(3)(i)(A)-(C)); encounters.self_pay: the individual paid for the items and services in full out of
 *   pocket (the required restriction of 164.522(a)(1)(vi) may then be asked for).
 * - personal_representatives (owned by access): a user account with role representative linked to one patient,
 *   with the relationship, the rights it covers, the document on file, its validity and a 164.502(g)(5) decline.
 * - restrictions (owned by access): the individual's request, the covered entity's decision, its termination.
 *
 * On a database seeded before this migration the role, its permissions and the new grants are added, as the
 * seed's catalogue (src/access/catalogue.ts) would have made them.
 */
const NEW_PERMISSIONS: [string, string][] = [
  ['representative:manage', 'Link, list and decline personal representatives (45 CFR 164.502(g))'],
  ['restriction:request', 'Ask for a restriction of uses and disclosures, or end one (45 CFR 164.522(a))'],
  ['restriction:decide', 'Agree to or refuse a restriction request, or terminate an agreed one (45 CFR 164.522(a))'],
];
const GRANTS: [string, string][] = [
  ['representative', 'self:record'], ['representative', 'amendment:request'], ['representative', 'roi:create'],
  ['representative', 'disclosure:read'], ['representative', 'restriction:request'], ['patient', 'restriction:request'],
  ['him_technician', 'representative:manage'], ['privacy_officer', 'representative:manage'], ['privacy_officer', 'restriction:decide'],
];

export class RepresentativesRestrictions1765300000000 implements MigrationInterface {
  name = 'RepresentativesRestrictions1765300000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    await q.query(`ALTER TABLE encounters ADD COLUMN self_pay ${t.bool} NOT NULL DEFAULT FALSE`);
    await q.query(`ALTER TABLE encounters ADD COLUMN minor_consent text
      CHECK (minor_consent IS NULL OR minor_consent IN ('minor-consented','court-directed','confidentiality-agreed'))`);
    await q.query(`CREATE TABLE personal_representatives (
      id ${t.pk},
      user_id integer NOT NULL REFERENCES users(id),
      patient_id integer NOT NULL REFERENCES patients(id),
      relationship text NOT NULL CHECK (relationship IN ('parent','guardian-of-minor','legal-guardian','healthcare-poa','executor','administrator')),
      rights text NOT NULL,
      document_type text NOT NULL,
      document_reference text NOT NULL,
      valid_from text NOT NULL,
      valid_to text,
      declined_at text,
      declined_by integer REFERENCES users(id),
      declined_reason text,
      created_at text NOT NULL,
      created_by integer NOT NULL REFERENCES users(id),
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query('CREATE INDEX personal_representatives_user ON personal_representatives (user_id, patient_id)');
    await q.query('CREATE INDEX personal_representatives_patient ON personal_representatives (patient_id)');
    await q.query(`CREATE TABLE restrictions (
      id ${t.pk},
      patient_id integer NOT NULL REFERENCES patients(id),
      requested_by integer NOT NULL REFERENCES users(id),
      requested_at text NOT NULL,
      purposes text NOT NULL,
      recipient text NOT NULL CHECK (recipient IN ('health-plan','any')),
      encounter_id integer REFERENCES encounters(id),
      description text NOT NULL,
      required ${t.bool} NOT NULL DEFAULT FALSE,
      status text NOT NULL CHECK (status IN ('requested','agreed','refused','terminated')),
      decided_by integer REFERENCES users(id),
      decided_at text,
      decision_reason text,
      terminated_by integer REFERENCES users(id),
      terminated_at text,
      terminated_by_individual ${t.bool},
      termination_reason text,
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query('CREATE INDEX restrictions_patient ON restrictions (patient_id, status)');
    await q.query('CREATE INDEX restrictions_queue ON restrictions (status, requested_at)');
    await this.catalogue(q);
  }

  /** A database seeded before: add the role and the permissions the catalogue now has (a fresh seed copies them). */
  private async catalogue(q: QueryRunner): Promise<void> {
    const roles = (await q.query('SELECT COUNT(*) AS n FROM roles')) as { n: unknown }[];
    if (Number(roles[0]?.n ?? 0) === 0) return;
    const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
    for (const [name, description] of NEW_PERMISSIONS) await q.query(`INSERT INTO permissions (name, description) VALUES (${lit(name)}, ${lit(description)})`);
    const description = 'Personal representative (45 CFR 164.502(g)): acts for the patients they represent, in the individual\'s rights';
    await q.query(`INSERT INTO roles (name, description, has_record_access) VALUES ('representative', ${lit(description)}, TRUE)`);
    for (const [role, permission] of GRANTS) await q.query(`INSERT INTO role_permissions (role, permission) VALUES (${lit(role)}, ${lit(permission)})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM role_permissions WHERE role = 'representative' OR permission IN ('representative:manage','restriction:request','restriction:decide')`);
    await q.query(`DELETE FROM roles WHERE name = 'representative'`);
    await q.query(`DELETE FROM permissions WHERE name IN ('representative:manage','restriction:request','restriction:decide')`);
    await q.query('DROP TABLE restrictions');
    await q.query('DROP TABLE personal_representatives');
    await q.query('ALTER TABLE encounters DROP COLUMN minor_consent');
    await q.query('ALTER TABLE encounters DROP COLUMN self_pay');
  }
}
