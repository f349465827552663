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
  /** The user's token version when it was issued (users.token_version). */
  tv: number;
}

/** Verified tokens remembered: a class of 30 with a few tokens each, many times over. */
const VERIFIED_TOKENS = 2000;

@Injectable()
export class TokenService {
  /**
   * The HMAC key as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a public key
   * and falls back on a secret key at every call, which cost a tenth of the CPU of a record read.
   */
  private readonly key: KeyObject;
  /** Tokens whose signature, algorithm, issuer and audience held, with their claims (oldest dropped first). */
  private readonly verified = new Map<string, TokenClaims>();

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

  sign(user: { id: number; role: string; token_version?: number }): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    return this.jwt.sign(
      { sub: String(user.id), role: user.role, jti: randomUUID(), tv: Number(user.token_version ?? 1), iat, exp: iat + this.ttlSeconds },
      { algorithm: TOKEN_ALGORITHM, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, secret: this.secret },
    );
  }

  /**
   * Throws on any problem: bad signature, other algorithm, expired (by our clock), wrong iss/aud. The signature,
   * algorithm, issuer and audience of a token are checked once and remembered (a token is re-sent with every request
   * of a session); the checks that depend on the time run on every call. Revocation is the guard's (every request).
   */
  verify(token: string): TokenClaims {
    const known = this.verified.get(token);
    if (known) return this.checkTime(known);
    const claims = this.checkTime(Object.freeze(this.checkSignature(token)));
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, claims);
    return claims;
  }

  private checkSignature(token: string): TokenClaims {
    const claims = this.jwt.verify<TokenClaims>(token, {
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      secret: this.secret,
      clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
    });
    if (!claims.sub || !/^\d+$/.test(claims.sub) || !claims.jti || !Number.isInteger(claims.tv)) throw new Error('token lacks sub, jti or tv');
    return claims;
  }

  /** What jsonwebtoken checks against the clock (exp, nbf), and the age limit below. */
  private checkTime(claims: TokenClaims): TokenClaims {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (typeof claims.exp !== 'number' || now >= claims.exp) throw new Error('jwt expired');
    const nbf = (claims as { nbf?: unknown }).nbf;
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) throw new Error('jwt not active');
    // A token signed with the right key but a far expiry (or none we would issue) is refused by its age: no token
    // lives longer than JWT_TTL after it was issued, whatever its exp says.
    if (typeof claims.iat !== 'number' || claims.iat > now + 60 || now - claims.iat > this.ttlSeconds) throw new Error('token older than JWT_TTL');
    return claims;
  }

  /** @nestjs/jwt types the secret as string | Buffer; jsonwebtoken itself takes the KeyObject. */
  private get secret(): string {
    return this.key as unknown as string;
  }
}
