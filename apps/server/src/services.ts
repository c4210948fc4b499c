import type { BillingConfig, Logger, MailDefaults, Services } from '@crm/api';
import type { DbHandle } from '@crm/db';
import { eventCodec, eventSchemas, inlineProjections, systemClock, upcasters, type Clock } from '@crm/domain';
import { EventStore } from '@crm/eventstore';

export function buildServices(
  handle: DbHandle,
  opts: { jwtSecret: string; log: Logger; clock?: Clock; mail?: MailDefaults; billing?: BillingConfig },
): Services {
  return {
    db: handle.db,
    dbKind: handle.kind,
    store: new EventStore({ inlineProjections, upcasters, schemas: eventSchemas, codec: eventCodec }),
    // A clock object per app, so a test that moves time moves only its own app's.
    clock: opts.clock ?? { now: () => systemClock.now() },
    jwtSecret: opts.jwtSecret,
    accessTokenTtlS: 15 * 60,
    refreshTokenTtlS: 30 * 86_400,
    log: opts.log,
    startedAt: new Date(),
    version: '0.1.0',
    ...(opts.mail ? { mail: opts.mail } : {}),
    ...(opts.billing ? { billing: opts.billing } : {}),
  };
}
