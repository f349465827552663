import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { AuditEventsRepository } from '../src/audit/audit-events.repository';
import { AuditWriter } from '../src/audit/audit.writer';
import { OutcomesReport } from '../src/reporting/outcomes/outcomes.report';
import { buildDifferencingCase, buildYear, CHAPTER, insertPatient, insertStay } from './helpers/outcomes-dataset';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Reports over a hand-built hospital year, 2030 (helpers/outcomes-dataset.ts; the seed's history ends in 2026).
 * Every number below is worked out by hand from the stays listed in `buildYear`; the same expectations run on
 * SQLite and on PostgreSQL (E2E_DATABASE_URL), which is how the two dialects are held to the same answers.
 */

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

const YEAR = 'from=2030-01-01&to=2030-12-31';

describe('reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ patients: 30 });
    await buildYear(t);
    await buildDifferencingCase(t);
  });
  afterAll(() => t.close());

  const outcomes = async (user: string, query: string) => (await (await t.as(user)).get(`/reports/outcomes?${query}`).expect(200)).body;
  const group = (body: { groups: { group: string }[] }, name: string) => {
    const g = body.groups.find((x) => x.group === name);
    if (!g) throw new Error(`no group ${name}`);
    return g as Record<string, unknown>;
  };

  describe('outcomes: the measures on the hand-built year', () => {
    it('totals: discharges, index stays, readmission rate, length of stay, mortality, dispositions', async () => {
      const body = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      expect(body.deidentified).toBe(false);
      expect(body.lengthOfStayConvention).toBe('midnights');
      expect(body.total).toEqual({
        group: 'Total', discharges: 30, indexStays: 20, readmissions: 5, readmissionRate: 0.25,
        averageLengthOfStay: 2.23, medianLengthOfStay: 2, deaths: 1, mortalityEligibleDischarges: 29, mortalityRate: 0.0345,
        dispositions: { home: 26, 'home-health': 1, 'skilled-nursing': 0, other: 0, unknown: 0, expired: 1, 'transfer-acute': 1, ama: 1 },
      });
      // Every month of the range is there, quiet ones as zero.
      expect(body.groups.map((g: { group: string }) => g.group)).toEqual(Array.from({ length: 12 }, (_, m) => `2030-${String(m + 1).padStart(2, '0')}`));
      expect(group(body, '2030-12')).toMatchObject({ discharges: 0, readmissionRate: null, averageLengthOfStay: null, medianLengthOfStay: null, mortalityRate: null });
    });

    it('a readmission on day 30 counts (calendar days, though 30.5 days later); one on day 31 does not (though under 31 x 24 h)', async () => {
      const body = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      expect(group(body, '2030-01')).toMatchObject({ discharges: 1, indexStays: 1, readmissions: 1, readmissionRate: 1 });
      expect(group(body, '2030-03')).toMatchObject({ discharges: 1, indexStays: 1, readmissions: 0, readmissionRate: 0 });
    });

    it('a readmission is itself an index stay; a same-day stay has length 0', async () => {
      const feb = group(await outcomes('privacy.smith', `${YEAR}&groupBy=month`), '2030-02');
      expect(feb).toMatchObject({ discharges: 2, indexStays: 2, readmissions: 1, readmissionRate: 0.5, averageLengthOfStay: 1, medianLengthOfStay: 1 });
    });

    it('a transfer to acute care is no index stay and leaves the mortality denominator; AMA is no index stay but counts for mortality', async () => {
      const body = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      // S7 follows the transfer S6 by 6 days: not a readmission, since S6 opens no window.
      expect(group(body, '2030-05')).toMatchObject({ discharges: 2, indexStays: 1, readmissions: 0, mortalityEligibleDischarges: 1, mortalityRate: 0 });
      expect(group(body, '2030-06')).toMatchObject({ discharges: 2, indexStays: 1, readmissions: 0, mortalityEligibleDischarges: 2 });
    });

    it('a planned readmission does not count; a death is no index stay; several readmissions count once', async () => {
      const body = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      expect(group(body, '2030-07')).toMatchObject({ discharges: 2, indexStays: 2, readmissions: 0 });
      expect(group(body, '2030-08')).toMatchObject({
        discharges: 4, indexStays: 3, readmissions: 2, deaths: 1, mortalityEligibleDischarges: 4, mortalityRate: 0.25,
      });
    });

    it('entered-in-error stays are neither discharges nor readmissions; an emergency visit is not an admission', async () => {
      const body = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      expect(group(body, '2030-09')).toMatchObject({ discharges: 1, indexStays: 1, readmissions: 0 });
      expect(group(body, '2030-10')).toMatchObject({ discharges: 1, indexStays: 1, readmissions: 0 });
    });

    it('groups by department and by the chapter of the active primary diagnosis', async () => {
      const byDept = await outcomes('privacy.smith', `${YEAR}&groupBy=department`);
      expect(byDept.groups.map((g: { group: string }) => g.group)).toEqual(['Medicine', 'Oncology', 'Orthopedics', 'Pediatrics', 'Psychiatry', 'Surgery']);
      expect(group(byDept, 'Surgery')).toMatchObject({ discharges: 6, indexStays: 4, readmissions: 0, deaths: 0, mortalityEligibleDischarges: 5, mortalityRate: 0 });
      expect(group(byDept, 'Medicine')).toMatchObject({ discharges: 17, indexStays: 16, readmissions: 5, deaths: 1, mortalityEligibleDischarges: 17, mortalityRate: 0.0588 });
      const byChapter = await outcomes('privacy.smith', `${YEAR}&groupBy=diagnosisChapter`);
      expect(byChapter.groups.map((g: { group: string }) => [g.group, (g as unknown as { discharges: number }).discharges])).toEqual([
        [CHAPTER.C, 2], [CHAPTER.F, 3], [CHAPTER.I, 2], [CHAPTER.J, 1], [CHAPTER.N, 1], [CHAPTER.Z, 3],
        ['No primary diagnosis recorded', 18],
      ]);
    });

    it('readmission cohort (CMS HWR): minors, primary psychiatric, rehabilitation and medical cancer treatment stays are no index stays', async () => {
      const nov = group(await outcomes('privacy.smith', `${YEAR}&groupBy=month`), '2030-11');
      expect(nov).toMatchObject({ discharges: 13, indexStays: 6, readmissions: 1, readmissionRate: 0.1667 });
      const byDept = await outcomes('privacy.smith', `${YEAR}&groupBy=department`);
      // The child's two stays, the depressive episode, the chemotherapy and lung cancer stays and the planned chemo, the rehabilitation.
      for (const [dept, discharges] of [['Pediatrics', 2], ['Psychiatry', 1], ['Oncology', 3], ['Orthopedics', 1]] as const) {
        expect(group(byDept, dept)).toMatchObject({ discharges, indexStays: 0, readmissions: 0, readmissionRate: null });
      }
      const byChapter = await outcomes('privacy.smith', `${YEAR}&groupBy=diagnosisChapter`);
      // Substance use (F10) stays in the cohort, and its readmission on day 15 counts; the depressive episode (F32) does not.
      expect(group(byChapter, CHAPTER.F)).toMatchObject({ discharges: 3, indexStays: 2, readmissions: 1 });
      // Cancer surgery (colectomy) is an index stay; lung cancer without surgery is not.
      expect(group(byChapter, CHAPTER.C)).toMatchObject({ discharges: 2, indexStays: 1, readmissions: 0 });
      expect(group(byChapter, CHAPTER.Z)).toMatchObject({ discharges: 3, indexStays: 0 });
    });

    it('planned readmissions (maintenance chemotherapy, a transplant) do not count; a planned transplant stay is itself an index stay', async () => {
      const byChapter = await outcomes('privacy.smith', `${YEAR}&groupBy=diagnosisChapter`);
      // I: S1 (readmitted in January) and S30 (heart failure, followed only by planned chemotherapy and a kidney transplant).
      expect(group(byChapter, CHAPTER.I)).toMatchObject({ discharges: 2, indexStays: 2, readmissions: 1 });
      expect(group(byChapter, CHAPTER.N)).toMatchObject({ discharges: 1, indexStays: 1, readmissions: 0 });
    });

    it('length of stay under the inpatient-census convention: admission day counted, discharge day not, a same-day stay 1', async () => {
      const { groups, total } = await t.app.get(OutcomesReport).counts({ from: '2030-01-01', to: '2030-12-31' }, 'month', 'inpatient-census');
      // Only S3 (the same-day stay) changes: 0 -> 1. Every other stay keeps discharge date - admission date.
      expect(total).toMatchObject({ discharges: 30, losSum: 68, losMedian: 2 });
      // February: S2 (2 days) and S3 (same day: 1).
      expect(groups.find((g) => g.group === '2030-02')).toMatchObject({ losSum: 3, losMedian: 1.5 });
    });

    it('states every rule it used, with its source', async () => {
      const body = await outcomes('privacy.smith', YEAR);
      const byName = Object.fromEntries(body.definitions.map((d: { measure: string }) => [d.measure, d]));
      expect(Object.keys(byName)).toEqual(expect.arrayContaining([
        'discharges', 'index stays', '30-day readmission rate', 'average length of stay', 'median length of stay', 'in-hospital mortality',
        'discharge disposition mix', 'day arithmetic',
      ]));
      expect(byName['30-day readmission rate'].source).toMatch(/CMS Hospital-Wide All-Cause Unplanned Readmission/);
      expect(byName['30-day readmission rate'].rule).toMatch(/day 30 counts, day 31 does not/);
      expect(byName['in-hospital mortality'].source).toMatch(/AHRQ Inpatient Quality Indicators/);
      expect(byName['average length of stay'].rule).toMatch(/same-day stay counts 0/);
      expect(byName['planned readmission'].source).toMatch(/Planned Readmission Algorithm/);
      expect(body.readmissionCohort.population).toMatch(/18 and over/);
      expect(body.readmissionCohort.exclusions.map((x: { exclusion: string }) => x.exclusion)).toEqual([
        'under 18', 'died in hospital', 'transferred to another acute-care hospital', 'left against medical advice',
        'primary psychiatric diagnosis', 'rehabilitation', 'medical treatment of cancer',
      ]);
      for (const x of body.readmissionCohort.exclusions) expect([x.exclusion, x.source]).toEqual([x.exclusion, expect.stringMatching(/Hospital-Wide All-Cause Unplanned Readmission Measure/)]);
    });

    it('CSV parses back to the JSON numbers, one row per group and the total', async () => {
      const json = await outcomes('privacy.smith', `${YEAR}&groupBy=department`);
      const res = await (await t.as('privacy.smith')).get(`/reports/outcomes?${YEAR}&groupBy=department&format=csv`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['x-content-sha256']).toBe(sha256(res.text));
      const rows: Record<string, string>[] = parse(res.text, { columns: true });
      const expected = [...json.groups, json.total];
      expect(rows.map((r) => r.group)).toEqual(expected.map((g: { group: string }) => g.group));
      rows.forEach((r, i) => {
        const g = expected[i];
        for (const key of ['discharges', 'indexStays', 'readmissions', 'readmissionRate', 'averageLengthOfStay', 'medianLengthOfStay', 'deaths', 'mortalityEligibleDischarges', 'mortalityRate']) {
          expect([key, fromCsv(r[key])]).toEqual([key, g[key]]);
        }
        for (const [d, v] of Object.entries(g.dispositions)) expect([d, fromCsv(r[`disposition:${d}`])]).toEqual([d, v]);
      });
    });

    it('draws a chart: SVG from ECharts with title, axis names and units', async () => {
      for (const groupBy of ['month', 'department']) {
        const res = await (await t.as('privacy.smith')).get(`/reports/outcomes?${YEAR}&groupBy=${groupBy}&format=svg`).buffer(true).expect(200);
        expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
        const svg = res.body.toString('utf8');
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toContain(groupBy === 'month' ? 'Inpatient outcomes by month of discharge' : 'Inpatient outcomes by department');
        expect(svg).toContain('Rate (%)');
        expect(svg).toContain('Length of stay (days)');
        expect(svg).toContain('30-day readmission rate (%)');
        // Lines over time (paths), bars by group.
        expect(svg).toMatch(groupBy === 'month' ? /<path d="M[^"]*L/ : /<path d="M[^"]*Z/);
      }
    });

    it('running a report is audited as an export (parameters, not patient data)', async () => {
      await outcomes('privacy.smith', `${YEAR}&groupBy=department`);
      const row = await t.db.one<{ actor_username: string; resource_type: string; resource_id: string; details: string; patient_id: number | null }>(
        "SELECT actor_username, resource_type, resource_id, details, patient_id FROM audit_events WHERE action = 'export' ORDER BY seq DESC LIMIT 1",
      );
      expect(row).toMatchObject({ actor_username: 'privacy.smith', resource_type: 'report', resource_id: 'outcomes', patient_id: null });
      expect(JSON.parse(row!.details)).toMatchObject({ report: 'outcomes', format: 'json', parameters: { from: '2030-01-01', to: '2030-12-31', groupBy: 'department' } });
    });

    it('refuses a role without report:outcomes, and bad parameters with the field named', async () => {
      await (await t.as('coder.kim')).get(`/reports/outcomes?${YEAR}`).expect(403);
      const bad = await (await t.as('privacy.smith')).get('/reports/outcomes?from=2030-02-01&to=2030-01-01').expect(400);
      expect(bad.body.details).toEqual([{ field: 'from', problems: ['must not be after to'] }]);
      const group = await (await t.as('privacy.smith')).get('/reports/outcomes?groupBy=year').expect(400);
      expect(group.body.details[0].field).toBe('groupBy');
      await (await t.as('privacy.smith')).get('/reports/outcomes?format=pdf').expect(400);
    });
  });

  describe('de-identified output (release grid of closed calendar months)', () => {
    /** Runs `fn` with the app's clock moved to `iso` (2030 and 2031 are closed months only then). */
    const asOf = async <T>(iso: string, fn: () => Promise<T>): Promise<T> => {
      t.clock.reset();
      t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
      try {
        return await fn();
      } finally {
        t.clock.reset();
      }
    };
    const LATER = '2032-01-15T12:00:00.000Z';
    const COUNTS = ['discharges', 'indexStays', 'readmissions', 'deaths', 'mortalityEligibleDischarges'];
    const countsOf = (g: Record<string, unknown> & { dispositions: Record<string, unknown> }): [string, unknown][] => [
      ...COUNTS.map((k): [string, unknown] => [k, g[k]]), ...Object.entries(g.dispositions).map(([k, v]): [string, unknown] => [`disposition:${k}`, v]),
    ];
    const valueOf = (v: unknown) => (typeof v === 'number' ? v : 0);

    it('a quality analyst always gets it: no count from 1 to 10, rates from suppressed counts suppressed, zero shown', async () => {
      const body = await asOf(LATER, () => outcomes('analyst.wong', `${YEAR}&groupBy=month&deidentified=false`));
      expect(body.deidentified).toBe(true);
      expect(body.suppression.suppressedCells).toBeGreaterThan(0);
      expect(body.definitions.map((d: { measure: string }) => d.measure)).toEqual(expect.arrayContaining(['small-cell suppression (de-identified output)', 'release grid (de-identified output)']));
      for (const g of [...body.groups, body.total]) expectNoSmallCounts(g);
      const jan = group(body, '2030-01');
      expect(jan.discharges).toEqual({ suppressed: true });
      expect(jan.readmissionRate).toEqual({ suppressed: true });
      expect(jan.averageLengthOfStay).toEqual({ suppressed: true });
      expect(group(body, '2030-12')).toMatchObject({ discharges: 0, readmissions: 0, cellsWithheld: 0 });
      // November (13 discharges) is shown; its 6 index stays and 1 readmission are not.
      expect(group(body, '2030-11')).toMatchObject({ discharges: 13, indexStays: { suppressed: true }, readmissions: { suppressed: true }, cellsWithheld: 0 });
      // The total adds up the published month cells only: November's 13, not the year's 30.
      expect(body.total).toMatchObject({ discharges: 13, cellsWithheld: 10 });
      expect(JSON.stringify([body.groups, body.total])).not.toMatch(/RPT2030|Report|Test|patientId/);
    });

    it('refuses dates off the grid and months not closed, naming the field and the grid (before and after the fix: issue 13, item 8)', async () => {
      const analyst = await t.as('analyst.wong');
      for (const to of ['2026-10-24', '2026-10-25']) {
        const res = await analyst.get(`/reports/outcomes?groupBy=department&from=2024-11-01&to=${to}`).expect(400);
        expect(res.body.details).toEqual([{ field: 'to', problems: [expect.stringMatching(/last day of a calendar month \(e\.g\. 2026-10-31\).*whole calendar months/)] }]);
      }
      const from = await analyst.get('/reports/outcomes?from=2024-11-02&to=2026-10-31').expect(400);
      expect(from.body.details[0].field).toBe('from');
      // 2030 is not closed today: its readmission windows are still open.
      const open = await analyst.get(`/reports/outcomes?${YEAR}`).expect(400);
      expect(open.body.details[0]).toMatchObject({ field: 'to', problems: [expect.stringMatching(/latest closed month/)] });
      // An identified reader may still ask for any day.
      await (await t.as('privacy.smith')).get('/reports/outcomes?from=2030-01-01&to=2030-10-24').expect(200);
    });

    it('the one child of 25 October 2031 cannot be found by subtracting reports of different ranges, groupings or conventions', async () => {
      const results = await asOf(LATER, async () => {
        const all: Record<string, { groups: Record<string, unknown>[]; total: Record<string, unknown> }> = {};
        for (const groupBy of ['month', 'department', 'diagnosisChapter']) {
          for (const [name, range] of [['sep', 'from=2031-09-01&to=2031-09-30'], ['oct', 'from=2031-10-01&to=2031-10-31'], ['both', 'from=2031-09-01&to=2031-10-31']]) {
            all[`${groupBy}:${name}`] = await outcomes('analyst.wong', `${range}&groupBy=${groupBy}`);
          }
        }
        return all;
      });
      const identified = await outcomes('privacy.smith', 'from=2031-09-01&to=2031-10-31&groupBy=department');
      expect(group(identified, 'Pediatrics')).toMatchObject({ discharges: 13 }); // 12 in September + the child
      // Pediatrics: September's 12 are shown; October's one child is withheld, so Sep-Oct says 12 as well.
      const ped = (k: string) => group(results[k] as never, 'Pediatrics');
      expect(ped('department:sep')).toMatchObject({ discharges: 12, cellsWithheld: 0 });
      expect(ped('department:both')).toMatchObject({ discharges: 12, cellsWithheld: 1 });
      // No average over part of a row: Sep-Oct shows none (4.53 -> 4.49 was the other giveaway).
      expect(ped('department:sep').averageLengthOfStay).toEqual(expect.any(Number));
      expect(ped('department:both').averageLengthOfStay).toEqual({ suppressed: true });
      // Subtracting a month from the two months (the attack), in every grouping, row by row and in the total: 0 or more than 10.
      const rowsOf = (r: { groups: Record<string, unknown>[]; total: Record<string, unknown> }) => [...r.groups, { ...r.total, group: 'Total' }];
      for (const groupBy of ['month', 'department', 'diagnosisChapter']) {
        for (const part of ['sep', 'oct']) {
          for (const whole of rowsOf(results[`${groupBy}:both`])) {
            const piece = rowsOf(results[`${groupBy}:${part}`]).find((x) => x.group === whole.group);
            const pieceCounts = new Map(piece ? countsOf(piece as never) : []);
            for (const [k, v] of countsOf(whole as never)) {
              const d = valueOf(v) - valueOf(pieceCounts.get(k));
              expect([groupBy, part, whole.group, k, d === 0 || d > 10]).toEqual([groupBy, part, whole.group, k, true]);
            }
          }
        }
      }
      // The totals are the same whatever the grouping (sums of the same published month cells).
      expect(results['department:both'].total).toEqual(results['month:both'].total);
      expect(results['diagnosisChapter:both'].total).toEqual(results['month:both'].total);
    });

    it('a released month is kept as first released: a correction afterwards cannot be read off two de-identified reports', async () => {
      const query = 'from=2031-09-01&to=2031-09-30&groupBy=department';
      const before = await asOf(LATER, () => outcomes('analyst.wong', query));
      expect(Object.keys(before.suppression.monthsReleasedAt)).toEqual(['2031-09']);
      // One of September's Medicine stays turns out to be entered in error.
      const stay = await t.db.one<{ id: number }>(
        "SELECT e.id FROM encounters e JOIN patients p ON p.id = e.patient_id WHERE p.mrn LIKE 'RPT2031-%' AND e.department = 'Medicine' AND e.discharged_at LIKE '2031-09%' ORDER BY e.id LIMIT 1",
      );
      await t.db.execute("UPDATE encounters SET status = 'entered-in-error' WHERE id = $1", [stay!.id]);
      try {
        const identified = await outcomes('privacy.smith', query);
        expect(group(identified, 'Medicine')).toMatchObject({ discharges: 13 }); // live: 14 - 1
        const after = await asOf(LATER, () => outcomes('analyst.wong', query));
        expect([after.groups, after.total, after.suppression]).toEqual([before.groups, before.total, before.suppression]);
      } finally {
        await t.db.execute("UPDATE encounters SET status = 'active' WHERE id = $1", [stay!.id]);
      }
    });

    it('anyone may ask for it; the CSV says "suppressed", never a number, and counts the withheld cells', async () => {
      const res = await asOf(LATER, async () => (await t.as('privacy.smith')).get(`/reports/outcomes?${YEAR}&groupBy=department&deidentified=true&format=csv`).expect(200));
      const rows: Record<string, string>[] = parse(res.text, { columns: true });
      expect(rows.find((r) => r.group === 'Surgery')).toMatchObject({ discharges: 'suppressed', cellsWithheld: '3', lengthOfStayConvention: 'midnights' });
      for (const r of rows) {
        for (const [k, v] of Object.entries(r)) {
          if (['group', 'cellsWithheld', 'lengthOfStayConvention'].includes(k) || /Rate|LengthOfStay/.test(k)) continue;
          expect([k, v === 'suppressed' || Number(v) === 0 || Number(v) > 10]).toEqual([k, true]);
        }
      }
    });

    it('over the seeded history: nothing small shown; a range is the sum of its published months; published cells equal the identified counts', async () => {
      const range = 'from=2026-07-01&to=2026-10-31';
      const body = await outcomes('analyst.wong', `${range}&groupBy=department`);
      for (const g of [...body.groups, body.total]) expectNoSmallCounts(g);
      const months = ['07', '08', '09', '10'];
      const single = await Promise.all(months.map((m) => outcomes('analyst.wong', `from=2026-${m}-01&to=${lastDay(`2026-${m}`)}&groupBy=department`)));
      for (const g of body.groups) {
        const parts = single.map((s) => s.groups.find((x: { group: string }) => x.group === g.group)).filter(Boolean);
        expect([g.group, g.discharges]).toEqual([g.group, sumOrSuppressed(parts.map((p) => p.discharges))]);
        expect([g.group, g.dispositions.home]).toEqual([g.group, sumOrSuppressed(parts.map((p) => p.dispositions.home))]);
      }
      const byMonth = await outcomes('analyst.wong', `${range}&groupBy=month`);
      const identified = await outcomes('privacy.smith', `${range}&groupBy=month`);
      byMonth.groups.forEach((g: Record<string, unknown> & { dispositions: Record<string, unknown> }, i: number) => {
        const truth = new Map(countsOf(identified.groups[i]));
        for (const [k, v] of countsOf(g)) if (typeof v === 'number') expect([g.group, k, v]).toEqual([g.group, k, truth.get(k)]);
      });
    });
  });

  describe('stored report runs', () => {
    it('stores who, when, parameters, row count and hashes; downloads are byte-identical to what was stored', async () => {
      const po = await t.as('privacy.smith');
      const created = await po.post('/reports/runs').send({ type: 'outcomes', params: { from: '2030-01-01', to: '2030-12-31', groupBy: 'month' } }).expect(201);
      const run = created.body;
      expect(run).toMatchObject({
        type: 'outcomes', params: { from: '2030-01-01', to: '2030-12-31', groupBy: 'month', deidentified: false }, deidentified: false,
        runBy: { username: 'privacy.smith' }, rowCount: 13, sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const first: Record<string, Buffer> = {};
      for (const format of ['json', 'csv', 'svg']) {
        const res = await po.get(`/reports/runs/${run.id}?format=${format}`).buffer(true).parse(binary as never).expect(200);
        expect([format, sha256(res.body)]).toEqual([format, run.outputs[format].sha256]);
        expect(res.headers['x-content-sha256']).toBe(run.outputs[format].sha256);
        first[format] = res.body;
      }
      expect(run.sha256).toBe(run.outputs.json.sha256);
      expect(JSON.parse(first.json.toString('utf8')).total.discharges).toBe(30);

      // The records change; the stored run does not.
      await t.db.transaction(async (tx) => {
        const p = await insertPatient(tx, 'RPT2030-late');
        await insertStay(tx, p, { admit: '2030-11-01T10:00:00.000Z', discharge: '2030-11-03T10:00:00.000Z' });
      });
      const again = await po.get(`/reports/runs/${run.id}?format=json`).buffer(true).parse(binary as never).expect(200);
      expect(again.body.equals(first.json)).toBe(true);
      const live = await outcomes('privacy.smith', `${YEAR}&groupBy=month`);
      expect(live.total.discharges).toBe(31);

      const list = await po.get('/reports/runs?pageSize=5').expect(200);
      expect(list.body).toMatchObject({ page: 1, pageSize: 5, total: expect.any(Number) });
      expect(list.body.items[0]).toMatchObject({ id: run.id, sha256: run.sha256 });

      const audited = await t.db.query<{ action: string; resource_type: string; resource_id: string }>(
        "SELECT action, resource_type, resource_id FROM audit_events WHERE actor_username = 'privacy.smith' AND resource_type = 'report-run' AND action = 'export'",
      );
      expect(audited.filter((a) => a.resource_id === String(run.id)).length).toBe(5); // the run, three downloads, one more
    });

    it('a run needs the permission of its type (refusal audited); an analyst gets only de-identified runs', async () => {
      await (await t.as('coder.kim')).post('/reports/runs').send({ type: 'outcomes', params: {} }).expect(403);
      const roi = await t.as('roi.garcia');
      const refused = await roi.post('/reports/runs').send({ type: 'outcomes', params: {} }).expect(403);
      expect(refused.body.message).toMatch(/report:outcomes/);
      const denial = await t.db.one<{ outcome: string; reason: string }>(
        "SELECT outcome, reason FROM audit_events WHERE actor_username = 'roi.garcia' AND action = 'access-denied' ORDER BY seq DESC LIMIT 1",
      );
      expect(denial).toMatchObject({ outcome: 'denied', reason: expect.stringMatching(/report:outcomes/) });

      const po = await t.as('privacy.smith');
      const identified = (await po.post('/reports/runs').send({ type: 'outcomes', params: { from: '2030-01-01', to: '2030-12-31' } }).expect(201)).body;
      const analyst = await t.as('analyst.wong');
      await analyst.get(`/reports/runs/${identified.id}?format=csv`).expect(403);
      const offGrid = await analyst.post('/reports/runs').send({ type: 'outcomes', params: { from: '2026-01-01', to: '2026-10-24' } }).expect(400);
      expect(offGrid.body.details).toEqual([{ field: 'params.to', problems: [expect.stringMatching(/last day of a calendar month/)] }]);
      const own = (await analyst.post('/reports/runs').send({ type: 'outcomes', params: { from: '2026-01-01', to: '2026-10-31', deidentified: false } }).expect(201)).body;
      expect(own.deidentified).toBe(true);
      const csv = await analyst.get(`/reports/runs/${own.id}?format=csv`).expect(200);
      expect(csv.text).toContain('suppressed');
      const listed = (await analyst.get('/reports/runs?pageSize=200').expect(200)).body.items.map((r: { id: number }) => r.id);
      expect(listed).toContain(own.id);
      expect(listed).not.toContain(identified.id);
      // A roi specialist sees no outcomes runs at all.
      const roiList = (await roi.get('/reports/runs?pageSize=200').expect(200)).body.items;
      expect(roiList.every((r: { type: string }) => r.type === 'roi')).toBe(true);
      await roi.get(`/reports/runs/${identified.id}`).expect(403);
    });

    it('validates the parameters with the report\'s own rules, naming params.<field>; unknown runs are 404', async () => {
      const po = await t.as('privacy.smith');
      const bad = await po.post('/reports/runs').send({ type: 'outcomes', params: { groupBy: 'year', extra: 1 } }).expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['params.extra', 'params.groupBy']);
      await po.post('/reports/runs').send({ type: 'weather', params: {} }).expect(400);
      await po.get('/reports/runs/999999').expect(404);
      await po.get('/reports/runs/abc').expect(400);
    });
  });

  describe('audit summary', () => {
    const MARCH = 'from=2030-03-01&to=2030-03-31';

    beforeAll(async () => {
      const writer = t.app.get(AuditWriter);
      const ids = Object.fromEntries(
        (await t.db.query<{ id: number; username: string }>('SELECT id, username FROM users')).map((u) => [u.username, Number(u.id)]),
      );
      const actor = (username: string, role: string) => ({ id: ids[username], username, role });
      const at = async (iso: string, fn: () => Promise<unknown>) => {
        t.clock.reset();
        t.clock.advance(Date.parse(iso) - t.clock.now().getTime());
        try {
          await fn();
        } finally {
          t.clock.reset();
        }
      };
      const nurse = actor('nurse.patel', 'nurse');
      await at('2030-03-10T09:00:00.000Z', () => Promise.all([
        ...[1, 2, 3].map((p) => writer.append({ actor: nurse, action: 'read', outcome: 'success', resourceType: 'patient-record', patientId: p })),
        writer.append({ actor: nurse, action: 'read', outcome: 'error', reason: 'patient not found', resourceType: 'patient-record' }),
        ...[1, 2].map(() => writer.append({ actor: actor('coder.kim', 'coder'), action: 'access-denied', outcome: 'denied', reason: 'not on the care team', patientId: 4 })),
        writer.append({ actor: actor('him.jones', 'him_technician'), action: 'read', outcome: 'success', resourceType: 'patient-record', patientId: 4, breakGlass: true }),
      ]));
      await at('2030-03-12T14:00:00.000Z', () => Promise.all([1, 2].map((p) => writer.append({ actor: nurse, action: 'read', outcome: 'success', patientId: p }))));
      await t.db.transaction(async (tx) => {
        const grant = (review: string | null) => tx.execute(
          `INSERT INTO break_glass_grants (user_id, patient_id, reason, granted_at, expires_at, reviewed_at, reviewed_by, review_outcome)
           VALUES ($1, 4, 'emergency department, patient unconscious', '2030-03-10T09:00:00.000Z', '2030-03-10T10:00:00.000Z', $2, $3, $4)`,
          [ids['him.jones'], review ? '2030-03-11T09:00:00.000Z' : null, review ? ids['privacy.smith'] : null, review],
        );
        await grant('justified');
        await grant('violation');
        await grant(null);
      });
    });

    it('counts accesses by role, action and outcome over time; denials; break-the-glass uses and reviews', async () => {
      const body = (await (await t.as('privacy.smith')).get(`/reports/audit-summary?${MARCH}`).expect(200)).body;
      expect(body.parameters).toEqual({ from: '2030-03-01', to: '2030-03-31', interval: 'day' });
      expect(body.totals).toEqual({ success: 6, denied: 2, error: 1, total: 9 });
      expect(body.byRole).toEqual([
        { role: 'coder', success: 0, denied: 2, error: 0, total: 2 },
        { role: 'him_technician', success: 1, denied: 0, error: 0, total: 1 },
        { role: 'nurse', success: 5, denied: 0, error: 1, total: 6 },
      ]);
      expect(body.accesses).toContainEqual({ period: '2030-03-10', role: 'nurse', action: 'read', outcome: 'success', count: 3 });
      expect(body.overTime).toHaveLength(31);
      expect(body.overTime.find((o: { period: string }) => o.period === '2030-03-10')).toEqual({ period: '2030-03-10', success: 4, denied: 2, error: 1, total: 7 });
      expect(body.overTime.find((o: { period: string }) => o.period === '2030-03-11')).toMatchObject({ total: 0 });
      expect(body.denials).toEqual({ total: 2, byReason: [{ reason: 'not on the care team', count: 2 }], byRole: [{ role: 'coder', count: 2 }] });
      expect(body.breakGlass).toEqual({ uses: 3, reviewed: 2, justified: 1, violations: 1, awaitingReview: 1, accessesUnderBreakGlass: 1 });
    });

    it('counts in ranges of sequences exactly what one GROUP BY over the window counts', async () => {
      const direct = async (from: string, end: string, period: string) => ({
        cube: (await t.db.query<{ period: string; role: string | null; action: string; outcome: string; n: unknown }>(
          `SELECT ${period} AS period, actor_role AS role, action, outcome, COUNT(*) AS n FROM audit_events
            WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY ${period}, actor_role, action, outcome`, [from, end],
        )).map((r) => ({ ...r, n: Number(r.n) })),
        denialReasons: (await t.db.query<{ reason: string | null; n: unknown }>(
          `SELECT reason, COUNT(*) AS n FROM audit_events WHERE occurred_at >= $1 AND occurred_at < $2 AND outcome = 'denied' GROUP BY reason`, [from, end],
        )).map((r) => ({ ...r, n: Number(r.n) })),
        underBreakGlass: Number((await t.db.one<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM audit_events WHERE occurred_at >= $1 AND occurred_at < $2 AND break_glass = TRUE', [from, end],
        ))!.n),
      });
      const repo = t.app.get(AuditEventsRepository);
      for (const [from, end] of [['2030-03-01T00:00:00.000Z', '2030-04-01T00:00:00.000Z'], ['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z']]) {
        // (compared as sets: PostgreSQL's collation and NULL order are not SQLite's)
        const same = (c: Awaited<ReturnType<typeof direct>>) => ({
          cube: c.cube.map((r) => JSON.stringify(r)).sort(), denialReasons: c.denialReasons.map((r) => JSON.stringify(r)).sort(), underBreakGlass: c.underBreakGlass,
        });
        for (const chunk of [1, 3, 5000]) {
          expect(same(await repo.counts(from, end, 'day', chunk))).toEqual(same(await direct(from, end, 'substr(occurred_at, 1, 10)')));
          expect(same(await repo.counts(from, end, 'month', chunk))).toEqual(same(await direct(from, end, 'substr(occurred_at, 1, 7)')));
        }
      }
      expect((await repo.counts('2030-03-01T00:00:00.000Z', '2030-04-01T00:00:00.000Z', 'day', 3)).cube.length).toBeGreaterThan(3);
    });

    it('counts anomalies by rule with the audit module\'s own rules (same as GET /audit/anomalies)', async () => {
      const po = await t.as('privacy.smith');
      const body = (await po.get(`/reports/audit-summary?${MARCH}`).expect(200)).body;
      const findings = (await po.get('/audit/anomalies?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z&pageSize=200').expect(200)).body;
      // Nurse Patel opened her own record (patient 2) and a namesake's (patient 3): the rules have something to find.
      expect(findings.total).toBeGreaterThan(0);
      const expected: Record<string, number> = {};
      for (const f of findings.items) expected[f.rule] = (expected[f.rule] ?? 0) + 1;
      const got = Object.fromEntries(body.anomalies.byRule.filter((r: { count: number }) => r.count > 0).map((r: { rule: string; count: number }) => [r.rule, r.count]));
      expect(got).toEqual(expected);
      expect(body.anomalies.total).toBe(findings.total);
      expect(body.anomalies.byRule.map((r: { rule: string }) => r.rule)).toEqual(expect.arrayContaining(['same-surname', 'after-hours', 'break-glass-unreviewed']));
    });

    it('CSV parses back to the JSON; SVG draws lines over time; needs report:audit', async () => {
      const po = await t.as('privacy.smith');
      const json = (await po.get(`/reports/audit-summary?${MARCH}`).expect(200)).body;
      const csv = await po.get(`/reports/audit-summary?${MARCH}&format=csv`).expect(200);
      const rows: Record<string, string>[] = parse(csv.text, { columns: true });
      const accesses = rows.filter((r) => r.section === 'accesses').map((r) => ({ period: r.period, role: r.role, action: r.action, outcome: r.outcome, count: Number(r.count) }));
      expect(accesses).toEqual(json.accesses);
      const bg = Object.fromEntries(rows.filter((r) => r.section === 'break-glass').map((r) => [r.label, Number(r.count)]));
      expect(bg).toEqual(json.breakGlass);
      const svg = (await po.get(`/reports/audit-summary?${MARCH}&format=svg`).buffer(true).expect(200)).body.toString('utf8');
      expect(svg).toContain('Audit trail activity by outcome');
      expect(svg).toContain('Audit events (count)');
      await (await t.as('analyst.wong')).get(`/reports/audit-summary?${MARCH}`).expect(403);
      await po.get(`/reports/audit-summary?${MARCH}&deidentified=true`).expect(400);
    });
  });

  describe('release-of-information report', () => {
    let overdueBefore: number;
    beforeAll(async () => {
      overdueBefore = (await (await t.as('roi.garcia')).get('/reports/roi?from=2030-01-01&to=2030-01-31').expect(200)).body.total.overdueNow;
      const creator = Number((await t.db.one<{ id: number }>("SELECT id FROM users WHERE username = 'roi.garcia'"))!.id);
      await t.db.transaction(async (tx) => {
        const request = (type: string, status: string, received: string, due: string, fulfilled: string | null) => tx.execute(
          `INSERT INTO roi_requests (patient_id, requester_type, requester_name, purpose, record_types, delivery_format, status, received_at, due_at, fulfilled_at, created_by)
           VALUES (1, $1, 'Requester', 'continuity of care', '["encounters"]', 'electronic', $2, $3, $4, $5, $6)`,
          [type, status, received, due, fulfilled, creator],
        );
        await request('self', 'fulfilled', '2030-01-01T10:00:00.000Z', '2030-01-31T10:00:00.000Z', '2030-01-11T09:00:00.000Z'); // 10 days
        await request('self', 'closed', '2030-01-02T10:00:00.000Z', '2030-02-01T10:00:00.000Z', '2030-02-01T23:00:00.000Z'); // day 30
        await request('provider', 'fulfilled', '2030-01-03T10:00:00.000Z', '2030-02-02T10:00:00.000Z', '2030-02-03T08:00:00.000Z'); // day 31
        await request('attorney', 'fulfilled', '2030-01-04T10:00:00.000Z', '2030-02-03T10:00:00.000Z', '2030-01-06T10:00:00.000Z'); // 2 days
        await request('insurer', 'in-review', '2030-01-05T10:00:00.000Z', '2030-02-04T10:00:00.000Z', null);
        await request('law_enforcement', 'denied', '2030-01-06T10:00:00.000Z', '2030-02-05T10:00:00.000Z', null);
        // Outside the range, still open and long past due: overdue now.
        await request('other', 'received', '2020-01-01T10:00:00.000Z', '2020-01-31T10:00:00.000Z', null);
      });
    });

    it('volume by requester type and status, median and 90th-percentile turnaround, share within 30 days, overdue now', async () => {
      const body = (await (await t.as('roi.garcia')).get('/reports/roi?from=2030-01-01&to=2030-01-31').expect(200)).body;
      expect(body.total).toMatchObject({
        requesterType: 'Total', received: 6, fulfilled: 4, medianTurnaroundDays: 20, p90TurnaroundDays: 31,
        fulfilledWithin30Days: 3, shareFulfilledWithin30Days: 0.75, overdueNow: overdueBefore + 1,
      });
      expect(body.total.byStatus).toMatchObject({ fulfilled: 3, closed: 1, 'in-review': 1, denied: 1, received: 0 });
      const self = body.byRequesterType.find((r: { requesterType: string }) => r.requesterType === 'self');
      expect(self).toMatchObject({ received: 2, fulfilled: 2, medianTurnaroundDays: 20, p90TurnaroundDays: 30, fulfilledWithin30Days: 2, shareFulfilledWithin30Days: 1 });
      expect(body.byRequesterType.map((r: { requesterType: string }) => r.requesterType)).toEqual(['self', 'provider', 'insurer', 'attorney', 'law_enforcement', 'other']);
      expect(body.byRequesterType.find((r: { requesterType: string }) => r.requesterType === 'other')).toMatchObject({ received: 0, overdueNow: expect.any(Number) });
    });

    it('CSV parses back to the JSON; SVG draws bars; de-identified on request', async () => {
      const roi = await t.as('roi.garcia');
      const json = (await roi.get('/reports/roi?from=2030-01-01&to=2030-01-31').expect(200)).body;
      const rows: Record<string, string>[] = parse((await roi.get('/reports/roi?from=2030-01-01&to=2030-01-31&format=csv').expect(200)).text, { columns: true });
      const total = rows.find((r) => r.requesterType === 'Total')!;
      expect(Number(total.received)).toBe(json.total.received);
      expect(Number(total['status:fulfilled'])).toBe(json.total.byStatus.fulfilled);
      expect(Number(total.medianTurnaroundDays)).toBe(json.total.medianTurnaroundDays);
      expect(Number(total.shareFulfilledWithin30Days)).toBe(json.total.shareFulfilledWithin30Days);
      const svg = (await roi.get('/reports/roi?from=2030-01-01&to=2030-01-31&format=svg').buffer(true).expect(200)).body.toString('utf8');
      expect(svg).toContain('Release-of-information requests by requester type');
      expect(svg).toContain('Requests (count)');
      const deid = (await roi.get('/reports/roi?from=2030-01-01&to=2030-01-31&deidentified=true').expect(200)).body;
      expect(deid.total.received).toEqual({ suppressed: true });
      expect(deid.total.medianTurnaroundDays).toEqual({ suppressed: true });
      // Said as it is: suppression within one report (any range may be asked for), not the outcomes release grid.
      expect(deid.suppression.rule).toMatch(/within one report only/);
      expect(JSON.stringify(deid.definitions)).not.toMatch(/calendar month/);
      await (await t.as('analyst.wong')).get('/reports/roi').expect(403);
    });
  });
});

/** The last day of a month 'YYYY-MM'. */
function lastDay(month: string): string {
  const d = new Date(`${month}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

/** What a row over several months shows: the sum of its published months, or suppressed when none adds anything. */
function sumOrSuppressed(values: unknown[]): unknown {
  const sum = values.reduce((a: number, v) => a + (typeof v === 'number' ? v : 0), 0);
  return sum === 0 && values.some((v) => typeof v !== 'number') ? { suppressed: true } : sum;
}

/** A CSV field back to its JSON value. */
function fromCsv(v: string): unknown {
  if (v === 'suppressed') return { suppressed: true };
  if (v === '') return null;
  return Number(v);
}

function binary(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

function expectNoSmallCounts(g: Record<string, unknown> & { dispositions: Record<string, unknown> }): void {
  const counts: [string, unknown][] = [
    ...['discharges', 'indexStays', 'readmissions', 'deaths', 'mortalityEligibleDischarges'].map((k): [string, unknown] => [k, g[k]]),
    ...Object.entries(g.dispositions),
  ];
  for (const [k, v] of counts) {
    const ok = (typeof v === 'object' && v !== null && (v as { suppressed?: boolean }).suppressed === true) || v === 0 || (typeof v === 'number' && v > 10);
    expect([g.group, k, v, ok]).toEqual([g.group, k, v, true]);
  }
}
