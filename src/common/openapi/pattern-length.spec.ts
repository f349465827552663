import fc from 'fast-check';
import { patternMaxLength } from './pattern-length';

describe('patternMaxLength', () => {
  it('reads fixed and bounded patterns', () => {
    expect(patternMaxLength('^[0-9a-f]{64}$')).toBe(64);
    expect(patternMaxLength('^\\d{5}(-\\d{4})?$')).toBe(10);
    expect(patternMaxLength('^[A-Z]{2}$')).toBe(2);
    expect(patternMaxLength('^[a-z0-9._-]{3,50}$')).toBe(50);
    expect(patternMaxLength('^(?:ab|cde)x?$')).toBe(4);
  });
  it('gives up on unbounded or unanchored patterns', () => {
    expect(patternMaxLength('^a+$')).toBeUndefined();
    expect(patternMaxLength('^a{2,}$')).toBeUndefined();
    expect(patternMaxLength('abc')).toBeUndefined();
    expect(patternMaxLength('^(a)\\1$')).toBeUndefined();
  });
  it('is never shorter than a string the pattern matches', () => {
    const patterns = ['^[0-9a-f]{64}$', '^\\d{5}(-\\d{4})?$', '^[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?$', '^\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]?\\d{4}$'];
    for (const p of patterns) {
      const max = patternMaxLength(p)!;
      fc.assert(fc.property(fc.stringMatching(new RegExp(p)), (s) => s.length <= max));
    }
  });
});
