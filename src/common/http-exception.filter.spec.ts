import { errorBody } from './http-exception.filter';

describe('errorBody (the documented error shape)', () => {
  it('keeps field problems in details', () => {
    const details = [{ field: 'givenName', problems: ['too long'] }];
    expect(errorBody(400, { error: 'Bad Request', message: 'Invalid input: givenName', details }, 'x')).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid input: givenName', details });
  });
  it('moves a refusal\'s reasons to reasons', () => {
    expect(errorBody(403, { error: 'Forbidden', message: 'Forbidden: no', details: { reasons: ['a', 'b'] } }, 'x')).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Forbidden: no', reasons: ['a', 'b'] });
  });
  it('moves other details and extra keys to context, never into details', () => {
    const b = errorBody(409, { error: 'Conflict', message: 'm', details: { status: 'fulfilled', allowedActions: [] } }, 'x');
    expect(b).toEqual({ statusCode: 409, error: 'Conflict', message: 'm', context: { status: 'fulfilled', allowedActions: [] } });
    expect(errorBody(429, { statusCode: 429, error: 'Too Many Requests', message: 'wait', retryAfter: 30 }, 'x').context).toEqual({ retryAfter: 30 });
  });
  it('never prints an object as the error name (a health check report)', () => {
    const b = errorBody(503, { status: 'error', info: {}, error: { auditTrail: { status: 'down' } }, details: {} }, 'Service Unavailable Exception');
    expect(b.error).toBe('Service Unavailable');
    expect(b.message).toBe('Service Unavailable Exception');
    expect(b.context).toEqual({ status: 'error', info: {}, error: { auditTrail: { status: 'down' } } });
    expect(b.details).toBeUndefined();
  });
});
