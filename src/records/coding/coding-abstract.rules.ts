import type { EncounterClass } from '../encounter-class';
import type { FieldProblem } from '../../common/errors';

/**
 * The coding abstract of an encounter (docs/instructor-guide.md, "Coding abstract vs documentation"): the final
 * codes a coder assigns from the documentation, kept apart from the clinician's diagnoses and procedures. Pure
 * rules, so the unit spec can walk them.
 *
 *  - Diagnoses are ICD-10-CM (ICD-10-CM Official Guidelines for Coding and Reporting, section I.A).
 *  - Inpatient stays report a present-on-admission indicator on every diagnosis (Guidelines Appendix I; CMS POA
 *    reporting, 42 U.S.C. 1395ww(d)(4)(D)): Y, N, U, W, or 1 (exempt from POA reporting). Outpatient and emergency
 *    encounters carry none.
 *  - Procedures are ICD-10-PCS for inpatient stays (7 characters, letters and digits without I and O) and CPT (or
 *    HCPCS Level II) for outpatient and emergency encounters (HIPAA code set standards, 45 CFR 162.1002).
 */

export const ICD10_CM = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;
/** ICD-10-PCS: 7 characters, each 0-9 or a letter other than I and O. */
export const ICD10_PCS = /^[0-9A-HJ-NP-Z]{7}$/;
/** CPT: 5 digits (Category I), or 4 digits and F (Category II) or T (Category III). */
export const CPT = /^[0-9]{4}[0-9FT]$/;
/** HCPCS Level II: a letter A-V and 4 digits. */
export const HCPCS = /^[A-V][0-9]{4}$/;
export const POA_INDICATORS = ['Y', 'N', 'U', 'W', '1'] as const;
export const ABSTRACT_STATUSES = ['in-progress', 'final'] as const;
export const MAX_SECONDARY = 49;
export const MAX_PROCEDURES = 50;

export type { EncounterClass };

export interface AbstractDiagnosis {
  code: string;
  description: string;
  poa?: string | null;
}
export interface AbstractProcedure {
  codeSystem: string;
  code: string;
  description: string;
  performedAt?: string | null;
}
export interface AbstractContent {
  principalDiagnosis: AbstractDiagnosis;
  secondaryDiagnoses: AbstractDiagnosis[];
  procedures: AbstractProcedure[];
}

/** The procedure code systems an encounter class is reported in. */
export function procedureSystemsFor(cls: EncounterClass): readonly string[] {
  return cls === 'inpatient' ? ['ICD-10-PCS'] : ['CPT', 'HCPCS'];
}

const PROCEDURE_FORMAT: Record<string, RegExp> = { 'ICD-10-PCS': ICD10_PCS, CPT, HCPCS };

/** Every problem of an abstract for an encounter of this class, one entry per field; [] when it may be saved. */
export function codingAbstractProblems(content: AbstractContent, cls: EncounterClass): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: string, problem: string) => out.push({ field, problems: [problem] });
  const diagnoses: [string, AbstractDiagnosis][] = [
    ['principalDiagnosis', content.principalDiagnosis],
    ...content.secondaryDiagnoses.map((d, i): [string, AbstractDiagnosis] => [`secondaryDiagnoses.${i}`, d]),
  ];
  const seen = new Set<string>();
  for (const [field, d] of diagnoses) {
    if (!ICD10_CM.test(d.code)) add(`${field}.code`, 'must be an ICD-10-CM code such as I50.9');
    else if (seen.has(d.code)) add(`${field}.code`, `${d.code} is already on the abstract (each code once)`);
    seen.add(d.code);
    if (cls === 'inpatient') {
      if (d.poa == null) add(`${field}.poa`, 'an inpatient diagnosis needs a present-on-admission indicator (Y, N, U, W or 1)');
      else if (!(POA_INDICATORS as readonly string[]).includes(d.poa)) add(`${field}.poa`, 'must be Y, N, U, W or 1');
    } else if (d.poa != null) {
      add(`${field}.poa`, `present-on-admission indicators are reported for inpatient stays only, not ${cls} encounters`);
    }
  }
  const systems = procedureSystemsFor(cls);
  content.procedures.forEach((p, i) => {
    if (!systems.includes(p.codeSystem)) {
      add(`procedures.${i}.codeSystem`, `${cls} procedures are coded in ${systems.join(' or ')}, not ${p.codeSystem}`);
    } else if (!PROCEDURE_FORMAT[p.codeSystem].test(p.code)) {
      add(`procedures.${i}.code`, `is not a valid ${p.codeSystem} code (${p.codeSystem === 'ICD-10-PCS' ? '7 characters, 0-9 and letters except I and O' : p.codeSystem === 'CPT' ? '5 digits, or 4 digits and F or T' : 'a letter A-V and 4 digits'})`);
    }
  });
  return out;
}

/**
 * The restricted category a diagnosis code itself reveals (item-visibility.ts judges the abstract as items of these
 * categories): substance use disorders F10-F19 except nicotine F17 (42 CFR Part 2), other mental and behavioral
 * disorders F01-F99, HIV disease and asymptomatic HIV status (B20, Z21).
 */
export function codeCategory(code: string): string | null {
  const head = code.slice(0, 3);
  if (/^F1[0-9]$/.test(head) && head !== 'F17') return 'substance-use';
  if (/^F[0-9][0-9]$/.test(head)) return 'behavioral-health';
  if (head === 'B20' || head === 'Z21') return 'hiv';
  return null;
}

export function abstractCategories(content: AbstractContent): string[] {
  const codes = [content.principalDiagnosis, ...content.secondaryDiagnoses].map((d) => codeCategory(d.code));
  return [...new Set(codes.filter((c): c is string => c !== null))].sort();
}
