import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CSV_COLUMNS, csvChunks } from './audit-export.service';
import type { AuditRow } from './audit.types';

async function csvOf(pages: AuditRow[][]): Promise<string> {
  async function* source() {
    for (const p of pages) yield p;
  }
  let out = '';
  for await (const chunk of csvChunks(source(), false)) out += chunk;
  return out;
}

const text = fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: null });
const rowFields = fc.record({
  occurred_at: fc.constant('2026-11-29T14:00:00.000Z'), actor_user_id: fc.option(fc.nat(1000), { nil: null }), actor_username: text,
  actor_role: text, action: fc.constantFrom('read', 'search'), resource_type: text, resource_id: text, patient_id: fc.option(fc.nat(1000), { nil: null }),
  outcome: fc.constantFrom('success', 'denied'), reason: text, purpose_of_use: text, break_glass: fc.boolean(), request_id: text, client_ip: text,
  user_agent: text, details: text, prev_hash: fc.constant('0'.repeat(64)), hash: fc.constant('f'.repeat(64)),
});
/** Pages of rows with seq 1, 2, 3... across the pages. */
const pagesOfRows = fc.array(fc.array(rowFields, { minLength: 1, maxLength: 4 }), { maxLength: 3 }).map((pages) => {
  let seq = 0;
  return pages.map((p) => p.map((r) => ({ seq: ++seq, ...r }) as AuditRow));
});

describe('CSV export', () => {
  it('an empty result is just the header', async () => {
    expect(await csvOf([])).toBe(`${CSV_COLUMNS.join(',')}\n`);
  });

  it('parses back to the same rows: quotes, commas, line breaks, empty strings and NULLs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(pagesOfRows, async (pages) => {
        const records = parse(await csvOf(pages), { columns: true, cast: (v, ctx) => (v === '' && !ctx.quoting ? null : v) }) as Record<string, string | null>[];
        const expected = pages.flat().map((r) =>
          Object.fromEntries(CSV_COLUMNS.map((c) => [c, c === 'break_glass' ? String(r[c]) : r[c] === null ? null : String(r[c])])),
        );
        expect(records).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });
});
