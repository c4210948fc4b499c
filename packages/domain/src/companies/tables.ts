export interface CompaniesTable {
  tenant_id: string;
  id: string;
  name: string;
  address: unknown;
  owner_user_id: number | null;
  metadata: unknown;
  version: string;
  created_at: Date;
  updated_at: Date;
}

/** Document 003's integer for a tenant ("platform"), given on first use. */
export interface PlatformNumbersTable {
  tenant_id: string;
  number: number;
}

declare module '@crm/db' {
  interface Database {
    companies: CompaniesTable;
    platform_numbers: PlatformNumbersTable;
  }
}
