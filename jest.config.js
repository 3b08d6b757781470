// Three tiers, selected with --selectProjects: unit (beside the code), integration (real Postgres,
// Redis, NATS) and e2e (every service booted, spoken to through the gateway only).
const preset = require('./jest.preset');

module.exports = {
  projects: [
    { ...preset, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...preset, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'] },
    {
      ...preset,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts'],
      testTimeout: 60000,
    },
  ],
};
