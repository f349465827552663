import { base, en, en_US, Faker } from '@faker-js/faker';

/**
 * Pools of synthetic names, addresses and note text, made once by a seeded faker and then picked from with the
 * seeded PRNG. Calling faker per row would cost most of the seed's time budget; a few thousand values are
 * plenty of variety. Nothing here is real PHI: faker invents it all.
 */
export interface Pools {
  femaleGiven: string[];
  maleGiven: string[];
  family: string[];
  streets: string[];
  places: { city: string; state: string; postalCode: string }[];
  phones: string[];
  notes: Record<NoteBodyKind, string[]>;
}

export type NoteBodyKind = 'history-physical' | 'progress' | 'nursing' | 'discharge-summary' | 'psychotherapy';

export const FAKER_SEED = 20261101;

const SUBJECTIVE = [
  'reports symptoms for {n} days', 'denies fever or chills', 'symptoms began gradually', 'tolerating diet without nausea',
  'pain rated {n}/10', 'reports improved energy since last visit', 'sleeping poorly', 'taking medications as prescribed',
  'denies chest pain or palpitations', 'reports mild shortness of breath on exertion', 'no new complaints',
  'family at bedside and updated', 'reports occasional dizziness when standing',
];
const OBJECTIVE = [
  'alert and oriented x3', 'lungs clear to auscultation bilaterally', 'regular rate and rhythm, no murmurs',
  'abdomen soft, non-tender, non-distended', 'no peripheral edema', 'mild bibasilar crackles', 'skin warm and dry',
  'gait steady', 'cranial nerves II-XII grossly intact', 'mucous membranes moist', 'surgical site clean without erythema',
];
const PLAN = [
  'continue current medications', 'follow up in {n} weeks', 'labs ordered for next visit', 'patient educated on warning signs',
  'medication reconciliation completed', 'referral placed', 'return precautions reviewed', 'increase activity as tolerated',
  'repeat imaging in {n} months', 'adjust dose and recheck in {n} days', 'diet and exercise counseling provided',
];
const NURSING = [
  'Vital signs stable', 'Ambulating with assistance', 'Fall precautions in place', 'IV site clean, dry and intact',
  'Pain reassessed {n} minutes after medication', 'Resting comfortably', 'Call light within reach', 'Tolerating oral intake',
  'Skin intact, turned every 2 hours', 'Patient and family education provided', 'Intake and output recorded',
];
const DISCHARGE = [
  'Hospital course uncomplicated', 'Discharged in stable condition', 'Follow-up appointment in {n} days',
  'Discharge medications reviewed with patient', 'Diet as tolerated', 'Activity as tolerated, no heavy lifting for {n} weeks',
  'Home health referral placed', 'Patient verbalized understanding of instructions', 'Pending results to be followed by primary care',
];
const PSYCHOTHERAPY = [
  'Session focused on coping strategies', 'Explored recent stressors at work and at home', 'Practiced cognitive restructuring',
  'Patient reports sleep improved to {n} hours', 'Homework: daily thought record', 'Continue weekly sessions',
  'Discussed grief and family relationships', 'Reviewed safety plan; no current intent', 'Mood described as low but improving',
  'Processed childhood memories raised last session', 'Worked on assertive communication',
];

export function buildPools(seed = FAKER_SEED): Pools {
  const faker = new Faker({ locale: [en_US, en, base] });
  faker.seed(seed);
  const many = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);
  const fill = (s: string) =>
    s.charAt(0).toUpperCase() + s.slice(1).replace(/\{n\}/g, () => String(faker.number.int({ min: 2, max: 12 })));
  const body = (phrases: string[], min: number, max: number) =>
    faker.helpers
      .arrayElements(phrases, { min, max })
      .map(fill)
      .join('. ') + '.';
  const clinical = () =>
    `S: ${body(SUBJECTIVE, 1, 2)} O: ${body(OBJECTIVE, 1, 2)} P: ${body(PLAN, 1, 2)}`;

  return {
    femaleGiven: unique(many(600, () => faker.person.firstName('female'))),
    maleGiven: unique(many(600, () => faker.person.firstName('male'))),
    family: unique(many(1500, () => faker.person.lastName())),
    streets: many(2000, () => faker.location.streetAddress()),
    places: many(600, () => ({
      city: faker.location.city(),
      state: faker.location.state({ abbreviated: true }),
      postalCode: faker.location.zipCode('#####'),
    })),
    phones: many(2000, () => faker.phone.number({ style: 'national' })),
    notes: {
      'history-physical': many(300, clinical),
      progress: many(300, clinical),
      nursing: many(300, () => body(NURSING, 2, 4)),
      'discharge-summary': many(300, () => body(DISCHARGE, 2, 4)),
      psychotherapy: many(200, () => body(PSYCHOTHERAPY, 2, 4)),
    },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
