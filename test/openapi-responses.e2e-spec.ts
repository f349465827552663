import request from 'supertest';
import { DEFAULT_ROLE_MATRIX } from '../src/access/catalogue';
import { DEMO_USERS } from '../seed/demo-users';
import { seedWorkflows } from './fuzz/openapi-fuzz';
import { strictAjv, strictSchema } from './helpers/openapi-strict';
import { routeInventory } from './helpers/route-inventory';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Strict response validation, generic over the served document (/docs-json): every GET operation is called as the
 * demo users whose role may call it (the route inventory's permission and the seeded role matrix), on ids the seed
 * and a few workflow rows hold, until it answers 2xx. Each 2xx JSON body must match its documented schema under
 * OpenAPI 3.0.3 semantics (ajv: `nullable` only beside a `type`, a nullable enum lists null, objects closed,
 * formats checked), a non-JSON answer must be of a documented media type, and every error answer on the way must be
 * a documented status with a body in the documented error schema. A route added later is covered without a change
 * here; one that cannot reach a 2xx this way fails the test.
 */
type Schema = Record<string, unknown> & { type?: string; enum?: unknown[]; example?: unknown; default?: unknown; format?: string; minimum?: number };
interface Parameter { name: string; in: string; required?: boolean; schema?: Schema }
interface Operation { operationId: string; parameters?: Parameter[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }

/** The small fixtures' ids, then (in beforeAll) the patients the seeded personal representatives act for. */
const IDS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

function sampleValue(s: Schema = {}): string {
  if (s.example !== undefined) return String(s.example);
  if (Array.isArray(s.enum)) return String(s.enum.find((v) => v !== null));
  if (s.default !== undefined) return String(s.default);
  if (s.type === 'integer' || s.type === 'number') return String(s.minimum ?? 1);
  if (s.format === 'date') return '2026-01-01';
  if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
  return 'a';
}

/** Demo users allowed to call the route, per its declared permission and the seeded matrix; patients last. */
function usersFor(permission: string | null): string[] {
  const all = DEMO_USERS.map((u) => u.username);
  if (!permission || permission === 'public' || permission === 'authenticated') return all;
  const wanted = permission.replace(/^any of /, '').split(', ');
  return DEMO_USERS.filter((u) => wanted.some((p) => (DEFAULT_ROLE_MATRIX[u.role].permissions as string[]).includes(p))).map((u) => u.username);
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

describe('every GET answers in its documented shape (strict OpenAPI 3.0 response validation)', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ patients: 20, env: { JWT_TTL: '86400' } });
    doc = (await request(t.http).get('/docs-json').expect(200)).body;
    for (const u of DEMO_USERS) tokens.set(u.username, await t.token(u.username));
    await seedWorkflows(t, tokens);
    for (const u of DEMO_USERS.filter((d) => d.role === 'representative')) {
      const mine = await request(t.http).get('/me/represented').set('Authorization', `Bearer ${tokens.get(u.username)}`).expect(200);
      for (const r of mine.body.items as { patientId: number }[]) if (!IDS.includes(String(r.patientId))) IDS.push(String(r.patientId));
    }
  }, 120_000);
  afterAll(() => t.close());

  it('covers every GET route of the inventory, each reaching a 2xx that matches its schema', async () => {
    const ajv = strictAjv(doc.components.schemas);
    const inventory = new Map(routeInventory(t.app).map((r) => [r.route, r.permission]));
    const problems: string[] = [];
    const gets = Object.entries(doc.paths).filter(([, item]) => item.get).map(([path, item]) => [path, item.get] as const);
    expect(gets.length).toBeGreaterThan(40);
    expect(gets.length).toBe([...inventory.keys()].filter((r) => r.startsWith('GET ') && !/^GET \/(docs|console)/.test(r)).length);

    for (const [path, op] of gets) {
      const route = `GET ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      if (!inventory.has(route)) problems.push(`${route}: in the document, not in the route inventory`);
      const params = op.parameters ?? [];
      const query = params.filter((p) => p.in === 'query' && p.required).map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(sampleValue(p.schema))}`).join('&');
      const pathIds = params.filter((p) => p.in === 'path');
      let reached = false;
      attempts: for (const user of usersFor(inventory.get(route) ?? null)) {
        for (const id of pathIds.length ? IDS : ['']) {
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
            const p = pathIds.find((x) => x.name === name);
            return Array.isArray(p?.schema?.enum) ? String(p!.schema!.enum[0]) : id;
          }) + (query ? `?${query}` : '');
          const res = await request(t.http).get(url).set('Authorization', `Bearer ${tokens.get(user)}`);
          const documented = op.responses[String(res.status)];
          if (!documented) {
            problems.push(`${route} as ${user} (${url}): undocumented status ${res.status}`);
            continue;
          }
          const type = mediaType(res.headers['content-type']);
          const schema = documented.content?.[type]?.schema;
          if (!documented.content?.[type]) problems.push(`${route} as ${user}: ${res.status} with an undocumented media type ${type}`);
          else if (schema && /[/+]json$/.test(type)) {
            const v = ajv.compile(strictSchema(schema) as object);
            if (!v(res.body)) {
              const why = [...new Set((v.errors ?? []).map((e) => `${e.instancePath.replace(/\/\d+\//g, '/*/')} ${e.message} ${JSON.stringify(e.params)}`))];
              problems.push(`${route} as ${user} (${url}) ${res.status}: ${why.slice(0, 6).join('; ')}`);
            }
          }
          if (res.status < 300) {
            reached = true;
            break attempts;
          }
        }
      }
      if (!reached) problems.push(`${route}: no 2xx for any permitted demo user and seeded id`);
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
