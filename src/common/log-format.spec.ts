import { logFormat, logTransport } from './log-format';

describe('logFormat', () => {
  it('is pretty only for a terminal in development', () => {
    expect(logFormat({ NODE_ENV: 'development' }, true)).toBe('pretty');
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'development' }, false)).toBe('json');
    expect(logFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(logFormat({ NODE_ENV: 'test' }, true)).toBe('json');
  });
  it('follows LOG_FORMAT in development, never in production', () => {
    expect(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ NODE_ENV: 'development', LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, true)).toBe('json');
  });
  it('uses pino-pretty for pretty and no transport for JSON', () => {
    expect(logTransport('pretty')?.target).toBe('pino-pretty');
    expect(require.resolve('pino-pretty')).toBeTruthy();
    expect(logTransport('json')).toBeUndefined();
  });
});
