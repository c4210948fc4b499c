import { type CompanyEvent, companyEvent } from './events.ts';

// Pure company decisions. Whether a name is free is asked of the database by the command first.

export interface CompanyValues {
  name: string;
  address: unknown;
  owner_user_id: number | null;
  metadata: unknown;
  /** Document 002's account fields: optional, so document 003's commands never touch them. */
  website?: string | null;
  industry?: string | null;
  company_size?: string | null;
  annual_revenue?: number | null;
  stage?: string;
  phone?: string | null;
  billing_address?: unknown;
  tags?: string[];
  description?: string | null;
}

/** Document 002's fields, kept apart so document 003's PUT never resets them. */
export const ACCOUNT_FIELDS = [
  'website',
  'industry',
  'company_size',
  'annual_revenue',
  'stage',
  'phone',
  'billing_address',
  'tags',
  'description',
] as const;
const FIELDS = ['name', 'address', 'owner_user_id', 'metadata', ...ACCOUNT_FIELDS] as const;

export function newCompany(companyId: string, v: Partial<CompanyValues> & { name: string }): CompanyEvent[] {
  const extra: Partial<CompanyValues> = {};
  for (const f of ACCOUNT_FIELDS) if (v[f] !== undefined) (extra as Record<string, unknown>)[f] = v[f];
  return [companyEvent('CompanyCreated', { company_id: companyId, ...replacementCompany(v), ...extra })];
}

/** PUT: what the request leaves out goes back to its default. */
export function replacementCompany(v: Partial<CompanyValues> & { name: string }): CompanyValues {
  return { name: v.name, address: v.address ?? null, owner_user_id: v.owner_user_id ?? null, metadata: v.metadata ?? {} };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changes is recorded; nothing that changes, no event. */
export function reviseCompany(current: CompanyValues, next: Partial<CompanyValues>): CompanyEvent[] {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of FIELDS) {
    if (!Object.hasOwn(next, f) || next[f] === undefined || same(current[f], next[f])) continue;
    changes[f] = { from: current[f], to: next[f] };
  }
  return Object.keys(changes).length === 0 ? [] : [companyEvent('CompanyUpdated', { changes })];
}

export function dropCompany(companyId: string): CompanyEvent[] {
  return [companyEvent('CompanyDeleted', { company_id: companyId })];
}
