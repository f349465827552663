import { ConfigurationError } from '../config/env.schema';
import { REQUESTER_TYPES, RequesterType } from './disclosure-basis';
import { DEFAULT_FEE_SCHEDULE, FeeSchedule, MAX_SELF_FLAT_FEE_CENTS } from './fees';
import { RIGHT_OF_ACCESS_DAYS } from './roi-deadlines';

/**
 * Release-of-information settings, from the environment, checked once at boot (a bad value stops the service with
 * one line naming the variable, like the rest of the configuration):
 *
 *   ROI_DUE_DAYS              30 | "attorney=20,insurer=25"  days to act, per requester type (self at most 30, 164.524(b)(2))
 *   ROI_SELF_FEE_METHOD       flat | cost                     the individual's electronic copy: flat fee or cost-based (164.524(c)(4))
 *   ROI_FEE_SCHEDULE          JSON, merged over the defaults  e.g. {"self":{"flatCents":500},"attorney":{"perPageCents":40}}
 *   ROI_ACCOUNTING_FEE_CENTS  1500                            an accounting after the first free one in 12 months (164.528(c)(2))
 */
export interface RoiSettings {
  dueDays: Record<RequesterType, number>;
  fees: FeeSchedule;
  accountingFeeCents: number;
}

export const ROI_SETTINGS = Symbol('ROI_SETTINGS');

const SELF_FIELDS = ['method', 'flatCents', 'laborCentsPerPage', 'paperCentsPerPage', 'electronicMediaCents', 'postageCents'];
const THIRD_PARTY_FIELDS = ['baseCents', 'perPageCents', 'postageCents'];
const MAX_CENTS = 1_000_000;

function fail(variable: string, problem: string): never {
  throw new ConfigurationError(`Invalid configuration: ${variable} ${problem}`);
}

function cents(variable: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_CENTS) fail(variable, `must be a whole number of cents from 0 to ${MAX_CENTS}`);
  return v;
}

export function parseDueDays(raw: string | undefined): Record<RequesterType, number> {
  const days = Object.fromEntries(REQUESTER_TYPES.map((t) => [t, RIGHT_OF_ACCESS_DAYS])) as Record<RequesterType, number>;
  if (raw === undefined || raw.trim() === '') return days;
  const parseDays = (s: string): number => {
    if (!/^\d{1,3}$/.test(s.trim()) || Number(s) < 1 || Number(s) > 90) fail('ROI_DUE_DAYS', `has ${JSON.stringify(s)}: days must be whole numbers from 1 to 90`);
    return Number(s);
  };
  if (/^\s*\d+\s*$/.test(raw)) {
    const n = parseDays(raw);
    for (const t of REQUESTER_TYPES) days[t] = t === 'self' ? Math.min(n, RIGHT_OF_ACCESS_DAYS) : n;
  } else {
    for (const part of raw.split(',')) {
      const [type, value] = part.split('=').map((s) => s.trim());
      if (!(REQUESTER_TYPES as readonly string[]).includes(type) || value === undefined) {
        fail('ROI_DUE_DAYS', `must be a number of days or a list like "attorney=20,insurer=25" (types: ${REQUESTER_TYPES.join(', ')})`);
      }
      days[type as RequesterType] = parseDays(value);
    }
  }
  if (days.self > RIGHT_OF_ACCESS_DAYS) fail('ROI_DUE_DAYS', `gives self ${days.self} days: the right of access allows at most ${RIGHT_OF_ACCESS_DAYS} (45 CFR 164.524(b)(2))`);
  return days;
}

export function parseFeeSchedule(raw: string | undefined, selfMethod: string | undefined): FeeSchedule {
  const fees: FeeSchedule = JSON.parse(JSON.stringify(DEFAULT_FEE_SCHEDULE)) as FeeSchedule;
  if (raw !== undefined && raw.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      fail('ROI_FEE_SCHEDULE', 'must be JSON, e.g. {"self":{"flatCents":500}}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail('ROI_FEE_SCHEDULE', 'must be a JSON object keyed by requester type');
    for (const [type, entry] of Object.entries(parsed as Record<string, unknown>)) {
      if (!(REQUESTER_TYPES as readonly string[]).includes(type)) fail('ROI_FEE_SCHEDULE', `has an unknown requester type ${JSON.stringify(type)}`);
      if (typeof entry !== 'object' || entry === null) fail('ROI_FEE_SCHEDULE', `.${type} must be an object`);
      const allowed = type === 'self' ? SELF_FIELDS : THIRD_PARTY_FIELDS;
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        if (type === 'self' && /search|retriev|base/i.test(key)) {
          fail('ROI_FEE_SCHEDULE', `.self.${key}: the individual's copy may not carry a search or retrieval fee (45 CFR 164.524(c)(4))`);
        }
        if (!allowed.includes(key)) fail('ROI_FEE_SCHEDULE', `.${type}.${key} is not a fee field (${allowed.join(', ')})`);
        if (key === 'method') {
          if (value !== 'flat' && value !== 'cost') fail('ROI_FEE_SCHEDULE', '.self.method must be flat or cost');
          fees.self.method = value;
        } else {
          (fees[type as RequesterType] as unknown as Record<string, number>)[key] = cents(`ROI_FEE_SCHEDULE .${type}.${key}`, value);
        }
      }
    }
  }
  if (selfMethod !== undefined && selfMethod !== '') {
    if (selfMethod !== 'flat' && selfMethod !== 'cost') fail('ROI_SELF_FEE_METHOD', 'must be flat or cost');
    fees.self.method = selfMethod;
  }
  if (fees.self.flatCents > MAX_SELF_FLAT_FEE_CENTS) {
    fail('ROI_FEE_SCHEDULE', `.self.flatCents is ${fees.self.flatCents}: the flat fee for an electronic copy may not exceed $6.50 (650 cents)`);
  }
  return fees;
}

export function parseRoiSettings(env: Record<string, string | undefined>): RoiSettings {
  const accounting = env.ROI_ACCOUNTING_FEE_CENTS;
  let accountingFeeCents = 1500;
  if (accounting !== undefined && accounting !== '') {
    if (!/^\d{1,7}$/.test(accounting)) fail('ROI_ACCOUNTING_FEE_CENTS', 'must be a whole number of cents');
    accountingFeeCents = cents('ROI_ACCOUNTING_FEE_CENTS', Number(accounting));
  }
  return {
    dueDays: parseDueDays(env.ROI_DUE_DAYS),
    fees: parseFeeSchedule(env.ROI_FEE_SCHEDULE, env.ROI_SELF_FEE_METHOD),
    accountingFeeCents,
  };
}
