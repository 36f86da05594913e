import { defineConfig } from 'vitest/config';

// Integration tests share one Docker engine and loopback ports, so test files run one at a time.
// The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/report.json' },
  },
});
