import type { Dialect } from './dialect';

/** Triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL): HIPAA 164.312(b) audit controls. */
export function appendOnly(d: Dialect, table: string): string[] {
  if (d === 'sqlite') {
    return ['UPDATE', 'DELETE'].map(
      (op) => `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table}
        BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${op} refused'); END`,
    );
  }
  return [
    `CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$`,
    `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`,
  ];
}
