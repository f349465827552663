import { canonicalJson, sha256Hex } from './canonical-json';
import type { DisclosurePackage, PackagedDispute } from './package-builder';

/**
 * The disclosure package as a FHIR R4 Bundle (type collection): Patient, Encounter, Condition, Procedure,
 * Observation and DocumentReference resources. A pure function of the stored package, so the Bundle is the same
 * bytes every time it is asked for, and its SHA-256 (stored at fulfilment) can be checked.
 *
 * Restricted items carry security labels (HL7 v3 Confidentiality R and the ActCode sensitivity code); Part 2 items
 * also the obligation NORDSCLCD (no redisclosure without consent) and the 42 CFR 2.32 notice as an extension.
 */

export const FHIR_BASE = 'https://hit-records.example/fhir/';
const NOTICE_EXTENSION = `${FHIR_BASE}StructureDefinition/redisclosure-notice`;
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/** The HL7 v3 ActCode information-sensitivity codes of our restricted categories. */
const SENSITIVITY_CODES: Record<string, { code: string; display: string }> = {
  'substance-use': { code: 'ETH', display: 'substance abuse information sensitivity' },
  'behavioral-health': { code: 'BH', display: 'behavioral health information sensitivity' },
  hiv: { code: 'HIV', display: 'HIV/AIDS information sensitivity' },
  reproductive: { code: 'SEX', display: 'sexuality and reproductive health information sensitivity' },
  genetic: { code: 'GDIS', display: 'genetic disease information sensitivity' },
  psychotherapy: { code: 'PSYTHPN', display: 'psychotherapy note information sensitivity' },
};

const PROCEDURE_SYSTEMS: Record<string, string> = {
  CPT: 'http://www.ama-assn.org/go/cpt',
  'ICD-10-PCS': 'http://www.cms.gov/Medicare/Coding/ICD10',
  HCPCS: 'urn:oid:2.16.840.1.113883.6.285',
  'SNOMED-CT': 'http://snomed.info/sct',
};

const ENCOUNTER_CLASSES: Record<string, { code: string; display: string }> = {
  inpatient: { code: 'IMP', display: 'inpatient encounter' },
  outpatient: { code: 'AMB', display: 'ambulatory' },
  emergency: { code: 'EMER', display: 'emergency' },
};

/** LOINC document types of our note types (psychotherapy notes have none: the local code only). */
const NOTE_LOINC: Record<string, { code: string; display: string }> = {
  progress: { code: '11506-3', display: 'Progress note' },
  'history-physical': { code: '34117-2', display: 'History and physical note' },
  'discharge-summary': { code: '18842-5', display: 'Discharge summary' },
  nursing: { code: '34746-8', display: 'Nurse Note' },
  consult: { code: '11488-4', display: 'Consult note' },
};

type Json = Record<string, unknown>;
type Item = Record<string, unknown>;

/** The item's restricted categories: its own, and those its text restates (an encounter's reason). */
function categoriesOf(item: Item): string[] {
  const own = item.sensitivity === 'restricted' ? [(item.sensitivityCategory as string | null) ?? 'unspecified'] : [];
  const restated = Array.isArray(item.reasonCategories) ? (item.reasonCategories as string[]) : [];
  return [...new Set([...own, ...restated])];
}

function meta(item: Item): Json | undefined {
  const categories = categoriesOf(item);
  if (categories.length === 0) return undefined;
  const security: Json[] = [{ system: CONFIDENTIALITY, code: 'R', display: 'restricted' }];
  for (const category of categories) {
    const code = SENSITIVITY_CODES[category];
    if (code) security.push({ system: ACT_CODE, ...code });
  }
  if (categories.includes('substance-use')) security.push({ system: ACT_CODE, code: 'NORDSCLCD', display: 'no redisclosure without consent directive' });
  return { security };
}

function withLabels(resource: Json, item: Item): Json {
  const m = meta(item);
  if (m) resource.meta = m;
  if (typeof item.redisclosureNotice === 'string') resource.extension = [{ url: NOTICE_EXTENSION, valueString: item.redisclosureNotice }];
  return resource;
}

/**
 * A reference to another resource of the package, or undefined when the item carries none (its encounter was
 * withheld: the reference would reveal it). Every reference of the Bundle resolves inside it.
 */
const ref = (type: string, id: unknown) => (id === null || id === undefined ? undefined : { reference: `${type}/${String(id)}` });

/** The object without its undefined members (canonical JSON, and FHIR, have no undefined). */
function defined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function encounter(e: Item, patient: string): Json {
  const cls = ENCOUNTER_CLASSES[e.class as string] ?? { code: 'AMB', display: 'ambulatory' };
  const r: Json = {
    resourceType: 'Encounter',
    id: String(e.id),
    status: e.dischargedAt ? 'finished' : 'in-progress',
    class: { system: ACT_CODE, ...cls },
    subject: { reference: patient },
    period: e.dischargedAt ? { start: e.admittedAt, end: e.dischargedAt } : { start: e.admittedAt },
  };
  if (e.reason) r.reasonCode = [{ text: e.reason }];
  if (e.department) r.serviceType = { text: e.department };
  if (e.disposition) r.hospitalization = { dischargeDisposition: { text: e.disposition } };
  return withLabels(r, e);
}

function condition(d: Item, patient: string): Json {
  return withLabels(
    defined({
      resourceType: 'Condition',
      id: String(d.id),
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: d.code, display: d.description }], text: d.description },
      subject: { reference: patient },
      encounter: ref('Encounter', d.encounterId),
      recordedDate: d.recordedAt,
    }),
    d,
  );
}

function procedure(p: Item, patient: string): Json {
  return withLabels(
    defined({
      resourceType: 'Procedure',
      id: String(p.id),
      status: 'completed',
      code: { coding: [{ system: PROCEDURE_SYSTEMS[p.codeSystem as string] ?? `${FHIR_BASE}CodeSystem/procedure`, code: p.code, display: p.description }], text: p.description },
      subject: { reference: patient },
      encounter: ref('Encounter', p.encounterId),
      performedDateTime: p.performedAt,
    }),
    p,
  );
}

function observation(o: Item, patient: string): Json {
  const r: Json = defined({
    resourceType: 'Observation',
    id: String(o.id),
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: o.loincCode, display: o.display }], text: o.display },
    subject: { reference: patient },
    encounter: ref('Encounter', o.encounterId),
    effectiveDateTime: o.observedAt,
  });
  if (typeof o.value === 'number') {
    r.valueQuantity = o.unit ? { value: o.value, unit: o.unit, system: 'http://unitsofmeasure.org', code: o.unit } : { value: o.value };
  } else if (o.value !== null && o.value !== undefined) {
    r.valueString = String(o.value);
  }
  return withLabels(r, o);
}

function documentReference(n: Item, patient: string): Json {
  const loinc = NOTE_LOINC[n.noteType as string];
  const coding: Json[] = [{ system: `${FHIR_BASE}CodeSystem/note-type`, code: n.noteType }];
  if (loinc) coding.unshift({ system: 'http://loinc.org', ...loinc });
  const encounterRef = ref('Encounter', n.encounterId);
  return withLabels(
    defined({
      resourceType: 'DocumentReference',
      id: String(n.id),
      status: 'current',
      type: { coding, text: n.noteType },
      subject: { reference: patient },
      date: n.authoredAt,
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(String(n.text ?? ''), 'utf8').toString('base64'), creation: n.authoredAt } }],
      context: encounterRef ? { encounter: [encounterRef] } : undefined,
    }),
    n,
  );
}

const MAPPERS: Record<string, { type: string; map: (item: Item, patient: string) => Json }> = {
  encounters: { type: 'Encounter', map: encounter },
  diagnoses: { type: 'Condition', map: condition },
  procedures: { type: 'Procedure', map: procedure },
  observations: { type: 'Observation', map: observation },
  notes: { type: 'DocumentReference', map: documentReference },
};

/**
 * A denied amendment travelling with the disputed item (45 CFR 164.526(d)(5)) as a DocumentReference whose
 * context.related points at the item's resource, which the Bundle carries (a dispute travels only with its item).
 */
function disputeDocument(d: PackagedDispute, patient: string): Json {
  const resourceType = MAPPERS[d.itemType]?.type ?? 'Basic';
  const text = [
    `Amendment request received ${d.request.receivedAt}: ${d.request.requestedChange}`,
    `Justification: ${d.request.justification}`,
    `Denied ${d.denial.decidedAt} (${d.denial.groundCitation}, ${d.denial.ground}): ${d.denial.basis}`,
    ...(d.disagreement ? [`Statement of disagreement: ${d.disagreement}`] : []),
    ...(d.rebuttal ? [`Rebuttal: ${d.rebuttal}`] : []),
  ].join('\n');
  return {
    resourceType: 'DocumentReference',
    id: `amendment-${d.amendmentId}`,
    status: 'current',
    type: { coding: [{ system: `${FHIR_BASE}CodeSystem/document-type`, code: 'amendment-dispute', display: 'Denied amendment request with statements' }], text: 'Denied amendment request' },
    subject: { reference: patient },
    description: `Travels with the disputed information (${d.citation})`,
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from(text, 'utf8').toString('base64'), title: `Amendment ${d.amendmentId}` } }],
    context: { related: [{ reference: `${resourceType}/${d.itemId}` }] },
  };
}

/** The Bundle for a package; `packageSha256` ties it to the stored JSON package it was derived from. */
export function toFhirBundle(pkg: DisclosurePackage, packageSha256: string): Json {
  const patientRef = `Patient/${pkg.patient.id}`;
  const entry: Json[] = [
    {
      fullUrl: `${FHIR_BASE}${patientRef}`,
      resource: {
        resourceType: 'Patient',
        id: String(pkg.patient.id),
        identifier: [{ system: 'urn:hit-records:mrn', value: pkg.patient.mrn }],
        name: [{ family: pkg.patient.name.family, given: [pkg.patient.name.given] }],
        gender: ['female', 'male', 'other', 'unknown'].includes(pkg.patient.sex) ? pkg.patient.sex : 'unknown',
        birthDate: pkg.patient.birthDate,
      },
    },
  ];
  for (const [type, { type: resourceType, map }] of Object.entries(MAPPERS)) {
    for (const item of (pkg.records as Record<string, Item[] | undefined>)[type] ?? []) {
      entry.push({ fullUrl: `${FHIR_BASE}${resourceType}/${String(item.id)}`, resource: map(item, patientRef) });
    }
  }
  for (const d of pkg.amendments ?? []) {
    entry.push({ fullUrl: `${FHIR_BASE}DocumentReference/amendment-${d.amendmentId}`, resource: disputeDocument(d, patientRef) });
  }
  return {
    resourceType: 'Bundle',
    id: `roi-request-${pkg.requestId}`,
    meta: {
      tag: [
        { system: 'urn:hit-records:roi-request', code: String(pkg.requestId) },
        { system: 'urn:hit-records:package-sha256', code: packageSha256 },
      ],
    },
    identifier: { system: 'urn:hit-records:roi-request', value: String(pkg.requestId) },
    type: 'collection',
    timestamp: pkg.generatedAt,
    entry,
  };
}

export function serializeBundle(bundle: Json): { json: string; sha256: string } {
  const json = canonicalJson(bundle);
  return { json, sha256: sha256Hex(json) };
}
