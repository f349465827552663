import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { AppRequest } from './request-context';

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * One error shape everywhere: { statusCode, error, message, details?, requestId }.
 * Errors raised by body-parser (malformed JSON, too large) arrive here too, as HttpErrors with a status.
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

  private toBody(exception: unknown): { statusCode: number; error: string; message: string; details?: unknown } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'object' && r !== null) {
        const o = r as Record<string, unknown>;
        const message = Array.isArray(o.message) ? o.message.join('; ') : String(o.message ?? exception.message);
        return { statusCode: status, error: String(o.error ?? STATUS_NAMES[status] ?? 'Error'), message, details: o.details };
      }
      return { statusCode: status, error: STATUS_NAMES[status] ?? 'Error', message: String(r) };
    }
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser: entity.parse.failed, entity.too.large, charset/encoding errors
      const message =
        e.type === 'entity.parse.failed'
          ? 'Malformed JSON in request body'
          : e.type === 'entity.too.large'
            ? 'Request body is larger than the 1 MB limit'
            : (e.message ?? 'Bad request');
      return {
        statusCode: status,
        error: STATUS_NAMES[status] ?? 'Error',
        message,
        details: e.type === 'entity.parse.failed' ? [{ field: 'body', problems: ['is not valid JSON'] }] : undefined,
      };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
