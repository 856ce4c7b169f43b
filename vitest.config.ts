import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_DEV: 'false',
    },
    // Suites start loopback servers (simulators, moto); two cores are plenty for a few forks.
    pool: 'forks',
    maxWorkers: 2,
    // Test files share their worker's module cache instead of importing the AWS SDK, the CDK and the
    // simulators afresh for each file: a third less CPU. So a file that changes process-wide state
    // (environment variables, log levels) gives it back when it ends (vi.stubEnv / vi.unstubAllEnvs).
    isolate: false,
  },
});
