// Shared Jest settings: SWC transform (with decorator metadata for NestJS) and the @engage/* aliases.
const { compilerOptions } = require('./tsconfig.base.json');
const swc = require('./.swcrc.json.js');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/tools/deploy-check/'],
};
