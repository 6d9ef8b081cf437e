/** Label values of the access-key sign-in's series (METRIC_CATALOG), kept free of imports for the catalog. */

export const GRANT_TYPES = ['password', 'refresh_token'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** Why an id_token was not trusted. */
export const ID_TOKEN_REJECTIONS = [
  'missing',
  'malformed',
  'algorithm',
  'unknown-key',
  'signature',
  'issuer',
  'audience',
  'expired',
  'claims',
  'tenant',
  'nonce',
] as const;
export type IdTokenRejection = (typeof ID_TOKEN_REJECTIONS)[number];

export const ISSUER_DOCUMENTS = ['discovery', 'jwks', 'cxone-configuration'] as const;
export type IssuerDocument = (typeof ISSUER_DOCUMENTS)[number];
