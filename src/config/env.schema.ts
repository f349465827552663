import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, Validate, validateSync, ValidatorConstraint, ValidatorConstraintInterface,
} from 'class-validator';
import { ROLES } from '../access/catalogue';

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

/** An IANA time zone name that this Node.js knows (America/New_York, Europe/Paris, UTC). */
@ValidatorConstraint({ name: 'isTimeZoneName' })
class IsTimeZoneName implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.length === 0) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'AUDIT_TIME_ZONE must be an IANA time zone name such as America/New_York or UTC';
  }
}

const ROLE_LIMIT = `(${ROLES.join('|')})=\\d{1,6}`;
const VOLUME_BY_ROLE = new RegExp(`^(${ROLE_LIMIT}(,${ROLE_LIMIT})*)?$`);

/** Every environment variable the service reads, with its default. Validated once, at boot. */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /**
   * The instructor's demo endpoints (/demo/*: reset, scenarios). Off (404) whenever NODE_ENV=production, whatever
   * this says; elsewhere on unless set to false.
   */
  @IsIn(['true', 'false'])
  DEMO_ENABLED: 'true' | 'false' = 'true';

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

  /** Refresh tokens: seconds a refresh token lives (default a school day, 8 hours); rotated on every use. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  REFRESH_TTL = 8 * 3600;

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

  /** Worker threads for a long audit verify on SQLite (docs/performance.md): 0 = one per core, 1 = none (in-process). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  AUDIT_VERIFY_THREADS = 0;

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

  /** Audit-trail exports (GET /audit/events/export) one user may start per minute; beyond: 429 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  AUDIT_EXPORT_PER_MINUTE = 6;

  /**
   * The reverse proxies whose X-Forwarded-For is believed (Express "trust proxy"): a comma-separated list of
   * addresses, subnets or the names loopback, linklocal, uniquelocal. Empty (the default): none, so the client
   * address in the audit trail and in login throttling is the socket's, and a client cannot choose it.
   */
  @IsString()
  @Matches(/^$|^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*$/, {
    message: 'TRUST_PROXY must be empty or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal',
  })
  TRUST_PROXY = '';

  /** Anomaly detection (GET /audit/anomalies): the IANA time zone the hospital's clock hours are read in. */
  @IsString()
  @Validate(IsTimeZoneName)
  AUDIT_TIME_ZONE = 'UTC';

  /** Anomaly "after hours": local HH:MM-HH:MM in AUDIT_TIME_ZONE, start inclusive, end exclusive, may wrap midnight. */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'AUDIT_AFTER_HOURS must look like 22:00-06:00' })
  AUDIT_AFTER_HOURS = '22:00-06:00';

  /** Anomaly "unusual volume": distinct patients one user may open within a clock hour (roles not listed below). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_VOLUME_PER_HOUR = 40;

  /** Per-role overrides of AUDIT_VOLUME_PER_HOUR: role=n pairs separated by commas. */
  @Matches(VOLUME_BY_ROLE, { message: 'AUDIT_VOLUME_PER_HOUR_BY_ROLE must be role=n pairs separated by commas, with known role names' })
  AUDIT_VOLUME_PER_HOUR_BY_ROLE = 'physician=30,nurse=30,registrar=120,him_technician=150,coder=120,roi_specialist=60';

  /** Anomaly "break-the-glass not reviewed": hours a privacy officer has to review a grant. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUDIT_BREAK_GLASS_REVIEW_HOURS = 72;

  /** Anomaly "repeated denials": this many refusals of one user within AUDIT_DENIALS_WINDOW_MINUTES. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  AUDIT_DENIALS_THRESHOLD = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  AUDIT_DENIALS_WINDOW_MINUTES = 60;

  /**
   * Length-of-stay convention of the outcome reports (src/reporting/outcomes/length-of-stay.ts): 'midnights' =
   * discharge date - admission date (same-day stay 0, AHRQ HCUP); 'inpatient-census' = the same, but a same-day stay
   * counts 1 (inpatient service days: admission day counted, discharge day not).
   */
  @IsIn(['midnights', 'inpatient-census'])
  LOS_CONVENTION: 'midnights' | 'inpatient-census' = 'midnights';

  /**
   * Chart deficiencies (src/records/deficiencies/deficiency-rules.ts): days after discharge before an incomplete
   * record is delinquent. 42 CFR 482.24(c)(4)(viii) and The Joint Commission RC.01.03.01: at most 30.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  DEFICIENCY_DELINQUENT_DAYS = 30;

  /** Provider queries (src/records/coding/query-rules.ts): days an open query may wait before it is overdue. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  QUERY_OVERDUE_DAYS = 7;

  /** Seed the demo data when the database is empty at start. */
  @IsIn(['true', 'false'])
  SEED_ON_EMPTY: 'true' | 'false' = 'true';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Log lines: unset = pino-pretty on a terminal in development, JSON otherwise (src/common/log-format.ts). */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';
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
