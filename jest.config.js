// Three tiers, selected with --selectProjects: unit (beside the code), integration (real Postgres,
// Redis, NATS) and e2e (every service booted, spoken to through the gateway only).
const preset = require('./jest.preset');

module.exports = {
  // A global option (Jest ignores it inside a project): e2e and integration tests wait on real
  // servers, some across rate-limit windows.
  testTimeout: 30000,
  projects: [
    { ...preset, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...preset, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'] },
    {
      ...preset,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
    },
  ],
};
