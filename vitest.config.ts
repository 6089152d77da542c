import { defineConfig } from 'vitest/config';

// One project per layer of the testing pyramid, so a layer can be run alone:
// `npx vitest run --project unit`. The infra layer synthesizes the whole stack (esbuild bundles
// twelve Lambdas), which takes tens of seconds on two busy cores: its limits are wider.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/lint/**/*.test.ts'] } },
      { extends: true, test: { name: 'adapters', include: ['test/adapters/**/*.test.ts'] } },
      { extends: true, test: { name: 'workflow', include: ['test/workflow/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/e2e-local/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 } },
    ],
  },
});
