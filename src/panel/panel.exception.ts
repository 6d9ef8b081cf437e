export enum PanelErrorCode {
  /** The tenant's issuer did not answer, or answered something unusable. */
  IssuerUnavailable = 'PANEL_ISSUER_UNAVAILABLE',
  /** A callback whose state this service never issued, or issued and already used. */
  UnknownState = 'PANEL_UNKNOWN_STATE',
  /** The issuer refused the code (replayed, expired, or for another client). */
  CodeRefused = 'PANEL_CODE_REFUSED',
  /** The id_token failed verification, or names no agent. */
  IdentityRejected = 'PANEL_IDENTITY_REJECTED',
}

/** Agent sign-in failure. The message is safe for a log line: never a code, a verifier or a token. */
export class PanelException extends Error {
  constructor(
    readonly code: PanelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PanelException';
  }
}
