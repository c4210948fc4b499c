import { DomainError, pipeline } from '@crm/domain';
import { contacts as c } from '../../contracts/pipeline.ts';
import { mutation, query, router } from '../../trpc.ts';
import { runCommand, runQuery } from '../../unit-of-work.ts';
import { contactDto } from './dtos.ts';

const { deals } = pipeline;

async function mustGetContact(tx: Parameters<typeof deals.getContact>[0], tenantId: string, contactId: string) {
  const row = await deals.getContact(tx, tenantId, contactId);
  if (!row) throw new DomainError('not_found', 'contact_not_found', `contact ${contactId} not found`);
  return row;
}

/** Contacts on a deal. A contact is a person: attaching by an email the tenant knows links that person. */
export const contactsRouter = router({
  list: query(c.list, async ({ ctx, input }) => {
    const tenantId = ctx.principal.tenantId;
    return runQuery(ctx, async (tx) => {
      if (!(await deals.getDeal(tx, tenantId, input.dealId)))
        throw new DomainError('not_found', 'deal_not_found', `deal ${input.dealId} not found`);
      return { contacts: (await deals.dealContacts(tx, tenantId, input.dealId)).map(contactDto) };
    });
  }),

  attach: mutation(c.attach, async ({ ctx, input }) => {
    if (!input.personId && !input.name && !input.email) {
      throw new DomainError('invalid', 'validation_error', 'give personId, or a name or email for the contact');
    }
    const row = await runCommand(ctx, async (cmd) => {
      const id = await deals.attachContact(cmd, input.dealId, {
        personId: input.personId,
        name: input.name,
        email: input.email,
        phone: input.phone,
        title: input.title,
        role: input.role,
      });
      return mustGetContact(cmd.tx, cmd.tenantId, id);
    });
    return contactDto(row);
  }),

  update: mutation(c.update, async ({ ctx, input }) => {
    const row = await runCommand(ctx, async (cmd) => {
      await deals.updateContact(cmd, input.contactId, {
        name: input.name,
        email: input.email,
        phone: input.phone,
        title: input.title,
        role: input.role,
      });
      return mustGetContact(cmd.tx, cmd.tenantId, input.contactId);
    });
    return contactDto(row);
  }),

  delete: mutation(c.delete, async ({ ctx, input }) => {
    await runCommand(ctx, (cmd) => deals.detachContact(cmd, input.contactId));
    return { deleted: true as const, id: input.contactId };
  }),
});
