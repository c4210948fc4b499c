import { describe, expect, it } from 'vitest';
import { dropCompany, newCompany, replacementCompany, reviseCompany } from './decide.ts';

// Given a company, when a command is decided, then these events.

const id = '00000000-0000-4000-8000-00000000000c';

describe('company decisions', () => {
  it('creates with defaults, records only changes, resets on replacement, deletes', () => {
    expect(newCompany(id, { name: 'Acme' })).toEqual([
      { type: 'CompanyCreated', data: { company_id: id, name: 'Acme', address: null, owner_user_id: null, metadata: {} } },
    ]);
    const current = { name: 'Acme', address: { city: 'Oslo' }, owner_user_id: 3, metadata: {} };
    expect(reviseCompany(current, { name: 'Acme', address: { city: 'Oslo' } })).toEqual([]);
    expect(reviseCompany(current, { owner_user_id: null })).toEqual([
      { type: 'CompanyUpdated', data: { changes: { owner_user_id: { from: 3, to: null } } } },
    ]);
    expect(reviseCompany(current, replacementCompany({ name: 'Acme' }))).toEqual([
      {
        type: 'CompanyUpdated',
        data: { changes: { address: { from: { city: 'Oslo' }, to: null }, owner_user_id: { from: 3, to: null } } },
      },
    ]);
    expect(dropCompany(id)).toEqual([{ type: 'CompanyDeleted', data: { company_id: id } }]);
  });
});
