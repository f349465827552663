import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Db, Queryable } from '../database/db';

export interface RefreshRow {
  id: number;
  family: string;
  user_id: number;
  token_version: number;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The revocable side of sessions (auth owns these tables): access tokens logged out (by jti, until they would have
 * expired) and refresh tokens (stored only as SHA-256, rotated on every use, revoked by family).
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: Db) {}

  async revokeAccessToken(jti: string, userId: number, expiresAt: string, now: string): Promise<void> {
    await this.db.execute('INSERT INTO revoked_tokens (jti, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4) ON CONFLICT (jti) DO NOTHING', [jti, userId, expiresAt, now]);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.db.one('SELECT 1 AS x FROM revoked_tokens WHERE jti = $1', [jti])) !== undefined;
  }

  /** A new refresh token (the secret is returned once and stored only as its hash), in a new or the given family. */
  async issueRefresh(q: Queryable, userId: number, tokenVersion: number, now: string, expiresAt: string, family: string = randomUUID()): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await q.execute(
      'INSERT INTO refresh_tokens (token_sha256, family, user_id, token_version, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [sha256(secret), family, userId, tokenVersion, now, expiresAt],
    );
    return secret;
  }

  async findRefresh(q: Queryable, secret: string): Promise<RefreshRow | undefined> {
    return q.one<RefreshRow>('SELECT id, family, user_id, token_version, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_sha256 = $1', [sha256(secret)]);
  }

  /** Marks a refresh token used; false when it was used already (a concurrent or replayed use). */
  async markUsed(q: Queryable, id: number, now: string): Promise<boolean> {
    return (await q.execute('UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL', [now, id])) === 1;
  }

  async revokeFamily(q: Queryable, family: string, now: string): Promise<void> {
    await q.execute('UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL', [now, family]);
  }
}
