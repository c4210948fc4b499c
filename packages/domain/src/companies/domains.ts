import { sql, type RawBuilder } from 'kysely';

// A company and a deal meet through a domain: the company's website (`https://www.acme.com/about`)
// and the deal's domain (free text as given: `acme.com`, `WWW.Acme.com`, `http://acme.com/`) are
// both read as a bare host, lower-cased, without scheme, port, path, a leading `www.` or a trailing
// dot. The same reading in JS (websiteDomain) and in SQL (bareHost), so that the accounts' open
// opportunities, the ICP's domain facts and the industry benchmarks agree on which deals are whose
// (domains.test.ts checks the two agree).

/** A website or domain as a bare host (`acme.com`); null when there is none. */
export function websiteDomain(website: string | null): string | null {
  if (!website) return null;
  const raw = website.trim();
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`).hostname;
  } catch {
    return null;
  }
  host = host
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return host === '' ? null : host;
}

/** The SQL of websiteDomain over a text column (`c.website`, `d.domain`): a bare host, or NULL. */
export const bareHost = (column: string): RawBuilder<string | null> =>
  sql.raw(
    `nullif(regexp_replace(regexp_replace(lower(regexp_replace(regexp_replace(trim(${column}), '^[a-zA-Z][a-zA-Z0-9+.-]*://', ''), '[/:?#].*$', '')), '^www\\.', ''), '\\.$', ''), '')`,
  );

/**
 * A company that the entity registry has not merged into another (`c` is the companies row's
 * alias): a merged company is kept for its history but counts for nothing, so it is never counted
 * twice. (Persons carry their own `merged_into`.)
 */
export const notRegistryMerged = (alias: string): RawBuilder<boolean> =>
  sql.raw(
    `not exists (select 1 from registry_entities r where r.tenant_id = ${alias}.tenant_id and r.id = ${alias}.id and r.merged_into is not null)`,
  );
