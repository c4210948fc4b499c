import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { testApp } from './app-fixture.ts';

// Document 003's component schemas (OpenAPI 3.0) as ajv validators, for the tests of its person
// actions (invite, link-user, merge): every answer checked is validated against the document.

// The document is kept in the repository, so a clone anywhere can check against it; where the
// shared original sits beside the checkout, the copy must still be that document, byte for byte.
const copy = readFileSync(fileURLToPath(new URL('./documents/003_crm_openapi.yaml', import.meta.url)), 'utf8');
const original = fileURLToPath(new URL('../../../../shared/seeds/003_crm_openapi.yaml', import.meta.url));
if (existsSync(original) && readFileSync(original, 'utf8') !== copy) {
  throw new Error('apps/server/test/documents/003_crm_openapi.yaml differs from ../shared/seeds: copy the document again');
}
const doc = parse(copy);

/** OpenAPI 3.0's `nullable: true` as JSON Schema: the type also admits null. */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'nullable' && k !== 'example') out[k] = jsonSchemaOf(v);
  const n = node as { nullable?: boolean; type?: string };
  if (n.nullable && typeof n.type === 'string') out.type = [n.type, 'null'];
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'doc003.json', components: { schemas: jsonSchemaOf(doc.components.schemas) } });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/**
 * Fails with ajv's own messages when the body does not match the document's schema, or carries a
 * field the document does not name other than the `extra` ones we add (where its schema admits them).
 * A page (`Paginated<Item>List`) is checked item by item: no item carries a field `<Item>` does not name.
 */
export function expectDocShape(name: string, body: unknown, extra: readonly string[] = []) {
  let v = validators.get(name);
  if (!v) validators.set(name, (v = ajv.compile({ $ref: `doc003.json#/components/schemas/${name}` })));
  const ok = v(body);
  expect(ok ? [] : v.errors, `${name}: ${JSON.stringify(body).slice(0, 400)}`).toEqual([]);
  const props = [...Object.keys(doc.components.schemas[name].properties), ...extra];
  for (const k of Object.keys(body as object)) expect(props, `${name} has no field ${k}`).toContain(k);
  if (name.startsWith('Paginated')) {
    const item = name.replace(/^Paginated|List$/g, '');
    const itemProps = Object.keys(doc.components.schemas[item].properties);
    for (const r of (body as { results: unknown[] }).results) {
      for (const k of Object.keys(r as object)) expect(itemProps, `${item} has no field ${k}`).toContain(k);
    }
  }
}

/** The operation's documented status codes, to check a test covers each. */
export function documentedStatuses(path: string, method: string): string[] {
  return Object.keys(doc.paths[path][method].responses);
}

/** Document 003's two path families: every person and organization path is served under both. */
export const PREFIXES = ['/api/crm', ''] as const;

/**
 * The setup of a file of 003's person actions: a test app, closed after the file's tests, and two
 * tenants, `b` to check that nothing crosses to another tenant.
 */
export async function twoTenants(slug: string) {
  const t = await testApp();
  return { t, a: await t.registerTenant(slug), b: await t.registerTenant(`${slug}-b`) };
}
