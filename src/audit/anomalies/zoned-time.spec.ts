import fc from 'fast-check';
import { inDailySpan, localTime, parseDailySpan, zonedToUtc } from './zoned-time';
import { normalizeName, sameSurname, surnameOf } from './surname';

describe('zoned time', () => {
  it('reads local wall-clock time, daylight saving included', () => {
    expect(localTime(Date.parse('2026-07-01T03:30:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 6, day: 30, hour: 23, minute: 30 });
    expect(localTime(Date.parse('2026-12-01T03:30:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 11, day: 30, hour: 22, minute: 30 });
    expect(localTime(Date.parse('2026-12-01T03:30:00Z'), 'UTC')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('zonedToUtc is the inverse of localTime (property, several zones)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2020-01-01T00:00:00Z') / 60_000, max: Date.parse('2030-01-01T00:00:00Z') / 60_000 }),
        fc.constantFrom('America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'),
        (minute, zone) => {
          const ms = minute * 60_000;
          const local = localTime(ms, zone);
          // A local time shown twice (the hour repeated when clocks go back) maps to one of its two instants.
          return localTime(zonedToUtc(local, zone), zone).hour === local.hour && localTime(zonedToUtc(local, zone), zone).minute === local.minute;
        },
      ),
    );
  });

  it('a span may wrap midnight; start inclusive, end exclusive; an empty span holds nothing', () => {
    const night = parseDailySpan('22:00-06:00');
    expect([21 * 60 + 59, 22 * 60, 0, 5 * 60 + 59, 6 * 60].map((m) => inDailySpan(m, night))).toEqual([false, true, true, true, false]);
    const lunch = parseDailySpan('12:00-13:30');
    expect([11 * 60 + 59, 12 * 60, 13 * 60 + 29, 13 * 60 + 30].map((m) => inDailySpan(m, lunch))).toEqual([false, true, true, false]);
    expect(inDailySpan(600, parseDailySpan('10:00-10:00'))).toBe(false);
  });
});

describe('surnames', () => {
  it('takes users.family_name, or the last word of the display name without credentials, brackets or titles', () => {
    expect(surnameOf(null, 'Priya Patel, RN')).toBe('Patel');
    expect(surnameOf(null, 'Alex Morgan (System Administrator)')).toBe('Morgan');
    expect(surnameOf(null, 'Dr. Mei Chen')).toBe('Chen');
    expect(surnameOf('Okafor', 'Chidi')).toBe('Okafor');
    expect(surnameOf(null, '')).toBeNull();
  });

  it('compares names without case, accents or punctuation', () => {
    expect(sameSurname('Núñez', 'NUNEZ')).toBe(true);
    expect(sameSurname("O'Brien", 'obrien')).toBe(true);
    expect(sameSurname('Patel', 'Patell')).toBe(false);
    expect(sameSurname(null, 'Patel')).toBe(false);
    expect(normalizeName('---')).toBe('');
    expect(sameSurname('---', '...')).toBe(false);
  });
});
