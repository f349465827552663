import type { AuditRow } from './audit.types';
import { BALP_BASE } from './balp';
import { bundleEntry, eventCoding, SYSTEMS, toFhirAuditEvent } from './fhir-audit-event';

function row(over: Partial<AuditRow>): AuditRow {
  return {
    seq: 7, occurred_at: '2026-11-29T14:00:00.000Z', actor_user_id: 4, actor_username: 'nurse.patel', actor_role: 'nurse', action: 'read',
    resource_type: 'record', resource_id: '12', patient_id: 12, outcome: 'success', reason: null, purpose_of_use: 'TREAT', break_glass: false,
    request_id: 'req-1', client_ip: '10.0.0.7', user_agent: 'jest', details: null, prev_hash: '0'.repeat(64), hash: 'ab'.repeat(32), ...over,
  };
}

describe('FHIR AuditEvent (IHE BALP) mapping', () => {
  it.each([
    ['read', {}, 'rest', 'read', 'R'],
    ['search', {}, 'rest', 'search-type', 'E'],
    ['create', {}, 'rest', 'create', 'C'],
    ['update', {}, 'rest', 'update', 'U'],
    ['delete', {}, 'rest', 'delete', 'D'],
    ['access-denied', { resource_type: 'route', resource_id: 'POST /users' }, 'rest', 'create', 'C'],
    ['access-denied', { details: '{"permission":"clinical:write"}' }, 'rest', 'update', 'U'],
    ['access-denied', { details: '{"permission":"clinical:read"}' }, 'rest', 'read', 'R'],
    ['login', {}, '110114', 'ITI-71', 'E'],
    ['break-glass', {}, 'rest', 'create', 'C'],
    ['logout', {}, '110114', '110123', 'E'],
    ['export', {}, '110106', 'disclose', 'R'],
    ['verify', {}, '110100', undefined, 'E'],
  ])('%s %j -> type %s, subtype %s, action %s', (action, over, type, subtype, act) => {
    const c = eventCoding(row({ action, ...over }));
    expect(c.type.code).toBe(type);
    expect(c.subtype?.code).toBe(subtype);
    expect(c.action).toBe(act);
    expect(c.type.system).toBe(type === 'rest' ? SYSTEMS.eventType : SYSTEMS.dicom);
  });

  it('a break-the-glass chart read: BALP PatientRead, user without address, client and server agents, entities, purpose', () => {
    const e = toFhirAuditEvent(row({ break_glass: true, purpose_of_use: 'ETREAT' }), 'Priya Patel, RN');
    expect(e).toMatchObject({
      resourceType: 'AuditEvent', id: '7', action: 'R', outcome: '0', recorded: '2026-11-29T14:00:00.000Z',
      meta: { profile: [`${BALP_BASE}IHE.BasicAudit.PatientRead`] },
      purposeOfEvent: [{ coding: [{ system: SYSTEMS.actReason, code: 'ETREAT' }] }],
      source: { observer: { display: 'HIT Records Workflow Service' } },
    });
    const [user, client, server] = e.agent as Record<string, unknown>[];
    expect(user).toEqual({
      type: { coding: [{ system: SYSTEMS.participation, code: 'IRCP', display: 'information recipient' }] },
      who: { identifier: { system: SYSTEMS.localUser, value: 'nurse.patel' }, display: 'Priya Patel, RN' },
      role: [{ coding: [{ system: SYSTEMS.localRole, code: 'nurse', display: 'nurse' }], text: 'nurse' }],
      requestor: true,
    });
    // BALP Read: the data flows to the client (110152 Destination) from the server (110153 Source).
    expect(client).toMatchObject({ type: { coding: [{ code: '110152' }] }, network: { address: '10.0.0.7', type: '2' }, requestor: false });
    expect(server).toMatchObject({ type: { coding: [{ code: '110153' }] }, network: { type: '1' }, requestor: false });
    const entities = e.entity as { what: { reference?: string; identifier?: { value: string } } }[];
    expect(entities.map((x) => x.what.reference ?? x.what.identifier?.value)).toEqual(['Patient/12', 'record/12', 'req-1']);
    expect(toFhirAuditEvent(row({ resource_type: 'encounter', resource_id: '55' })).entity).toContainEqual(
      expect.objectContaining({ what: { reference: 'Encounter/55' }, role: expect.objectContaining({ code: '4' }) }),
    );
    expect(JSON.stringify(e.extension)).toContain('"breakGlass"');
  });

  it('a search: BALP PatientQuery with the query base64 and no what; a write: client 110153, server 110152, user AUT', () => {
    const q = toFhirAuditEvent(row({ action: 'search', resource_type: 'patient', resource_id: null, details: '{"criteria":"family=Rivera"}' }));
    expect(q.meta).toEqual({ profile: [`${BALP_BASE}IHE.BasicAudit.PatientQuery`] });
    const query = (q.entity as Record<string, unknown>[]).find((x) => (x.role as { code: string }).code === '24')!;
    expect(query.what).toBeUndefined();
    expect(Buffer.from(String(query.query), 'base64').toString()).toBe('patient?family=Rivera');
    const w = toFhirAuditEvent(row({ action: 'create', resource_type: 'encounter', resource_id: '9' }));
    expect(w.meta).toEqual({ profile: [`${BALP_BASE}IHE.BasicAudit.PatientCreate`] });
    expect((w.agent as { type: { coding: { code: string }[] } }[]).map((a) => a.type.coding[0].code)).toEqual(['AUT', '110153', '110152']);
  });

  it('outcomes 4 and 8, outcomeDesc, local purposes, rows without an actor', () => {
    expect(toFhirAuditEvent(row({ outcome: 'denied', reason: 'not on the care team' }))).toMatchObject({ outcome: '4', outcomeDesc: 'not on the care team' });
    expect(toFhirAuditEvent(row({ outcome: 'error' })).outcome).toBe('8');
    expect(toFhirAuditEvent(row({ outcome: 'denied' })).meta).toBeUndefined();
    expect(toFhirAuditEvent(row({ purpose_of_use: 'LAW' })).purposeOfEvent).toEqual([{ coding: [
      { system: SYSTEMS.actReason, code: 'HLEGAL', display: 'legal' }, { system: SYSTEMS.localPurpose, code: 'LAW', display: 'law enforcement' },
    ] }]);
    // No purpose given: the role's (v3-ActReason), always one.
    expect(toFhirAuditEvent(row({ purpose_of_use: null, actor_role: 'roi_specialist' })).purposeOfEvent).toEqual([{ coding: [expect.objectContaining({ system: SYSTEMS.actReason, code: 'HOPERAT' })] }]);
    const anonymous = toFhirAuditEvent(row({ actor_user_id: null, actor_username: null, actor_role: null, patient_id: null, resource_type: null, request_id: null }));
    expect(anonymous.agent).toEqual([expect.objectContaining({ requestor: false }), expect.objectContaining({ requestor: false })]);
    expect(anonymous.entity).toBeUndefined();
  });

  it('bundle entries carry a urn:uuid from the chain hash', () => {
    expect(JSON.parse(bundleEntry(toFhirAuditEvent(row({})), 'ab'.repeat(32))).fullUrl).toBe('urn:uuid:abababab-abab-abab-abab-abababababab');
  });
});
