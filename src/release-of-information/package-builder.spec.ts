import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DEFAULT_ROLE_MATRIX, Permission, RoleName } from '../access/catalogue';
import { Caller, limitsOf } from '../access/item-visibility';
import type { PatientFacts, RoiScope } from '../access/policy';
import { recordViewFor } from '../access/record-views';
import { ChartRows, EncounterRow, ItemRow, ItemType, visibleChart } from '../records';
import { canonicalJson } from './canonical-json';
import { serializeBundle, toFhirBundle } from './fhir-bundle';
import {
  buildPackage, PackageSource, packageItems, PART2_REDISCLOSURE_NOTICE, serializePackage,
} from './package-builder';
import { RECORD_TYPES, RecordType } from './roi-scope';

/** What the property generates: one record item of any type, date and sensitivity. */
interface Gen {
  type: RecordType;
  day: string;
  restricted: boolean;
  category: string | null;
  psychotherapy: boolean;
}

const CATEGORIES = ['behavioral-health', 'substance-use', 'hiv', 'reproductive', 'genetic'];
const NAMEABLE = [...CATEGORIES, 'psychotherapy', 'unspecified'];
const DATE_FIELD: Record<RecordType, string> = { encounters: 'admitted_at', diagnoses: 'recorded_at', procedures: 'performed_at', observations: 'observed_at', notes: 'authored_at' };

const dayArb = fc.integer({ min: 0, max: 5 * 365 }).map((n) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const itemArb: fc.Arbitrary<Gen> = fc
  .record({
    type: fc.constantFrom(...RECORD_TYPES),
    day: dayArb,
    hour: fc.integer({ min: 0, max: 23 }),
    sensitivity: fc.oneof(
      fc.constant({ restricted: false, category: null as string | null }),
      fc.record({ restricted: fc.constant(true), category: fc.option(fc.constantFrom(...CATEGORIES), { nil: null }) }),
    ),
    psychotherapy: fc.boolean(),
  })
  .map((g) => ({
    type: g.type,
    day: `${g.day}T${String(g.hour).padStart(2, '0')}:30:00.000Z`,
    restricted: g.psychotherapy && g.type === 'notes' ? true : g.sensitivity.restricted,
    category: g.psychotherapy && g.type === 'notes' ? 'psychotherapy' : g.sensitivity.category,
    psychotherapy: g.psychotherapy && g.type === 'notes',
  }));
const scopeArb: fc.Arbitrary<RoiScope> = fc
  .record({
    recordTypes: fc.subarray([...RECORD_TYPES], { minLength: 1 }),
    from: fc.option(dayArb, { nil: null }),
    to: fc.option(dayArb, { nil: null }),
    categories: fc.subarray(NAMEABLE),
  })
  .map((s) => {
    const [a, b] = s.from && s.to && s.from > s.to ? [s.to, s.from] : [s.from, s.to];
    return { recordTypes: s.recordTypes, dateFrom: a, dateTo: b, categories: s.categories };
  });

function rows(items: Gen[]): ChartRows {
  const encounters: EncounterRow[] = [];
  const byType: Partial<Record<ItemType, ItemRow[]>> = {};
  items.forEach((g, i) => {
    const common = {
      id: i + 1, patient_id: 9, sensitivity: g.restricted ? 'restricted' : 'normal', sensitivity_category: g.category, status: 'active', version: 1,
      [DATE_FIELD[g.type]]: g.day,
    };
    if (g.type === 'encounters') {
      encounters.push({
        ...common, encounter_class: 'outpatient', discharged_at: null, department: 'Medicine', attending_user_id: null, disposition: null,
        planned_readmission: false, reason: null,
      } as unknown as EncounterRow);
      return;
    }
    const extra: Record<ItemType, Record<string, unknown>> = {
      diagnoses: { code: 'I10', description: 'Hypertension', chapter: 'IX', is_primary: false },
      procedures: { code_system: 'CPT', code: '99213', description: 'Visit' },
      observations: { loinc_code: '8867-4', display: 'Heart rate', value_num: 70, value_text: null, unit: '/min' },
      notes: { note_type: g.psychotherapy ? 'psychotherapy' : 'progress', author_user_id: 2, text: 'note text' },
    };
    (byType[g.type] ??= []).push({ encounter_id: 1, replaces_id: null, created_by: 2, updated_at: g.day, ...common, ...extra[g.type] } as unknown as ItemRow);
  });
  return { encounters, reasonCategories: new Map(), items: byType };
}

/** The caller building the package: an ROI specialist holding request 42 (or any role an instructor gave roi:process). */
function callerFor(scope: RoiScope, role: RoleName = 'roi_specialist', permissions?: Permission[]): Caller {
  const perms = new Set(permissions ?? DEFAULT_ROLE_MATRIX[role].permissions);
  const facts: PatientFacts = { patientId: 9, exists: true, vip: false, careTeam: true, ownRecord: false, breakGlass: null, roiRequest: { id: 42, scope } };
  return { subject: { userId: 8, role, permissions: perms }, facts, view: recordViewFor(role, perms) };
}

function source(scope: RoiScope, items: Gen[], caller = callerFor(scope)): PackageSource {
  return {
    request: { id: 42, requesterType: 'attorney', requesterName: 'Smith & Jones LLP', requesterAddress: null, purpose: 'Claim', legalBasis: 'authorization', format: 'electronic' },
    scope,
    patient: { id: 9, mrn: 'MRN9', givenName: 'Alex', familyName: 'Rivera', birthDate: '1980-04-02', sex: 'male' },
    records: visibleChart(caller, rows(items), scope.recordTypes as RecordType[]),
    limits: limitsOf(caller),
    generatedAt: '2026-11-29T12:00:00.000Z',
    generatedBy: { userId: 8, username: 'roi.garcia' },
  };
}

/** The oracle, written independently of the code: is this generated item disclosable under the scope? */
function disclosable(scope: RoiScope, g: Gen): boolean {
  if (!scope.recordTypes.includes(g.type)) return false;
  const day = g.day.slice(0, 10);
  if (scope.dateFrom && day < scope.dateFrom) return false;
  if (scope.dateTo && day > scope.dateTo) return false;
  if (g.psychotherapy) return scope.categories.includes('psychotherapy');
  if (g.restricted) return scope.categories.includes(g.category ?? 'unspecified');
  return true;
}

describe('the disclosure package (property: nothing outside the scope, no restricted item the authorization does not name)', () => {
  // exact: the package holds every disclosable item; otherwise (a caller with rules of their own) only a subset.
  const callers: [string, (s: RoiScope) => Caller, boolean][] = [
    ['as the ROI specialist holding the request', (scope) => callerFor(scope), true],
    // Item 4 of the architecture: the ROI path adds scope and never skips it, whoever acts on the request.
    ['even as a physician on the care team given roi:process (the scope still binds)', (scope) =>
      callerFor(scope, 'physician', [...DEFAULT_ROLE_MATRIX.physician.permissions, 'roi:process', 'record:him']), false],
  ];

  it.each(callers)('%s', (_name, makeCaller, exact) => {
    fc.assert(
      fc.property(scopeArb, fc.array(itemArb, { maxLength: 60 }), (scope, items) => {
        const caller = makeCaller(scope);
        const pkg = buildPackage(source(scope, items, caller));
        const included = packageItems(pkg);
        const key = (type: string, id: unknown) => `${type}:${String(id)}`;
        const expected = new Set(items.map((g, i) => (disclosable(scope, g) ? key(g.type, i + 1) : null)).filter((k): k is string => k !== null));
        const got = new Set(included.map(({ type, item }) => key(type, item.id)));
        // Exactly the disclosable items: nothing outside, nothing lost (nothing outside, for any caller).
        if (exact) expect([...got].sort()).toEqual([...expected].sort());
        else for (const k of got) expect(expected.has(k)).toBe(true);
        for (const { type, item } of included) {
          const g = items[Number(item.id) - 1];
          expect(g.type).toBe(type);
          expect(scope.recordTypes).toContain(type);
          if (g.restricted) expect(scope.categories).toContain(g.psychotherapy ? 'psychotherapy' : (g.category ?? 'unspecified'));
          // 42 CFR 2.32: every Part 2 item, and only those, carries the notice.
          expect(item.redisclosureNotice === PART2_REDISCLOSURE_NOTICE).toBe(g.restricted && g.category === 'substance-use');
        }
        // What is left out is never counted: the limits are the same whatever the chart holds.
        expect(pkg.withheld).toEqual(buildPackage(source(scope, [], caller)).withheld);
        expect(Object.keys(pkg.records).sort()).toEqual([...scope.recordTypes].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('the FHIR Bundle carries one resource per item (plus the Patient) and the Part 2 labels', () => {
    fc.assert(
      fc.property(scopeArb, fc.array(itemArb, { maxLength: 40 }), (scope, items) => {
        const pkg = buildPackage(source(scope, items));
        const { sha256 } = serializePackage(pkg);
        // Withheld means absent: every reference in the Bundle resolves inside it (an item of a withheld encounter
        // loses its encounter reference).
        const bundleJson = toFhirBundle(pkg, sha256) as { entry: { fullUrl: string; resource: { resourceType: string; id: string } }[] };
        const present = new Set(bundleJson.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`));
        const refs: string[] = [];
        const walk = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              if (k === 'reference' && typeof x === 'string') refs.push(x);
              else walk(x);
            }
          }
        };
        walk(bundleJson);
        for (const ref of refs) expect(present.has(ref) || bundleJson.entry.some((e) => e.fullUrl === ref)).toBe(true);
        const bundle = toFhirBundle(pkg, sha256) as { entry: { resource: { resourceType: string; meta?: { security: { code: string }[] }; extension?: unknown[] } }[] };
        expect(bundle.entry).toHaveLength(1 + packageItems(pkg).length);
        const part2 = bundle.entry.filter((e) => e.resource.meta?.security.some((s) => s.code === 'ETH'));
        expect(part2.length).toBe(pkg.notices[0]?.items ?? 0);
        for (const e of part2) {
          expect(e.resource.meta!.security.map((s) => s.code)).toContain('NORDSCLCD');
          expect(e.resource.extension).toHaveLength(1);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('package bytes', () => {
  it('are canonical: the same package gives the same bytes and SHA-256, whatever the key order', () => {
    const pkg = buildPackage(source({ recordTypes: ['diagnoses'], dateFrom: null, dateTo: null, categories: [] }, [
      { type: 'diagnoses', day: '2026-01-01T10:00:00.000Z', restricted: false, category: null, psychotherapy: false },
    ]));
    const a = serializePackage(pkg);
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed)
        : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const shuffled = reversed(pkg);
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(pkg));
    expect(canonicalJson(shuffled)).toBe(a.json);
    expect(a.sha256).toBe(createHash('sha256').update(a.json).digest('hex'));
    expect(serializeBundle(toFhirBundle(pkg, a.sha256))).toEqual(serializeBundle(toFhirBundle(JSON.parse(a.json), a.sha256)));
  });
});

describe('denied amendments travel with the disputed item (45 CFR 164.526(d)(5))', () => {
  const dispute = (itemId: number) => ({
    amendmentId: 7, itemType: 'diagnoses' as const, itemId, citation: '45 CFR 164.526(d)(5)(i)',
    request: { receivedAt: '2026-01-02T00:00:00.000Z', requestedChange: 'Ruled out.', justification: 'Follow-up.' },
    denial: { decidedAt: '2026-01-10T00:00:00.000Z', ground: 'accurate-and-complete', groundCitation: '45 CFR 164.526(a)(2)(iv)', basis: 'Confirmed.' },
    disagreement: 'I disagree.', rebuttal: 'We stand by it.',
  });
  const all = { recordTypes: [...RECORD_TYPES], dateFrom: null, dateTo: null, categories: [] } as RoiScope;
  const item: Gen = { type: 'diagnoses', day: '2026-01-01T10:00:00.000Z', restricted: false, category: null, psychotherapy: false };

  it('the package of the disputed item carries the request, denial, disagreement and rebuttal; the FHIR Bundle links them to the item', () => {
    const pkg = buildPackage({ ...source(all, [item]), disputes: [dispute(1)] });
    expect(pkg.amendments).toEqual([expect.objectContaining({ amendmentId: 7, itemId: 1, disagreement: 'I disagree.', rebuttal: 'We stand by it.' })]);
    expect(pkg.notices.map((n) => n.code)).toContain('amendment-dispute');
    const bundle = toFhirBundle(pkg, serializePackage(pkg).sha256) as { entry: { resource: Record<string, unknown> }[] };
    const doc = bundle.entry.find((e) => e.resource.id === 'amendment-7')!.resource as { context: { related: { reference: string }[] }; content: { attachment: { data: string } }[] };
    expect(doc.context.related[0].reference).toBe('Condition/1');
    expect(bundle.entry.some((e) => e.resource.resourceType === 'Condition' && e.resource.id === '1')).toBe(true);
    expect(Buffer.from(doc.content[0].attachment.data, 'base64').toString('utf8')).toMatch(/Statement of disagreement: I disagree\.[\s\S]*Rebuttal: We stand by it\./);
  });

  it('a package without the disputed item carries no dispute', () => {
    const other = buildPackage({ ...source(all, [item]), disputes: [dispute(99)] });
    expect(other.amendments).toEqual([]);
    expect(other.notices.map((n) => n.code)).not.toContain('amendment-dispute');
    const outOfScope = buildPackage({ ...source({ ...all, recordTypes: ['observations'] }, [item]), disputes: [dispute(1)] });
    expect(outOfScope.amendments).toEqual([]);
  });
});
