import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { EnumPipe, IdPipe } from '../id.pipe';

/** Route metadata keys, as src/auth/decorators.ts sets them (common/ is the shared kernel: no import from auth/). */
const PUBLIC_KEY = 'hit:public';

const QUERY: number = RouteParamtypes.QUERY;
const PARAM: number = RouteParamtypes.PARAM;

export type PathParamFact = { kind: 'id' } | { kind: 'enum'; values: readonly string[] };

/** What the API document cannot say by itself about one operation, read from the route's Nest metadata. */
export interface RouteFacts {
  isPublic: boolean;
  /** The class of the whole-query DTO (`@Query() q: XQueryDto`), whose validators hold the limits. */
  queryClass?: Type<unknown>;
  /** Path parameters parsed by IdPipe (positive 32-bit integers) or EnumPipe (one of a fixed set). */
  pathParams: Record<string, PathParamFact>;
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

function pathParamFact(pipes: unknown[] = []): PathParamFact | undefined {
  for (const p of pipes) {
    if (p === IdPipe || p instanceof IdPipe) return { kind: 'id' };
    if (p instanceof EnumPipe) return { kind: 'enum', values: p.values as readonly string[] };
  }
  return undefined;
}

function methodNames(proto: object): string[] {
  const names = new Set<string>();
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  return [...names];
}

function factsOf(controller: Type<unknown>, name: string, handler: object): RouteFacts {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, RouteArg>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Type<unknown>[];
  const facts: RouteFacts = {
    isPublic: Reflect.getMetadata(PUBLIC_KEY, handler) === true || Reflect.getMetadata(PUBLIC_KEY, controller) === true,
    pathParams: {},
  };
  for (const [key, arg] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]);
    if (kind === QUERY && arg.data === undefined && typeof types[arg.index] === 'function') facts.queryClass = types[arg.index];
    if (kind === PARAM && typeof arg.data === 'string') {
      const fact = pathParamFact(arg.pipes);
      if (fact) facts.pathParams[arg.data] = fact;
    }
  }
  return facts;
}

/**
 * Facts per operationId (`Controller_method`, @nestjs/swagger's default), for every route of every controller the
 * app has. Reads Nest's own metadata only (no HTTP adapter), so it works the same under Express or Fastify.
 */
export function collectRouteFacts(app: INestApplication): Map<string, RouteFacts> {
  const out = new Map<string, RouteFacts>();
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      for (const name of methodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        out.set(`${controller.name}_${name}`, factsOf(controller, name, handler));
      }
    }
  }
  return out;
}
