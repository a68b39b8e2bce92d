/**
 * Every template and the data it is rendered with: `src/templates/mail/<name>.{html,text}.hbs` and
 * `src/templates/pages/<name>.hbs`. The renderer compiles exactly these at boot (a missing file
 * stops boot) in strict mode (a variable missing from the data throws), and
 * template-renderer.spec.ts renders each one with data of its declared type.
 */
export interface MailTemplates {
  'verify-email': { displayName: string; link: string; expiresIn: string };
  'password-reset': { displayName: string; link: string; expiresIn: string };
  'email-change': { displayName: string; link: string; newEmail: string; expiresIn: string };
  'email-change-notice': { displayName: string; newEmail: string };
}
export type MailTemplateName = keyof MailTemplates;

export interface PageTemplates {
  'verify-email': { token: string; action: string };
  'confirm-email': { token: string; action: string };
  'reset-password': {
    token: string;
    action: string;
    minLength: number;
    maxLength: number;
    error: string | null;
  };
  result: { title: string; message: string; ok: boolean };
}
export type PageTemplateName = keyof PageTemplates;

export const MAIL_TEMPLATE_NAMES = [
  'verify-email',
  'password-reset',
  'email-change',
  'email-change-notice',
] as const satisfies readonly MailTemplateName[];

export const PAGE_TEMPLATE_NAMES = [
  'verify-email',
  'confirm-email',
  'reset-password',
  'result',
] as const satisfies readonly PageTemplateName[];

/** The subject line of each mail (plain text). */
export const MAIL_SUBJECTS: Record<MailTemplateName, string> = {
  'verify-email': 'Verify your email address',
  'password-reset': 'Reset your password',
  'email-change': 'Confirm your new email address',
  'email-change-notice': 'Your email address is being changed',
};
