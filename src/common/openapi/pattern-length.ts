/**
 * The longest string an anchored regular expression (^...$) can match, or undefined when it is unbounded (*, +,
 * {n,}) or uses what this small reader does not follow (back-references, lookarounds). Lets the API document give
 * a maxLength for fields the validators bound only by a pattern (a ZIP code, an ICD-10-CM code, a hash).
 */
export function patternMaxLength(source: string): number | undefined {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return undefined;
  const reader = { s: source.slice(1, -1), i: 0 };
  const n = alternation(reader);
  return reader.i === reader.s.length && Number.isFinite(n) ? n : undefined;
}

interface Reader { s: string; i: number }

function alternation(r: Reader): number {
  let best = sequence(r);
  while (r.s[r.i] === '|') {
    r.i += 1;
    best = Math.max(best, sequence(r));
  }
  return best;
}

function sequence(r: Reader): number {
  let total = 0;
  while (r.i < r.s.length && r.s[r.i] !== '|' && r.s[r.i] !== ')') total += quantified(r, atom(r));
  return total;
}

/** Stops reading: the pattern is beyond this reader (the answer is then undefined). */
function giveUp(r: Reader): number {
  r.i = r.s.length;
  return Infinity;
}

function atom(r: Reader): number {
  const c = r.s[r.i];
  if (c === '(') {
    r.i += 1;
    if (r.s[r.i] === '?') {
      if (r.s[r.i + 1] !== ':') return giveUp(r);
      r.i += 2;
    }
    const n = alternation(r);
    if (r.s[r.i] !== ')') return giveUp(r);
    r.i += 1;
    return n;
  }
  if (c === '[') {
    const end = r.s.indexOf(']', r.i + 2);
    if (end < 0) return giveUp(r);
    r.i = end + 1;
    return 1;
  }
  if (c === '\\') {
    if (/[1-9bBk]/.test(r.s[r.i + 1] ?? '')) return giveUp(r);
    r.i += 2;
    return 1;
  }
  if (c === '^' || c === '$') return giveUp(r);
  r.i += 1;
  return 1;
}

function quantified(r: Reader, n: number): number {
  const c = r.s[r.i];
  if (c === '?') {
    r.i += 1;
    return n;
  }
  if (c === '*' || c === '+') return Infinity;
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(r.s.slice(r.i));
    if (!m) return giveUp(r);
    r.i += m[0].length;
    if (m[2] && m[3] === '') return Infinity;
    return n * Number(m[3] ?? m[1]);
  }
  return n;
}
