import { readFileSync } from 'node:fs';
import { testEnv } from '@engage/testing';

/** The OPS_TOKEN the stack runner gave the gateway under test (the Prometheus scrape's credential). */
export function opsToken(): string {
  const state = JSON.parse(readFileSync(testEnv.e2eStateFile(), 'utf8')) as { env: Record<string, Record<string, string>> };
  const token = state.env['api-gateway']?.OPS_TOKEN;
  if (!token) throw new Error('the e2e stack gave the gateway no OPS_TOKEN (tools/stack/services.mjs)');
  return token;
}
