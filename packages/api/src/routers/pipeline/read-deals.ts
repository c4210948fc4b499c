import { authedProcedure, requirePermission, requirePlan } from '../../trpc.ts';

// The CRM is Pro+ (document 000): every deal procedure starts from these.
const crm = authedProcedure.use(requirePlan('pro'));
export const crmProcedure = crm;
export const readDeals = crm.use(requirePermission('crm.deals.read'));
export const writeDeals = crm.use(requirePermission('crm.deals.write'));
