import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';

export const TOKEN_ISSUER = 'hit-records-workflow';
export const TOKEN_AUDIENCE = 'hit-records-api';
/** Only HS256 is accepted: "alg":"none" and every other algorithm are refused (RFC 8725 section 3.1). */
export const TOKEN_ALGORITHM = 'HS256' as const;

export interface TokenClaims {
  sub: string;
  role: string;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

@Injectable()
export class TokenService {
  /**
   * The HMAC key as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a public key
   * and falls back on a secret key at every call, which cost a tenth of the CPU of a record read.
   */
  private readonly key: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = createSecretKey(Buffer.from(this.config.get('JWT_SECRET') as string, 'utf8'));
  }

  get ttlSeconds(): number {
    return this.config.get('JWT_TTL');
  }

  sign(user: { id: number; role: string }): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return this.jwt.sign(
      { sub: String(user.id), role: user.role, jti: randomUUID(), iat, exp: iat + this.ttlSeconds },
      { algorithm: TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, secret: this.secret },
    );
  }

  /** Throws on any problem: bad signature, other algorithm, expired (by our clock), wrong iss/aud. */
  verify(token: string): TokenClaims {
    const claims = this.jwt.verify<TokenClaims>(token, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      secret: this.secret,
      clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
    });
    if (!claims.sub || !/^\d+$/.test(claims.sub) || !claims.jti) throw new Error('token lacks sub or jti');
    return claims;
  }

  /** @nestjs/jwt types the secret as string | Buffer; jsonwebtoken itself takes the KeyObject. */
  private get secret(): string {
    return this.key as unknown as string;
  }
}
