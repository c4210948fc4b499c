import { EventSchemaError } from '@crm/eventstore';
import { describe, expect, it } from 'vitest';
import { describeError, toTRPCError } from './errors.ts';

// An event that fails its schema at append is the server's bug, never the client's 400.
describe('EventSchemaError on the faces', () => {
  it('is a 500 internal_error that leaks nothing', () => {
    const error = new EventSchemaError('DealCreated', 0, [{ path: 'deal_id', message: 'Invalid UUID' }]);
    expect(describeError(error)).toEqual({ status: 500, code: 'internal_error', message: 'internal error' });
    expect(toTRPCError(error).code).toBe('INTERNAL_SERVER_ERROR');
  });
});
