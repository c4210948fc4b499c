import type { Executor } from '@crm/db';

export async function findTenantBySlug(db: Executor, slug: string) {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function getTenant(db: Executor, tenantId: string) {
  return db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
}

export async function findUserByEmail(db: Executor, tenantId: string, email: string) {
  return db
    .selectFrom('users')
    .leftJoin('user_credentials', 'user_credentials.user_id', 'users.id')
    .selectAll('users')
    .select('user_credentials.password_hash')
    .where('users.tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function getUser(db: Executor, tenantId: string, userId: number) {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
}
