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
};
