import express from 'express';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, logLevel, PinoNestLogger, requestLog } from './logging';

/** A pino destination that keeps the parsed lines. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

async function serve(app: express.Express, fn: (port: number) => Promise<void>): Promise<void> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: 'Bearer secret-token' } });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('logging', () => {
  it('is silent in tests unless LOG_LEVEL says otherwise, info elsewhere', () => {
    expect(logLevel({ NODE_ENV: 'test' })).toBe('silent');
    expect(logLevel({ NODE_ENV: 'test', LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevel({ NODE_ENV: 'production' })).toBe('info');
    expect(logLevel({})).toBe('info');
  });

  it('logs one line per request: id, method, path without its query string, status, time; never headers', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(createLogger({ LOG_LEVEL: 'info' }, false, stream)));
    app.use((req, _res, next) => {
      (req as express.Request & { id: string }).id = 'req-1';
      next();
    });
    app.get('/patients/:id', (_req, res) => res.json({ ok: true }));
    app.get('/boom', (_req, res) => res.status(500).json({}));
    await serve(app, async (port) => {
      expect((await get(port, '/patients/7?name=Alvarez')).status).toBe(200);
      expect((await get(port, '/boom')).status).toBe(500);
      await until(() => lines.length === 2);
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', service: 'hit-records', req: { id: 'req-1', method: 'GET', path: '/patients/7' }, res: { statusCode: 200 } });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 500 } });
    expect(JSON.stringify(lines)).not.toMatch(/Alvarez|secret-token|authorization/i);
  });

  it('logs a request the client abandoned as aborted, once', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(createLogger({ LOG_LEVEL: 'info' }, false, stream)));
    app.get('/slow', (_req, res) => setTimeout(() => res.end('late'), 300));
    await serve(app, async (port) => {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, host: '127.0.0.1', path: '/slow' });
        req.on('error', () => resolve());
        req.end();
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      await until(() => lines.length >= 1);
      await new Promise((r) => setTimeout(r, 350));
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { path: '/slow' } });
  });

  it('adds nothing to a request when the level leaves requests out', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(createLogger({ LOG_LEVEL: 'warn' }, false, stream)));
    app.get('/x', (_req, res) => {
      res.json({ listeners: res.listenerCount('finish') });
    });
    await serve(app, async (port) => {
      const body = (await (await get(port, '/x')).json()) as { listeners: number };
      const bare = express();
      bare.get('/x', (_req, res) => {
        res.json({ listeners: res.listenerCount('finish') });
      });
      await serve(bare, async (barePort) => {
        expect(body.listeners).toBe(((await (await get(barePort, '/x')).json()) as { listeners: number }).listeners);
      });
    });
    expect(lines).toHaveLength(0);
  });

  it("maps Nest's logger calls: context last, an object or an Error first, a stack from Nest's own handlers", () => {
    const { lines, stream } = capture();
    const logger = createLogger({ LOG_LEVEL: 'trace' }, false, stream);
    const nest = new PinoNestLogger(logger);
    nest.log('Listening', 'Main');
    nest.error({ requestId: 'r-9', password: 'hunter2' }, 'unhandled error', 'Errors');
    nest.warn(new Error('disk slow'), 'Audit');
    nest.error('Boom', 'Error: Boom\n    at somewhere (file.js:1:1)', 'ExceptionHandler');
    nest.verbose('detail');
    stream.end();
    expect(lines[0]).toMatchObject({ level: 30, context: 'Main', msg: 'Listening' });
    expect(lines[1]).toMatchObject({ level: 50, context: 'Errors', requestId: 'r-9', msg: 'unhandled error' });
    expect(lines[1]).not.toHaveProperty('password');
    expect(lines[2]).toMatchObject({ level: 40, context: 'Audit', msg: 'disk slow', err: { message: 'disk slow' } });
    expect(lines[3]).toMatchObject({ level: 50, context: 'ExceptionHandler', err: { message: 'Boom' } });
    expect((lines[3].err as { stack: string }).stack).toContain('at somewhere');
    expect(lines[4]).toMatchObject({ level: 10, msg: 'detail' });
  });
});
