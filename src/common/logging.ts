import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hostname } from 'node:os';
import pino, { DestinationStream, Level, Logger } from 'pino';
import { logFormat, logTransport } from './log-format';

/**
 * The service's logs: one pino logger for the application's messages (Nest's Logger) and one line per request.
 * Structured, with the request id; never credentials, tokens, bodies or query strings (minimum necessary).
 *
 * Requests are logged by `requestLog` below rather than by pino-http: pino-http builds a child logger per request
 * (even at level silent) and nestjs-pino binds it with an AsyncLocalStorage, which in Node 20 puts a hook on every
 * promise the request creates. Together they cost about 200 µs of CPU per request, 40% of a small authenticated
 * route (docs/performance.md). Messages logged while handling a request name their request id themselves.
 */

/** LOG_LEVEL, or silent in tests and info otherwise. */
export function logLevel(env: Record<string, string | undefined>): Level | 'silent' {
  return (env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info')) as Level | 'silent';
}

/** The process's logger; `destination` (tests) replaces stdout, and with it pino-pretty. */
export function createLogger(env: Record<string, string | undefined>, stdoutIsTty = process.stdout.isTTY === true, destination?: DestinationStream): Logger {
  const transport = destination ? undefined : logTransport(logFormat(env, stdoutIsTty));
  const options = {
    level: logLevel(env),
    base: { pid: process.pid, hostname: hostname(), service: 'hit-records' },
    // Belt and braces: no message may carry these, whoever logs them.
    redact: { paths: ['authorization', 'cookie', 'password', 'text', 'body', 'headers'].flatMap((k) => [k, `*.${k}`]), remove: true },
    serializers: { err: pino.stdSerializers.err },
    ...(transport ? { transport } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

/** One line per answered request: id, method, path (no query string: it can carry names), status and time. */
export function requestLog(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) return (_req, _res, next) => next();
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const done = () => {
      res.removeListener('close', done);
      res.removeListener('finish', done);
      const line = {
        req: { id: (req as Request & { id?: string }).id, method: req.method, path: req.originalUrl.split('?')[0] },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
      };
      if (!res.writableFinished) logger.warn(line, 'request aborted');
      else if (res.statusCode >= 500) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

/** Nest's LoggerService over pino: `log(message, ...params, context)`, an object or an Error as the first argument. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the context (the Logger's name) last; its own exception handlers pass a stack before it.
    const rest = [...params];
    if (rest.length && typeof rest[rest.length - 1] === 'string') fields.context = rest.pop();
    if (level === 'error' && typeof message === 'string' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      const err = new Error(message);
      err.stack = rest[0];
      this.logger[level]({ ...fields, err });
      return;
    }
    const text = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, text ?? message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message }, text);
    else this.logger[level](fields, String(message));
  }
}
