export enum FeedbackErrorCode {
  StoreUnavailable = 'FEEDBACK_STORE_UNAVAILABLE',
}

/** The durable feedback store could not be opened or written. */
export class FeedbackException extends Error {
  constructor(
    readonly code: FeedbackErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FeedbackException';
  }
}
