import { careTeamOf, SPECIAL_PATIENTS } from './care-teams';
import type { EncounterClass } from '../src/records/encounter-class';
import type { DemoUsername } from './demo-users';
import {
  Department, ICD10_CODES, Icd10Code, icd10, loinc, LoincCode, PROCEDURE_CODES, ProcedureCode, SensitivityCategory,
} from './icd10';
import type { Lookups, NoteType } from './lookups';
import type { Pools } from './pools';
import { Rng } from './random';
import type { Batch } from './writer';

/**
 * Generates one patient at a time: demographics, care team, and two years of encounters with their diagnoses,
 * procedures, observations and notes, written as flat rows into a Batch. Everything is drawn from the patient's
 * own PRNG stream (seed, patient id), so the same options always give the same rows.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;
/** The history covers the two years before `now`. */
export const HISTORY_DAYS = 730;

type Letter = 'I' | 'O' | 'E';
type Sex = 'female' | 'male' | 'other' | 'unknown';
type Disposition = 'home' | 'home-health' | 'transfer-acute' | 'skilled-nursing' | 'ama' | 'expired' | 'other';

const LETTER: Record<EncounterClass, Letter> = { inpatient: 'I', outpatient: 'O', emergency: 'E' };
const SENSITIVE_CATEGORIES: SensitivityCategory[] = ['substance-use', 'behavioral-health', 'hiv', 'reproductive'];

/** Probability that an index discharge (alive, not transferred, not AMA) is followed within 30 days by an admission. */
const P_UNPLANNED_READMISSION = 0.11;
const P_PLANNED_READMISSION = 0.025;
/** Probability that a random inpatient stay falling within 30 days of an index discharge becomes an office visit. */
const P_FOLLOW_UP_INSTEAD = 0.7;

export interface GeneratorContext {
  seed: number;
  nowMs: number;
  pools: Pools;
  lookups: Lookups;
  /** User id by demo username. */
  users: Record<DemoUsername, number>;
}

/** One encounter to generate: when, which class, and (for planted patients) what it is about. */
interface Slot {
  at: number;
  cls: EncounterClass;
  planned: boolean;
  code?: string;
  los?: number;
  disposition?: Disposition;
  psychotherapy?: boolean;
}

interface Patient {
  id: number;
  rng: Rng;
  sex: Sex;
  birthMs: number;
  chronic: Icd10Code[];
  /** A behavioral-health, substance-use or HIV condition the patient carries (about 12% of patients aged 12 or more). */
  sensitive: Icd10Code | null;
  pregnant: boolean;
  attending: number | null;
  nurse: number | null;
  neverDies: boolean;
}

interface EncounterResult {
  end: number | null;
  disposition: Disposition | null;
}

export interface GeneratedCounts {
  patients: number;
  careTeamMembers: number;
  encounters: number;
  diagnoses: number;
  procedures: number;
  observations: number;
  notes: number;
}

const DELIVERY_CODES = new Set(['O80', 'O48.0', 'O60.14X0', 'O34.211', 'O14.13']);
const CONTRACEPTION = ['Z30.011', 'Z30.430', 'Z31.41'].map(icd10);
const FALLBACK_PRIMARY: Record<Letter, Icd10Code> = { I: icd10('J18.9'), O: icd10('Z09'), E: icd10('R10.9') };
const FALLS = ['W19.XXXA', 'W01.0XXA'].map(icd10);
const CAR_CRASH = icd10('V43.52XA');
const LIVE_BIRTH = icd10('Z37.0');

const OBS = {
  hr: loinc('8867-4'), rr: loinc('9279-1'), sbp: loinc('8480-6'), dbp: loinc('8462-4'), temp: loinc('8310-5'),
  spo2: loinc('59408-5'), sao2: loinc('2708-6'), weight: loinc('29463-7'), bmi: loinc('39156-5'),
  glucose: loinc('2345-7'), a1c: loinc('4548-4'), hiv: loinc('20447-9'), hcg: loinc('2106-3'),
};
const OUTPATIENT_EXTRA = [OBS.hr, OBS.weight, OBS.bmi, OBS.glucose, OBS.temp];
const INPATIENT_LABS = ['2345-7', '2160-0', '718-7', '6690-2', '777-3', '2951-2', '2823-3'].map(loinc);

/** The planted demo patient's history (patient.demo): days before `now`, and what each visit was. */
const DEMO_PATIENT_PLAN: (Omit<Slot, 'at' | 'planned'> & { daysAgo: number })[] = [
  { daysAgo: 610, cls: 'outpatient', code: 'I10' },
  { daysAgo: 430, cls: 'inpatient', code: 'J18.9', los: 4, disposition: 'home' },
  { daysAgo: 410, cls: 'inpatient', code: 'A41.9', los: 5, disposition: 'home-health' },
  { daysAgo: 300, cls: 'outpatient', code: 'F32.1', psychotherapy: true },
  { daysAgo: 272, cls: 'outpatient', code: 'F32.1', psychotherapy: true },
  { daysAgo: 150, cls: 'emergency', code: 'R07.9' },
  { daysAgo: 90, cls: 'outpatient', code: 'E11.9' },
  { daysAgo: 35, cls: 'inpatient', code: 'K35.80', los: 2, disposition: 'home' },
  { daysAgo: 10, cls: 'outpatient', code: 'Z09' },
];

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const dayPrefix = new Map<number, string>();

/**
 * Date.prototype.toISOString, for whole milliseconds, several times faster: it was half the generator's time.
 * The 'YYYY-MM-DDT' part is cached per day.
 */
export function iso(time: number): string {
  const ms = Math.floor(time);
  const day = Math.floor(ms / DAY);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  let rest = ms - day * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MIN);
  rest -= m * MIN;
  const s = Math.floor(rest / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[rest - s * 1000]}Z`;
}
const dayStart = (ms: number) => ms - (ms % DAY);

function fits(code: Icd10Code, age: number, sex: Sex): boolean {
  if (code.sex && code.sex !== sex) return false;
  if (code.minAge !== undefined && age < code.minAge) return false;
  if (code.maxAge !== undefined && age > code.maxAge) return false;
  return true;
}

export class PatientGenerator {
  /** The next encounter id (explicit ids: the seed owns an empty database). */
  private nextEncounterId = 1;
  readonly counts: GeneratedCounts = { patients: 0, careTeamMembers: 0, encounters: 0, diagnoses: 0, procedures: 0, observations: 0, notes: 0 };

  private readonly primaryPool: Record<Letter, Icd10Code[]>;
  private readonly chronicPool: Icd10Code[];
  private readonly secondaryPool: Icd10Code[];
  private readonly sensitivePool = new Map<string, Icd10Code[]>();
  private readonly procedurePool = new Map<string, ProcedureCode[]>();
  private readonly startMs: number;

  constructor(private readonly ctx: GeneratorContext) {
    this.startMs = ctx.nowMs - HISTORY_DAYS * DAY;
    const normal = ICD10_CODES.filter((c) => !c.sensitivity);
    this.primaryPool = {
      I: normal.filter((c) => c.settings.includes('I')),
      O: normal.filter((c) => c.settings.includes('O')),
      E: normal.filter((c) => c.settings.includes('E')),
    };
    this.chronicPool = normal.filter((c) => c.chronic);
    this.secondaryPool = normal.filter((c) => c.chronic || (c.settings === '' && !/^[VW]/.test(c.code)));
    for (const cat of SENSITIVE_CATEGORIES) {
      const codes = ICD10_CODES.filter((c) => c.sensitivity === cat);
      this.sensitivePool.set(`${cat}:chronic`, codes.filter((c) => c.chronic));
      for (const l of ['I', 'O', 'E'] as Letter[]) this.sensitivePool.set(`${cat}:${l}`, codes.filter((c) => c.settings.includes(l)));
    }
  }

  /** Appends one patient and everything in the patient's chart to the batch. */
  generate(id: number, batch: Batch): void {
    const rng = new Rng(this.ctx.seed, id);
    const p = this.makePatient(id, rng);
    const demographics = this.demographics(p);
    const registeredMs = Math.max(p.birthMs, this.startMs - rng.int(0, 3 * 365) * DAY);
    const diedMs = this.history(p, batch);
    const deceasedAt = diedMs === null ? null : iso(diedMs);
    const registered = iso(registeredMs);
    batch.patients.push(
      id, `MRN${String(id).padStart(8, '0')}`, demographics.given, demographics.family, iso(p.birthMs).slice(0, 10), p.sex,
      demographics.street, demographics.place.city, demographics.place.state, demographics.place.postalCode, demographics.phone,
      demographics.vip ? 1 : 0, demographics.userId, deceasedAt, registered, deceasedAt ?? registered,
    );
    this.counts.patients++;
    for (const member of careTeamOf(id)) {
      batch.care_team_members.push(id, this.ctx.users[member.username], member.teamRole, registered, this.ctx.users['him.jones']);
      this.counts.careTeamMembers++;
    }
  }

  private makePatient(id: number, rng: Rng): Patient {
    const r = rng.next();
    const sex: Sex = r < 0.505 ? 'female' : r < 0.99 ? 'male' : r < 0.995 ? 'other' : 'unknown';
    const [youngest, oldest] = rng.weighted(AGE_BANDS);
    const ageYears = rng.int(youngest, oldest);
    const birthMs = dayStart(this.ctx.nowMs - ageYears * YEAR - rng.int(0, 364) * DAY);
    const team = careTeamOf(id);
    const attendingName = team.find((m) => m.teamRole === 'attending')?.username;
    const nurseName = team.find((m) => m.teamRole === 'nurse')?.username;
    const p: Patient = {
      id, rng, sex, birthMs, chronic: [], sensitive: null, pregnant: false,
      attending: attendingName ? this.ctx.users[attendingName] : null,
      nurse: nurseName ? this.ctx.users[nurseName] : null,
      neverDies: Object.values(SPECIAL_PATIENTS).includes(id as never),
    };
    const age = this.ageAt(p, this.ctx.nowMs);
    const chronicCount = age < 18 ? rng.int(0, 1) : age < 50 ? rng.int(0, 2) : rng.int(1, 3);
    for (let i = 0; i < chronicCount; i++) {
      const c = this.pickFitting(rng, this.chronicPool, age, sex);
      if (c && !p.chronic.includes(c)) p.chronic.push(c);
    }
    if (age >= 12 && rng.chance(0.12)) {
      const cat = rng.weighted(SENSITIVE_PROFILE);
      p.sensitive = this.pickFitting(rng, this.sensitivePool.get(`${cat}:chronic`)!, age, sex) ?? null;
    }
    p.pregnant = sex === 'female' && age >= 16 && age <= 44 && rng.chance(0.15);

    if (id === SPECIAL_PATIENTS.demoPatient) {
      Object.assign(p, { sex: 'female', birthMs: Date.UTC(1979, 5, 14), chronic: [icd10('I10'), icd10('E11.9')], sensitive: icd10('F32.1'), pregnant: false });
    } else if (id === SPECIAL_PATIENTS.nurseOwnRecord) {
      Object.assign(p, { sex: 'female', birthMs: Date.UTC(1991, 2, 8) });
    } else if (id === SPECIAL_PATIENTS.sameSurnameAsNurse) {
      Object.assign(p, { sex: 'male', birthMs: Date.UTC(1958, 8, 22), pregnant: false });
    }
    return p;
  }

  private demographics(p: Patient) {
    const { rng } = p;
    const pools = this.ctx.pools;
    const female = p.sex === 'female' || (p.sex !== 'male' && rng.chance(0.5));
    const d = {
      given: rng.pick(female ? pools.femaleGiven : pools.maleGiven),
      family: rng.pick(pools.family),
      street: rng.pick(pools.streets),
      place: rng.pick(pools.places),
      phone: rng.pick(pools.phones),
      vip: rng.chance(0.02),
      userId: null as number | null,
    };
    const u = this.ctx.users;
    switch (p.id) {
      case SPECIAL_PATIENTS.demoPatient:
        return { ...d, given: 'Jordan', family: 'Rivera', vip: false, userId: u['patient.demo'] };
      case SPECIAL_PATIENTS.nurseOwnRecord:
        return { ...d, given: 'Priya', family: 'Patel', vip: false, userId: u['nurse.patel'] };
      case SPECIAL_PATIENTS.sameSurnameAsNurse:
        return { ...d, given: 'Raj', family: 'Patel', vip: false };
      case SPECIAL_PATIENTS.vipOffCareTeam:
        return { ...d, vip: true };
      default:
        return d;
    }
  }

  /**
   * The patient's visits in time order: random visit times over the history (about 10 on average, none before
   * birth); a stay is never overlapped; after an index discharge an unplanned (or a planned) readmission may be
   * scheduled within 30 days; a death in hospital ends the history. Returns the time of death, if any.
   */
  private history(p: Patient, batch: Batch): number | null {
    const { rng } = p;
    const now = this.ctx.nowMs;
    if (p.id === SPECIAL_PATIENTS.demoPatient) {
      for (const s of DEMO_PATIENT_PLAN) {
        const day = dayStart(now - s.daysAgo * DAY);
        const at = day + (s.cls === 'outpatient' ? 9 * HOUR : 7 * HOUR) + rng.int(0, 20) * 15 * MIN;
        this.encounter(p, { ...s, planned: false, at }, batch);
      }
      return null;
    }
    const from = Math.max(this.startMs, p.birthMs + DAY);
    const n = Math.min(60, 1 + Math.floor(-Math.log(1 - rng.next()) * 9.6));
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = from + rng.next() * (now - from);
    times.sort();

    let cursor = from;
    let lastIndexDischarge = -Infinity;
    let pending: Slot | null = null;
    let k = 0;
    for (let made = 0; made < n; ) {
      let slot: Slot;
      if (pending && (k >= n || pending.at <= times[k])) {
        slot = pending;
        pending = null;
      } else if (k < n) {
        let cls = pickClass(rng);
        let at = times[k++];
        // Soon after a discharge the next visit is mostly a follow-up: keeps the 30-day readmission rate realistic.
        if (cls === 'inpatient' && at - lastIndexDischarge < 30 * DAY && rng.chance(P_FOLLOW_UP_INSTEAD)) cls = 'outpatient';
        if (cls === 'outpatient') at = dayStart(at) + 8 * HOUR + rng.int(0, 35) * 15 * MIN;
        slot = { at, cls, planned: false };
      } else break;
      if (slot.at >= now) break;
      if (slot.at < cursor + 2 * HOUR) continue;
      const r = this.encounter(p, slot, batch);
      made++;
      if (r.disposition === 'expired') return r.end;
      if (r.end === null) return null;
      cursor = r.end;
      if (slot.cls === 'inpatient' && isIndexDisposition(r.disposition)) lastIndexDischarge = r.end;
      if (slot.cls === 'inpatient' && !pending && isIndexDisposition(r.disposition)) {
        if (rng.chance(P_UNPLANNED_READMISSION)) {
          pending = { at: r.end + rng.int(1, 28) * DAY + rng.int(-6, 6) * HOUR, cls: 'inpatient', planned: false };
        } else if (rng.chance(P_PLANNED_READMISSION)) {
          pending = { at: dayStart(r.end) + rng.int(7, 28) * DAY + 7 * HOUR, cls: 'inpatient', planned: true };
        }
      }
    }
    return null;
  }

  private encounter(p: Patient, slot: Slot, batch: Batch): EncounterResult {
    const { rng } = p;
    const id = this.nextEncounterId++;
    const at = slot.at;
    const age = this.ageAt(p, at);
    const L = LETTER[slot.cls];
    const primary = slot.code ? icd10(slot.code) : this.pickPrimary(p, L, age);
    const dept: Department = slot.cls === 'emergency' ? 'Emergency Medicine' : departmentFor(primary, age);

    let end: number;
    let disposition: Disposition | null = null;
    if (slot.cls === 'outpatient') {
      end = at + rng.int(15, 60) * MIN;
    } else if (slot.cls === 'emergency') {
      end = at + rng.int(90, 720) * MIN;
      disposition = pickEmergencyDisposition(rng);
    } else {
      end = stayEnd(rng, at, slot.los ?? pickLengthOfStay(rng));
      disposition = slot.disposition ?? this.pickInpatientDisposition(p, age);
    }
    const ongoing = end > this.ctx.nowMs;
    if (ongoing) disposition = null;

    const cat = primary.sensitivity;
    const admitted = iso(at);
    const discharged = ongoing ? null : iso(end);
    const by = p.attending;
    batch.encounters.push(id, p.id, slot.cls, admitted, discharged, dept, by, disposition, slot.planned ? 1 : 0, this.dx(primary));
    this.counts.encounters++;

    const last = ongoing ? this.ctx.nowMs - MIN : end;
    this.diagnoses(p, id, primary, age, iso(Math.min(at + rng.int(10, 90) * MIN, last)), batch);
    this.procedures(p, id, slot.cls, dept, cat, at, last, batch);
    this.observations(p, id, slot.cls, primary, at, last, batch);
    this.notes(p, id, slot, primary, at, ongoing ? null : end, batch);
    return { end: ongoing ? null : end, disposition };
  }

  private diagnoses(p: Patient, encounterId: number, primary: Icd10Code, age: number, recorded: string, batch: Batch): void {
    const { rng } = p;
    const codes = [primary];
    const extra = (rng.chance(0.45) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);
    for (let i = 0; i < extra; i++) {
      const c = p.sensitive && rng.chance(0.3) ? p.sensitive
        : p.chronic.length && rng.chance(0.6) ? rng.pick(p.chronic)
        : this.pickFitting(rng, this.secondaryPool, age, p.sex);
      if (c && !codes.includes(c)) codes.push(c);
    }
    if (primary.code.startsWith('S') && rng.chance(0.6)) codes.push(age >= 16 && rng.chance(0.25) ? CAR_CRASH : rng.pick(FALLS));
    if (DELIVERY_CODES.has(primary.code)) codes.push(LIVE_BIRTH);
    const by = p.attending;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      batch.diagnoses.push(encounterId, p.id, this.dx(c), i === 0 ? 1 : 0, recorded, by);
    }
    this.counts.diagnoses += codes.length;
  }

  private procedures(p: Patient, encounterId: number, cls: EncounterClass, dept: Department, cat: SensitivityCategory | null, at: number, last: number, batch: Batch): void {
    const { rng } = p;
    const n = cls === 'inpatient' ? (rng.chance(0.3) ? 2 : 1) : cls === 'outpatient' ? (rng.chance(0.35) ? 1 : 0) : rng.chance(0.6) ? 1 : 0;
    if (n === 0) return;
    const pool = this.procedurePoolFor(dept, LETTER[cls], cat);
    let previous: ProcedureCode | null = null;
    for (let i = 0; i < n; i++) {
      const proc = rng.pick(pool);
      if (proc === previous) continue;
      previous = proc;
      const performed = iso(at + rng.next() * (last - at));
      batch.procedures.push(encounterId, p.id, this.ctx.lookups.procedureIndex.get(proc)!, performed, p.attending);
      this.counts.procedures++;
    }
  }

  private observations(p: Patient, encounterId: number, cls: EncounterClass, primary: Icd10Code, at: number, last: number, batch: Batch): void {
    const { rng } = p;
    const vitalsAt = iso(Math.min(at + rng.int(5, 40) * MIN, last));
    const by = cls === 'outpatient' ? p.attending : p.nurse ?? p.attending;
    const add = (code: LoincCode, when: string) => this.observation(rng, encounterId, p.id, code, when, by, batch);
    if (cls !== 'outpatient') add(OBS.hr, vitalsAt);
    add(OBS.sbp, vitalsAt);
    add(OBS.dbp, vitalsAt);
    if (cls === 'outpatient') {
      if (rng.chance(0.4)) add(primary.code.startsWith('E1') ? OBS.a1c : rng.pick(OUTPATIENT_EXTRA), vitalsAt);
    } else if (cls === 'emergency') {
      if (rng.chance(0.5)) add(OBS.spo2, vitalsAt);
      if (rng.chance(0.3)) add(OBS.temp, vitalsAt);
    } else {
      add(OBS.spo2, vitalsAt);
      if (primary.code === 'J96.01') add(OBS.sao2, vitalsAt);
      const labsAt = iso(Math.min(at + rng.int(60, 300) * MIN, last));
      const first = rng.int(0, INPATIENT_LABS.length - 1);
      add(INPATIENT_LABS[first], labsAt);
      add(INPATIENT_LABS[(first + rng.int(1, INPATIENT_LABS.length - 1)) % INPATIENT_LABS.length], labsAt);
    }
    if (primary.sensitivity === 'hiv' && cls === 'outpatient') add(OBS.hiv, vitalsAt);
    if (primary.sensitivity === 'reproductive' && cls !== 'inpatient' && rng.chance(0.5)) add(OBS.hcg, vitalsAt);
  }

  private observation(rng: Rng, encounterId: number, patientId: number, code: LoincCode, when: string, by: number | null, batch: Batch): void {
    let value: number | string;
    if (code.textValues) {
      value = code.textValues[0];
    } else {
      const scale = 10 ** code.decimals;
      value = Math.round((code.min + ((rng.next() + rng.next()) / 2) * (code.max - code.min)) * scale) / scale;
    }
    batch.observations.push(encounterId, patientId, this.ctx.lookups.loincIndex.get(code)!, value, when, by);
    this.counts.observations++;
  }

  private notes(p: Patient, encounterId: number, slot: Slot, primary: Icd10Code, at: number, end: number | null, batch: Batch): void {
    const { rng } = p;
    const add = (type: NoteType, when: number, author: number | null) => this.note(p, encounterId, type, primary, when, author, batch);
    const last = end ?? this.ctx.nowMs - MIN;
    if (slot.cls === 'inpatient') {
      add('history-physical', Math.min(at + rng.int(60, 180) * MIN, last), p.attending);
      add('nursing', Math.min(at + rng.int(240, 480) * MIN, last), p.nurse);
      if (last - at > 2 * DAY) add('progress', at + DAY + rng.int(0, 600) * MIN, p.attending);
      if (end !== null) add('discharge-summary', end, p.attending);
    } else {
      add('progress', Math.min(at + rng.int(10, 60) * MIN, last), p.attending);
      if (slot.cls === 'emergency' && rng.chance(0.3)) add('nursing', Math.min(at + rng.int(20, 90) * MIN, last), p.nurse);
    }
    const psychotherapy = slot.psychotherapy
      || (slot.cls === 'outpatient' && primary.sensitivity === 'behavioral-health' && p.attending !== null && rng.chance(0.4));
    if (psychotherapy) add('psychotherapy', Math.min(at + rng.int(50, 70) * MIN, last), p.attending);
  }

  private note(p: Patient, encounterId: number, type: NoteType, primary: Icd10Code, whenMs: number, author: number | null, batch: Batch): void {
    const range = this.ctx.lookups.noteRange[type];
    const body = range.first + Math.floor(p.rng.next() * range.count);
    batch.clinical_notes.push(encounterId, p.id, body, author, this.dx(primary), iso(whenMs));
    this.counts.notes++;
  }

  private pickPrimary(p: Patient, L: Letter, age: number): Icd10Code {
    const { rng } = p;
    if (p.sensitive && rng.chance(0.4)) {
      const pool = this.sensitivePool.get(`${p.sensitive.sensitivity}:${L}`)!;
      const c = pool.includes(p.sensitive) && rng.chance(0.6) ? p.sensitive : this.pickFitting(rng, pool, age, p.sex);
      if (c) return c;
    }
    if (p.pregnant && rng.chance(0.4)) {
      const c = this.pickFitting(rng, this.sensitivePool.get(`reproductive:${L}`)!, age, p.sex);
      if (c) return c;
    }
    if (L === 'O') {
      const chronic = p.chronic.filter((c) => c.settings.includes('O'));
      if (chronic.length && rng.chance(0.45)) return rng.pick(chronic);
      if (!p.pregnant && fits(CONTRACEPTION[0], age, p.sex) && rng.chance(0.04)) return rng.pick(CONTRACEPTION);
    }
    return this.pickFitting(rng, this.primaryPool[L], age, p.sex) ?? FALLBACK_PRIMARY[L];
  }

  private pickInpatientDisposition(p: Patient, age: number): Disposition {
    const { rng } = p;
    const pExpired = p.neverDies ? 0 : age < 50 ? 0.008 : age < 75 ? 0.025 : 0.055;
    if (rng.chance(pExpired)) return 'expired';
    const r = rng.next();
    const snf = age >= 65 ? 0.2 : 0.03;
    if (r < 0.03) return 'transfer-acute';
    if (r < 0.05) return 'ama';
    if (r < 0.05 + snf) return 'skilled-nursing';
    if (r < 0.18 + snf) return 'home-health';
    if (r < 0.19 + snf) return 'other';
    return 'home';
  }

  private pickFitting(rng: Rng, pool: readonly Icd10Code[], age: number, sex: Sex): Icd10Code | undefined {
    if (pool.length === 0) return undefined;
    for (let i = 0; i < 12; i++) {
      const c = rng.pick(pool);
      if (fits(c, age, sex)) return c;
    }
    return undefined;
  }

  private procedurePoolFor(dept: Department, L: Letter, cat: SensitivityCategory | null): ProcedureCode[] {
    const key = `${dept}:${L}:${cat ?? ''}`;
    let pool = this.procedurePool.get(key);
    if (!pool) {
      const here = PROCEDURE_CODES.filter((c) => c.departments.includes(dept) && c.settings.includes(L));
      pool = here.filter((c) => c.sensitivity === cat);
      if (pool.length === 0) pool = here.filter((c) => c.sensitivity === null);
      if (pool.length === 0) pool = PROCEDURE_CODES.filter((c) => c.sensitivity === null && c.settings === L && c.code.startsWith('99'));
      this.procedurePool.set(key, pool);
    }
    return pool;
  }

  private dx(code: Icd10Code): number {
    return this.ctx.lookups.dxIndex.get(code)!;
  }

  private ageAt(p: Patient, ms: number): number {
    return Math.max(0, Math.floor((ms - p.birthMs) / YEAR));
  }
}

/** Age at `now` in years: a band picked by weight (hospital patients skew older), then a year inside it. */
const AGE_BANDS: (readonly [readonly [number, number], number])[] = [
  [[0, 17], 0.16],
  [[18, 39], 0.24],
  [[40, 64], 0.33],
  [[65, 84], 0.22],
  [[85, 99], 0.05],
];

const SENSITIVE_PROFILE: (readonly [SensitivityCategory, number])[] = [
  ['behavioral-health', 0.6],
  ['substance-use', 0.3],
  ['hiv', 0.1],
];

/** An index stay for the 30-day readmission measure: discharged alive, not transferred, not against advice. */
function isIndexDisposition(d: Disposition | null): boolean {
  return d === 'home' || d === 'home-health' || d === 'skilled-nursing' || d === 'other';
}

function pickClass(rng: Rng): EncounterClass {
  const r = rng.next();
  return r < 0.2 ? 'inpatient' : r < 0.8 ? 'outpatient' : 'emergency';
}

/** Length of stay in days: some same-day stays, mostly 2-6 days, a tail to 20. */
function pickLengthOfStay(rng: Rng): number {
  const r = rng.next();
  if (r < 0.07) return 0;
  if (r < 0.2) return 1;
  if (r < 0.76) return rng.int(2, 6);
  if (r < 0.95) return rng.int(7, 12);
  return rng.int(13, 20);
}

function stayEnd(rng: Rng, at: number, los: number): number {
  if (los === 0) return Math.max(at + HOUR, Math.min(at + rng.int(3, 10) * HOUR, dayStart(at) + DAY - MIN));
  return dayStart(at) + los * DAY + rng.int(10 * 60, 17 * 60) * MIN;
}

function pickEmergencyDisposition(rng: Rng): Disposition {
  const r = rng.next();
  if (r < 0.02) return 'transfer-acute';
  if (r < 0.05) return 'ama';
  if (r < 0.1) return 'other';
  return 'home';
}

function departmentFor(primary: Icd10Code, age: number): Department {
  const d = primary.department;
  if (age < 18 && (d === 'Internal Medicine' || d === 'Cardiology' || d === 'Neurology')) return 'Pediatrics';
  return d;
}
