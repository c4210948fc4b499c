import { privacy } from '@crm/domain';
import * as c from '../contracts/privacy.ts';
import { mutation, router } from '../trpc.ts';
import { runCommand } from '../unit-of-work.ts';

// Personal data and erasure: crypto-shredding of a person (packages/domain/src/privacy).

export const privacyRouter = router({
  persons: router({
    erase: mutation(c.persons.erase, ({ ctx, input }) =>
      runCommand(ctx, async (cmd) => {
        const r = await privacy.erasePerson(cmd, input.personId);
        return {
          personId: r.personId,
          erasedAt: r.erasedAt.toISOString(),
          sealedEvents: r.sealedEvents,
          clearEvents: r.clearEvents,
          platformEventsCleared: r.platformEventsCleared,
        };
      }),
    ),
  }),
});
