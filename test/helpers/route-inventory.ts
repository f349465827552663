import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTHENTICATED_KEY, PERMISSION_KEY, PUBLIC_KEY } from '../../src/auth/decorators';

export interface RouteEntry {
  route: string;
  permission: string | null;
}

/** Every HTTP route of the app with what it declares: a permission, `authenticated`, `public`, or null (nothing). */
export function routeInventory(app: INestApplication): RouteEntry[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const out: RouteEntry[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const base = normalize(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const proto = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const targets = [handler, wrapper.metatype];
      const permission =
        anyOf(reflector.getAllAndOverride<string | string[]>(PERMISSION_KEY, targets)) ??
        (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ? 'public' : null) ??
        (reflector.getAllAndOverride<boolean>(AUTHENTICATED_KEY, targets) ? 'authenticated' : null);
      for (const p of Array.isArray(path) ? path : [path]) {
        out.push({ route: `${method} /${[base, normalize(p)].filter(Boolean).join('/')}`, permission });
      }
    }
  }
  return out.sort((a, b) => a.route.localeCompare(b.route));
}

function normalize(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

function anyOf(p: string | string[] | undefined): string | undefined {
  return Array.isArray(p) ? `any of ${p.join(', ')}` : p;
}
