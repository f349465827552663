import { PayloadTooLargeException } from '@nestjs/common';
import { json, urlencoded } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { InvalidInput } from './errors';

export const BODY_LIMIT = '1mb';

/** Request id: the caller's X-Request-Id when it is sane, otherwise a fresh UUID; echoed in the response. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(header) ? header : randomUUID();
}

export const assignRequestId: RequestHandler = (req, res, next) => {
  const id = requestIdOf(req.headers['x-request-id']);
  (req as Request & { id: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** PHI must not sit in browser or proxy caches (45 CFR 164.312(a)): every answer says so. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** Body-parser failures become the service's own 400 (naming the body) and 413, before any route runs. */
function bodyErrors(err: { type?: string; status?: number } | undefined, _req: Request, _res: Response, next: NextFunction): void {
  if (err?.type === 'entity.parse.failed') return next(new InvalidInput([{ field: 'body', problems: ['is not valid JSON'] }], 'Malformed JSON in request body'));
  if (err?.type === 'entity.too.large') return next(new PayloadTooLargeException(`Request body is larger than the ${BODY_LIMIT} limit`));
  if (err?.status === 415 || err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
    return next(InvalidInput.field('body', 'has an unsupported charset or encoding'));
  }
  next(err);
}

/** No request body of this API nests deeper than a few levels; 32 leaves room and keeps recursion out of reach. */
export const MAX_BODY_DEPTH = 32;

/** The nesting depth of a parsed body, measured without recursion (a 5,000-deep body must not blow the stack). */
export function depthOf(value: unknown, stopAt = MAX_BODY_DEPTH + 1): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) max = d + 1;
    if (max >= stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** A body nested deeper than MAX_BODY_DEPTH is a 400 naming the body, before validation walks it recursively. */
const limitDepth: RequestHandler = (req, _res, next) => {
  if (depthOf(req.body) > MAX_BODY_DEPTH) return next(InvalidInput.field('body', `is nested more than ${MAX_BODY_DEPTH} levels deep`));
  next();
};

export const bodyParsers = [json({ limit: BODY_LIMIT }), urlencoded({ limit: BODY_LIMIT, extended: false }), bodyErrors, limitDepth];
