import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import '../tables.ts';
import './tables.ts';
import { likeEscape, pageWithCount } from '../../shared/paging.ts';
import { tenantRows } from '../../shared/rows.ts';

export interface UserListFilter {
  page: number;
  pageSize: number;
  /** Matches first name, last name, full name or email, case-insensitively; `%` and `_` are literal. */
  search?: string | undefined;
  status?: string | undefined;
}

/** A page of the tenant's users (erased users are not listed), oldest first, and the total. */
export async function listUsers(db: Executor, tenantId: string, f: UserListFilter) {
  let q = db.selectFrom('users').where('tenant_id', '=', tenantId).where('status', '<>', 'erased');
  if (f.status) q = q.where('status', '=', f.status);
  if (f.search) {
    const pattern = `%${likeEscape(f.search)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('email', 'ilike', pattern),
        eb('first_name', 'ilike', pattern),
        eb('last_name', 'ilike', pattern),
        eb(sql<string>`first_name || ' ' || last_name`, 'ilike', pattern),
      ]),
    );
  }
  const { rows, count } = await pageWithCount(q, [['id', 'asc']], f.page, f.pageSize);
  return { rows, total: count };
}

/** A user the tenant can see: erased users are gone. */
export async function getLiveUser(db: Executor, tenantId: string, userId: number) {
  return tenantRows(db, tenantId, 'users').selectAll().where('id', '=', userId).where('status', '<>', 'erased').executeTakeFirst();
}

/** Whether a user of the tenant already has this email (case-insensitively). */
export async function emailTaken(db: Executor, tenantId: string, email: string): Promise<boolean> {
  const row = await tenantRows(db, tenantId, 'users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return Boolean(row);
}
