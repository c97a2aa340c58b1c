/** @type {import('jest').Config} */
const swc = [
  "@swc/jest",
  {
    jsc: {
      target: "es2021",
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: "commonjs" },
  },
]

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/integration-tests"],
  testMatch: ["**/*.spec.ts"],
  // scrypt-kdf ships ESM only; jest runs CommonJS, so that one package is transformed too.
  transform: {
    "^.+\\.ts$": swc,
    "node_modules/scrypt-kdf/.+\\.js$": swc,
  },
  transformIgnorePatterns: ["/node_modules/(?!scrypt-kdf/)"],
  globalSetup: "<rootDir>/integration-tests/setup/global-setup.ts",
  globalTeardown: "<rootDir>/integration-tests/setup/global-teardown.ts",
  testTimeout: 60000,
  maxWorkers: 2,
}
