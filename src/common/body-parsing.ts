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

export const bodyParsers = [json({ limit: BODY_LIMIT }), urlencoded({ limit: BODY_LIMIT, extended: false }), bodyErrors];
