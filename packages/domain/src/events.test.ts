import { EventSchemaError, parseEvents, type StoredEvent } from '@crm/eventstore';
import { describe, expect, it } from 'vitest';
import { eventSchemas } from './index.ts';
import { IdentityEvent, identityEventSchemas } from './identity/events.ts';
import { ProfileEvent, profileEventSchemas } from './identity/profile.ts';
import { PersonEvent, personEventSchemas } from './people/events.ts';
import { CompanyEvent, companyEventSchemas } from './companies/events.ts';
import { EmailSettingsEvent, emailSettingsEventSchemas } from './email/events.ts';
import { AccessEvent, accessEventSchemas } from './access/events.ts';
import { RegistryEvent, registryEventSchemas } from './registry/events.ts';
import { TemplateEvent, templateEventSchemas } from './notifications/templates/events.ts';
import { DigestEvent, digestEventSchemas } from './notifications/digest/events.ts';
import { ChatEvent, chatEventSchemas } from './chat/events.ts';
import { TeamEvent, teamEventSchemas } from './teams/events.ts';
import { ReportEvent, reportEventSchemas } from './reports/events.ts';
import { BillingEvent, billingEventSchemas } from './billing/events.ts';
import { BusinessProfileEvent, businessProfileEventSchemas } from './business-profile/events.ts';
import { SetupEvent, setupEventSchemas } from './setup/events.ts';
import { InboxEvent, inboxEventSchemas, PreferenceEvent, preferenceEventSchemas } from './notifications/events.ts';
import * as decide from './pipeline/deals/decide.ts';
import { DealEvent, dealEvent, dealEventSchemas, isDealEvent } from './pipeline/deals/events.ts';
import { dealContactsProjection } from './pipeline/deals/projections.ts';
import { StageEvent, stageEventSchemas } from './pipeline/stages/events.ts';

const dealId = '00000000-0000-4000-8000-000000000001';
const stage = { id: '00000000-0000-4000-8000-00000000000a', name: 'Lead' };

const stored = <T extends string, D>(type: T, data: D): StoredEvent<T, D> => ({
  globalPosition: '1',
  eventId: '00000000-0000-4000-8000-0000000000e1',
  tenantId: '00000000-0000-4000-8000-0000000000f1',
  streamType: 'deal',
  streamId: dealId,
  streamVersion: 1,
  type,
  schemaVersion: 1,
  data,
  metadata: { source: 'system' },
  occurredAt: new Date(0),
  transactionId: '1',
  hash: '',
});

describe('event registries', () => {
  it('name every event type once, across modules, as the type constants do', () => {
    const modules = [
      identityEventSchemas,
      profileEventSchemas,
      stageEventSchemas,
      personEventSchemas,
      companyEventSchemas,
      dealEventSchemas,
      emailSettingsEventSchemas,
      accessEventSchemas,
      registryEventSchemas,
      templateEventSchemas,
      digestEventSchemas,
      chatEventSchemas,
      teamEventSchemas,
      reportEventSchemas,
      billingEventSchemas,
      businessProfileEventSchemas,
      setupEventSchemas,
      inboxEventSchemas,
      preferenceEventSchemas,
    ];
    const all = modules.flatMap((m) => Object.keys(m));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(eventSchemas).sort()).toEqual(all.sort());
    const constants = [
      IdentityEvent,
      ProfileEvent,
      StageEvent,
      PersonEvent,
      CompanyEvent,
      DealEvent,
      EmailSettingsEvent,
      AccessEvent,
      RegistryEvent,
      TemplateEvent,
      DigestEvent,
      ChatEvent,
      TeamEvent,
      ReportEvent,
      BillingEvent,
      BusinessProfileEvent,
      SetupEvent,
      InboxEvent,
      PreferenceEvent,
    ];
    constants.forEach((c, i) => {
      expect(Object.values(c).sort()).toEqual(Object.keys(modules[i]!).sort());
    });
  });

  it('accept what decide produces, unchanged', () => {
    const events = decide.createDeal({ dealId, name: 'Acme', domain: null, valueUsd: 12.5, stage, ownerUserId: 7 });
    expect(parseEvents(eventSchemas, events)).toEqual(events);
  });

  it('refuse a malformed event and an unknown type with EventSchemaError', () => {
    const bad = {
      type: 'DealCreated',
      data: { deal_id: 'not-a-uuid', name: 'Acme', domain: null, value_usd: '1.00', stage_id: stage.id, owner_user_id: null },
    };
    expect(() => parseEvents(eventSchemas, [bad])).toThrow(EventSchemaError);
    expect(() => parseEvents(eventSchemas, [bad])).toThrow(/DealCreated.*deal_id/);
    expect(() => parseEvents(eventSchemas, [{ type: 'DealRenamed', data: {} }])).toThrow(EventSchemaError);
  });

  it('store the schema’s shape: unknown keys are dropped', () => {
    const [e] = parseEvents(eventSchemas, [{ type: 'DealContactDetached', data: { contact_id: stage.id, note: 'x' } }]);
    expect(e!.data).toEqual({ contact_id: stage.id });
  });
});

describe('typed events', () => {
  it('builders take only the data of their type', () => {
    expect(dealEvent('DealContactDetached', { contact_id: stage.id })).toEqual({
      type: 'DealContactDetached',
      data: { contact_id: stage.id },
    });
    // @ts-expect-error: a DealMoved needs its stages.
    dealEvent('DealMoved', { contact_id: stage.id });
    // @ts-expect-error: not a deal event type.
    dealEvent('StageAdded', {});
  });

  it('a guard narrows a stored event by type', () => {
    const e: StoredEvent = stored('DealMoved', { to_stage_id: stage.id });
    expect(isDealEvent(e, 'DealMoved') ? e.data.to_stage_id : null).toBe(stage.id);
    expect(isDealEvent(e, 'DealDeleted')).toBe(false);
  });

  it('a typed projection refuses an event type it does not handle', () => {
    expect(() => dealContactsProjection.bulk!(() => []).add([stored('DealCreated', {})])).toThrow(/does not handle/);
  });
});
