export enum StreamErrorCode {
  HandshakeUnauthorized = 'STREAM_HANDSHAKE_UNAUTHORIZED',
  HandshakeRefused = 'STREAM_HANDSHAKE_REFUSED',
  ConnectFailed = 'STREAM_CONNECT_FAILED',
}

/** A failed stream connection attempt; the message never contains the URL's query (the token). */
export class StreamException extends Error {
  constructor(
    readonly code: StreamErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StreamException';
  }
}
