import { describe, expect, it } from 'vitest';
import { refusalKind } from '../shared/refusal.ts';
import { decideReactivate, decideSuspend } from './tenant-status.ts';

// Given the tenant's status, when an operator suspends or reactivates it, then these events (or this refusal).

describe('tenant status decisions', () => {
  it('suspends an active tenant, with the reason given', () => {
    expect(decideSuspend('active', 'unpaid')).toEqual([{ type: 'TenantSuspended', data: { reason: 'unpaid' } }]);
  });
  it('records nothing when the tenant is suspended already', () => {
    expect(decideSuspend('suspended', null)).toEqual([]);
  });
  it('reactivates a suspended tenant', () => {
    expect(decideReactivate('suspended')).toEqual([{ type: 'TenantReactivated', data: {} }]);
  });
  it('records nothing when reactivating an active tenant', () => {
    expect(decideReactivate('active')).toEqual([]);
  });
  it('refuses an unknown tenant', () => {
    expect(refusalKind(() => decideSuspend(undefined, null))).toBe('not_found:tenant_not_found');
    expect(refusalKind(() => decideReactivate(undefined))).toBe('not_found:tenant_not_found');
  });
});
