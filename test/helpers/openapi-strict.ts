import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * OpenAPI 3.0 schemas checked the way a strict third-party validator reads them:
 *  - `nullable` with OpenAPI 3.0.3 semantics, which ajv implements: it adds null to the `type` beside it, and only
 *    there. `nullable` next to a bare `$ref` or an `allOf` (no `type`) does not compile ("nullable cannot be used
 *    without type"): a document bug, reported as such. A nullable enum must list null itself;
 *  - an object whose properties are documented is closed (`additionalProperties: false` unless the document says
 *    otherwise): a field the answer carries but the document does not name is a documentation gap, reported;
 *  - formats (date, date-time, uri...) are checked.
 */
export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    out[k] = k === 'properties' && v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, sub]) => [name, strictSchema(sub)]))
      : k === 'example' || k === 'enum' || k === 'default' ? v : strictSchema(v);
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** An ajv instance holding the document's component schemas (strict form), so `$ref`s into them resolve. */
export function strictAjv(components: Record<string, unknown>): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(components)) ajv.addSchema(strictSchema(schema) as object, `#/components/schemas/${name}`);
  return ajv;
}
