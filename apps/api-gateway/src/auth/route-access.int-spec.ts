import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@engage/config';
import { createLogger } from '@engage/logging';
import { testEnv } from '@engage/testing';
import { createGateway } from '../bootstrap';
import { GatewayConfig } from '../config';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.decorator';

/**
 * Security by construction: walks every route the gateway serves and fails, naming it, if a
 * route declares neither a permission nor that it is public. (The guard also refuses such a
 * route at run time; this catches it before it ships.)
 */
describe('gateway route table', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // With the benchmark's probe routes mounted, so that they are checked too.
    const config = loadConfig(GatewayConfig, { NATS_URL: testEnv.natsUrl(), REDIS_URL: testEnv.redisUrl(), LOG_LEVEL: 'silent', BENCH_PROBES: 'true' });
    app = await createGateway(config, createLogger({ service: 'route-test', level: 'silent' }), { docs: false });
    await app.init();
  });
  afterAll(() => app?.close());

  const routes = () => {
    const found: Array<{ route: string; access: RouteAccess | undefined }> = [];
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!type) continue;
        const base = Reflect.getMetadata(PATH_METADATA, type) as string;
        for (const name of Object.getOwnPropertyNames(type.prototype)) {
          const handler = type.prototype[name];
          if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const access = (Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, type)) as RouteAccess | undefined;
          found.push({ route: `${method} /${base}/${Reflect.getMetadata(PATH_METADATA, handler)}`.replace(/\/+/g, '/'), access });
        }
      }
    }
    return found;
  };

  it('declares access on every route', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((r) => !r.access).map((r) => r.route)).toEqual([]);
  });

  it('puts metrics and detailed health behind the operations token', () => {
    const operations = routes()
      .filter((r) => r.access?.kind === 'operations')
      .map((r) => r.route)
      .sort();
    expect(operations).toEqual(['GET /health/details', 'GET /metrics']);
  });

  it('keeps the public surface to sign-in, health, docs and keys (and the benchmark probe, when mounted)', () => {
    const publicRoutes = routes()
      .filter((r) => r.access?.kind === 'public')
      .map((r) => r.route)
      .sort();
    expect(publicRoutes).toEqual(
      [
        'GET /.well-known/jwks.json',
        'GET /bench/probe/public',
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'POST /v1/auth/login',
        'POST /v1/auth/login/mfa',
        'POST /v1/auth/password-reset',
        'POST /v1/auth/password-reset/confirm',
        'POST /v1/auth/refresh',
        'POST /v1/auth/signup',
        'POST /webhooks/gmail',
        'POST /webhooks/stripe',
        'POST /webhooks/twilio/recording',
        'POST /webhooks/twilio/sms',
        'POST /webhooks/twilio/sms/status',
        'POST /webhooks/twilio/voice',
        'POST /webhooks/twilio/voice/status',
      ].sort(),
    );
  });
});
