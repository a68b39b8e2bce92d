export const ACCOUNT_TOKEN_PURPOSES = ['verify-email', 'password-reset', 'email-change'] as const;
/** What a mailed token may be used for: one purpose each, never another. */
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];
