import { type Kysely, sql } from 'kysely';

// FROZEN: a migration never changes once it has shipped. Change the schema with a new migration.
//
// Merges of persons (document 003, `POST /persons/merge/`), a read model of the PersonsMerged and
// PersonsMergeUndone events on the primary's stream. A merge is looked up by its id to be undone,
// so what it moved (`moves`: per deal, the contact links re-pointed and the ones dropped because
// the primary was already on the deal) is kept here as the event recorded it.

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`
    create table person_merges (
      tenant_id     uuid        not null,
      id            uuid        primary key,
      primary_id    uuid        not null,
      duplicate_ids jsonb       not null,
      moves         jsonb       not null,
      reparented    jsonb       not null,
      merged_by     integer,
      merged_at     timestamptz not null,
      undone_by     integer,
      undone_at     timestamptz
    );
    create index person_merges_tenant_primary on person_merges (tenant_id, primary_id, merged_at);
    select crm_enable_tenant_rls('person_merges');
  `)
    .execute(db);
}
