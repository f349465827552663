import { dayAfter } from './sql-dialect';
import { daysBetween, monthsOf, resolveRange } from './date-range';

describe('report date ranges', () => {
  const now = new Date('2026-11-15T10:00:00Z');

  it('defaults to the twelve calendar months up to today', () => {
    expect(resolveRange({}, now)).toEqual({ from: '2025-12-01', to: '2026-11-15' });
    expect(resolveRange({ to: '2030-03-31' }, now)).toEqual({ from: '2029-04-01', to: '2030-03-31' });
  });

  it('refuses a range that ends before it starts, or spans more than ten years', () => {
    expect(() => resolveRange({ from: '2030-02-01', to: '2030-01-31' }, now)).toThrow();
    expect(() => resolveRange({ from: '2010-01-01', to: '2030-01-31' }, now)).toThrow();
    expect(resolveRange({ from: '2030-01-31', to: '2030-01-31' }, now)).toEqual({ from: '2030-01-31', to: '2030-01-31' });
  });

  it('counts days and months by the calendar (leap years, month ends)', () => {
    expect(daysBetween('2030-01-05', '2030-02-04')).toBe(30);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(dayAfter('2030-12-31')).toBe('2031-01-01');
    expect(dayAfter('2028-02-28')).toBe('2028-02-29');
    expect(monthsOf({ from: '2029-11-15', to: '2030-02-01' })).toEqual(['2029-11', '2029-12', '2030-01', '2030-02']);
  });
});
