import { describe, expect, it } from 'vitest';
import { newSubjectKey, open, seal } from './seal.ts';

describe('sealing a personal part', () => {
  const key = newSubjectKey();
  const part = { name: 'Ada Lovelace', primary_email: 'ada@example.com', contact_numbers: ['+44 1'] };

  it('opens with the same key and subject, and holds no clear value', () => {
    const sealed = seal(key, 't/person/p1/PersonAdded', part);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('Ada');
    expect(open(key, 't/person/p1/PersonAdded', sealed)).toEqual(part);
    // A fresh IV each time: equal values do not give equal ciphertexts.
    expect(seal(key, 't/person/p1/PersonAdded', part)).not.toBe(sealed);
  });

  it('does not open under another key, subject or event type, nor once tampered with', () => {
    const sealed = seal(key, 't/person/p1/PersonAdded', part);
    expect(open(newSubjectKey(), 't/person/p1/PersonAdded', sealed)).toBeUndefined();
    expect(open(key, 't/person/p2/PersonAdded', sealed)).toBeUndefined();
    expect(open(key, 't/person/p1/PersonRevised', sealed)).toBeUndefined();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = `${ct!.startsWith('A') ? 'B' : 'A'}${ct!.slice(1)}`;
    expect(open(key, 't/person/p1/PersonAdded', [v, iv, tag, flipped].join('.'))).toBeUndefined();
    expect(open(key, 't/person/p1/PersonAdded', 'garbage')).toBeUndefined();
  });
});
