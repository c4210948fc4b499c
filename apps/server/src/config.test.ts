import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const made: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-config-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('defaults to port 3000 and the embedded database, keeping a JWT secret beside the data', () => {
    const dir = dataDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, dataDir: dir, jwtSecretSource: 'data_dir' });
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(c.jwtSecret);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(c.jwtSecret); // the same after a restart
  });

  it('refuses bad values with one line naming the variable', () => {
    for (const [env, message] of [
      [{ PORT: 'eighty' }, /^PORT must be/],
      [{ PORT: '70000' }, /^PORT must be/],
      [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must start with postgres/],
      [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32/],
      [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
      [{ MAIL_RETENTION_DAYS: 'forever' }, /^MAIL_RETENTION_DAYS must be a positive number/],
      [{ MAIL_RETENTION_DAYS: '-1' }, /^MAIL_RETENTION_DAYS must be a positive number/],
    ] as const) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), ...env }), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
    }
  });

  it('hides the password of a rejected DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' })).toThrow(/u:\*\*\*@/);
  });
});
