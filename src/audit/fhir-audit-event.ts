import { PURPOSES_OF_USE } from '../common/purpose-of-use';
import { bool } from '../database/db';
import type { AuditRow } from './audit.types';
import { balpAgents, balpProfile, IDENTITY_SYSTEMS, purposeOfEvent, SERVICE_NAME } from './balp';

/**
 * One audit row as a FHIR R4 AuditEvent in the IHE Basic Audit Log Patterns (BALP) shape: `meta.profile` names the
 * BALP profile a successful event conforms to (balp.ts); RESTful chart accesses are type `rest` with the FHIR
 * restful-interaction as subtype, the other events take their DICOM (DCM) event id; action C/R/U/D/E; outcome
 * 0/4/8; three agents (the user as requestor with role and no network address, the client application and this
 * service, each with its network address); the patient, the resource (or, for a search, the query, base64) and the
 * X-Request-Id as entities; an HL7 v3 PurposeOfUse on every event. The chain hash rides along in an extension, so
 * an exported event can still be matched to the tamper-evident row it came from.
 */

export const SYSTEMS = {
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  restful: 'http://hl7.org/fhir/restful-interaction',
  participation: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  balpEntityType: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
  lifecycle: 'http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle',
  iheEventType: 'urn:ihe:event-type-code',
  localRole: IDENTITY_SYSTEMS.role,
  localUser: IDENTITY_SYSTEMS.user,
  localPurpose: IDENTITY_SYSTEMS.purpose,
  localResource: IDENTITY_SYSTEMS.resource,
  chainExtension: 'https://hit-records.example/fhir/StructureDefinition/audit-chain',
} as const;

/** The service as it names itself in every exported event. */
export const OBSERVER = SERVICE_NAME;

export type FhirAction = 'C' | 'R' | 'U' | 'D' | 'E';
export type FhirOutcome = '0' | '4' | '8';
export type RestfulInteraction = 'read' | 'search-type' | 'create' | 'update' | 'delete';

/** The codes the value sets allow, for tests and for readers. */
export const FHIR_ACTIONS: readonly FhirAction[] = ['C', 'R', 'U', 'D', 'E'];
export const FHIR_OUTCOMES: readonly FhirOutcome[] = ['0', '4', '8'];
export const RESTFUL_INTERACTIONS: readonly RestfulInteraction[] = ['read', 'search-type', 'create', 'update', 'delete'];

/** The codes of PURPOSES_OF_USE that are in the HL7 v3 PurposeOfUse value set; the others are local (LAW, DISCLOSURE). */
export const V3_PURPOSES_OF_USE: ReadonlySet<string> = new Set([
  'TREAT', 'ETREAT', 'HPAYMT', 'HOPERAT', 'CAREMGT', 'HRESCH', 'HQUALIMP', 'HOUTCOMS', 'HCOMPL', 'HLEGAL', 'HSYSADMIN',
  'PATRQT', 'FAMRQT', 'PWATRNY', 'PUBHLTH', 'TRAIN', 'COVERAGE',
]);

interface Coding {
  system: string;
  code: string;
  display?: string;
}

/**
 * DICOM event ids (the AuditEventID value set) for the events that are not a RESTful chart access. A login issues an
 * access token: IHE IUA ITI-71 (BALP's IHE.IUA.71); an export or a disclosure is ISO 21089 `disclose` (BALP
 * PrivacyDisclosure.Source).
 */
const ITI_71: Coding = { system: SYSTEMS.iheEventType, code: 'ITI-71', display: 'Get Access Token' };
const DISCLOSE: Coding = { system: SYSTEMS.lifecycle, code: 'disclose', display: 'Disclose Record Lifecycle Event' };
const DCM_EVENTS: Record<string, Coding & { subtype?: Coding; action: FhirAction }> = {
  login: { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: ITI_71, action: 'E' },
  'login-failed': { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: ITI_71, action: 'E' },
  logout: { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: { system: SYSTEMS.dicom, code: '110123', display: 'Logout' }, action: 'E' },
  export: { system: SYSTEMS.dicom, code: '110106', display: 'Export', subtype: DISCLOSE, action: 'R' },
  disclose: { system: SYSTEMS.dicom, code: '110106', display: 'Export', subtype: DISCLOSE, action: 'R' },
  'permission-change': { system: SYSTEMS.dicom, code: '110113', display: 'Security Alert', subtype: { system: SYSTEMS.dicom, code: '110136', display: 'Security Roles Changed' }, action: 'U' },
  'user-change': { system: SYSTEMS.dicom, code: '110113', display: 'Security Alert', subtype: { system: SYSTEMS.dicom, code: '110137', display: 'User security Attributes Changed' }, action: 'U' },
};
const APPLICATION_ACTIVITY: Coding = { system: SYSTEMS.dicom, code: '110100', display: 'Application Activity' };

/**
 * Our resource types that are FHIR resources (entity.what becomes a FHIR reference). The others, such as `record`
 * (the whole designated record set of a patient) or `route`, are named by a local identifier.
 */
const FHIR_RESOURCE: Record<string, string> = {
  patient: 'Patient', encounter: 'Encounter', diagnosis: 'Condition', diagnoses: 'Condition',
  procedure: 'Procedure', procedures: 'Procedure', observation: 'Observation', observations: 'Observation',
  note: 'DocumentReference', notes: 'DocumentReference', clinical_note: 'DocumentReference', 'clinical-note': 'DocumentReference',
  'care-team': 'CareTeam', amendment: 'Task', disclosures: 'List', 'audit-event': 'AuditEvent',
};

/** Break-the-glass creates an emergency access grant (BALP PatientCreate); its subtype also says what it is. */
const EMERGENCY_OVERRIDE: Coding = { system: SYSTEMS.dicom, code: '110127', display: 'Emergency Override Started' };

const REST_ACTIONS: Record<string, { interaction: RestfulInteraction; action: FhirAction }> = {
  read: { interaction: 'read', action: 'R' },
  'break-glass': { interaction: 'create', action: 'C' },
  search: { interaction: 'search-type', action: 'E' },
  create: { interaction: 'create', action: 'C' },
  update: { interaction: 'update', action: 'U' },
  amendment: { interaction: 'update', action: 'U' },
  delete: { interaction: 'delete', action: 'D' },
};

/** What a refused attempt was trying to do: from the route's HTTP method, or from the permission it lacked. */
export function attemptedInteraction(row: Pick<AuditRow, 'resource_type' | 'resource_id' | 'details'>): RestfulInteraction {
  if (row.resource_type === 'route' && row.resource_id) {
    const method = row.resource_id.split(' ')[0];
    if (method === 'POST') return 'create';
    if (method === 'PUT' || method === 'PATCH') return 'update';
    if (method === 'DELETE') return 'delete';
    return 'read';
  }
  const permission = parseDetails(row.details)?.permission;
  if (typeof permission === 'string' && /:(write|manage|decide)$/.test(permission)) return 'update';
  return 'read';
}

export function fhirOutcome(outcome: string): FhirOutcome {
  return outcome === 'success' ? '0' : outcome === 'denied' ? '4' : '8';
}

/** type, subtype and action of one row. */
export function eventCoding(row: AuditRow): { type: Coding; subtype?: Coding; action: FhirAction } {
  const rest = REST_ACTIONS[row.action];
  if (rest) return { type: restType(), subtype: restful(rest.interaction), action: rest.action };
  if (row.action === 'access-denied') {
    const interaction = attemptedInteraction(row);
    const action: FhirAction = interaction === 'create' ? 'C' : interaction === 'update' ? 'U' : interaction === 'delete' ? 'D' : 'R';
    return { type: restType(), subtype: restful(interaction), action };
  }
  const dcm = DCM_EVENTS[row.action];
  if (dcm) {
    const { subtype, action, ...type } = dcm;
    return { type, subtype, action };
  }
  return { type: APPLICATION_ACTIVITY, action: 'E' };
}

function restType(): Coding {
  return { system: SYSTEMS.eventType, code: 'rest', display: 'Restful Operation' };
}

function restful(code: RestfulInteraction): Coding {
  return { system: SYSTEMS.restful, code, display: code };
}

export function purposeCoding(code: string): Coding {
  const display = (PURPOSES_OF_USE as Record<string, string>)[code];
  return V3_PURPOSES_OF_USE.has(code)
    ? { system: SYSTEMS.actReason, code, ...(display ? { display } : {}) }
    : { system: SYSTEMS.localPurpose, code, ...(display ? { display } : {}) };
}

/** purposeOfEvent: always an HL7 v3 PurposeOfUse coding, then the local code it translates (DISCLOSURE, LAW), if any. */
function purposeOf(row: AuditRow): unknown[] {
  const p = purposeOfEvent(row, (c) => V3_PURPOSES_OF_USE.has(c));
  return [{ coding: [purposeCoding(p.standard), ...(p.local ? [purposeCoding(p.local)] : [])] }];
}

export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  [element: string]: unknown;
}

export function toFhirAuditEvent(row: AuditRow, displayName?: string | null): FhirAuditEvent {
  const { type, subtype, action } = eventCoding(row);
  const agents = balpAgents(row, displayName);
  const entities = entitiesOf(row);
  const profile = balpProfile(row);

  return {
    resourceType: 'AuditEvent',
    id: String(Number(row.seq)),
    ...(profile ? { meta: { profile: [profile] } } : {}),
    extension: [
      {
        url: SYSTEMS.chainExtension,
        extension: [
          { url: 'seq', valueInteger: Number(row.seq) },
          { url: 'hash', valueString: row.hash },
          ...(bool(row.break_glass) ? [{ url: 'breakGlass', valueBoolean: true }] : []),
        ],
      },
    ],
    type,
    ...(subtype ? { subtype: row.action === 'break-glass' ? [subtype, EMERGENCY_OVERRIDE] : [subtype] } : {}),
    action,
    recorded: row.occurred_at,
    outcome: fhirOutcome(row.outcome),
    ...(row.reason ? { outcomeDesc: row.reason } : {}),
    purposeOfEvent: purposeOf(row),
    agent: agents,
    source: {
      site: 'hit-records',
      observer: { identifier: { system: IDENTITY_SYSTEMS.service, value: 'hit-records' }, display: OBSERVER },
      type: [{ system: SYSTEMS.sourceType, code: '4', display: 'Application Server' }],
    },
    ...(entities.length ? { entity: entities } : {}),
  };
}

/** The patient, the resource and the request id the event is about. */
function entitiesOf(row: AuditRow): unknown[] {
  const entities: unknown[] = [];
  if (row.patient_id !== null) {
    entities.push({
      what: { reference: `Patient/${Number(row.patient_id)}` },
      type: { system: SYSTEMS.entityType, code: '1', display: 'Person' },
      role: { system: SYSTEMS.objectRole, code: '1', display: 'Patient' },
    });
  }
  if (row.resource_type || row.action === 'search') entities.push(resourceEntity(row));
  if (row.request_id) {
    entities.push({
      what: { identifier: { value: row.request_id } },
      type: { system: SYSTEMS.balpEntityType, code: 'XrequestId', display: 'X-Request-Id' },
    });
  }
  return entities;
}

/**
 * A search's query (BALP Query): the request as the service understood it, base64 in `query` (exactly what was
 * asked, hostile patterns included) and readable in `description`; no `what`.
 */
function queryEntity(row: AuditRow): unknown {
  const d = parseDetails(row.details) ?? {};
  const asked = d.criteria ?? d.filter ?? d.filters ?? d.terms ?? null;
  const text = `${row.resource_type ?? 'search'}?${typeof asked === 'string' ? asked : JSON.stringify(asked ?? {})}`;
  return {
    type: { system: SYSTEMS.entityType, code: '2', display: 'System Object' },
    role: { system: SYSTEMS.objectRole, code: '24', display: 'Query' },
    description: text,
    query: Buffer.from(text, 'utf8').toString('base64'),
  };
}

function resourceEntity(row: AuditRow): unknown {
  if (row.action === 'search') return queryEntity(row);
  const fhirType = FHIR_RESOURCE[row.resource_type as string];
  const what = fhirType && row.resource_id && /^\d+$/.test(row.resource_id)
    ? { reference: `${fhirType}/${row.resource_id}` }
    : { identifier: { system: SYSTEMS.localResource, value: row.resource_id ? `${row.resource_type}/${row.resource_id}` : String(row.resource_type) } };
  return {
    what,
    type: { system: SYSTEMS.entityType, code: '2', display: 'System Object' },
    role: { system: SYSTEMS.objectRole, code: '4', display: 'Domain Resource' },
  };
}

function parseDetails(details: string | null): Record<string, unknown> | null {
  if (!details) return null;
  try {
    const v: unknown = JSON.parse(details);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Bundle framing for format=fhir&fhirBundle=true: the entries are streamed between head and tail. */
export function bundleHead(timestamp: string): string {
  return `{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(timestamp)},"entry":[`;
}

export const BUNDLE_TAIL = ']}\n';

/** fullUrl: a urn:uuid made from the row's chain hash (unique per row, the same in every export). */
export function bundleEntry(event: FhirAuditEvent, hash: string): string {
  const h = hash.slice(0, 32);
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return JSON.stringify({ fullUrl: `urn:uuid:${uuid}`, resource: event });
}
