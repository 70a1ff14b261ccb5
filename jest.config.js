/**
 * Jest 30 in ESM mode: Nest 12 is ESM-only, so tests run under
 * `node --experimental-vm-modules` (see the `test` script) with ts-jest's ESM support.
 * Type-checking is done once by `tsc` (lint/build), so ts-jest only transpiles each file.
 */
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    // Sources import siblings as `./x.js` (NodeNext); map them back to the `.ts` files.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testTimeout: 30000,
  // A failed assertion can leave an app's poll loops open; never let that hang CI after the report.
  forceExit: true,
  maxWorkers: 2,
};
