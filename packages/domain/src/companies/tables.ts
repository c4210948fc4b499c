export interface CompaniesTable {
  tenant_id: string;
  id: string;
  name: string;
  address: unknown;
  owner_user_id: number | null;
  metadata: unknown;
  /** Document 002's account fields (migration 0014); document 003 does not show them. */
  website: string | null;
  industry: string | null;
  company_size: string | null;
  annual_revenue: number | null;
  stage: string;
  phone: string | null;
  billing_address: unknown;
  tags: unknown;
  description: string | null;
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
