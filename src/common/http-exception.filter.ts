import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { FieldProblem } from './errors';
import type { AppRequest } from './request-context';

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The body every error answer carries, as documented by ErrorDto (src/common/openapi/error.dto.ts). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** 400: one entry per bad field. */
  details?: FieldProblem[];
  /** 403: the access policy's reasons. */
  reasons?: string[];
  /** Anything else that helps recover (409: current status, allowed actions; 429: retryAfter; 503: failed checks). */
  context?: Record<string, unknown>;
}

const OWN_KEYS = new Set(['statusCode', 'error', 'message', 'details', 'reasons', 'context']);

function isFieldProblems(v: unknown): v is FieldProblem[] {
  return Array.isArray(v) && v.every((d) => d && typeof d === 'object' && typeof (d as FieldProblem).field === 'string' && Array.isArray((d as FieldProblem).problems));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An exception's response object in the documented shape: `details` only as field problems, `reasons` only as
 * strings, everything else (a Conflict's details, extra keys such as a 429's retryAfter, a health check's report)
 * under `context`. Pure: unit-tested beside (http-exception.filter.spec.ts).
 */
export function errorBody(status: number, r: Record<string, unknown>, fallbackMessage: string): ErrorBody {
  const body: ErrorBody = {
    statusCode: status,
    error: typeof r.error === 'string' ? r.error : STATUS_NAMES[status] ?? 'Error',
    message: Array.isArray(r.message) ? r.message.join('; ') : typeof r.message === 'string' ? r.message : fallbackMessage,
  };
  if (isFieldProblems(r.details)) body.details = r.details;
  const reasons = r.reasons ?? (isPlainObject(r.details) ? r.details.reasons : undefined);
  if (Array.isArray(reasons) && reasons.every((x) => typeof x === 'string')) body.reasons = reasons;
  const context: Record<string, unknown> = {};
  if (isPlainObject(r.details)) for (const [k, v] of Object.entries(r.details)) if (k !== 'reasons') context[k] = v;
  if (isPlainObject(r.context)) Object.assign(context, r.context);
  for (const [k, v] of Object.entries(r)) if (!OWN_KEYS.has(k) && v !== undefined) context[k] = v;
  if (typeof r.error === 'object' && r.error !== null) context.error = r.error;
  if (Object.keys(context).length) body.context = context;
  return body;
}

/**
 * One error shape everywhere: { statusCode, error, message, details?, reasons?, context?, requestId } (ErrorDto).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<AppRequest>();
    const requestId = String(req?.id ?? '');
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId }, 'unhandled error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json({ ...body, requestId });
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'object' && r !== null) return errorBody(status, r as Record<string, unknown>, exception.message);
      return { statusCode: status, error: STATUS_NAMES[status] ?? 'Error', message: String(r) };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
