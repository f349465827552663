import { parse } from 'csv-parse/sync';
import type { AuthUser } from '../src/common/request-context';
import { OutcomesReport } from '../src/reporting/outcomes/outcomes.report';
import type { ChartSpec } from '../src/reporting/report-document';
import { buildDifferencingCase, buildYear } from './helpers/outcomes-dataset';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Issue 13, item 9: one report, four forms. For each length-of-stay convention (the server's LOS_CONVENTION) and
 * each grouping, identified and de-identified: the CSV, the chart and GET /reports/outcomes/definition say what the
 * JSON says. And the de-identified output withholds the same cells under both conventions (the convention changes
 * lengths of stay, never which counts are shown).
 */

const CONVENTIONS = ['midnights', 'inpatient-census'] as const;
const GROUPINGS = ['month', 'department', 'diagnosisChapter'] as const;
const LATER = '2032-01-15T12:00:00.000Z';
const MEASURES = ['discharges', 'indexStays', 'readmissions', 'readmissionRate', 'averageLengthOfStay', 'medianLengthOfStay', 'deaths', 'mortalityEligibleDischarges', 'mortalityRate'];

type Row = Record<string, unknown> & { group: string; dispositions: Record<string, unknown> };
type Json = { groups: Row[]; total: Row; lengthOfStayConvention: string; deidentified: boolean; definitions: unknown[]; readmissionCohort: unknown };

function fromCsv(v: string): unknown {
  if (v === 'suppressed') return { suppressed: true };
  if (v === '') return null;
  return Number(v);
}
const percent = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 10 : null);
const plain = (v: unknown) => (typeof v === 'number' ? v : null);

describe('outcomes: JSON, CSV, chart and definition agree, for every convention', () => {
  const apps = {} as Record<(typeof CONVENTIONS)[number], TestApp>;
  beforeAll(async () => {
    for (const c of CONVENTIONS) {
      apps[c] = await createTestApp({ patients: 20, env: { LOS_CONVENTION: c } });
      await buildYear(apps[c]);
      await buildDifferencingCase(apps[c]);
    }
  });
  afterAll(async () => {
    for (const c of [...CONVENTIONS].reverse()) await apps[c]?.close();
  });

  /** Runs `fn` with the app's clock at `iso` (2031 is closed only then), then puts it back. */
  async function asOf<T>(t: TestApp, iso: string, fn: () => Promise<T>): Promise<T> {
    t.clock.reset();
    t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
    try {
      return await fn();
    } finally {
      t.clock.reset();
    }
  }

  const cases = [
    { user: 'privacy.smith', role: 'privacy_officer', range: 'from=2030-01-01&to=2030-12-31' },
    { user: 'analyst.wong', role: 'quality_analyst', range: 'from=2031-09-01&to=2031-10-31' },
  ] as const;

  for (const convention of CONVENTIONS) {
    for (const groupBy of GROUPINGS) {
      for (const c of cases) {
        it(`${convention}, by ${groupBy}, ${c.user}: CSV rows, chart series and the definition endpoint match the JSON`, async () => {
          const t = apps[convention];
          const query = `${c.range}&groupBy=${groupBy}`;
          const { json, csv, svg, definition, chart } = await asOf(t, LATER, async () => {
            const agent = await t.as(c.user);
            const user = { id: 0, username: c.user, displayName: c.user, role: c.role, permissions: new Set(), patientId: null } as unknown as AuthUser;
            const [from, to] = c.range.split('&').map((p) => p.split('=')[1]);
            return {
              json: (await agent.get(`/reports/outcomes?${query}`).expect(200)).body as Json,
              csv: parse((await agent.get(`/reports/outcomes?${query}&format=csv`).expect(200)).text, { columns: true }) as Record<string, string>[],
              svg: (await agent.get(`/reports/outcomes?${query}&format=svg`).buffer(true).expect(200)).body.toString('utf8') as string,
              definition: (await agent.get('/reports/outcomes/definition').expect(200)).body,
              chart: (await t.app.get(OutcomesReport).build(user, { from, to, groupBy })).chart as ChartSpec,
            };
          });
          expect(json.lengthOfStayConvention).toBe(convention);
          expect(json.deidentified).toBe(c.user === 'analyst.wong');
          // CSV: the same rows, the same values, the convention named on every row.
          const rows = [...json.groups, json.total];
          expect(csv.map((r) => r.group)).toEqual(rows.map((g) => g.group));
          csv.forEach((r, i) => {
            const g = rows[i];
            for (const m of MEASURES) expect([g.group, m, fromCsv(r[m])]).toEqual([g.group, m, g[m]]);
            for (const [d, v] of Object.entries(g.dispositions)) expect([g.group, d, fromCsv(r[`disposition:${d}`])]).toEqual([g.group, d, v]);
            expect(r.lengthOfStayConvention).toBe(convention);
            if (json.deidentified) expect(Number(r.cellsWithheld)).toBe(g.cellsWithheld);
          });
          // Chart: one category per group, each series the JSON's values (rates in percent, withheld = a gap).
          expect(chart.series.map((s) => s.name)).toEqual(['30-day readmission rate (%)', 'In-hospital mortality (%)', 'Average length of stay (days)']);
          expect(chart.categories).toHaveLength(json.groups.length);
          expect(chart.series[0].data).toEqual(json.groups.map((g) => percent(g.readmissionRate)));
          expect(chart.series[1].data).toEqual(json.groups.map((g) => percent(g.mortalityRate)));
          expect(chart.series[2].data).toEqual(json.groups.map((g) => plain(g.averageLengthOfStay)));
          expect(chart.subtitle).toContain(`length of stay: ${convention}`);
          expect(svg).toContain(`length of stay: ${convention}`);
          // The definition endpoint: what the JSON states, for this caller and this server's convention.
          expect(definition).toMatchObject({
            report: 'outcomes', deidentified: json.deidentified, lengthOfStayConvention: convention,
            definitions: json.definitions, readmissionCohort: json.readmissionCohort,
          });
          if (json.deidentified) expect(definition.releaseGrid).toMatchObject({ unit: 'calendar month', latestClosedMonth: '2031-11' }); // December's readmission windows close on 30 January
        });
      }
    }
  }

  it('the conventions differ only in lengths of stay: the same counts, the same cells withheld', async () => {
    const get = async (c: (typeof CONVENTIONS)[number], user: string, query: string) =>
      asOf(apps[c], LATER, async () => (await (await apps[c].as(user)).get(`/reports/outcomes?${query}`).expect(200)).body as Json);
    for (const [user, query] of [['privacy.smith', 'from=2030-01-01&to=2030-12-31&groupBy=month'], ['analyst.wong', 'from=2031-09-01&to=2031-10-31&groupBy=department']]) {
      const [a, b] = await Promise.all(CONVENTIONS.map((c) => get(c, user, query)));
      const strip = (g: Row) => ({ ...g, averageLengthOfStay: typeof g.averageLengthOfStay === 'number' ? 'shown' : g.averageLengthOfStay, medianLengthOfStay: typeof g.medianLengthOfStay === 'number' ? 'shown' : g.medianLengthOfStay });
      expect([...b.groups, b.total].map(strip)).toEqual([...a.groups, a.total].map(strip));
    }
    // Identified, 2030: only the same-day stay S3 changes (0 -> 1 day): 67 -> 68 days over 30 discharges.
    const [m, census] = await Promise.all(CONVENTIONS.map((c) => get(c, 'privacy.smith', 'from=2030-01-01&to=2030-12-31')));
    expect([m.total.averageLengthOfStay, census.total.averageLengthOfStay]).toEqual([2.23, 2.27]);
  });

  it('GET /reports/outcomes/definition needs report:outcomes and validates its one parameter', async () => {
    const t = apps.midnights;
    await (await t.as('coder.kim')).get('/reports/outcomes/definition').expect(403);
    const bad = await (await t.as('privacy.smith')).get('/reports/outcomes/definition?deidentified=maybe').expect(400);
    expect(bad.body.details[0].field).toBe('deidentified');
    const identified = (await (await t.as('privacy.smith')).get('/reports/outcomes/definition').expect(200)).body;
    expect(identified).toMatchObject({ deidentified: false, releaseGrid: null });
    const analyst = (await (await t.as('analyst.wong')).get('/reports/outcomes/definition?deidentified=false').expect(200)).body;
    expect(analyst.deidentified).toBe(true);
    expect(analyst.definitions.map((d: { measure: string }) => d.measure)).toContain('release grid (de-identified output)');
  });
});
