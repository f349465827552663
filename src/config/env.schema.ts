import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/**
 * Demo secrets: fine for a laptop in a classroom, refused in production.
 * They are public (they are in this repository), so anything signed with them proves nothing.
 */
export const DEMO_SECRETS = {
  JWT_SECRET: 'demo-jwt-secret-not-for-production-use-0001',
  AUDIT_HMAC_KEY: 'demo-audit-hmac-key-not-for-production-0001',
} as const;

export type SecretName = keyof typeof DEMO_SECRETS;
const MIN_SECRET_BYTES = 32;

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;

/** Every environment variable the service reads, with its default. Validated once, at boot. */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Absent: the embedded SQLite database. `postgres://user@host:port/db` selects PostgreSQL. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgres:// (leave it unset for SQLite)' })
  DATABASE_URL?: string;

  /** PostgreSQL schema to use (tests use a fresh schema per suite). */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a plain lower-case identifier' })
  DATABASE_SCHEMA?: string;

  @IsString()
  SQLITE_PATH = './data/hit-demo.sqlite';

  @IsOptional()
  @IsString()
  JWT_SECRET?: string;

  /** Access-token lifetime in seconds (15 minutes by default). */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(24 * 3600)
  JWT_TTL = 900;

  @IsOptional()
  @IsString()
  AUDIT_HMAC_KEY?: string;

  /** Break-the-glass grant lifetime in minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  BREAK_GLASS_MINUTES = 60;

  /** How often the audit chain head is checkpointed, in seconds (0 = only on demand). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AUDIT_CHECKPOINT_SECONDS = 300;

  /** Failed logins allowed per account, then per client address, inside LOGIN_WINDOW_MINUTES. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ADDRESS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  LOGIN_WINDOW_MINUTES = 15;

  /** Seed the demo data when the database is empty at start. */
  @IsIn(['true', 'false'])
  SEED_ON_EMPTY: 'true' | 'false' = 'true';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

export interface SecretProblem {
  variable: SecretName;
  problem: string;
}

/** Production refuses missing, short or demo secrets; elsewhere demo defaults are filled in (with a warning). */
export function checkSecrets(env: EnvironmentVariables): SecretProblem[] {
  const problems: SecretProblem[] = [];
  for (const name of Object.keys(DEMO_SECRETS) as SecretName[]) {
    const value = env[name];
    if (env.NODE_ENV !== 'production') continue;
    if (!value) problems.push({ variable: name, problem: 'is missing' });
    else if (value === DEMO_SECRETS[name]) problems.push({ variable: name, problem: 'is the public demo default' });
    else if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES)
      problems.push({ variable: name, problem: `is shorter than ${MIN_SECRET_BYTES} bytes` });
  }
  return problems;
}

export class ConfigurationError extends Error {}

/** Used by ConfigModule.forRoot({ validate }) and by the CLIs: one schema, one set of defaults. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const first = errors[0];
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigurationError(`Invalid configuration: ${first.property} ${why.replace(new RegExp(`^${first.property} `), '')}`);
  }
  const secretProblems = checkSecrets(env);
  if (secretProblems.length > 0) {
    const p = secretProblems[0];
    throw new ConfigurationError(`Refusing to start in production: ${p.variable} ${p.problem}`);
  }
  env.JWT_SECRET ||= DEMO_SECRETS.JWT_SECRET;
  env.AUDIT_HMAC_KEY ||= DEMO_SECRETS.AUDIT_HMAC_KEY;
  return env;
}

export function usesDemoSecrets(env: EnvironmentVariables): SecretName[] {
  return (Object.keys(DEMO_SECRETS) as SecretName[]).filter((n) => env[n] === DEMO_SECRETS[n]);
}
