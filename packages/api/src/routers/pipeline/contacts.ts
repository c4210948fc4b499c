import { DomainError, pipeline } from '@crm/domain';
import { z } from 'zod';
import { router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { contactDto } from './dtos.ts';
import { personFields, uuid } from './inputs.ts';
import { readDeals, writeDeals } from './read-deals.ts';

const { deals } = pipeline;

async function mustGetContact(tx: Parameters<typeof deals.getContact>[0], tenantId: string, contactId: string) {
  const row = await deals.getContact(tx, tenantId, contactId);
  if (!row) throw new DomainError('not_found', 'contact_not_found', `contact ${contactId} not found`);
  return row;
}

/** Contacts on a deal. A contact is a person: attaching by an email the tenant knows links that person. */
export const contactsRouter = router({
  list: readDeals.input(z.object({ deal_id: uuid })).query(async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      if (!(await deals.getDeal(tx, tenantId, input.deal_id))) throw new DomainError('not_found', 'deal_not_found', `deal ${input.deal_id} not found`);
      return { contacts: (await deals.dealContacts(tx, tenantId, input.deal_id)).map(contactDto) };
    });
  }),

  attach: writeDeals
    .input(z.object({ deal_id: uuid, person_id: uuid.optional(), ...personFields }))
    .mutation(async ({ ctx, input }) => {
      if (!input.person_id && !input.name && !input.email) {
        throw new DomainError('invalid', 'validation_error', 'give person_id, or a name or email for the contact');
      }
      const row = await runCommand(ctx, async (c) => {
        const id = await deals.attachContact(c, input.deal_id, {
          personId: input.person_id, name: input.name, email: input.email, phone: input.phone, title: input.title, role: input.role,
        });
        return mustGetContact(c.tx, c.tenantId, id);
      });
      return contactDto(row);
    }),

  update: writeDeals.input(z.object({ contact_id: uuid, ...personFields })).mutation(async ({ ctx, input }) => {
    const row = await runCommand(ctx, async (c) => {
      await deals.updateContact(c, input.contact_id, { name: input.name, email: input.email, phone: input.phone, title: input.title, role: input.role });
      return mustGetContact(c.tx, c.tenantId, input.contact_id);
    });
    return contactDto(row);
  }),

  delete: writeDeals.input(z.object({ contact_id: uuid })).mutation(async ({ ctx, input }) => {
    await runCommand(ctx, (c) => deals.detachContact(c, input.contact_id));
    return { deleted: true, id: input.contact_id };
  }),
});
