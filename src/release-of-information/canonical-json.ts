import { createHash } from 'node:crypto';

/**
 * JSON with object keys in sorted order at every level, no whitespace: the same value always gives the same bytes,
 * so a package's SHA-256 can be recomputed by anyone who holds the bytes (and the FHIR Bundle derived from them).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
