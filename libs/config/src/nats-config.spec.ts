import { BaseConfig } from './base.config';
import { ConfigError, loadConfig } from './load-config';

/** NATS credentials and TLS come from the configuration, and half a credential is refused at boot. */
describe('NATS connection settings', () => {
  const load = (env: Record<string, string>) => loadConfig(BaseConfig, { NATS_URL: 'tls://nats-0:4222,tls://nats-1:4222', ...env });

  it('connects without credentials when none are configured (development)', () => {
    expect(load({}).natsConnection).toEqual({ servers: ['tls://nats-0:4222', 'tls://nats-1:4222'] });
  });

  it('carries the user, password and CA file', () => {
    const config = load({ NATS_USER: 'crm-service', NATS_PASSWORD: 'pw', NATS_TLS_CA_FILE: '/etc/engage/nats-tls/ca.crt' });
    expect(config.natsConnection).toEqual({
      servers: ['tls://nats-0:4222', 'tls://nats-1:4222'],
      user: 'crm-service',
      pass: 'pw',
      tls: { caFile: '/etc/engage/nats-tls/ca.crt', certFile: undefined, keyFile: undefined },
    });
  });

  it('carries a token and a client certificate for mutual TLS', () => {
    const config = load({ NATS_TOKEN: 't0ken', NATS_TLS_CERT_FILE: '/c.pem', NATS_TLS_KEY_FILE: '/k.pem' });
    expect(config.natsConnection).toMatchObject({ token: 't0ken', tls: { certFile: '/c.pem', keyFile: '/k.pem' } });
  });

  it.each([
    [{ NATS_USER: 'crm-service' }, /NATS_PASSWORD must be set with NATS_USER/],
    [{ NATS_PASSWORD: 'pw' }, /NATS_USER must be set with NATS_PASSWORD/],
    [{ NATS_USER: 'crm-service', NATS_PASSWORD: '' }, /NATS_PASSWORD must be set with NATS_USER/],
    [{ NATS_USER: 'crm-service', NATS_PASSWORD: 'pw', NATS_TOKEN: 't' }, /NATS_TOKEN cannot be combined with NATS_USER/],
    [{ NATS_TLS_CERT_FILE: '/c.pem' }, /NATS_TLS_KEY_FILE must be set with NATS_TLS_CERT_FILE/],
  ])('refuses %j at boot', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
