import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

describe('crm CLI process', () => {
  it('prints help, and refuses an unknown command with exit code 2 before touching a database', async () => {
    const help = await run(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts'], { cwd: root });
    expect(help.stdout).toMatch(/set-plan <tenant-slug> <plan>/);
    const bad = await run(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', 'frobnicate'], { cwd: root }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
