import type { LoggerService } from '@nestjs/common';
import { createRequire } from 'node:module';
import { type DestinationStream, type Level, type LogFn, type Logger as Pino, pino } from 'pino';
import { redactLogArguments } from './redaction.js';

export interface LoggerOptions {
  /** pino level: `fatal`…`trace` (LOG_LEVEL). */
  level: Level;
  /** NODE_ENV: `development` prints pretty lines when pino-pretty is installed; anything else JSON lines. */
  env: string;
  /** Where lines go; stdout (synchronously, so nothing is lost on exit) unless given. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

/** Fields a log call may pass beside its message: `logger.log({ msg, interactionId })`. */
export interface LogFields {
  msg?: string;
  interactionId?: string;
  [field: string]: unknown;
}

/**
 * Nest's `LoggerService` over pino, installed with `app.useLogger(...)`: every `new Logger(Context)` in the
 * code writes through it. One JSON object a line with `level`, `time`, `context` and `msg`; a call that
 * passes an object (`{ msg, interactionId, ... }`) gets its fields as top-level keys. Secrets are
 * censored in one place, a pino hook every line goes through, this class's or not (see redaction.ts).
 *
 * (nestjs-pino is not used: its Nest 12 versions need Node ≥ 22.12, and this service also runs on Node 20.)
 */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[], withStack = false): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context as the last argument; error() may carry a stack before it.
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    const stack = withStack ? rest.find((param): param is string => typeof param === 'string') : undefined;
    if (stack) fields.stack = stack;
    let text: string;
    if (message instanceof Error) {
      text = message.message;
      fields.error = message;
    } else if (message !== null && typeof message === 'object') {
      const { msg, message: alt, ...extra } = message as LogFields & { message?: unknown };
      Object.assign(fields, extra);
      text = String(msg ?? alt ?? '');
    } else {
      text = String(message);
    }
    this.pino[level](fields, text);
  }
}

/** Creates the process logger; pretty lines only in development and only when pino-pretty is installed. */
export function createLogger(options: LoggerOptions): PinoLoggerService {
  const destination = options.destination ?? prettyStream(options.env) ?? pino.destination({ dest: 1, sync: true });
  const logger = pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args: Parameters<LogFn>, method: LogFn) {
          method.apply(this, redactLogArguments(args) as Parameters<LogFn>);
        },
      },
    },
    destination,
  );
  return new PinoLoggerService(logger);
}

function prettyStream(env: string): DestinationStream | undefined {
  if (env !== 'development') return undefined;
  try {
    // A dev dependency: absent from the production image, where JSON lines are wanted anyway.
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '[{context}] {msg}',
    });
  } catch {
    return undefined;
  }
}
