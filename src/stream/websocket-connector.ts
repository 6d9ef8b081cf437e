import { Injectable } from '@nestjs/common';
import WebSocket from 'ws';

export interface StreamSocketOptions {
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
}

/** Opens one `ws` client socket to a URL: the seam the stream source's unit specs replace with a fake. */
@Injectable()
export class WebSocketConnector {
  open(url: string, options: StreamSocketOptions): WebSocket {
    return new WebSocket(url, {
      handshakeTimeout: options.handshakeTimeoutMs,
      // ws refuses larger frames itself (close 1009) before buffering them whole.
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
      followRedirects: false,
    });
  }
}
