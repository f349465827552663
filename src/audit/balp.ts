import { hostname } from 'node:os';
import type { AuditRow } from './audit.types';

/**
 * IHE Basic Audit Log Patterns (BALP, https://profiles.ihe.net/ITI/BALP/) for the exported AuditEvent: which profile
 * an event conforms to, its agents and the purpose of use. The profiles fix the successful outcome (0); a refused or
 * failed attempt follows FHIR core's Access Denied pattern (outcome 4 or 8, same agents and entities) and claims no
 * profile. docs/architecture.md, section 5, and the README's audit section describe the format.
 */
export const BALP_BASE = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const USER_AGENT_TYPES = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/UserAgentTypes';

/** Who is who in the exported events: users and roles as identifiers and codes with a system (URLs, not URNs). */
export const IDENTITY_SYSTEMS = {
  user: 'https://hit-records.example/fhir/sid/username',
  role: 'https://hit-records.example/fhir/CodeSystem/user-role',
  service: 'https://hit-records.example/fhir/sid/service',
  purpose: 'https://hit-records.example/fhir/CodeSystem/purpose-of-use',
  resource: 'https://hit-records.example/fhir/sid/resource',
} as const;

/** The BALP profile a successful event conforms to (with or without a patient), or none. */
export function balpProfile(row: Pick<AuditRow, 'action' | 'outcome' | 'patient_id'>): string | undefined {
  const patient = row.patient_id !== null;
  if (row.action === 'login' || row.action === 'login-failed') return `${BALP_BASE}IHE.IUA.71`;
  if (row.outcome !== 'success') return undefined;
  const rest: Record<string, string> = { read: 'Read', search: 'Query', create: 'Create', 'break-glass': 'Create', update: 'Update', amendment: 'Update', delete: 'Delete' };
  if (rest[row.action]) return `${BALP_BASE}IHE.BasicAudit.${patient ? 'Patient' : ''}${rest[row.action]}`;
  if ((row.action === 'export' || row.action === 'disclose') && patient) return `${BALP_BASE}IHE.BasicAudit.PrivacyDisclosure.Source`;
  return undefined;
}

/** Data flows from the server to the client on reads, queries and exports (BALP Read: client = 110152 Destination). */
function serverIsSource(action: string): boolean {
  return ['read', 'search', 'export', 'disclose'].includes(action);
}

/** The user's participation: the author of what they create or change, else the recipient of what they read. */
function userType(action: string): { system: string; code: string; display: string } {
  return ['create', 'update', 'amendment', 'delete', 'break-glass'].includes(action)
    ? { system: PARTICIPATION, code: 'AUT', display: 'author (originator)' }
    : { system: PARTICIPATION, code: 'IRCP', display: 'information recipient' };
}

/** The service itself: identified by name, with its host name as network address (type 1, machine name). */
export const SERVICE_NAME = 'HIT Records Workflow Service';
const SERVICE_HOST = hostname();

/**
 * Agents in the BALP shape: the user (requestor, with role, never a network address: users are not network
 * devices), the client application (network address of the caller) and this service (network address: its host).
 */
export function balpAgents(row: AuditRow, displayName?: string | null): unknown[] {
  const agents: unknown[] = [];
  const login = row.action === 'login' || row.action === 'login-failed';
  if (row.actor_user_id !== null || row.actor_username) {
    agents.push({
      type: { coding: [userType(row.action)] },
      who: { identifier: { system: IDENTITY_SYSTEMS.user, value: row.actor_username ?? String(row.actor_user_id) }, display: displayName ?? row.actor_username ?? `user ${row.actor_user_id}` },
      ...(row.actor_role ? { role: [{ coding: [{ system: IDENTITY_SYSTEMS.role, code: row.actor_role, display: row.actor_role }], text: row.actor_role }] } : {}),
      requestor: true,
    });
  }
  const clientIsSource = !serverIsSource(row.action);
  const clientType = login ? { system: DCM, code: '110150', display: 'Application' }
    : clientIsSource ? { system: DCM, code: '110153', display: 'Source Role ID' } : { system: DCM, code: '110152', display: 'Destination Role ID' };
  agents.push({
    type: { coding: [clientType] },
    who: { display: row.user_agent ? `client: ${row.user_agent}` : 'client (no User-Agent given)' },
    requestor: false,
    network: { address: row.client_ip ?? 'unknown', type: '2' },
  });
  const serverType = login ? { system: USER_AGENT_TYPES, code: 'AuthzOauthService', display: 'OAuth Authorization Server' }
    : clientIsSource ? { system: DCM, code: '110152', display: 'Destination Role ID' } : { system: DCM, code: '110153', display: 'Source Role ID' };
  agents.push({
    type: { coding: [serverType] },
    who: { identifier: { system: IDENTITY_SYSTEMS.service, value: 'hit-records' }, display: SERVICE_NAME },
    requestor: false,
    network: { address: SERVICE_HOST, type: '1' },
  });
  return agents;
}

/**
 * The purpose of use when the request named none (X-Purpose-Of-Use): what the role does, as an HL7 v3 PurposeOfUse
 * (v3-ActReason) code. Break-the-glass is ETREAT whatever the role.
 */
const ROLE_PURPOSE: Record<string, string> = {
  physician: 'TREAT', nurse: 'TREAT', registrar: 'HOPERAT', him_technician: 'HOPERAT', coder: 'HPAYMT', roi_specialist: 'HOPERAT',
  privacy_officer: 'HCOMPL', quality_analyst: 'HQUALIMP', admin: 'HSYSADMIN', instructor: 'TRAIN', patient: 'PATRQT',
};

/** Local purposes recorded by the workflows, with the standard code that stands for them in an exported event. */
const LOCAL_PURPOSE_STANDARD: Record<string, string> = { DISCLOSURE: 'HOPERAT', LAW: 'HLEGAL' };

/** The v3 PurposeOfUse code of an event (always one), and the local code it translates, if any. */
export function purposeOfEvent(row: Pick<AuditRow, 'purpose_of_use' | 'break_glass' | 'actor_role'>, isStandard: (code: string) => boolean): { standard: string; local?: string } {
  const recorded = row.purpose_of_use;
  if (recorded && isStandard(recorded)) return { standard: recorded };
  if (recorded && LOCAL_PURPOSE_STANDARD[recorded]) return { standard: LOCAL_PURPOSE_STANDARD[recorded], local: recorded };
  if (row.break_glass) return { standard: 'ETREAT', ...(recorded ? { local: recorded } : {}) };
  return { standard: ROLE_PURPOSE[row.actor_role ?? ''] ?? 'HSYSADMIN', ...(recorded ? { local: recorded } : {}) };
}
