import { EventEmitter } from 'node:events';

import { isSecretFieldName, MAX_TEXT_CHARS, REDACTED, scrubSecrets } from './secret-text.js';

export { isSecretFieldName, MAX_TEXT_CHARS, REDACTED, scrubSecrets } from './secret-text.js';

/**
 * Everything the logs must never show, in one place. Every log call goes through `redactLogArguments`
 * (a pino hook, see pino-logger.service.ts): fields named like credentials are censored at any depth,
 * every other string is scrubbed as free text (secret-text.ts), Errors become plain objects with their
 * message, stack, cause and own properties treated the same way.
 *
 * The walk is bounded whatever it is given: depth, keys per object, values and characters per call.
 * Past a bound a marker stands in for the rest, so nothing unvisited is ever written.
 */
export const REDACTION_LIMITS = Object.freeze({
  maxDepth: 8,
  maxKeysPerObject: 200,
  maxValuesPerCall: 2000,
  /** Characters of string values per call, across all fields. */
  maxCharsPerCall: 256 * 1024,
});

export const CIRCULAR = '[Circular]';
export const TRUNCATED = '[Truncated]';

/** pino's arguments (`[fields?, message?, ...interpolation]`), redacted; the original objects are left untouched. */
export function redactLogArguments(args: readonly unknown[]): unknown[] {
  const walk = new RedactingWalk();
  const [first, ...rest] = args;
  if (first instanceof Error) {
    // pino logs a leading Error under `err`, with its message as `msg` unless one is given.
    const message = rest.length > 0 ? rest : [first.message];
    return [{ err: walk.value(first, 0) }, ...message.map((arg) => walk.value(arg, 0))];
  }
  return args.map((arg) => walk.value(arg, 0));
}

/** One value, redacted as a log field would be (a fresh copy; the original is left untouched). */
export function redactValue(value: unknown): unknown {
  return new RedactingWalk().value(value, 0);
}

/** One walk per log call: the budgets are shared by all of the call's fields. */
class RedactingWalk {
  private values = 0;
  private chars = 0;
  private readonly ancestors = new Set<object>();

  value(value: unknown, depth: number): unknown {
    if (++this.values > REDACTION_LIMITS.maxValuesPerCall) return TRUNCATED;
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'object':
        return value === null ? null : this.object(value, depth);
      case 'function':
      case 'symbol':
        return undefined;
      default:
        return value;
    }
  }

  private get exhausted(): boolean {
    return this.values >= REDACTION_LIMITS.maxValuesPerCall;
  }

  private text(value: string): string {
    const room = Math.min(MAX_TEXT_CHARS, REDACTION_LIMITS.maxCharsPerCall - this.chars);
    if (room <= 0) return TRUNCATED;
    this.chars += Math.min(value.length, room);
    if (value.length <= room) return scrubSecrets(value);
    return `${scrubSecrets(value.slice(0, room))}…[${value.length - room} characters cut]`;
  }

  private object(value: object, depth: number): unknown {
    if (this.ancestors.has(value)) return CIRCULAR;
    const summary = summarize(value);
    if (summary !== undefined) return typeof summary === 'string' ? this.text(summary) : summary;
    if (depth >= REDACTION_LIMITS.maxDepth) return `[${kindOf(value)}]`;
    this.ancestors.add(value);
    try {
      if (value instanceof Error) return this.error(value, depth);
      if (Array.isArray(value)) return this.items(value, value.length, depth);
      if (value instanceof Set) return this.items(value, value.size, depth);
      if (value instanceof Map) return this.entries(value, depth);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        // What JSON (and so pino) would print: AxiosHeaders, Decimal and the like.
        return this.value((value as { toJSON(): unknown }).toJSON(), depth);
      }
      return this.entries(ownEntries(value), depth);
    } catch {
      // A throwing getter, toJSON or proxy trap: log that, not the value.
      return '[Unreadable]';
    } finally {
      this.ancestors.delete(value);
    }
  }

  private error(error: Error, depth: number): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      type: this.value(error.name, depth + 1),
      message: this.value(error.message, depth + 1),
      stack: this.value(error.stack, depth + 1),
    };
    // AxiosError: code, status, config (headers, form data), response (headers, data)…
    Object.assign(fields, this.entries(ownEntries(error), depth, ERROR_FIELDS));
    if (Object.hasOwn(error, 'cause')) fields.cause = this.value(error.cause, depth + 1);
    return fields;
  }

  private items(items: Iterable<unknown>, size: number, depth: number): unknown[] {
    const copy: unknown[] = [];
    for (const item of items) {
      if (copy.length >= REDACTION_LIMITS.maxKeysPerObject || this.exhausted) {
        copy.push(`[${size - copy.length} more items cut]`);
        break;
      }
      copy.push(this.value(item, depth + 1));
    }
    return copy;
  }

  private entries(
    entries: Iterable<[unknown, unknown]>,
    depth: number,
    skip: ReadonlySet<string> = NOTHING,
  ): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    let count = 0;
    for (const [rawKey, item] of entries) {
      const key = String(rawKey);
      if (skip.has(key)) continue;
      if (++count > REDACTION_LIMITS.maxKeysPerObject || this.exhausted) {
        copy['…'] = TRUNCATED;
        break;
      }
      copy[key] = isSecretFieldName(key) && isRevealing(item) ? REDACTED : this.value(item, depth + 1);
    }
    return copy;
  }
}

const NOTHING: ReadonlySet<string> = new Set();
/** Written by `error()` itself. */
const ERROR_FIELDS: ReadonlySet<string> = new Set(['name', 'message', 'stack', 'cause']);

/** Values logged as a short description instead of their contents; undefined for everything else. */
function summarize(value: object): string | Date | undefined {
  if (value instanceof Date) return value;
  if (value instanceof URL) return value.href;
  // Bytes may be anything, a key or a token included; their size is what a log line needs.
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return `[${kindOf(value)}: ${value.byteLength} bytes]`;
  // Sockets, requests, streams, agents: live resources, huge and cyclic, never data to log.
  if (value instanceof EventEmitter) return `[${kindOf(value)}]`;
  return undefined;
}

/** Under a secret name, only booleans and empty values are harmless (`hasToken: true`, `password: undefined`). */
function isRevealing(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== 'boolean';
}

function kindOf(value: object): string {
  return value.constructor?.name || 'Object';
}

/** Own enumerable string-keyed properties, read lazily so a huge object costs only what is logged. */
function* ownEntries(value: object): Generator<[string, unknown]> {
  for (const key in value) {
    if (Object.hasOwn(value, key)) yield [key, (value as Record<string, unknown>)[key]];
  }
}
