import type { FieldProblem } from '../../common/errors';
import { ICD10_CM } from './coding-abstract.rules';

/**
 * Compliant provider queries (docs/instructor-guide.md, "Compliant queries"), after the AHIMA/ACDIS "Guidelines for
 * Achieving a Compliant Query Practice" (2022 update). A query asks the provider to clarify the documentation; it
 * must never lead the provider to a diagnosis or a payment outcome. Pure: the property spec walks it.
 *
 *  - Formats: open-ended; multiple choice with clinically supported options plus "other" and "clinically
 *    undetermined" (added by the service when missing); yes/no only where the guidelines allow it (present on
 *    admission, substantiating or further specifying a diagnosis already in the record, a cause-and-effect
 *    relationship, conflicting documentation) - never to add a new diagnosis.
 *  - A query that names a diagnosis must present the clinical indicators that support asking.
 *  - A query never mentions the financial impact: reimbursement, DRG, payment, case mix index, quality scores.
 *  - Leading phrasing ("please document", "do you agree", "can you confirm") is refused: the provider decides.
 */

export const QUERY_KINDS = ['open-ended', 'multiple-choice', 'yes-no'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];
export const QUERY_TOPICS = [
  'present-on-admission', 'substantiate-documented-diagnosis', 'cause-and-effect', 'conflicting-documentation',
  'specificity', 'clinical-validity', 'other',
] as const;
/** The topics for which a yes/no query is allowed (AHIMA/ACDIS 2022). */
export const YES_NO_TOPICS: readonly string[] = ['present-on-admission', 'substantiate-documented-diagnosis', 'cause-and-effect', 'conflicting-documentation'];
export const OTHER_OPTION = 'Other (please specify)';
export const UNDETERMINED_OPTION = 'Clinically undetermined';

export interface QueryInput {
  kind: string;
  topic?: string | null;
  question: string;
  clinicalIndicators: readonly string[];
  options?: readonly string[] | null;
}

/** Words that bring money into a query (never allowed: the provider documents care, not payment). */
const FINANCIAL = /\b(ms-?drg|apr-?drg|drgs?|reimburs\w*|payments?|pay|paid|payers?|revenue|financial\w*|money|dollars?|case[- ]mix|cmi|cc\/mcc|mcc|hcc|raf|bill\w*|charges?|insurance|insurer|denials?|profit\w*|expected reimbursement|quality scores?)\b|\$\s*\d/i;

/** Phrasing that tells the provider what to write instead of asking. */
const LEADING = /\b(please (document|add|write|chart|confirm|include|state)|do you agree|can you confirm|could you confirm|would you (document|add|agree)|confirm that|document that|we need you to|it would (help|be better) if)\b/i;

/**
 * Diagnoses most often queried (CDI high-risk list), to notice a query that names one. An ICD-10-CM code in the text
 * counts too. Not a dictionary of medicine: enough to hold the rule "no named diagnosis without clinical indicators".
 */
const DIAGNOSIS_TERMS = /\b(sepsis|septic shock|severe sepsis|malnutrition|cachexia|acute respiratory failure|respiratory failure|encephalopathy|acute kidney injury|aki|acute tubular necrosis|heart failure|chf|pneumonia|aspiration pneumonia|anemia|acute blood loss anemia|pressure (ulcer|injury)|obesity|morbid obesity|hyponatremia|hypokalemia|dehydration|delirium|dementia|shock|coagulopathy|thrombocytopenia|pulmonary edema|cerebral edema|myocardial infarction|stroke|diabetes|copd|uti|urinary tract infection|cellulitis|lactic acidosis|acidosis|alkalosis)\b/i;
const CODE_IN_TEXT = /\b[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?\b/g;

export function namesDiagnosis(text: string): boolean {
  if (DIAGNOSIS_TERMS.test(text)) return true;
  return (text.match(CODE_IN_TEXT) ?? []).some((c) => ICD10_CM.test(c));
}

/** Every reason the query is not compliant, one entry per field; [] when it may be sent. Never throws. */
export function queryProblems(q: QueryInput): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, problem: string) => {
    const found = out.find((p) => p.field === field);
    if (found) found.problems.push(problem);
    else out.push({ field, problems: [problem] });
  };
  const options = [...(q.options ?? [])];
  const indicators = q.clinicalIndicators.filter((i) => i.trim().length > 0);
  const texts: [string, string][] = [['question', q.question], ...options.map((o, i): [string, string] => [`options.${i}`, o]),
    ...q.clinicalIndicators.map((c, i): [string, string] => [`clinicalIndicators.${i}`, c])];
  for (const [field, text] of texts) {
    if (FINANCIAL.test(text)) add(field, 'must not mention reimbursement, DRG, payment or any financial impact (AHIMA/ACDIS compliant query practice)');
  }
  if (LEADING.test(q.question)) add('question', 'is leading: ask the provider for their clinical judgment instead of telling them what to document');
  if (q.question.trim().length === 0) add('question', 'must not be empty');
  const named = namesDiagnosis(q.question) || options.some(namesDiagnosis);
  if (named && indicators.length === 0) {
    add('clinicalIndicators', 'a query that names a diagnosis must present the clinical indicators from the record that support it');
  }
  kindProblems(q, options, add);
  return out;
}

function kindProblems(q: QueryInput, options: string[], add: (field: string, problem: string) => void): void {
  if (!(QUERY_KINDS as readonly string[]).includes(q.kind)) return add('kind', `must be one of ${QUERY_KINDS.join(', ')}`);
  if (q.topic != null && !(QUERY_TOPICS as readonly string[]).includes(q.topic)) add('topic', `must be one of ${QUERY_TOPICS.join(', ')}`);
  const supported = options.filter((o) => !isStandardOption(o));
  if (q.kind === 'open-ended' && options.length > 0) add('options', 'an open-ended query has no options');
  if (q.kind === 'multiple-choice') {
    if (supported.length < 2) add('options', 'a multiple-choice query offers at least two clinically supported options (plus "other" and "clinically undetermined")');
    if (new Set(options.map((o) => o.trim().toLowerCase())).size !== options.length) add('options', 'options must differ');
  }
  if (q.kind === 'yes-no') {
    if (q.topic == null || !YES_NO_TOPICS.includes(q.topic)) {
      add('kind', `a yes/no query is allowed only to ${YES_NO_TOPICS.join(', ')} - never to introduce a new diagnosis`);
    }
    if (supported.length > 0) add('options', 'a yes/no query has no options of its own (yes, no, other, clinically undetermined)');
  }
}

function isStandardOption(o: string): boolean {
  const t = o.trim().toLowerCase();
  return t === OTHER_OPTION.toLowerCase() || t === 'other' || t === UNDETERMINED_OPTION.toLowerCase() || t === 'unable to determine';
}

/** The options the provider chooses from: the coder's supported options, then "other" and "clinically undetermined". */
export function answerOptions(kind: QueryKind, options: readonly string[]): string[] {
  if (kind === 'open-ended') return [];
  const own = kind === 'yes-no' ? ['Yes', 'No'] : options.filter((o) => !isStandardOption(o)).map((o) => o.trim());
  return [...own, OTHER_OPTION, UNDETERMINED_OPTION];
}

/** Ageing: whole days a query has been open, and whether it is past the allowed turnaround. */
export function queryAgeing(createdAt: string, now: string, overdueAfterDays: number): { daysOpen: number; dueAt: string; overdue: boolean } {
  const created = new Date(createdAt).getTime();
  const dueAt = new Date(created + overdueAfterDays * 86_400_000).toISOString();
  return { daysOpen: Math.max(0, Math.floor((new Date(now).getTime() - created) / 86_400_000)), dueAt, overdue: now > dueAt };
}
