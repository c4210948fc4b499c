import { defineConfig } from 'vitest/config';

// One config, one project per workspace package; tests sit beside the code they test.
// With DATABASE_URL unset every test runs on embedded PGlite; set it to run the same suite on pg.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
