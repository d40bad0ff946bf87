import { defineConfig } from 'vitest/config';

/**
 * Test tiers (house style §8): `unit` (pure logic, no engines), `integration` (repositories and
 * handlers against DynamoDB Local and s3rver), `e2e` (HTTP against the local runtime), `infra`
 * (CDK templates and cdk-nag). The platform is started once for integration and e2e
 * (tests/support/global-setup.ts); each test makes its own uniquely named data.
 */
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/environment.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['tests/infra/**/*.test.ts'], testTimeout: 300_000 } },
    ],
  },
});
