import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PanelEvent, PanelSubscriber } from './panel-hub.js';

/** A panel that lets this much queue up unread is too slow: dropped (its EventSource reconnects and replays). */
export const MAX_BUFFERED_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;
/** How soon a dropped or blipped panel's EventSource comes back. */
const RECONNECT_MS = 2000;

/**
 * Opens a server-sent event stream on `res` and returns the subscriber that writes to it. Each event
 * carries its id, so the browser's EventSource resends it as Last-Event-ID after a reconnect.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, onClose: () => void): PanelSubscriber {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: ${RECONNECT_MS}\n\n`);
  let closed = false;
  const heartbeat = setInterval(() => !closed && res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const subscriber: PanelSubscriber = {
    send(event: PanelEvent): boolean {
      if (closed) return false;
      if (res.writableLength > MAX_BUFFERED_BYTES) return false;
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
      return true;
    },
    close(): void {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      onClose();
      res.end();
    },
  };
  req.on('close', () => subscriber.close());
  res.on('error', () => subscriber.close());
  return subscriber;
}
