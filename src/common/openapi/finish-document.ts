import type { OpenAPIObject } from '@nestjs/swagger';
import { API_TAGS } from './api-tags';
import { addErrorResponses } from './error-responses';
import type { RouteFacts } from './route-facts';
import { applyRules, applyValidatorLimits, integerFormat, rulesByProperty, SchemaObject } from './validator-limits';

type Parameter = { name: string; in: string; schema?: SchemaObject; description?: string };
type Operation = Record<string, unknown> & { operationId?: string; summary?: string; description?: string; tags?: string[]; parameters?: Parameter[]; security?: unknown[]; responses?: Record<string, Record<string, unknown>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

const REQUEST_ID_HEADER = {
  description: 'The request id: the caller\'s X-Request-Id when it is sane, else a fresh UUID. Logs, errors (`requestId`) and audit rows carry it',
  schema: { type: 'string', maxLength: 100, pattern: '^[A-Za-z0-9._-]{1,100}$' },
};

/** Path parameters as their pipes parse them: IdPipe ids are positive 32-bit integers, EnumPipe segments an enum. */
function finishPathParameter(p: Parameter, facts: RouteFacts | undefined): void {
  const fact = facts?.pathParams[p.name];
  if (fact?.kind === 'id') p.schema = { type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 };
  if (fact?.kind === 'enum') p.schema = { type: 'string', enum: [...fact.values] };
}

/** Query parameters carry the limits of the query DTO's validators (the same rules as the DTO's own schema). */
function finishQueryParameters(params: Parameter[], facts: RouteFacts | undefined): void {
  const rules = facts?.queryClass ? rulesByProperty(facts.queryClass) : new Map();
  for (const p of params) {
    if (p.in !== 'query') continue;
    p.schema ??= {};
    const r = rules.get(p.name);
    if (r) applyRules(p.schema, r);
  }
}

function describe(op: Operation): void {
  const permission = op['x-permission'];
  const needs = permission === 'public' ? 'No token needed.'
    : permission === 'authenticated' ? 'Any signed-in user.'
      : typeof permission === 'string' ? `Requires ${permission.startsWith('any of') ? permission : `the permission \`${permission}\``}.` : '';
  if (!op.description) op.description = [op.summary ? `${op.summary.replace(/\.$/, '')}.` : '', needs].filter(Boolean).join(' ');
}

function finishOperation(method: string, op: Operation, facts: RouteFacts | undefined): void {
  for (const p of op.parameters ?? []) if (p.in === 'path') finishPathParameter(p, facts);
  finishQueryParameters(op.parameters ?? [], facts);
  if (facts?.isPublic || !op.security) op.security = [];
  describe(op);
  addErrorResponses(method, op, facts);
  for (const r of Object.values(op.responses ?? {})) {
    if (typeof r.$ref === 'string') continue;
    r.headers = { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...(r.headers as object) };
  }
}

/** The schema of null alone, in OpenAPI 3.0 terms (3.1 would say `type: 'null'`). */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null], description: 'null' };

/** `nullable` beside a reference or a composition (ignored by 3.0.3 there): null becomes a branch of its own. */
function nullAsBranch(o: SchemaObject): void {
  delete o.nullable;
  if (Array.isArray(o.oneOf) || Array.isArray(o.anyOf)) {
    const key = Array.isArray(o.oneOf) ? 'oneOf' : 'anyOf';
    o[key] = [...(o[key] as unknown[]), NULL_ONLY];
    return;
  }
  const ref = typeof o.$ref === 'string' ? { $ref: o.$ref } : Array.isArray(o.allOf) && o.allOf.length === 1 ? o.allOf[0] : undefined;
  if (!ref) throw new Error(`a nullable schema without a type: give it one (${JSON.stringify(o).slice(0, 200)})`);
  delete o.$ref;
  delete o.allOf;
  delete o.type;
  o.oneOf = [ref, NULL_ONLY];
}

/**
 * OpenAPI 3.0 nullable, as strict readers take it (3.0.3: `nullable` counts only beside a `type`): a nullable
 * reference becomes `oneOf: [ref, null]`, a nullable enum lists null, an integer names its format. Walks every schema.
 */
export function normalizeSchema(s: unknown): void {
  if (!s || typeof s !== 'object') return;
  if (Array.isArray(s)) return s.forEach(normalizeSchema);
  const o = s as SchemaObject;
  for (const [k, v] of Object.entries(o)) if (k !== 'example' && k !== 'enum' && k !== 'default') normalizeSchema(v);
  // @nestjs/swagger writes a nullable class as { type: object, nullable, allOf: [ref] }: the ref still refuses null.
  const wrappedRef = Array.isArray(o.allOf) && o.allOf.length === 1 && o.type === 'object' && !o.properties;
  if (o.nullable === true && (!o.type || wrappedRef)) nullAsBranch(o);
  if (o.nullable === true && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
  if (o.type === 'integer' && !o.format) o.format = integerFormat(o);
}

function finishTags(doc: OpenAPIObject): void {
  const used = new Set<string>();
  for (const item of Object.values(doc.paths)) for (const m of METHODS) for (const t of ((item as Record<string, Operation>)[m]?.tags ?? [])) used.add(t);
  const known = API_TAGS.filter((t) => used.has(t.name));
  const extra = [...used].filter((t) => !API_TAGS.some((k) => k.name === t)).sort().map((name) => ({ name, description: `Operations about ${name}.` }));
  doc.tags = [...known, ...extra];
}

/**
 * The document as published at /docs-json: built by @nestjs/swagger from the controllers and DTOs, then finished
 * here from the routes' own metadata, so a route added anywhere gets the same treatment without decorators of its
 * own: the error schema on every 4xx/5xx it can answer, the validators' limits, typed path ids, public routes
 * marked as such, tags described and ordered, headers declared, OpenAPI 3.0 nullable made strict.
 */
export function finishDocument(doc: OpenAPIObject, facts: Map<string, RouteFacts>): OpenAPIObject {
  const schemas = (doc.components ??= {}).schemas as Record<string, SchemaObject>;
  applyValidatorLimits(schemas);
  doc.components.headers = { ...doc.components.headers, 'X-Request-Id': REQUEST_ID_HEADER };
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation>)[method];
      if (op) finishOperation(method, op, facts.get(op.operationId ?? ''));
    }
  }
  normalizeSchema(doc.components.schemas);
  normalizeSchema(doc.paths);
  finishTags(doc);
  // Every server says whom it is for (OWASP API9:2023, inventory): this service has no internal-only endpoint.
  doc.servers = (doc.servers ?? []).map((server) => ({ 'x-internal': false, ...server }));
  return doc;
}
