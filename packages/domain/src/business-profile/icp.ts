import { COMPANY_SIZES, type CompanySize, type ProfileFields } from './events.ts';

// ICP scoring, pure: a profile and what the tenant knows about a domain, to a score 0..100 made of
// named factors, each with its weight, the value found, the target and the points it gave. The
// same facts always give the same score; a factor without data gives no points (the score is
// evidence, not a guess), a dimension the profile does not restrict gives its full weight.

/** What the tenant knows about one domain: its organization (if any) and its deals. */
export interface DomainFacts {
  domain: string;
  organization: {
    id: string;
    name: string;
    industry: string | null;
    companySize: string | null;
    country: string | null;
    contacts: number;
  } | null;
  deals: { open: number; won: number; lost: number; valueUsd: number };
}

export type FactorOutcome = 'match' | 'partial' | 'mismatch' | 'no_data' | 'any';

export interface IcpFactor {
  code: 'industry_match' | 'company_size_match' | 'geo_match' | 'existing_pipeline' | 'known_contacts';
  label: string;
  weight: number;
  /** What the tenant's data says, as text ("51-200", "2 open, 1 won"), or null when it says nothing. */
  value: string | null;
  /** What the profile targets (empty: anything). */
  target: string[];
  outcome: FactorOutcome;
  points: number;
  reason: string;
}

export interface IcpScore {
  domain: string;
  score: number;
  fit: 'strong' | 'moderate' | 'weak';
  factors: IcpFactor[];
}

/** The weights; they add up to 100. */
export const ICP_WEIGHTS = {
  industry_match: 30,
  company_size_match: 25,
  geo_match: 20,
  existing_pipeline: 15,
  known_contacts: 10,
} as const;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/** Industries match when equal, or when one names the other ("Software" in "Enterprise Software"), case-insensitively. */
function industryMatches(found: string, target: string): boolean {
  const [a, b] = [norm(found), norm(target)];
  if (a === '' || b === '') return false;
  const words = (s: string) => ` ${s.replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  return a === b || words(a).includes(words(b)) || words(b).includes(words(a));
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** A country as one comparable name: ISO 3166 alpha-2 codes ("US", "de") read as their English name. */
export function countryKey(s: string): string {
  const t = s.trim();
  if (/^[a-z]{2}$/i.test(t)) {
    try {
      const name = regionNames.of(t.toUpperCase());
      if (name && name.toUpperCase() !== t.toUpperCase()) return norm(name);
    } catch {
      // not a region code: compared as it is
    }
  }
  const aliases: Record<string, string> = { usa: 'united states', uk: 'united kingdom', 'united states of america': 'united states' };
  return aliases[norm(t)] ?? norm(t);
}

/** Employees as a range, from text such as "51-200", "1,000+", "500" or "10 employees"; null when it holds no number. */
export function sizeRange(s: string): [number, number] | null {
  const nums = (s.replace(/(\d),(\d)/g, '$1$2').match(/\d+/g) ?? []).map(Number);
  if (nums.length === 0) return null;
  if (nums.length >= 2) return [Math.min(nums[0]!, nums[1]!), Math.max(nums[0]!, nums[1]!)];
  return /\+|more|over|above/i.test(s) ? [nums[0]!, Number.POSITIVE_INFINITY] : [nums[0]!, nums[0]!];
}

const BUCKETS = Object.fromEntries(COMPANY_SIZES.map((b) => [b, sizeRange(b)!])) as Record<CompanySize, [number, number]>;

function factor(
  code: IcpFactor['code'],
  label: string,
  value: string | null,
  target: string[],
  outcome: FactorOutcome,
  reason: string,
  share = outcome === 'match' || outcome === 'any' ? 1 : 0,
): IcpFactor {
  const weight = ICP_WEIGHTS[code];
  return { code, label, weight, value, target, outcome, points: Math.round(weight * share), reason };
}

/** A dimension the profile restricts with a list of targets, matched against one value found. */
function targeted(
  code: IcpFactor['code'],
  label: string,
  found: string | null | undefined,
  target: string[],
  matches: (found: string, target: string) => boolean,
): IcpFactor {
  if (target.length === 0) return factor(code, label, found ?? null, target, 'any', 'your profile targets any value');
  if (!found) return factor(code, label, null, target, 'no_data', 'nothing known about this domain');
  const hit = target.find((t) => matches(found, t));
  return hit
    ? factor(code, label, found, target, 'match', `matches your target ${hit}`)
    : factor(code, label, found, target, 'mismatch', 'outside your targets');
}

function pipeline(f: DomainFacts): IcpFactor {
  const { open, won, lost } = f.deals;
  const label = 'Existing pipeline';
  const parts = [open && `${open} open`, won && `${won} won`, lost && `${lost} lost`].filter(Boolean);
  const value = parts.length > 0 ? parts.join(', ') : null;
  if (won > 0) return factor('existing_pipeline', label, value, [], 'match', 'already a customer (a won deal)');
  if (open > 0) return factor('existing_pipeline', label, value, [], 'partial', 'open deals in your pipeline', 2 / 3);
  if (lost > 0) return factor('existing_pipeline', label, value, [], 'mismatch', 'only lost deals');
  return factor('existing_pipeline', label, null, [], 'no_data', 'no deal on this domain');
}

function contacts(f: DomainFacts): IcpFactor {
  const n = f.organization?.contacts ?? 0;
  const label = 'Known contacts';
  if (n === 0) return factor('known_contacts', label, null, [], 'no_data', 'no person of this organization in your CRM');
  if (n >= 3) return factor('known_contacts', label, String(n), [], 'match', 'three or more people known');
  return factor('known_contacts', label, String(n), [], 'partial', 'one or two people known', 1 / 2);
}

/** The score of a domain against a profile, with every factor that made it. */
export function scoreIcp(profile: ProfileFields, facts: DomainFacts): IcpScore {
  const org = facts.organization;
  const factors = [
    targeted('industry_match', 'Industry', org?.industry, profile.target_industries, industryMatches),
    targeted('company_size_match', 'Company size', org?.companySize, profile.target_company_sizes, (found, t) => {
      const r = sizeRange(found);
      const b = BUCKETS[t as CompanySize];
      return r !== null && r[0] <= b[1] && b[0] <= r[1];
    }),
    targeted('geo_match', 'Geography', org?.country, profile.target_geos, (found, t) => countryKey(found) === countryKey(t)),
    pipeline(facts),
    contacts(facts),
  ];
  const score = Math.max(
    0,
    Math.min(
      100,
      factors.reduce((sum, f) => sum + f.points, 0),
    ),
  );
  return { domain: facts.domain, score, fit: score >= 70 ? 'strong' : score >= 40 ? 'moderate' : 'weak', factors };
}

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** A bare domain as deals and websites are compared: lower case, no leading `www.`, no trailing dot; null when it is not one. */
export function normalDomain(s: string): string | null {
  const d = s
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^www\./, '');
  return HOST.test(d) ? d : null;
}
