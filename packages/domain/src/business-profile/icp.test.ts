import { describe, expect, it } from 'vitest';
import { EMPTY_PROFILE, type ProfileFields } from './events.ts';
import { countryKey, type DomainFacts, normalDomain, scoreIcp, sizeRange } from './icp.ts';

// Given a profile and what the tenant knows about a domain, then this score, factor by factor.

const profile: ProfileFields = {
  ...EMPTY_PROFILE,
  target_industries: ['Software'],
  target_company_sizes: ['51-200', '201-500'],
  target_geos: ['US', 'Germany'],
};
const nothing = (domain: string): DomainFacts => ({ domain, organization: null, deals: { open: 0, won: 0, lost: 0, valueUsd: 0 } });
const acme: DomainFacts = {
  domain: 'acme.com',
  organization: { id: 'o1', name: 'Acme', industry: 'Enterprise Software', companySize: '51-200', country: 'United States', contacts: 3 },
  deals: { open: 1, won: 1, lost: 0, valueUsd: 5000 },
};
const points = (facts: DomainFacts, p = profile) =>
  Object.fromEntries(scoreIcp(p, facts).factors.map((f) => [f.code, [f.outcome, f.points]]));

describe('ICP score', () => {
  it('gives every factor its weight on a perfect fit', () => {
    const s = scoreIcp(profile, acme);
    expect(s).toMatchObject({ domain: 'acme.com', score: 100, fit: 'strong' });
    expect(s.factors.map((f) => [f.code, f.weight, f.value, f.outcome, f.points])).toEqual([
      ['industry_match', 30, 'Enterprise Software', 'match', 30],
      ['company_size_match', 25, '51-200', 'match', 25],
      ['geo_match', 20, 'United States', 'match', 20],
      ['existing_pipeline', 15, '1 open, 1 won', 'match', 15],
      ['known_contacts', 10, '3', 'match', 10],
    ]);
  });

  it('scores an unknown domain with no-data factors, deterministically', () => {
    const s = scoreIcp(profile, nothing('unknown.io'));
    expect(s.score).toBe(0);
    expect(s.fit).toBe('weak');
    expect(s.factors.every((f) => f.outcome === 'no_data' && f.points === 0)).toBe(true);
    expect(scoreIcp(profile, nothing('unknown.io'))).toEqual(s);
  });

  it('gives the full weight of a dimension the profile leaves open', () => {
    expect(points(nothing('x.com'), EMPTY_PROFILE)).toMatchObject({
      industry_match: ['any', 30],
      company_size_match: ['any', 25],
      geo_match: ['any', 20],
    });
  });

  it('tells mismatches from partial pipeline and contacts', () => {
    const facts: DomainFacts = {
      domain: 'far.fr',
      organization: { id: 'o2', name: 'Far', industry: 'Retail', companySize: '5,000+', country: 'FR', contacts: 1 },
      deals: { open: 2, won: 0, lost: 1, valueUsd: 0 },
    };
    expect(points(facts)).toEqual({
      industry_match: ['mismatch', 0],
      company_size_match: ['mismatch', 0],
      geo_match: ['mismatch', 0],
      existing_pipeline: ['partial', 10],
      known_contacts: ['partial', 5],
    });
    expect(scoreIcp(profile, facts).score).toBe(15);
    expect(points({ ...facts, deals: { open: 0, won: 0, lost: 3, valueUsd: 0 } }).existing_pipeline).toEqual(['mismatch', 0]);
  });

  it('reads sizes, countries and domains the way people write them', () => {
    expect(sizeRange('51-200')).toEqual([51, 200]);
    expect(sizeRange('1,000+')).toEqual([1000, Number.POSITIVE_INFINITY]);
    expect(sizeRange('about 40 employees')).toEqual([40, 40]);
    expect(sizeRange('large')).toBeNull();
    expect(countryKey('us')).toBe(countryKey('United States'));
    expect(countryKey('USA')).toBe(countryKey('US'));
    expect(countryKey('DE')).toBe(countryKey(' germany '));
    expect(normalDomain('WWW.Acme.COM.')).toBe('acme.com');
    for (const bad of ['acme', 'has space.com', 'http://acme.com', '-acme.com', 'acme..com', '']) expect(normalDomain(bad)).toBeNull();
  });
});
