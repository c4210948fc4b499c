import { Hono } from 'hono';
import type { RestEnv } from '../shared/env.ts';
import { contacts, deals, leaderboard } from './deals.ts';
import { stages } from './stages.ts';

/** Document 000, the pipeline CRM: /v1/crm/... */
export const v1Crm = new Hono<RestEnv>()
  .route('/stages', stages)
  .route('/deals', deals)
  .route('/contacts', contacts)
  .route('/leaderboard', leaderboard);
