/**
 * The classes of encounter the records model knows (FHIR R4 Encounter.class: IMP, AMB and EMER of
 * v3-ActCode; src/release-of-information/fhir-bundle.ts maps them). A module of its own so that the seed and the
 * pure rules use the list without loading the request DTOs.
 */
export const ENCOUNTER_CLASSES = ['inpatient', 'outpatient', 'emergency'] as const;
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];
