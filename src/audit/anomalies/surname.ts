/**
 * A workforce member's surname: users.family_name when set, otherwise the last word of the display name once
 * credentials (", RN"), notes in brackets ("(System Administrator)") and titles are dropped.
 *
 *   surnameOf(null, 'Priya Patel, RN')                     -> 'Patel'
 *   surnameOf(null, 'Alex Morgan (System Administrator)')  -> 'Morgan'
 *   surnameOf('Okafor', 'Dr. Chidi Okafor')                -> 'Okafor'
 */
export function surnameOf(familyName: string | null | undefined, displayName: string): string | null {
  if (familyName && familyName.trim()) return familyName.trim();
  const name = displayName.replace(/\([^)]*\)/g, ' ').split(',')[0];
  const words = name.split(/\s+/).filter((w) => w.length > 0 && !/\.$/.test(w));
  return words.length > 0 ? words[words.length - 1] : null;
}

/** Names compared the way a reviewer would: case, accents, blanks, hyphens and apostrophes do not matter. */
export function normalizeName(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}

export function sameSurname(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = normalizeName(a);
  return x.length > 0 && x === normalizeName(b);
}
