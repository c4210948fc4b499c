import { pick, rowCreated, rowStamp, type TableRow, typedRowProjection } from '../shared/events.ts';
import { CompanyEvent, companyEventSchemas } from './events.ts';
import './tables.ts';

import { ACCOUNT_FIELDS } from './decide.ts';

const FIELDS: readonly string[] = ['name', 'address', 'owner_user_id', 'metadata', ...ACCOUNT_FIELDS];

export const companiesProjection = typedRowProjection(companyEventSchemas, {
  name: 'companies.companies',
  table: 'companies',
  columns: ['tenant_id', 'id', 'name', 'address', 'owner_user_id', 'metadata', ...ACCOUNT_FIELDS, 'version', 'created_at', 'updated_at'],
  creates: [CompanyEvent.CompanyCreated],
  evolve(row, e) {
    if (e.type === CompanyEvent.CompanyCreated) {
      const d = e.data;
      return {
        ...rowCreated(e, d.company_id),
        ...pick(d, 'name', 'owner_user_id'),
        address: d.address ?? null,
        metadata: d.metadata ?? {},
        website: d.website ?? null,
        industry: d.industry ?? null,
        company_size: d.company_size ?? null,
        annual_revenue: d.annual_revenue ?? null,
        stage: d.stage ?? 'prospect',
        phone: d.phone ?? null,
        billing_address: d.billing_address ?? null,
        tags: d.tags ?? [],
        description: d.description ?? null,
      };
    }
    if (!row || e.type === CompanyEvent.CompanyDeleted) return null;
    const next: TableRow<'companies'> = { ...row, ...rowStamp(e) };
    for (const [field, change] of Object.entries(e.data.changes)) if (FIELDS.includes(field)) next[field] = change.to;
    return next;
  },
});
