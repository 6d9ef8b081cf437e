import { Injectable } from '@nestjs/common';
import WebSocket from 'ws';

export interface StreamSocketOptions {
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
}

/** The Agent Assist WebSocket, and nothing else: opens one socket to a URL. */
@Injectable()
export class StreamAdapter {
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
