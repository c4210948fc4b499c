import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../shared/errors.ts';
import { refusal } from '../../shared/refusal.ts';
import { customizeTemplate, resetTemplate } from './decide.ts';
import { effectiveTemplate, placeholdersOf, renderEmailWith, renderInAppWith, type TemplateOverride } from './render.ts';

// Given a template's override as it stands, when an admin customises or resets it, then these
// events (or this refusal); and how a template renders.

const source = {
  key: 'test.deal_won',
  variables: { dealName: 'Acme renewal', amount: '$12,000' },
  template: {
    title: 'Deal won: {{dealName}}',
    body: '{{dealName}} closed for {{amount}}.',
    emailSubject: 'You won {{dealName}}',
    emailBody: 'Congratulations!\n{{dealName}} closed for {{amount}}.',
  },
};
const custom = (o: Partial<TemplateOverride>): TemplateOverride => ({ title: null, body: null, emailSubject: null, emailBody: null, ...o });

describe('template customisation decisions', () => {
  it('records the override after the change: given parts set, others kept, null back to the system', () => {
    expect(customizeTemplate(source, null, { title: 'Won {{ dealName }}' })).toEqual([
      {
        type: 'NotificationTemplateCustomized',
        data: { key: 'test.deal_won', title: 'Won {{ dealName }}', body: null, email_subject: null, email_body: null },
      },
    ]);
    expect(customizeTemplate(source, custom({ title: 'T' }), { emailSubject: 'S {{amount}}' })[0]!.data).toEqual({
      key: 'test.deal_won',
      title: 'T',
      body: null,
      email_subject: 'S {{amount}}',
      email_body: null,
    });
    expect(customizeTemplate(source, custom({ title: 'T', body: 'B' }), { body: null })[0]!.data).toMatchObject({ title: 'T', body: null });
  });

  it('records nothing for the same override, and a reset when every part goes back to the system', () => {
    expect(customizeTemplate(source, custom({ title: 'T' }), { title: 'T' })).toEqual([]);
    expect(customizeTemplate(source, null, { title: null })).toEqual([]);
    expect(customizeTemplate(source, custom({ title: 'T' }), { title: null })).toEqual([
      { type: 'NotificationTemplateReset', data: { key: 'test.deal_won' } },
    ]);
  });

  it('refuses unknown variables, naming them, and an empty change', () => {
    let error: DomainError | undefined;
    try {
      customizeTemplate(source, null, { title: '{{dealName}} {{ownerName}}', emailBody: '{{secret}} {{ownerName}}' });
    } catch (e) {
      error = e as DomainError;
    }
    expect([error?.kind, error?.code]).toEqual(['invalid', 'unknown_template_variables']);
    expect(error?.message).toContain('{{ownerName}}');
    expect(error?.details).toEqual({ unknown: ['ownerName', 'secret'], parts: ['title', 'emailBody'], allowed: ['dealName', 'amount'] });
    expect(refusal(() => customizeTemplate(source, null, {}))).toBe('nothing_to_customize');
  });

  it('resets an override, and refuses a reset with none (404)', () => {
    expect(resetTemplate(source, custom({ body: 'B' }))).toEqual([{ type: 'NotificationTemplateReset', data: { key: 'test.deal_won' } }]);
    expect(refusal(() => resetTemplate(source, null))).toBe('template_override_not_found');
  });
});

describe('rendering', () => {
  it('fills variables (missing ones empty), in-app and email, with the override where it has parts', () => {
    const t = effectiveTemplate(source, custom({ title: 'Closed: {{dealName}} ({{missing}})' }));
    expect(renderInAppWith(t, { dealName: 'Big deal', amount: '$5' })).toEqual({
      title: 'Closed: Big deal ()',
      body: 'Big deal closed for $5.',
    });
    expect(renderEmailWith(t, { dealName: 'Big deal', amount: '$5' })).toEqual({
      subject: 'You won Big deal',
      text: 'Congratulations!\nBig deal closed for $5.',
      html: '<p>Congratulations!<br>Big deal closed for $5.</p>',
    });
    expect(placeholdersOf('{{a}} {{ b }} {{a}} {c} {{}}')).toEqual(['a', 'b']);
  });

  it('escapes HTML in the template and in the values, and keeps a subject on one line', () => {
    const t = effectiveTemplate(source, custom({ emailSubject: 'Hi\r\n{{dealName}}', emailBody: '<b>{{dealName}}</b>\n\n& more' }));
    const mail = renderEmailWith(t, { dealName: '<script>alert("x")</script>' });
    expect(mail.subject).toBe('Hi <script>alert("x")</script>');
    expect(mail.html).toBe('<p>&lt;b&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;/b&gt;</p>\n<p>&amp; more</p>');
    expect(mail.text).toBe('<b><script>alert("x")</script></b>\n\n& more');
  });
});
