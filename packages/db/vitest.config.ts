import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '@crm/db', testTimeout: 60_000, hookTimeout: 60_000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
