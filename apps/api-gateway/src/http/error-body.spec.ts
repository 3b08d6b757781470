import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { BusinessRuleError, NotFoundError, RateLimitedError, TimeoutError } from '@engage/errors';
import { errorBody, mapError } from './error-body';

describe('mapError', () => {
  it('keeps a domain error’s status, code and details', () => {
    const mapped = mapError(new BusinessRuleError('do_not_call', 'The number is on the Do-Not-Call list.', { number: '+15550100' }));
    expect(mapped).toMatchObject({ status: 422, body: { error: 'do_not_call', details: { number: '+15550100' } }, unexpected: false });
  });

  it('passes Retry-After for rate limits', () => {
    expect(mapError(new RateLimitedError(42)).retryAfterSeconds).toBe(42);
  });

  it('maps NATS timeouts to 504 and framework errors by status', () => {
    expect(mapError(new TimeoutError('The crm service')).status).toBe(504);
    expect(mapError(new NotFoundException()).body.error).toBe('not_found');
    expect(mapError(new PayloadTooLargeException()).body.error).toBe('payload_too_large');
    expect(mapError(Object.assign(new Error('x'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).body).toEqual({
      error: 'payload_too_large',
      message: 'The request body is too large.',
    });
  });

  it('hides the internals of our own bugs behind a plain 500', () => {
    const mapped = mapError(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(mapped).toMatchObject({ status: 500, unexpected: true, body: { error: 'internal' } });
    expect(JSON.stringify(mapped.body)).not.toContain('secret');
  });

  it('builds the SPEC body with request id and timestamp', () => {
    const body = errorBody(mapError(new NotFoundError('Contact', 'abc')), 'req-1');
    expect(body).toEqual({ error: 'not_found', message: 'Contact not found.', details: { id: 'abc' }, request_id: 'req-1', timestamp: expect.any(String) });
  });
});
