import { PURPOSES_OF_USE } from '../common/purpose-of-use';
import { bool } from '../database/db';
import type { AuditRow } from './audit.types';

/**
 * One audit row as a FHIR R4 AuditEvent, shaped after IHE Basic Audit Log Patterns (BALP): RESTful chart
 * accesses are type `rest` with the FHIR restful-interaction as subtype, the other events take their DICOM
 * (DCM) event id; action C/R/U/D/E; outcome 0/4/8; the user as the requesting agent (name, role, network
 * address), the service as source observer and as the receiving agent; the patient and the resource as entities;
 * the purpose of use (HL7 v3 PurposeOfUse) as purposeOfEvent. The chain hash rides along in an extension, so an
 * exported event can still be matched to the tamper-evident row it came from.
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
  localRole: 'urn:hit-records:role',
  localUser: 'urn:hit-records:user',
  localPurpose: 'urn:hit-records:purpose-of-use',
  localResource: 'urn:hit-records:resource',
  chainExtension: 'urn:hit-records:audit-chain',
} as const;

/** The service as it names itself in every exported event. */
export const OBSERVER = 'HIT Records Workflow Service';

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

/** DICOM event ids (the AuditEventID value set) for the events that are not a RESTful chart access. */
const DCM_EVENTS: Record<string, Coding & { subtype?: Coding; action: FhirAction }> = {
  login: { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: { system: SYSTEMS.dicom, code: '110122', display: 'Login' }, action: 'E' },
  'login-failed': { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: { system: SYSTEMS.dicom, code: '110122', display: 'Login' }, action: 'E' },
  logout: { system: SYSTEMS.dicom, code: '110114', display: 'User Authentication', subtype: { system: SYSTEMS.dicom, code: '110123', display: 'Logout' }, action: 'E' },
  export: { system: SYSTEMS.dicom, code: '110106', display: 'Export', action: 'R' },
  disclose: { system: SYSTEMS.dicom, code: '110106', display: 'Export', action: 'R' },
  'break-glass': { system: SYSTEMS.dicom, code: '110113', display: 'Security Alert', subtype: { system: SYSTEMS.dicom, code: '110127', display: 'Emergency Override Started' }, action: 'E' },
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

const REST_ACTIONS: Record<string, { interaction: RestfulInteraction; action: FhirAction }> = {
  read: { interaction: 'read', action: 'R' },
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

export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  [element: string]: unknown;
}

export function toFhirAuditEvent(row: AuditRow, displayName?: string | null): FhirAuditEvent {
  const { type, subtype, action } = eventCoding(row);
  const agents = agentsOf(row, displayName);
  const entities = entitiesOf(row);

  return {
    resourceType: 'AuditEvent',
    id: String(Number(row.seq)),
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
    ...(subtype ? { subtype: [subtype] } : {}),
    action,
    recorded: row.occurred_at,
    outcome: fhirOutcome(row.outcome),
    ...(row.reason ? { outcomeDesc: row.reason } : {}),
    ...(row.purpose_of_use ? { purposeOfEvent: [{ coding: [purposeCoding(row.purpose_of_use)] }] } : {}),
    agent: agents,
    source: {
      site: 'hit-records',
      observer: { display: OBSERVER },
      type: [{ system: SYSTEMS.sourceType, code: '4', display: 'Application Server' }],
    },
    ...(entities.length ? { entity: entities } : {}),
  };
}

/** The user who acted (the requestor, IHE BALP) and this service as the observer. */
function agentsOf(row: AuditRow, displayName?: string | null): unknown[] {
  const agents: unknown[] = [];
  if (row.actor_user_id !== null || row.actor_username) {
    agents.push({
      type: { coding: [{ system: SYSTEMS.participation, code: 'IRCP', display: 'information recipient' }] },
      who: {
        identifier: { system: SYSTEMS.localUser, value: row.actor_username ?? String(row.actor_user_id) },
        display: displayName ?? row.actor_username ?? `user ${row.actor_user_id}`,
      },
      ...(row.actor_role ? { role: [{ coding: [{ system: SYSTEMS.localRole, code: row.actor_role }], text: row.actor_role }] } : {}),
      requestor: true,
      ...(row.client_ip ? { network: { address: row.client_ip, type: '2' } } : {}),
    });
  }
  agents.push({
    type: { coding: [{ system: SYSTEMS.dicom, code: '110152', display: 'Destination Role ID' }] },
    who: { display: OBSERVER },
    requestor: false,
  });
  return agents;
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
  if (row.resource_type) entities.push(resourceEntity(row));
  if (row.request_id) {
    entities.push({
      what: { identifier: { value: row.request_id } },
      type: { system: SYSTEMS.balpEntityType, code: 'XrequestId', display: 'X-Request-Id' },
    });
  }
  return entities;
}

function resourceEntity(row: AuditRow): unknown {
  const fhirType = FHIR_RESOURCE[row.resource_type as string];
  const what = fhirType && row.resource_id && /^\d+$/.test(row.resource_id)
    ? { reference: `${fhirType}/${row.resource_id}` }
    : { identifier: { system: SYSTEMS.localResource, value: row.resource_id ? `${row.resource_type}/${row.resource_id}` : String(row.resource_type) } };
  const query = row.action === 'search';
  return {
    what,
    type: { system: SYSTEMS.entityType, code: '2', display: 'System Object' },
    role: query ? { system: SYSTEMS.objectRole, code: '24', display: 'Query' } : { system: SYSTEMS.objectRole, code: '4', display: 'Domain Resource' },
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
