import { parse } from 'csv-parse/sync';
import { renderReport } from './render';
import { renderCsv as renderCsvTable } from './csv';
import { SUPPRESSED } from '../report-document';
import type { ReportDocument } from '../report-document';

const doc: ReportDocument = {
  type: 'outcomes',
  json: { report: 'outcomes', title: 't', parameters: {}, generatedAt: '2030-01-01T00:00:00.000Z', deidentified: true, definitions: [] },
  table: { columns: ['group', 'discharges', 'rate'], rows: [['Cardiology, "East"', 25, 0.12], ['Surgery', SUPPRESSED, SUPPRESSED], ['Total', 31, null]] },
  chart: {
    kind: 'bar', title: 'Readmissions by department', xName: 'Department', categories: ['Cardiology', 'Surgery'],
    yAxes: [{ name: 'Rate (%)' }], series: [{ name: 'Readmission rate (%)', data: [12, null] }],
  },
  filename: 'outcomes-x',
};

describe('rendering a report', () => {
  it('CSV: quoted where needed, "suppressed" for a withheld value, empty for none; parses back', () => {
    const r = renderReport(doc, 'csv');
    expect(r.contentType).toBe('text/csv; charset=utf-8');
    expect(parse(r.body)).toEqual([['group', 'discharges', 'rate'], ['Cardiology, "East"', '25', '0.12'], ['Surgery', 'suppressed', 'suppressed'], ['Total', '31', '']]);
  });

  it('SVG: an ECharts drawing with the title and axis names; redrawn, it differs only in ECharts\' instance ids', () => {
    const a = renderReport(doc, 'svg');
    expect(a.body.startsWith('<svg')).toBe(true);
    for (const text of ['Readmissions by department', 'Department', 'Rate (%)', 'Cardiology']) expect(a.body).toContain(text);
    // Not byte-stable (class="zr7-cls-0" counts chart instances): that is why a stored run keeps its SVG bytes.
    const b = renderReport(doc, 'svg');
    const plain = (svg: string) => svg.replace(/zr\d+-cls-\d+/g, 'zr-cls');
    expect(plain(b.body)).toBe(plain(a.body));
  });

  it('JSON: pretty, newline-terminated, hashed as sent', () => {
    const r = renderReport(doc, 'json');
    expect(JSON.parse(r.body)).toEqual(doc.json);
    expect(r.body.endsWith('}\n')).toBe(true);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('CSV formula injection (OWASP)', () => {
  it('neutralizes text cells beginning with = + - @ tab or CR, and leaves numbers alone', () => {
    const csv = renderCsvTable({
      columns: ['group', 'count'],
      rows: [['=HYPERLINK("http://x","open")', 12], ['+1', -3], ['-2', 0], ['@SUM(A1)', 1], ['\tx', 2], ['\rx', 3], ['Cardiology', 4]],
    });
    const rows = parse(csv, { columns: true }) as { group: string; count: string }[];
    expect(rows.map((r) => r.group)).toEqual(['\'=HYPERLINK("http://x","open")', "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'Cardiology']);
    expect(rows.map((r) => r.count)).toEqual(['12', '-3', '0', '1', '2', '3', '4']);
  });
});
