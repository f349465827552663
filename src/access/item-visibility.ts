import { decide, ItemFacts, PatientFacts, roiScopeProblem, Subject } from './policy';
import type { RecordView } from './record-views';

/**
 * THE item-visibility rule (docs/architecture.md, "The request path"): for one caller, in one purpose of use, and
 * one item of a chart, whether the item is shown, shown with some fields redacted, or withheld. Every answer that
 * carries chart items (the record read, /me/record, the encounter list and detail, the items of an encounter, the
 * release-of-information records and package, amendments) asks here and nowhere else, so the rule cannot drift
 * between endpoints. Pure: the same facts give the same answer, and the table test walks it.
 *
 * Order of the questions, each one a rule of its own:
 *  1. minimum necessary (45 CFR 164.502(b), 164.514(d)): the caller's view includes the item's record type;
 *  2. the view's sensitivity limits (restricted items, psychotherapy notes, categories the view leaves out: the
 *     coding view never shows Part 2 records);
 *  3. the scope of the release-of-information request the caller acts under, if any (roiScopeProblem), then
 *     the access policy's decide() for this item (care relation, VIP, psychotherapy author, the scope of an ROI
 *     request, 42 CFR Part 2 consent);
 *     and, for a personal representative of a minor, the care the parent does not represent the minor for
 *     (164.502(g)(3)(i)); for a disclosure, the restrictions the covered entity agreed to (164.522(a));
 *  4. each sensitive field on a shown item (an encounter's reason restates its diagnoses) goes through 2-3 with the
 *     sensitivity of what it restates, and is redacted when that would be withheld;
 *  5. a reference to another item (an item's encounter) is kept only when that item is itself visible.
 *
 * Withheld means absent: the answers carry no id, count, date or reference of a withheld item. What they may carry
 * is the caller's limits (`limitsOf`), which depend on the caller and the rule, never on the chart.
 */

export const ITEM_TYPES = ['diagnoses', 'procedures', 'observations', 'notes'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const RECORD_TYPES = ['encounters', ...ITEM_TYPES] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Restricted categories an item may carry (the schema's CHECK list, psychotherapy aside). */
export const RESTRICTED_CATEGORIES = ['substance-use', 'behavioral-health', 'hiv', 'reproductive', 'genetic'] as const;

export type WithholdCode =
  | 'not-in-view' | 'psychotherapy-note' | 'restricted-category' | 'outside-request-scope' | 'not-permitted'
  | 'minor-consented-care' | 'agreed-restriction';
export type RedactionCode = 'restricted-category' | 'referenced-item-withheld';

export interface Redaction {
  field: string;
  code: RedactionCode;
  reason: string;
}

export type Visibility =
  | { outcome: 'shown' }
  | { outcome: 'redacted'; redactions: Redaction[] }
  | { outcome: 'withheld'; code: WithholdCode; reason: string };

/** The answer for most items of most charts: one shared, frozen object (a chart read asks for every item). */
const SHOWN: Visibility = Object.freeze({ outcome: 'shown' });

/** Who asks, about which chart, through which view (purpose of use included: an ROI request's scope is in facts). */
export interface Caller {
  subject: Subject;
  facts: PatientFacts;
  view: RecordView;
}

/** A field of an item that restates sensitive content (an encounter's reason restates its diagnoses). */
export interface SensitiveField {
  field: string;
  /** The restricted categories the field's text may restate; empty = nothing restricted. */
  categories: readonly string[];
}

export interface ItemSubject {
  type: RecordType;
  facts: ItemFacts;
  sensitiveFields?: readonly SensitiveField[];
}

/** Why a view leaves a category out entirely (record-views.ts `excludedCategories`). */
const EXCLUSION_CITATION: Record<string, string> = {
  'substance-use': '42 CFR Part 2: substance use disorder records are not needed for this purpose, and their presence is not acknowledged, 2.13(c)',
};

/** Steps 1-3: the item as a whole. */
function wholeItem(caller: Caller, type: RecordType, item: ItemFacts): Visibility {
  const { view } = caller;
  if (!view.sections[type]) return withheld('not-in-view', `the ${view.name} view does not include ${type} (minimum necessary, 45 CFR 164.502(b))`);
  if (item.psychotherapy && !view.psychotherapy) return withheld('psychotherapy-note', 'psychotherapy notes are not part of this view');
  if (item.sensitivity === 'restricted' && !item.psychotherapy && !view.restricted) return withheld('restricted-category', 'restricted items are not part of this view');
  if (item.sensitivity === 'restricted' && !item.psychotherapy && view.excludedCategories?.includes(item.category ?? 'unspecified')) {
    return withheld('restricted-category', `${item.category} items are not part of the ${view.name} view (${EXCLUSION_CITATION[item.category ?? ''] ?? 'minimum necessary, 45 CFR 164.502(b)'})`);
  }
  // Subjects built from chart rows carry their record type already (visible-record.ts): no copy per item.
  const facts: ItemFacts = item.recordType === type ? item : { ...item, recordType: type };
  // A disclosure under an ROI request: its scope binds whoever acts on it, whatever their role (adds, never skips).
  const request = caller.facts.roiRequest;
  const outside = request ? roiScopeProblem(request.id, request.scope, facts) : null;
  if (outside) return withheld(item.psychotherapy ? 'psychotherapy-note' : item.sensitivity === 'restricted' ? 'restricted-category' : 'outside-request-scope', outside);
  const d = decide(caller.subject, view.gate, caller.facts, facts);
  if (d.decision === 'allow') return SHOWN;
  const reason = d.reasons[d.reasons.length - 1];
  // A minor's own care (164.502(g)(3)(i)) and an agreed restriction (164.522(a)) are rules of their own.
  if (d.withhold) return withheld(d.withhold, reason);
  if (item.psychotherapy) return withheld('psychotherapy-note', reason);
  if (item.sensitivity === 'restricted') return withheld('restricted-category', reason);
  return withheld(caller.facts.roiRequest ? 'outside-request-scope' : 'not-permitted', reason);
}

/** Steps 1-4 for one item. References (step 5) are the caller's: see `referenceVisible`. */
export function itemVisibility(caller: Caller, subject: ItemSubject): Visibility {
  const whole = wholeItem(caller, subject.type, subject.facts);
  if (whole.outcome !== 'shown' || !subject.sensitiveFields) return whole;
  let redactions: Redaction[] | null = null;
  for (const f of subject.sensitiveFields) {
    for (const category of f.categories) {
      // The field is judged as an item of the category it restates, dated and typed like its item.
      const v = wholeItem(caller, subject.type, { ...subject.facts, sensitivity: 'restricted', category, psychotherapy: false });
      if (v.outcome === 'withheld') {
        (redactions ??= []).push({ field: f.field, code: 'restricted-category', reason: v.reason });
        break;
      }
    }
  }
  return redactions ? { outcome: 'redacted', redactions } : SHOWN;
}

/** Step 5: the redaction of a reference to an item the caller may not see. */
export function referenceRedaction(field: string, type: RecordType): Redaction {
  return { field, code: 'referenced-item-withheld', reason: `the referenced ${type.replace(/s$/, '')} is not visible to the caller` };
}

export interface Limit {
  readonly section: RecordType;
  readonly code: WithholdCode;
  readonly reason: string;
}

/**
 * What the rule may leave out of each section the caller sees, asked of hypothetical items (one per restricted
 * category, a psychotherapy note, a normal item): the same list for every chart, so telling it to the caller says
 * nothing about the chart (42 CFR 2.13(c): not even the presence of Part 2 records may be acknowledged). Date
 * ranges of an ROI request are listed from the scope itself.
 */
export function limitsOf(caller: Caller): readonly Limit[] {
  const key = limitsKey(caller);
  let limits = LIMITS.get(key);
  if (!limits) {
    limits = Object.freeze(computeLimits(caller).map((l) => Object.freeze(l)));
    if (LIMITS.size >= LIMITS_KEPT) LIMITS.delete(LIMITS.keys().next().value!);
    LIMITS.set(key, limits);
  }
  return limits;
}

/**
 * limitsOf's answers, remembered by everything they are computed from: the caller (id, role, permissions), the view,
 * and the facts of the caller's relation to the patient. A chart read gives them every time, and asking the rule about
 * 40 hypothetical items cost more than deciding the chart's own ~80 (docs/performance.md, fifth round). The entries
 * are frozen: every answer shares them.
 */
const LIMITS = new Map<string, readonly Limit[]>();
const LIMITS_KEPT = 512;

/**
 * The key: all of the rule's inputs, written out. Without a release-of-information request, a personal
 * representation or an agreed restriction, nothing the rule asks reads the patient's id (the patient exists: the
 * read was allowed), so it is left out and every chart of one relation (a care team's) shares an entry.
 */
function limitsKey({ subject, view, facts }: Caller): string {
  const plain = facts.exists && !facts.roiRequest && !facts.representation && !facts.restrictions?.length;
  return JSON.stringify([subject.userId, subject.role, subject.permissions, view, plain ? { ...facts, patientId: 0 } : facts], setsAsArrays);
}

/** JSON writes a Set or a Map as {}: two different ones would share a key. */
function setsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Set || value instanceof Map ? [...value] : value;
}

/** The limits as the rule gives them now (limitsOf remembers them; exported for its test). */
export function computeLimits(caller: Caller): Limit[] {
  const out: Limit[] = [];
  const seen = new Set<string>();
  const add = (section: RecordType, v: Visibility) => {
    if (v.outcome !== 'withheld') return;
    const key = `${section}\u0000${v.reason}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ section, code: v.code, reason: v.reason });
  };
  for (const section of RECORD_TYPES) {
    if (!caller.view.sections[section]) continue;
    const hypothetical: ItemFacts[] = [
      { sensitivity: 'normal' },
      ...RESTRICTED_CATEGORIES.map((category): ItemFacts => ({ sensitivity: 'restricted', category })),
      ...(section === 'notes' ? [{ sensitivity: 'restricted', category: 'psychotherapy', psychotherapy: true, authorUserId: null } as ItemFacts] : []),
      // Care a minor's parent does not represent them for (164.502(g)(3)(i)): a limit of every parent, whatever the chart.
      { sensitivity: 'normal', minorConsent: 'minor-consented' },
    ];
    for (const item of hypothetical) add(section, wholeItem(caller, section, item));
    const scope = caller.facts.roiRequest?.scope;
    if (scope && (scope.dateFrom !== null || scope.dateTo !== null) && scope.recordTypes.includes(section)) {
      const limitedBy = scope.limits ? `; limited by ${scope.limits.scope}` : '';
      add(section, withheld('outside-request-scope', `items dated outside the request's date range (${scope.dateFrom ?? '...'} to ${scope.dateTo ?? '...'})${limitedBy}`));
    }
  }
  return out;
}

function withheld(code: WithholdCode, reason: string): Visibility {
  return { outcome: 'withheld', code, reason };
}
