/** Every kind of personal data the redactor replaces; metrics pre-register `pii_redactions{kind}` from it. */
export const PII_KINDS = ['card', 'iban', 'account', 'ssn', 'dob', 'email', 'phone'] as const;

export type PiiKind = (typeof PII_KINDS)[number];

/** What the text shows in place of a redacted kind: `[CARD]`, `[IBAN]`... */
export const placeholderOf = (kind: PiiKind): string => `[${kind.toUpperCase()}]`;
