import { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes, Dialect } from '../src/database/dialect';

/**
 * Tokens that can be revoked (issue 11, finding 8).
 *
 * - users.token_version: bumped by a password change or reset, a disable and a role change; an access token carries
 *   the version it was issued under (claim `tv`) and is refused once the user's version has moved on.
 * - revoked_tokens: the jti of each access token logged out, until it would have expired anyway.
 * - refresh_tokens: a school day long, stored as a SHA-256 only, rotated on every use; a used one presented again
 *   revokes its whole family (RFC 9700 section 4.14.2, refresh token rotation).
 */
export class TokenRevocation1764900000000 implements MigrationInterface {
  name = 'TokenRevocation1764900000000';

  async up(q: QueryRunner): Promise<void> {
    const d: Dialect = q.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const t = columnTypes(d);
    await q.query('ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 1');
    await q.query(`CREATE TABLE revoked_tokens (
      jti text PRIMARY KEY,
      user_id integer NOT NULL,
      expires_at text NOT NULL,
      revoked_at text NOT NULL
    )`);
    await q.query(`CREATE TABLE refresh_tokens (
      id ${t.pk},
      token_sha256 text NOT NULL UNIQUE,
      family text NOT NULL,
      user_id integer NOT NULL REFERENCES users(id),
      token_version integer NOT NULL,
      issued_at text NOT NULL,
      expires_at text NOT NULL,
      used_at text,
      revoked_at text
    )`);
    await q.query('CREATE INDEX refresh_tokens_family ON refresh_tokens (family)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE refresh_tokens');
    await q.query('DROP TABLE revoked_tokens');
    await q.query('ALTER TABLE users DROP COLUMN token_version');
  }
}
