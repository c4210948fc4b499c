import { describe, expect, it } from 'vitest';
import { addPerson, clearOrganization, deletePerson, type PersonValues, replacement, revisePerson } from './decide.ts';

// Given a person, when a 003 command is decided, then these events.

const id = '00000000-0000-4000-8000-00000000000a';
const org = '00000000-0000-4000-8000-0000000000b0';
const given: PersonValues = {
  name: 'Alice',
  primary_email: 'alice@x.io',
  emails: [],
  contact_numbers: [],
  job_title: 'CTO',
  organization_id: org,
  owner_user_id: 7,
  lifecycle_stage: 'lead',
  unique_id: '',
  metadata: {},
};

describe('person decisions (document 003)', () => {
  it('adds a person with the defaults, personal fields apart', () => {
    expect(addPerson(id, { name: 'Bo' })).toEqual([
      {
        type: 'PersonAdded',
        data: {
          person_id: id,
          personal: { name: 'Bo', primary_email: null, emails: [], contact_numbers: [], job_title: '' },
          organization_id: null,
          owner_user_id: null,
          lifecycle_stage: 'lead',
          unique_id: '',
          metadata: {},
        },
      },
    ]);
  });

  it('records only what changes, personal changes under `personal`', () => {
    expect(revisePerson(given, { name: 'Alice', lifecycle_stage: 'lead' })).toEqual([]);
    expect(revisePerson(given, { name: 'Alice C', lifecycle_stage: 'customer', metadata: {} })).toEqual([
      {
        type: 'PersonRevised',
        data: { changes: { lifecycle_stage: { from: 'lead', to: 'customer' } }, personal: { name: { from: 'Alice', to: 'Alice C' } } },
      },
    ]);
  });

  it('a replacement resets what it leaves out', () => {
    const [e] = revisePerson(given, replacement({ name: 'Alice' }));
    expect(e!.data).toEqual({
      changes: { organization_id: { from: org, to: null }, owner_user_id: { from: 7, to: null } },
      personal: { primary_email: { from: 'alice@x.io', to: null }, job_title: { from: 'CTO', to: '' } },
    });
  });

  it('clears an organization reference only when there is one, and deletes', () => {
    expect(clearOrganization({ organization_id: null })).toEqual([]);
    expect(clearOrganization(given)[0]!.data).toEqual({ changes: { organization_id: { from: org, to: null } }, personal: {} });
    expect(deletePerson(id)).toEqual([{ type: 'PersonDeleted', data: { person_id: id } }]);
  });
});
