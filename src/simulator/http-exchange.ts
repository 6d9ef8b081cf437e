import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Reads the whole request body as UTF-8, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** What an endpoint (or a queued fault) answers: `body` as JSON, or `rawBody` as is. */
export interface Answer {
  status: number;
  body?: unknown;
  rawBody?: string;
  /** Default JSON, or plain text for a `rawBody`. */
  contentType?: string;
  headers?: Record<string, string>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendAnswer(res, { status, body, headers });
}

export function sendAnswer(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const raw = answer.rawBody !== undefined;
  const payload = raw ? answer.rawBody! : answer.body === undefined ? '' : JSON.stringify(answer.body);
  const contentType = answer.contentType ?? (raw ? TEXT_CONTENT_TYPE : JSON_CONTENT_TYPE);
  res.writeHead(answer.status, {
    ...(payload || answer.contentType ? { 'content-type': contentType } : {}),
    'content-length': Buffer.byteLength(payload).toString(),
    ...answer.headers,
  });
  res.end(payload);
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** RFC 6749 §2.3.1: both parts are form-urlencoded before being base64-joined. */
export function parseBasicCredentials(header: string | undefined): ClientCredentials | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      clientId: decodeFormComponent(decoded.slice(0, colon)),
      clientSecret: decodeFormComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/**
 * The pair exactly as sent, as CXone's `/auth/token` reads it: a client that form-encodes the parts first
 * (as RFC 6749 §2.3.1 says) sends different values, so `%`, `+` or `:` in a secret break its sign-in.
 */
export function parseRawBasicCredentials(header: string | undefined): ClientCredentials | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
