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
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
  }
}
