import { pipeline } from '@crm/domain';
import { z } from 'zod';

export const uuid = z.string().uuid();
export const dealName = z.string().trim().min(1).max(200);
export const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[^\s/]+$/, 'a bare domain such as acme.com')
  .nullable();
export const valueUsd = z.number().finite().min(0).max(1e12);
export const ownerUserId = z.number().int().positive().nullable();
/** The version a client read (If-Match on REST): a write against an older one is refused with 409. */
export const expectedVersion = z.number().int().min(1).optional();

export const filters = {
  stage_id: uuid.optional(),
  owner_user_id: z.number().int().positive().optional(),
  min_value: z.number().finite().min(0).optional(),
  q: z.string().trim().max(200).optional(),
};

export const personFields = {
  name: z.string().trim().min(1).max(255).optional(),
  email: z.string().trim().toLowerCase().email().max(254).nullable().optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  title: z.string().trim().max(255).optional(),
  role: z.string().trim().max(100).optional(),
};

export const activityType = z.enum(pipeline.deals.ACTIVITY_TYPES);
