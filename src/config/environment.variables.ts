import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsWebUrl } from './is-web-url.validator.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable the service reads. Names are fixed by the contract; the extra
 * tuning knobs below it have safe defaults and are documented in the README.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV: string = 'development';
  @Type(() => Number) @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL: LogLevel = 'info';

  @IsOptional() @IsString() @MinLength(1) @MaxLength(512) CXONE_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(4096) CXONE_CLIENT_SECRET?: string;
  @IsWebUrl(['http:', 'https:']) CXONE_TOKEN_URL: string = 'https://api.niceincontact.com/oauth/token';
  @IsIn(['body', 'basic']) CXONE_TOKEN_AUTH: 'body' | 'basic' = 'body';
  @IsWebUrl(['http:', 'https:']) CXONE_API_BASE_URL: string = 'https://api.niceincontact.com';
  @IsWebUrl(['ws:', 'wss:']) CXONE_STREAM_URL: string = 'wss://api.niceincontact.com/cxoneapi/v2/agentassist/stream';

  @Type(() => Number) @IsInt() @Min(50) @Max(600_000) BUFFER_SILENCE_MS: number = 3000;
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) BUFFER_MAX_MS: number = 10_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(100_000) BUFFER_MAX_UTTERANCE_CHARS: number = 4000;
  @Type(() => Number) @IsInt() @Min(10) @Max(1_000_000) BUFFER_MAX_INTERACTIONS: number = 20_000;

  @IsString() @MinLength(2) @MaxLength(16) KB_LANGUAGE: string = 'en-US';
  @Type(() => Number) @IsInt() @Min(1) @Max(50) KB_PAGE_SIZE: number = 5;
  @Type(() => Number) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) KB_MIN_SCORE: number = 0;
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) KB_MAX_IN_FLIGHT: number = 32;
  /** Searches waiting for a slot at most; beyond it (or past what the deadline allows) they are shed. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100_000) KB_MAX_QUEUED: number = 2000;
  /** Whose utterances are searched: agent small talk ("how can I help you today?") makes junk cards. */
  @Matches(/^(CUSTOMER|AGENT)(,(CUSTOMER|AGENT))*$/) KB_QUERY_SPEAKERS: string = 'CUSTOMER';

  /** A card later than this after its flush trigger no longer helps the agent: dropped and counted. */
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) CARD_DEADLINE_MS: number = 10_000;
  @IsIn(['true', 'false']) PII_REDACTION: string = 'true';

  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) HTTP_TIMEOUT_MS: number = 5000;
  @Type(() => Number) @IsInt() @Min(1) @Max(20) HTTP_MAX_ATTEMPTS: number = 4;

  @Type(() => Number) @IsInt() @Min(1000) @Max(300_000) STREAM_PING_INTERVAL_MS: number = 15_000;
  @Type(() => Number) @IsInt() @Min(100) @Max(600_000) STREAM_RECONNECT_MAX_MS: number = 30_000;
  @Type(() => Number) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) STREAM_MAX_FRAME_BYTES: number = 64 * 1024;

  @IsString() @MinLength(1) FEEDBACK_STORE_PATH: string = './data';
  @Type(() => Number) @IsInt() @Min(10) @Max(10_000_000) FEEDBACK_MAX_PENDING: number = 100_000;

  @Type(() => Number) @IsInt() @Min(0) @Max(120_000) SHUTDOWN_DRAIN_MS: number = 8000;
  @IsIn(['true', 'false']) SANDBOX_DEMO: string = 'true';
  /** Production refuses plain http/ws CXone URLs to other hosts than loopback unless this is `true`. */
  @IsIn(['true', 'false']) ALLOW_INSECURE_CXONE_URLS: string = 'false';
}

/** Variables whose value may come from a file named by `<NAME>_FILE` (Kubernetes secrets). */
export const FILE_BACKED_VARIABLES = ['CXONE_CLIENT_ID', 'CXONE_CLIENT_SECRET'] as const;

/** The CXone URLs production wants encrypted (https/wss) unless they point at loopback. */
export const CXONE_URL_VARIABLES = ['CXONE_TOKEN_URL', 'CXONE_API_BASE_URL', 'CXONE_STREAM_URL'] as const;

/**
 * Every variable the service reads: the validated ones, the `*_FILE` secret variants and
 * `IGNORE_ENV_FILE` (read by the ConfigModule itself). Manifests and examples may set only these.
 */
export const ACCEPTED_VARIABLES: readonly string[] = [
  ...Object.keys(new EnvironmentVariables()),
  ...FILE_BACKED_VARIABLES,
  ...FILE_BACKED_VARIABLES.map((name) => `${name}_FILE`),
  'IGNORE_ENV_FILE',
].filter((name, index, all) => all.indexOf(name) === index);
