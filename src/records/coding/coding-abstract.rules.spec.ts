import fc from 'fast-check';
import { abstractCategories, AbstractContent, codeCategory, codingAbstractProblems, CPT, ICD10_PCS } from './coding-abstract.rules';

const dx = (code: string, poa?: string) => ({ code, description: code, poa: poa ?? null });
const abstract = (over: Partial<AbstractContent> = {}): AbstractContent => ({
  principalDiagnosis: dx('J18.9', 'Y'), secondaryDiagnoses: [dx('I10', 'Y')], procedures: [{ codeSystem: 'ICD-10-PCS', code: '5A1955Z', description: 'x' }], ...over,
});
const fields = (c: AbstractContent, cls: 'inpatient' | 'outpatient' | 'emergency') => codingAbstractProblems(c, cls).map((p) => p.field);

describe('coding abstract rules', () => {
  it('accepts a complete inpatient abstract', () => {
    expect(codingAbstractProblems(abstract(), 'inpatient')).toEqual([]);
  });

  it('needs a POA indicator on every inpatient diagnosis, and none elsewhere', () => {
    expect(fields(abstract({ secondaryDiagnoses: [dx('I10')] }), 'inpatient')).toEqual(['secondaryDiagnoses.0.poa']);
    expect(fields(abstract({ principalDiagnosis: dx('J18.9', 'y') }), 'inpatient')).toEqual(['principalDiagnosis.poa']);
    const outpatient = abstract({ procedures: [{ codeSystem: 'CPT', code: '99214', description: 'x' }] });
    expect(fields(outpatient, 'outpatient')).toEqual(['principalDiagnosis.poa', 'secondaryDiagnoses.0.poa']);
    expect(fields({ ...outpatient, principalDiagnosis: dx('J18.9'), secondaryDiagnoses: [] }, 'emergency')).toEqual([]);
  });

  it('takes ICD-10-PCS for inpatient stays and CPT or HCPCS otherwise', () => {
    expect(fields(abstract({ procedures: [{ codeSystem: 'CPT', code: '99223', description: 'x' }] }), 'inpatient')).toEqual(['procedures.0.codeSystem']);
    const base = { principalDiagnosis: dx('I10'), secondaryDiagnoses: [] };
    expect(fields({ ...base, procedures: [{ codeSystem: 'ICD-10-PCS', code: '5A1955Z', description: 'x' }] }, 'outpatient')).toEqual(['procedures.0.codeSystem']);
    expect(fields({ ...base, procedures: [{ codeSystem: 'HCPCS', code: 'G0438', description: 'x' }, { codeSystem: 'CPT', code: '0001F', description: 'x' }] }, 'outpatient')).toEqual([]);
  });

  it('validates code formats: ICD-10-PCS is 7 characters without I or O; CPT is 5 digits or 4 digits and F or T', () => {
    const pcsChar = fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'.split(''));
    fc.assert(fc.property(fc.array(pcsChar, { minLength: 7, maxLength: 7 }), (chars) => expect(ICD10_PCS.test(chars.join(''))).toBe(true)));
    fc.assert(fc.property(fc.array(pcsChar, { minLength: 6, maxLength: 6 }), fc.constantFrom('I', 'O'), fc.nat(6), (chars, bad, at) => {
      chars.splice(at, 0, bad);
      expect(ICD10_PCS.test(chars.join(''))).toBe(false);
    }));
    expect(['99213', '0001F', '0075T'].every((c) => CPT.test(c))).toBe(true);
    expect(['9921', '99213A', 'A9921', '0001X'].some((c) => CPT.test(c))).toBe(false);
  });

  it('refuses a malformed or repeated diagnosis code', () => {
    expect(fields(abstract({ principalDiagnosis: dx('U07.1', 'Y') }), 'inpatient')).toEqual(['principalDiagnosis.code']);
    expect(fields(abstract({ secondaryDiagnoses: [dx('J18.9', 'Y')] }), 'inpatient')).toEqual(['secondaryDiagnoses.0.code']);
  });

  it('knows the restricted categories a code reveals (Part 2 is F10-F19 without nicotine)', () => {
    expect(codeCategory('F10.20')).toBe('substance-use');
    expect(codeCategory('F17.210')).toBe('behavioral-health');
    expect(codeCategory('F32.1')).toBe('behavioral-health');
    expect(codeCategory('B20')).toBe('hiv');
    expect(codeCategory('I10')).toBeNull();
    expect(abstractCategories(abstract({ secondaryDiagnoses: [dx('F11.20', 'Y'), dx('Z21', 'Y')] }))).toEqual(['hiv', 'substance-use']);
  });
});
