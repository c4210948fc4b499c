import { defineConfig } from 'vitest/config';

// One config, one project per workspace package; tests sit beside the code they test.
// With DATABASE_URL unset every test runs on embedded PGlite; set it to run the same suite on pg.
// Passwords are hashed at OWASP's cost in production (scrypt N=2^17, about half a second here);
// the suite hashes hundreds, so its workers (which inherit this environment) use N=2^12. The auth
// tests set their own cost where the cost itself is under test.
process.env.SCRYPT_LOG2_N ??= '12';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
