import { getMetadataStorage } from 'class-validator';
import { patternMaxLength } from './pattern-length';

/** An OpenAPI 3.0 schema object, loosely typed (the document is JSON). */
export type SchemaObject = Record<string, unknown> & { type?: string; items?: SchemaObject; properties?: Record<string, SchemaObject> };

interface Rule {
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

const INT32 = 2_147_483_647;

/** A class (a DTO constructor). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Class = abstract new (...args: any[]) => unknown;

/** The integer format a range fits: int32 when both bounds are known to fit, else int64. */
export function integerFormat(s: SchemaObject): 'int32' | 'int64' {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  return min !== undefined && max !== undefined && min >= -INT32 - 1 && max <= INT32 ? 'int32' : 'int64';
}

/** A pattern, and the longest string it matches when that is bounded (a ZIP code, a hash: their maxLength). */
function patternKeywords(source: string | undefined): SchemaObject | undefined {
  if (source === undefined) return undefined;
  const max = patternMaxLength(source);
  return max === undefined ? { pattern: source } : { pattern: source, maxLength: max };
}

/** What one class-validator rule enforces, in JSON Schema keywords (undefined: nothing the document can say). */
export function keywordsOf(rule: Rule): SchemaObject | undefined {
  const c = rule.constraints ?? [];
  switch (rule.name) {
    case 'isString': return { type: 'string' };
    case 'isInt': return { type: 'integer' };
    case 'isNumber': return { type: 'number' };
    case 'isBoolean': return { type: 'boolean' };
    case 'isObject': return { type: 'object' };
    case 'isArray': return { type: 'array' };
    case 'isLength': return { ...(typeof c[0] === 'number' && c[0] > 0 ? { minLength: c[0] } : {}), ...(typeof c[1] === 'number' ? { maxLength: c[1] } : {}) };
    case 'minLength': return { minLength: c[0] };
    case 'maxLength': return { maxLength: c[0] };
    case 'min': return { minimum: c[0] };
    case 'max': return { maximum: c[0] };
    case 'isPositive': return { minimum: 1 };
    case 'isIn': return Array.isArray(c[0]) ? { enum: [...(c[0] as unknown[])] } : undefined;
    case 'isEnum': return c[0] && typeof c[0] === 'object' ? { enum: Object.values(c[0] as object) } : undefined;
    case 'matches': return patternKeywords(c[0] instanceof RegExp ? c[0].source : typeof c[0] === 'string' ? c[0] : undefined);
    case 'arrayMaxSize': return { maxItems: c[0] };
    case 'arrayMinSize': return { minItems: c[0] };
    case 'arrayUnique': return { uniqueItems: true };
    case 'arrayNotEmpty': return { minItems: 1 };
    case 'isCalendarDate': return { type: 'string', format: 'date', minLength: 10, maxLength: 10 };
    case 'isTimestamp': return { type: 'string', format: 'date-time', maxLength: 40 };
    case 'isIso8601': return { type: 'string', format: 'date-time', maxLength: 40 };
    default: return undefined;
  }
}

const ARRAY_KEYWORDS = new Set(['maxItems', 'minItems', 'uniqueItems']);

/**
 * Writes the rules onto one property schema: the validators are the source of truth, so their bounds replace what
 * an @ApiProperty says. Rules with `each` go to the array's items. A property that is a bare reference is left alone
 * (its class carries its own rules).
 */
export function applyRules(target: SchemaObject, rules: Rule[]): void {
  for (const rule of rules) {
    const kw = keywordsOf(rule);
    if (!kw) continue;
    const each = rule.each && !Object.keys(kw).every((k) => ARRAY_KEYWORDS.has(k));
    const into = each ? (target.items ??= {}) : target;
    if (into.$ref || (Array.isArray(into.allOf) && !into.type)) continue;
    if (each && kw.type) {
      // `@IsString({ each: true })` on an array: the items are strings; the property stays an array.
      into.type = kw.type;
    }
    const words = each ? Object.fromEntries(Object.entries(kw).filter(([k]) => k !== 'type')) : { ...kw };
    // A query value arrives as text and is transformed before validation (e.g. 'true' -> true): the document
    // lists the values as they are written.
    if (Array.isArray(words.enum) && into.type === 'string') words.enum = words.enum.map(String);
    Object.assign(into, words);
    if (kw.type === 'array' && target.type !== 'array') target.type = 'array';
  }
  // Unique items from a closed list: never more items than the list has.
  const items = target.items;
  if (target.type === 'array' && target.uniqueItems && target.maxItems === undefined && Array.isArray(items?.enum)) target.maxItems = items.enum.length;
  for (const s of [target, target.items]) {
    if (s?.type === 'integer' && !s.format) s.format = integerFormat(s);
  }
}

/** The rules class-validator holds for a class (its own and inherited), grouped by property. */
export function rulesByProperty(cls: Class): Map<string, Rule[]> {
  const all = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false) as Rule[];
  const out = new Map<string, Rule[]>();
  for (const r of all) {
    const list = out.get(r.propertyName) ?? [];
    list.push(r);
    out.set(r.propertyName, list);
  }
  return out;
}

/** Every class class-validator knows, by name (the component name @nestjs/swagger gives its schema). */
export function validatedClasses(): Map<string, Class> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Class, unknown[]> };
  const out = new Map<string, Class>();
  for (const cls of storage.validationMetadatas.keys()) if (typeof cls === 'function' && cls.name) out.set(cls.name, cls);
  return out;
}

/**
 * The limits the validators enforce, written into the component schemas of the classes they validate: string
 * lengths, patterns, enums, numeric bounds and array sizes appear in the document exactly as the server enforces
 * them (one source).
 */
export function applyValidatorLimits(schemas: Record<string, SchemaObject>): void {
  for (const [name, cls] of validatedClasses()) {
    const schema = schemas[name];
    if (!schema?.properties) continue;
    for (const [prop, rules] of rulesByProperty(cls)) {
      const target = schema.properties[prop];
      if (target) applyRules(target, rules);
    }
  }
}
