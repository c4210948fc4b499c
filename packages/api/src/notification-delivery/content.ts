import { notificationTemplates as templates } from '@crm/domain';
import { appUrl } from '../mail/links.ts';

// What the email leg adds to a rendered notification: the link to it in the frontend.

/** The notification's link as an absolute URL (PUBLIC_APP_URL), or null. */
export function linkUrl(link: string | null): string | null {
  if (!link) return null;
  return /^https?:\/\//i.test(link) ? link : `${appUrl()}${link.startsWith('/') ? '' : '/'}${link}`;
}

/** The email with its link appended (text and HTML). */
export function withLink(mail: templates.RenderedEmail, link: string | null): templates.RenderedEmail {
  const url = linkUrl(link);
  if (!url) return mail;
  const href = templates.escapeHtml(url);
  return { ...mail, text: `${mail.text}\n\n${url}`, html: `${mail.html}\n<p><a href="${href}">${href}</a></p>` };
}

export interface DigestItem {
  title: string;
  body: string;
  link: string | null;
}

/** At most this many items are spelled out in one digest; the rest are counted. */
export const DIGEST_LISTED = 100;

/** The digest mail: one entry per notification (title, body, link), newest last. */
export function digestMail(frequency: string, items: readonly DigestItem[]): templates.RenderedEmail {
  const n = items.length;
  const what = `${n} notification${n === 1 ? '' : 's'}`;
  const listed = items.slice(0, DIGEST_LISTED);
  const more = n - listed.length;
  const inbox = `${appUrl()}/notifications`;
  const text = [
    `Your ${frequency} digest: ${what}.`,
    '',
    ...listed.flatMap((i) => [
      `- ${i.title}`,
      ...(i.body ? [`  ${i.body.replace(/\n/g, '\n  ')}`] : []),
      ...(linkUrl(i.link) ? [`  ${linkUrl(i.link)}`] : []),
    ]),
    ...(more > 0 ? ['', `…and ${more} more.`] : []),
    '',
    `Your inbox: ${inbox}`,
  ].join('\n');
  const e = templates.escapeHtml;
  const li = (i: DigestItem) => {
    const url = linkUrl(i.link);
    const title = url ? `<a href="${e(url)}">${e(i.title)}</a>` : e(i.title);
    return `<li><strong>${title}</strong>${i.body ? `<br>${e(i.body).replace(/\n/g, '<br>')}` : ''}</li>`;
  };
  const html = [
    `<p>Your ${e(frequency)} digest: ${what}.</p>`,
    `<ul>\n${listed.map(li).join('\n')}\n</ul>`,
    ...(more > 0 ? [`<p>…and ${more} more.</p>`] : []),
    `<p><a href="${e(inbox)}">Open your inbox</a></p>`,
  ].join('\n');
  return { subject: `Your ${frequency} digest: ${what}`, text, html };
}
