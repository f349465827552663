import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from './token.service';

const SECRET = 'unit-test-secret-that-is-long-enough-0001';
const config = { get: (k: string) => ({ JWT_SECRET: SECRET, JWT_TTL: 900 })[k] } as unknown as AppConfig;

function b64(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
function forge(header: object, payload: object, key = SECRET): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('TokenService', () => {
  const clock = new Clock();
  const tokens = new TokenService(new JwtService({}), config, clock);
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const claims = () => ({ sub: '7', role: 'nurse', jti: 'j1', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 60 });

  afterEach(() => clock.reset());

  it('signs HS256 with iss, aud, exp, sub, role and jti', () => {
    const token = tokens.sign({ id: 7, role: 'nurse' });
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: '7', role: 'nurse', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp - payload.iat).toBe(900);
    expect(tokens.verify(token).sub).toBe('7');
  });

  it('refuses alg:none', () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expect(() => tokens.verify(unsigned)).toThrow();
  });

  it('refuses another algorithm even with the right key (HS512)', () => {
    const body = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims())}`;
    const sig = createHmac('sha512', SECRET).update(body).digest('base64url');
    expect(() => tokens.verify(`${body}.${sig}`)).toThrow();
  });

  it('refuses a token signed with another key', () => {
    expect(() => tokens.verify(forge({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-key-another-key-another-key'))).toThrow();
  });

  it('refuses a wrong audience or issuer', () => {
    expect(() => tokens.verify(forge({ alg: 'HS256' }, { ...claims(), aud: 'someone-else' }))).toThrow();
    expect(() => tokens.verify(forge({ alg: 'HS256' }, { ...claims(), iss: 'someone-else' }))).toThrow();
  });

  it('a token verified before still expires, and still ages out, by the clock (only its signature check is remembered)', () => {
    const token = tokens.sign({ id: 7, role: 'nurse' });
    expect(tokens.verify(token).sub).toBe('7');
    expect(tokens.verify(token).sub).toBe('7');
    clock.advance(901_000);
    expect(() => tokens.verify(token)).toThrow(/expired/);
    const farExpiry = forge({ alg: 'HS256', typ: 'JWT' }, { ...claims(), tv: 1, exp: now() + 86_400 });
    expect(tokens.verify(farExpiry).sub).toBe('7');
    clock.advance(901_000);
    expect(() => tokens.verify(farExpiry)).toThrow(/older than JWT_TTL/);
  });

  it('a remembered token does not vouch for a copy with one character changed', () => {
    const token = tokens.sign({ id: 7, role: 'nurse' });
    tokens.verify(token);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    expect(() => tokens.verify(`${token.slice(0, -2)}${last}${token.at(-1)}`)).toThrow();
  });

  it('expires by the injectable clock', () => {
    const token = tokens.sign({ id: 7, role: 'nurse' });
    clock.advance(901_000);
    expect(() => tokens.verify(token)).toThrow(/expired/);
  });

  it('refuses tokens without a numeric subject', () => {
    expect(() => tokens.verify(forge({ alg: 'HS256' }, { ...claims(), sub: 'admin' }))).toThrow();
  });
});
