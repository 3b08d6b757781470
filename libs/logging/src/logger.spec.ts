import { Writable } from 'node:stream';
import { runWithContext, systemContext } from '@engage/context';
import { createLogger } from './logger';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test-service', level: 'info', destination }) };
};

describe('createLogger', () => {
  it('never writes passwords or tokens', () => {
    const { lines, logger } = capture();
    logger.info({ password: 'hunter2', body: { refresh_token: 'abc' }, headers: { authorization: 'Bearer x' } }, 'login');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer x');
    expect(text).not.toContain('"abc"');
    expect(lines[0]).toMatchObject({ service: 'test-service', level: 'info', msg: 'login' });
  });

  it('stamps the request id and tenant id of the request being served', () => {
    const { lines, logger } = capture();
    runWithContext(systemContext({ requestId: 'req-1', tenantId: 't-1' }), () => logger.info('hello'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ request_id: 'req-1', tenant_id: 't-1' });
    expect(lines[1]).not.toHaveProperty('request_id');
  });
});
