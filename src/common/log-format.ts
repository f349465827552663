/**
 * How logs are written: one JSON object per line (for a log shipper, and whenever the output is a file or a pipe),
 * or human-readable lines through pino-pretty when a person watches a terminal in development. Production and
 * tests always get JSON; LOG_FORMAT=json|pretty overrides the guess.
 */
export type LogFormat = 'json' | 'pretty';

export function logFormat(env: Record<string, string | undefined>, stdoutIsTty: boolean): LogFormat {
  if (env.NODE_ENV === 'production' || env.NODE_ENV === 'test') return 'json';
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return (env.NODE_ENV ?? 'development') === 'development' && stdoutIsTty ? 'pretty' : 'json';
}

/** The pino transport for the format: pino-pretty (colours, local time, one line per request), or none (JSON). */
export function logTransport(format: LogFormat): { target: string; options: Record<string, unknown> } | undefined {
  if (format === 'json') return undefined;
  return { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true } };
}
