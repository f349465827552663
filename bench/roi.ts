/**
 * Release-of-information fulfilment: a request covering every item of a patient with 2,000 record items
 * (encounters, diagnoses, procedures, observations and notes, about a tenth of them restricted), on a temp SQLite
 * file with the service's pragmas (WAL, synchronous=FULL).
 *
 *   measured  the fulfil transition through RoiWorkflowService, as the API runs it: the access policy, the scoped read, the
 *             item-by-item policy decisions, the JSON package and its SHA-256, the FHIR R4 Bundle and its SHA-256,
 *             the fee, the disclosure row, the stored package, the history and the audit rows, one commit
 *             -- and, for the breakdown, the same build steps timed one by one, and the downloads (json, fhir)
 *   reference the plain SQL reads of the same items (bench/reference/roi-plain-reads.ts)
 *   target    fulfilment (both formats) under 1 s
 *
 *   npm run bench:roi -- --items 2000 --rounds 5
 */
import './support/bench-env';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DataSource } from 'typeorm';
import { seedAccessCatalogue } from '../seed/generator';
import { AccessPolicyService } from '../src/access/access-policy.service';
import { PrivacyFactsRepository } from '../src/access/privacy-facts.repository';
import { DEFAULT_ROLE_MATRIX } from '../src/access/catalogue';
import type { Permission } from '../src/access/catalogue';
import { AuditWriter } from '../src/audit/audit.writer';
import { Clock } from '../src/common/clock';
import type { RequestContext } from '../src/common/request-context';
import type { AppConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source';
import { Db } from '../src/database/db';
import { DisclosuresService } from '../src/release-of-information/disclosures.service';
import { serializeBundle, toFhirBundle } from '../src/release-of-information/fhir-bundle';
import { limitsOf } from '../src/access/item-visibility';
import { visibleChart } from '../src/records';
import { buildPackage, packageItems, serializePackage } from '../src/release-of-information/package-builder';
import { RoiScopeRegistry } from '../src/release-of-information/roi-scope.source';
import { parseRoiSettings } from '../src/release-of-information/roi-settings';
import { RolePermissionsRepository } from '../src/access/role-permissions.repository';
import { UsersRepository } from '../src/auth/users.repository';
import { PatientsRepository } from '../src/records/patients.repository';
import { RoiDisclosureService } from '../src/release-of-information/roi-disclosure.service';
import { RoiRequestsRepository, RoiRow } from '../src/release-of-information/roi-request.repository';
import { RoiRequestView, scopeOfRow } from '../src/release-of-information/roi-request.view';
import { RoiIntakeService } from '../src/release-of-information/roi-intake.service';
import { AccountingSuspensionsRepository } from '../src/release-of-information/accounting-suspensions.repository';
import { ConfidentialCommunicationsRepository } from '../src/release-of-information/confidential-communications.repository';
import { AccessDenialService } from '../src/release-of-information/access-denial.service';
import { RoiWorkflowService } from '../src/release-of-information/roi-workflow.service';
import { ScopedRecordReader } from '../src/release-of-information/scoped-record-reader';
import { runPlainReads } from './reference/roi-plain-reads';

const TARGET_SECONDS = 1;
const HMAC_KEY = 'bench-roi-hmac-key-0123456789abcdef0123456789abcdef';

interface Options {
  items: number;
  rounds: number;
  dir: string;
  json: boolean;
  strict: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function parseOptions(argv: string[]): Options {
  return new Command()
    .name('bench:roi')
    .description('Fulfilment of a release-of-information request (JSON package + FHIR Bundle, hashed, recorded) against the plain SQL reads of the same items.')
    .option('-n, --items <n>', 'record items of the patient (encounters included)', positiveInt, 2000)
    .option('-r, --rounds <n>', 'fulfilments to time (a fresh approved request each); the verdict uses the median', positiveInt, 5)
    .option('--dir <path>', 'where to create the temp database file', tmpdir())
    .option('--json', 'also print the figures as one JSON line', false)
    .option('--strict', 'exit with status 1 when the target is missed', false)
    .addHelpText('after', `\nTarget: fulfilment in both formats under ${TARGET_SECONDS} s.`)
    .parse(argv)
    .opts<Options>();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;
async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const out = await fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e9];
}

/** A patient with `items` record items over two years: 5% encounters, then diagnoses, procedures, observations, notes. */
function insertPatient(db: Db, items: number): number {
  const s = db.sqlite;
  const now = '2026-11-01T00:00:00.000Z';
  const patientId = Number(s.prepare(
    `INSERT INTO patients (mrn, given_name, family_name, birth_date, sex, version, created_at, updated_at)
     VALUES ('BENCH-ROI', 'Bench', 'Patient', '1970-01-01', 'female', 1, ?, ?)`,
  ).run(now, now).lastInsertRowid);
  const encounters = Math.max(1, Math.round(items * 0.05));
  const rest = items - encounters;
  const counts = { diagnoses: Math.round(rest * 0.2), procedures: Math.round(rest * 0.15), notes: Math.round(rest * 0.15) };
  const observations = rest - counts.diagnoses - counts.procedures - counts.notes;
  const start = Date.parse('2024-11-01T00:00:00.000Z');
  const at = (i: number, n: number) => new Date(start + Math.floor((i / n) * 730) * 86_400_000 + 3_600_000).toISOString();
  const categories = ['behavioral-health', 'substance-use', 'hiv', 'reproductive'];
  const sensitivity = (i: number): [string, string | null] => (i % 10 === 3 ? ['restricted', categories[(i / 10) % 4 | 0]] : ['normal', null]);
  const encounterIds: number[] = [];
  s.transaction(() => {
    const enc = s.prepare(`INSERT INTO encounters (patient_id, encounter_class, admitted_at, discharged_at, department, disposition, reason, sensitivity, sensitivity_category, created_at, updated_at)
      VALUES (?, 'outpatient', ?, ?, 'Medicine', 'home', 'Visit', ?, ?, ?, ?)`);
    for (let i = 0; i < encounters; i++) {
      const [sens, cat] = sensitivity(i);
      encounterIds.push(Number(enc.run(patientId, at(i, encounters), at(i, encounters), sens, cat, now, now).lastInsertRowid));
    }
    const e = (i: number, n: number) => encounterIds[Math.min(encounterIds.length - 1, Math.floor((i / n) * encounterIds.length))];
    const dx = s.prepare(`INSERT INTO diagnoses (encounter_id, patient_id, code, description, chapter, is_primary, recorded_at, sensitivity, sensitivity_category, created_at, updated_at)
      VALUES (?, ?, 'I10', 'Essential (primary) hypertension', 'IX', 0, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < counts.diagnoses; i++) dx.run(e(i, counts.diagnoses), patientId, at(i, counts.diagnoses), ...sensitivity(i), now, now);
    const pr = s.prepare(`INSERT INTO procedures (encounter_id, patient_id, code_system, code, description, performed_at, sensitivity, sensitivity_category, created_at, updated_at)
      VALUES (?, ?, 'CPT', '99213', 'Office visit, established patient', ?, ?, ?, ?, ?)`);
    for (let i = 0; i < counts.procedures; i++) pr.run(e(i, counts.procedures), patientId, at(i, counts.procedures), ...sensitivity(i), now, now);
    const ob = s.prepare(`INSERT INTO observations (encounter_id, patient_id, loinc_code, display, value_num, unit, observed_at, sensitivity, sensitivity_category, created_at, updated_at)
      VALUES (?, ?, '8867-4', 'Heart rate', ?, '/min', ?, ?, ?, ?, ?)`);
    for (let i = 0; i < observations; i++) ob.run(e(i, observations), patientId, 60 + (i % 40), at(i, observations), ...sensitivity(i), now, now);
    const nt = s.prepare(`INSERT INTO clinical_notes (encounter_id, patient_id, note_type, author_user_id, text, authored_at, sensitivity, sensitivity_category, created_at, updated_at)
      VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`);
    const text = 'Subjective: patient reports feeling well. Objective: vitals stable. Assessment and plan: continue current medications. '.repeat(12);
    for (let i = 0; i < counts.notes; i++) {
      const psych = i % 25 === 7;
      const [sens, cat] = psych ? ['restricted', 'psychotherapy'] : sensitivity(i);
      nt.run(e(i, counts.notes), patientId, psych ? 'psychotherapy' : 'progress', text, at(i, counts.notes), sens, cat, now, now);
    }
  })();
  return patientId;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv);
  const dir = mkdtempSync(join(opts.dir, 'roi-bench-'));
  const file = join(dir, 'roi.sqlite');
  const ds = new DataSource(dataSourceOptions({ SQLITE_PATH: file }));
  try {
    await ds.initialize();
    await ds.runMigrations();
    const db = new Db(ds);
    await seedAccessCatalogue(db);
    const stamp = new Date().toISOString();
    db.sqlite.prepare(`INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (1, 'roi.garcia', 'Rosa Garcia', 'roi_specialist', 'x', ?, ?)`).run(stamp, stamp);
    db.sqlite.prepare(`INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (2, 'roi.nguyen', 'Tuan Nguyen', 'roi_specialist', 'x', ?, ?)`).run(stamp, stamp);
    const patientId = insertPatient(db, opts.items);
    db.sqlite.exec('ANALYZE');

    const clock = new Clock();
    const config = { get: (k: string) => (k === 'AUDIT_HMAC_KEY' ? HMAC_KEY : undefined) } as unknown as AppConfig;
    const audit = new AuditWriter(db, clock, config);
    const policy = new AccessPolicyService(db, clock, audit, new RoiScopeRegistry(db), new PrivacyFactsRepository(db));
    const patients = new PatientsRepository(db);
    const reader = new ScopedRecordReader(patients);
    const users = new UsersRepository(db, patients, new RolePermissionsRepository(db));
    const requests = new RoiRequestsRepository(db, patients, users);
    const communications = new ConfidentialCommunicationsRepository();
    const view = new RoiRequestView(requests, policy, communications);
    const disclosure = new RoiDisclosureService(db, clock, policy, audit, requests, view, reader, new DisclosuresService(db, clock, new AccountingSuspensionsRepository()), parseRoiSettings({}), communications);
    // The API's two entry points the bench measures: transitions (fulfil) and the package download.
    const denials = new AccessDenialService(db, clock, policy, audit, requests, view, reader, users);
    const workflow = new RoiWorkflowService(db, clock, policy, audit, requests, view, disclosure, denials);
    const intake = new RoiIntakeService(db, clock, policy, audit, requests, view, parseRoiSettings({}));
    const roi = { create: intake.create.bind(intake), transition: workflow.transition.bind(workflow), package: disclosure.package.bind(disclosure) };
    const user = {
      id: 1, username: 'roi.garcia', displayName: 'Rosa Garcia', role: 'roi_specialist' as const, patientId: null,
      permissions: new Set<Permission>(DEFAULT_ROLE_MATRIX.roi_specialist.permissions),
    };
    const ctx: RequestContext = { user, requestId: 'bench', clientIp: '127.0.0.1', userAgent: 'bench:roi', purposeOfUse: null };
    // The request is worked by another ROI specialist than the one who logged it (separation of duties).
    const clerk: RequestContext = { ...ctx, user: { ...user, id: 2, username: 'roi.nguyen', displayName: 'Tuan Nguyen' } };
    const today = stamp.slice(0, 10);
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

    /** An approved request covering everything the patient has; the authorization names two restricted categories. */
    const approvedRequest = async (): Promise<number> => {
      const created = await roi.create(ctx, {
        patientId, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', requesterAddress: '100 Main St', purpose: 'Claim',
        recordTypes: ['encounters', 'diagnoses', 'procedures', 'observations', 'notes'], format: 'electronic',
        authorization: {
          description: 'The complete record', discloser: 'HIT Teaching Hospital', recipient: 'Smith & Jones LLP', purpose: 'Claim',
          expiresOn: inAYear, signedBy: 'Bench Patient', signedOn: today, statements: { rightToRevoke: true, conditioning: true, redisclosure: true },
          categories: ['behavioral-health', 'substance-use'],
          part2Consent: {
            patientName: 'Bench Patient', discloser: 'HIT Teaching Hospital', information: 'Substance use diagnoses and treatment', recipient: 'Smith & Jones LLP',
            purpose: 'Claim', rightToRevoke: true, expiresOn: inAYear, signedBy: 'Bench Patient', signedOn: today,
          },
        },
      });
      let version = created.version;
      for (const action of ['verify-identity', 'validate-authorization', 'begin-review', 'approve'] as const) {
        version = (await roi.transition(clerk, created.id, { action, version })).version;
      }
      return created.id;
    };

    console.log(`roi fulfilment: patient with ${opts.items.toLocaleString('en-US')} record items, ${opts.rounds} round(s), ${file} (load average ${loadavg()[0].toFixed(2)})`);

    // Warm-up: one full fulfilment (statement caches, JIT), not counted.
    await roi.transition(clerk, await approvedRequest(), { action: 'fulfil', version: 5 });

    const fulfil: number[] = [];
    const read: number[] = [];
    const build: number[] = [];
    const json: number[] = [];
    const fhir: number[] = [];
    const downloadJson: number[] = [];
    const downloadFhir: number[] = [];
    let lastCounts = { included: 0, withheld: 0, jsonBytes: 0, fhirBytes: 0 };
    for (let k = 0; k < opts.rounds; k++) {
      const id = await approvedRequest();
      // The breakdown: the same steps as the fulfilment, one by one (reads only, nothing written).
      const row = (await db.one<RoiRow>('SELECT * FROM roi_requests WHERE id = $1', [id]))!;
      const scope = scopeOfRow(row);
      const grant = await policy.require(clerk, 'clinical:read', patientId, { resourceType: 'roi-request', resourceId: id });
      const [rows, tRead] = await time(() => reader.read(db, patientId, scope));
      const caller = policy.callerFor(user, { ...grant.facts, roiRequest: { id, scope } });
      const [pkg, tBuild] = await time(() => buildPackage({
        request: { id, requesterType: 'attorney', requesterName: row.requester_name, requesterAddress: row.requester_address, purpose: row.purpose, legalBasis: 'authorization', format: 'electronic' },
        scope, patient: rows.patient!, records: visibleChart(caller, rows.chart, scope.recordTypes as never), limits: limitsOf(caller),
        generatedAt: clock.nowIso(), generatedBy: { userId: 1, username: 'roi.garcia' },
      }));
      const [serialized, tJson] = await time(() => serializePackage(pkg));
      const [bundle, tFhir] = await time(() => serializeBundle(toFhirBundle(pkg, serialized.sha256)));
      read.push(tRead);
      build.push(tBuild);
      json.push(tJson);
      fhir.push(tFhir);

      // The measured figure: the fulfil transition as the API runs it.
      const [done, tFulfil] = await time(() => roi.transition(clerk, id, { action: 'fulfil', version: 5 }));
      if (done.status !== 'fulfilled' || !done.packageSha256) throw new Error(`request ${id} was not fulfilled`);
      fulfil.push(tFulfil);
      const [, tDj] = await time(() => roi.package(clerk, id, 'json'));
      const [, tDf] = await time(() => roi.package(clerk, id, 'fhir'));
      downloadJson.push(tDj);
      downloadFhir.push(tDf);
      lastCounts = {
        included: packageItems(pkg).length, withheld: opts.items - packageItems(pkg).length,
        jsonBytes: Buffer.byteLength(serialized.json), fhirBytes: Buffer.byteLength(bundle.json),
      };
    }
    await audit.drain();

    const reference = runPlainReads(file, patientId, Math.max(5, opts.rounds * 3));
    if (reference.rows !== opts.items) throw new Error(`reference read ${reference.rows} rows, expected ${opts.items}`);
    const measured = median(fulfil);
    const ratio = measured / reference.seconds;
    const pass = measured < TARGET_SECONDS;

    console.log('');
    console.log(`  items: ${opts.items} (${lastCounts.included} disclosed, ${lastCounts.withheld} withheld: restricted categories the authorization does not name, psychotherapy notes)`);
    console.log(`  package: JSON ${(lastCounts.jsonBytes / 1e6).toFixed(2)} MB, FHIR Bundle ${(lastCounts.fhirBytes / 1e6).toFixed(2)} MB`);
    console.log('');
    console.log(`  median of ${opts.rounds}`);
    console.log(`    fulfil transition (both formats, hashed, stored, audited, one commit)  ${ms(measured)}`);
    console.log(`      breakdown: scoped read ${ms(median(read))}, policy + package ${ms(median(build))}, JSON + SHA-256 ${ms(median(json))}, FHIR + SHA-256 ${ms(median(fhir))}`);
    console.log(`    download format=json ${ms(median(downloadJson))}, format=fhir ${ms(median(downloadFhir))}`);
    console.log(`    reference: plain SQL reads of the same ${reference.rows} items  ${ms(reference.seconds)}`);
    console.log(`  ratio (fulfilment / plain reads): ${ratio.toFixed(1)}x`);
    console.log(`  fulfilment < ${TARGET_SECONDS} s:  ${pass ? 'PASS' : 'FAIL'} (${ms(measured)})`);
    if (opts.json) {
      console.log(JSON.stringify({
        items: opts.items, rounds: opts.rounds, fulfilSeconds: measured, perRound: fulfil, readSeconds: median(read), buildSeconds: median(build),
        jsonSeconds: median(json), fhirSeconds: median(fhir), downloadJsonSeconds: median(downloadJson), downloadFhirSeconds: median(downloadFhir),
        referenceSeconds: reference.seconds, ratio, pass, ...lastCounts,
      }));
    }
    if (opts.strict && !pass) process.exitCode = 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
