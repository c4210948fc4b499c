import { sql } from 'kysely';
import type { Actor } from '../identity/users/decide.ts';
import { inviteUser, resendInvitation } from '../identity/users/commands.ts';
import '../identity/users/tables.ts';
import type { Role } from '../identity/roles.ts';
import type { CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import { personEvent, personStream } from './events.ts';
import { lockLivePerson } from './users-link.ts';
import { tenantRows } from '../shared/rows.ts';

// Document 003's `POST /persons/{id}/invite/`: a real platform invitation, the users module's own
// (a pending user, a one-time token, the mail through the outbox). The invited user is created
// with the person's email, so the users module binds it to this person at once; accepting the
// invitation activates that user.

export interface InviteOptions {
  isAdmin: boolean;
  isStaff: boolean;
  redirectTo: string | null;
  enrollmentConfig: Record<string, unknown> | null;
}

export interface PersonInvitation {
  personId: string;
  /** The invited user's id: one live invitation per user, so it names the invitation. */
  invitationId: number;
  email: string;
  platformKey: string;
  /** The invitation link's token, to mail (never stored, never answered). */
  token: string;
  createdAt: Date;
  redirectTo: string | null;
}

/** Platform admin: tenant_admin; staff: manager; otherwise a plain user. */
const roleOf = (o: InviteOptions): Role => (o.isAdmin ? 'tenant_admin' : o.isStaff ? 'manager' : 'user');

function splitName(name: string): { firstName: string; lastName: string } {
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { firstName: first || name, lastName: rest.join(' ') };
}

export async function invitePerson(ctx: CommandContext, actor: Actor, personId: string, o: InviteOptions): Promise<PersonInvitation> {
  const person = await lockLivePerson(ctx, personId);
  const email = person.primary_email;
  if (!email) throw new DomainError('invalid', 'no_primary_email', `person ${personId} has no primary_email; cannot invite`);
  const tenant = await ctx.tx.selectFrom('tenants').select('slug').where('id', '=', ctx.tenantId).executeTakeFirstOrThrow();
  const { rows } = await sql<{ id: number; status: string; expires_at: Date | null }>`
    select u.id, u.status, i.expires_at from users u
      left join user_invitations i on i.tenant_id = u.tenant_id and i.user_id = u.id
     where u.tenant_id = ${ctx.tenantId} and lower(u.email) = ${email.toLowerCase()} and u.status <> 'erased'
     for update of u`.execute(ctx.tx);
  const user = rows[0];
  const pending = user?.status === 'invited' ? user : undefined;
  if (pending?.expires_at && pending.expires_at.getTime() > ctx.clock.now().getTime()) {
    throw new DomainError('conflict', 'invitation_active', `an invitation to ${email} is already active in your platform`, {
      invitation_id: pending.id,
      person_id: personId,
      platform_key: tenant.slug,
    });
  }
  // Bound to a platform user, unless that user is this email's pending invitee (whose invitation
  // lapsed: it is sent again).
  if (person.platform_user_id !== null && person.platform_user_id !== pending?.id) {
    throw new DomainError(
      'unprocessable',
      'already_linked',
      `person ${personId} is already linked to platform user ${person.platform_user_id}`,
      {
        platform_user: person.platform_user_id,
      },
    );
  }
  if (user && !pending) {
    throw new DomainError('conflict', 'email_taken', `a user with the email ${email} already exists; bind it with link-user`, {
      user_id: user.id,
      person_id: personId,
    });
  }
  let invitationId: number;
  let token: string;
  if (pending) {
    invitationId = pending.id;
    token = await resendInvitation(ctx, pending.id);
  } else {
    const created = await inviteUser(ctx, actor, { email, ...splitName(person.name), role: roleOf(o), profileId: null });
    invitationId = created.userId;
    token = created.token;
  }
  // The user's creation may have appended to this person (the binding): append after it.
  const { version } = await tenantRows(ctx.tx, ctx.tenantId, 'persons')
    .select('version')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  await ctx.store.append(
    ctx.tx,
    ctx.tenantId,
    personStream(personId),
    Number(version),
    [
      // A pending invitee created before this person existed is bound as the invitation goes out again.
      ...(pending && person.platform_user_id === null
        ? [personEvent('PersonLinkedToUser', { user_id: pending.id, via: 'invitation' })]
        : []),
      personEvent('PersonInvited', {
        user_id: invitationId,
        is_admin: o.isAdmin,
        is_staff: o.isStaff,
        redirect_to: o.redirectTo,
        enrollment_config: o.enrollmentConfig,
      }),
    ],
    ctx.metadata,
  );
  return {
    personId,
    invitationId,
    email,
    platformKey: tenant.slug,
    token,
    createdAt: ctx.clock.now(),
    redirectTo: o.redirectTo,
  };
}
