/** The registry's stream per canonical entity, folded: its class, version, and merge (migration 0017). */
export interface RegistryEntitiesTable {
  tenant_id: string;
  id: string;
  entity_class: string;
  merged_into: string | null;
  merged_at: Date | null;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** A record of another app attached to a canonical entity; (tenant, app, type, id) is unique. */
export interface RegistryLinksTable {
  tenant_id: string;
  id: string;
  canonical_id: string;
  entity_class: string;
  app: string;
  entity_type: string;
  entity_id: string;
  linked_via: string;
  linked_by: number | null;
  created_at: Date;
}

declare module '@crm/db' {
  interface Database {
    registry_entities: RegistryEntitiesTable;
    registry_links: RegistryLinksTable;
  }
}
