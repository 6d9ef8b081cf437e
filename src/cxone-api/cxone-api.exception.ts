export enum CxoneApiErrorCode {
  /** 403: the OAuth client lacks a scope; retrying cannot help. */
  Forbidden = 'CXONE_API_FORBIDDEN',
  /** 401 even after a token refresh. */
  Unauthorized = 'CXONE_API_UNAUTHORIZED',
  /** Another 4xx: the request itself was refused. */
  Rejected = 'CXONE_API_REJECTED',
  /** 429/408/5xx/network, and the retries ran out. */
  RetriesExhausted = 'CXONE_API_RETRIES_EXHAUSTED',
  /** No token could be obtained for the call. */
  NoToken = 'CXONE_API_NO_TOKEN',
}

/** A failed CXone REST call. Carries the operation and status, never a URL query, body or token. */
export class CxoneApiException extends Error {
  constructor(
    readonly code: CxoneApiErrorCode,
    readonly operation: string,
    message: string,
    readonly status?: number,
    /** A 429's Retry-After, when the last answer was one. */
    readonly retryAfterMs?: number,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'CxoneApiException';
  }

  /** Whether a later redelivery could succeed (the feedback store keeps such calls). */
  get retryable(): boolean {
    return this.code === CxoneApiErrorCode.RetriesExhausted || this.code === CxoneApiErrorCode.NoToken;
  }
}
