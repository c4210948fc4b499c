#!/usr/bin/env -S npx tsx
import { resolve } from 'node:path';
import { createDb } from '@crm/db';
import { DomainError } from '@crm/domain';
import { parseArgs } from './args.ts';
import { erasePerson, exportEvents, rebuild, setPlan, setTenantSuspended, UsageError, verify } from './commands.ts';

const HELP = `crm: the analysts' and operators' tool (DATABASE_URL, or the embedded database in DATA_DIR)

  set-plan <tenant-slug> <plan>         set a tenant's plan: free, starter, pro, enterprise
  verify [--tenant <slug>]              recompute every stream's hash chain; exit 1 on any break
  rebuild [--check]                     rebuild all projections from position 0 and swap them in;
                                        --check compares with the live tables instead
  export [--tenant <slug>] [--after <checkpoint>]
                                        the event log as NDJSON on stdout, resumable by checkpoint
  suspend-tenant --tenant <id|slug> [--reason <text>]
                                        refuse the tenant's logins, tokens, API keys and refreshes
  reactivate-tenant --tenant <id|slug>  let them in again
  erase-person --tenant <id|slug> --person <uuid>
                                        erase a person's personal data for good (destroys their key);
                                        exit 1 when the person is unknown or already erased

The embedded database allows one process at a time: stop the server before using it there.`;

async function main() {
  const { positionals, flags } = parseArgs(process.argv.slice(2));
  const [command, ...rest] = positionals;
  if (!command || flags.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!['set-plan', 'verify', 'rebuild', 'export', 'suspend-tenant', 'reactivate-tenant', 'erase-person'].includes(command))
    throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  const dataDir = resolve(process.env.DATA_DIR?.trim() || './data');
  const handle = await createDb({ url: process.env.DATABASE_URL || undefined, dataDir: `${dataDir}/pglite` });
  const print = (x: unknown) => process.stderr.write(`${JSON.stringify(x)}\n`);
  try {
    switch (command) {
      case 'set-plan':
        print(await setPlan(handle.db, rest[0], rest[1]));
        return 0;
      case 'verify': {
        const result = await verify(handle.db, typeof flags.tenant === 'string' ? flags.tenant : undefined);
        print(result);
        return result.breaks.length === 0 ? 0 : 1;
      }
      case 'rebuild': {
        const report = await rebuild(handle.db, flags.check === true);
        print(report);
        const drift = Object.values(report.differences).some((d) => d.onlyLive + d.onlyRebuilt > 0);
        return drift ? 1 : 0;
      }
      case 'export':
        print(
          await exportEvents(handle.db, process.stdout, {
            ...(typeof flags.tenant === 'string' ? { slug: flags.tenant } : {}),
            ...(typeof flags.after === 'string' ? { after: flags.after } : {}),
          }),
        );
        return 0;
      case 'suspend-tenant':
      case 'reactivate-tenant': {
        const ref = typeof flags.tenant === 'string' ? flags.tenant : undefined;
        const reason = typeof flags.reason === 'string' ? flags.reason : null;
        print(await setTenantSuspended(handle.db, ref, command === 'suspend-tenant', reason));
        return 0;
      }
      case 'erase-person':
        print(
          await erasePerson(
            handle.db,
            typeof flags.tenant === 'string' ? flags.tenant : undefined,
            typeof flags.person === 'string' ? flags.person : undefined,
          ),
        );
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
    }
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    // A refusal of the use case (unknown person, already erased): its code and message, no stack.
    if (error instanceof DomainError) {
      process.stderr.write(`${JSON.stringify({ error: error.code, message: error.message })}\n`);
      process.exit(1);
    }
    process.stderr.write(`${error instanceof UsageError ? error.message : (error as Error).stack}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
