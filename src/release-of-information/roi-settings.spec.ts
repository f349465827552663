import { ConfigurationError } from '../config/env.schema';
import { computeFee, DEFAULT_FEE_SCHEDULE, estimatePages } from './fees';
import { parseRoiSettings } from './roi-settings';

describe('ROI settings from the environment', () => {
  it('defaults: 30 days for everyone, the $6.50 flat fee for the patient\'s electronic copy', () => {
    const s = parseRoiSettings({});
    expect(Object.values(s.dueDays)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(s.fees).toEqual(DEFAULT_FEE_SCHEDULE);
    expect(s.fees.self).toMatchObject({ method: 'flat', flatCents: 650 });
    expect(s.accountingFeeCents).toBe(1500);
  });

  it('due days per requester type; never more than 30 for the patient\'s own request', () => {
    expect(parseRoiSettings({ ROI_DUE_DAYS: 'attorney=20, insurer=45' }).dueDays).toMatchObject({ attorney: 20, insurer: 45, self: 30, provider: 30 });
    expect(parseRoiSettings({ ROI_DUE_DAYS: '15' }).dueDays).toMatchObject({ self: 15, attorney: 15 });
    expect(parseRoiSettings({ ROI_DUE_DAYS: '45' }).dueDays).toMatchObject({ self: 30, attorney: 45 });
    expect(() => parseRoiSettings({ ROI_DUE_DAYS: 'self=31' })).toThrow(/ROI_DUE_DAYS gives self 31 days.*164\.524\(b\)\(2\)/);
    expect(() => parseRoiSettings({ ROI_DUE_DAYS: 'lawyer=10' })).toThrow(ConfigurationError);
    expect(() => parseRoiSettings({ ROI_DUE_DAYS: 'attorney=0' })).toThrow(/1 to 90/);
  });

  it('fee schedule: merged over the defaults; no flat fee above $6.50, no search or retrieval fee for the patient', () => {
    const s = parseRoiSettings({ ROI_FEE_SCHEDULE: '{"attorney":{"perPageCents":40},"self":{"flatCents":500}}', ROI_SELF_FEE_METHOD: 'cost' });
    expect(s.fees.attorney).toEqual({ ...DEFAULT_FEE_SCHEDULE.attorney, perPageCents: 40 });
    expect(s.fees.self).toMatchObject({ flatCents: 500, method: 'cost' });
    expect(() => parseRoiSettings({ ROI_FEE_SCHEDULE: '{"self":{"flatCents":651}}' })).toThrow(/may not exceed \$6\.50/);
    expect(() => parseRoiSettings({ ROI_FEE_SCHEDULE: '{"self":{"searchCents":100}}' })).toThrow(/search or retrieval fee.*164\.524\(c\)\(4\)/);
    expect(() => parseRoiSettings({ ROI_FEE_SCHEDULE: '{"self":{"baseCents":100}}' })).toThrow(/search or retrieval/);
    expect(() => parseRoiSettings({ ROI_FEE_SCHEDULE: '{"insurer":{"perPageCents":-1}}' })).toThrow(/whole number of cents/);
    expect(() => parseRoiSettings({ ROI_FEE_SCHEDULE: 'not json' })).toThrow(/must be JSON/);
    expect(() => parseRoiSettings({ ROI_SELF_FEE_METHOD: 'free' })).toThrow(/ROI_SELF_FEE_METHOD/);
    expect(() => parseRoiSettings({ ROI_ACCOUNTING_FEE_CENTS: '12.5' })).toThrow(/ROI_ACCOUNTING_FEE_CENTS/);
  });
});

describe('fees (45 CFR 164.524(c)(4))', () => {
  const schedule = DEFAULT_FEE_SCHEDULE;

  it('the patient\'s electronic copy: the flat fee, whatever the size', () => {
    expect(computeFee(schedule, 'self', 'electronic', 1)).toMatchObject({ totalCents: 650, method: 'flat' });
    expect(computeFee(schedule, 'self', 'electronic', 900)).toMatchObject({ totalCents: 650, method: 'flat' });
  });

  it('cost-based: labor, supplies and postage only, never search or retrieval', () => {
    const cost = { ...schedule, self: { ...schedule.self, method: 'cost' as const } };
    const electronic = computeFee(cost, 'self', 'electronic', 10);
    expect(electronic).toMatchObject({ method: 'cost-based', totalCents: 50 });
    const paper = computeFee(schedule, 'self', 'paper', 10); // paper is always cost-based
    expect(paper).toMatchObject({ method: 'cost-based', totalCents: 10 * 5 + 10 * 10 + 150 });
    for (const f of [electronic, paper]) expect(f.lines.map((l) => l.item).join(' ')).not.toMatch(/search|retriev|base/);
  });

  it('other requesters pay the schedule', () => {
    expect(computeFee(schedule, 'attorney', 'paper', 10)).toMatchObject({ method: 'schedule', totalCents: 2500 + 500 + 150 });
    expect(computeFee(schedule, 'provider', 'electronic', 10)).toMatchObject({ totalCents: 0, lines: [] });
  });

  it('pages: a cover page, 40 items a page, each note at least a page', () => {
    expect(estimatePages(0, [])).toBe(1);
    expect(estimatePages(41, [10, 6001])).toBe(1 + 2 + 1 + 3);
  });
});
