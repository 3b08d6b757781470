/**
 * Where the tests find the infrastructure `npm test` prepared: a test database with the same
 * roles as production, a private NATS server and a separate Redis database.
 */
export interface RoleUrls {
  app: string;
  owner: string;
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through \`npm test\` (tools/stack/cli.mjs test)`);
  return value;
};

export const testEnv = {
  databaseUrls(schema: string): RoleUrls {
    const urls = JSON.parse(required('ENGAGE_TEST_DB_URLS')) as Record<string, RoleUrls>;
    if (!urls[schema]) throw new Error(`no test database role for schema ${schema}`);
    return urls[schema];
  },
  natsUrl: () => required('ENGAGE_TEST_NATS_URL'),
  redisUrl: () => required('ENGAGE_TEST_REDIS_URL'),
  e2eStateFile: () => required('ENGAGE_E2E_STATE'),
  /**
   * A superuser connection to the test database (what an attacker holding the database's keys
   * could do, for tamper tests): PGADMIN_URL's server and user, else `postgres` on the owner URL's
   * host, as the infrastructure scripts connect.
   */
  superuserUrl(schema: string): string {
    const owner = new URL(testEnv.databaseUrls(schema).owner);
    if (process.env.PGADMIN_URL) {
      const admin = new URL(process.env.PGADMIN_URL);
      admin.pathname = owner.pathname;
      return admin.toString();
    }
    owner.username = 'postgres';
    owner.password = '';
    return owner.toString();
  },
  /** Opt-in load tests inside the test tiers (ENGAGE_BENCH=1), with their rate and duration. */
  bench: () => ({ enabled: process.env.ENGAGE_BENCH === '1', rate: Number(process.env.BENCH_RATE ?? 1000), seconds: Number(process.env.BENCH_SECONDS ?? 5) }),
  /** The environment a test hands a process it starts, with `overrides` on top. */
  childEnv: (overrides: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...overrides }),
};
