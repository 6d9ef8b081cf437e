import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Speaker } from '../domain/events.js';
import { ConfigErrorCode, ConfigException } from './config.exception.js';
import { type ClusterConfig, toClusterConfig } from './cluster-config.js';
import { type PanelConfig, panelProblems, toPanelConfig } from './panel-config.js';
import {
  CXONE_URL_VARIABLES,
  EnvironmentVariables,
  FILE_BACKED_VARIABLES,
  type LogLevel,
} from './environment.variables.js';

export type RunMode = 'tenant' | 'sandbox';

/** Typed, namespaced configuration; built and validated once at start-up. */
export interface AppConfig {
  app: {
    env: string;
    mode: RunMode;
    /** The interface the HTTP server listens on (HOST). */
    host: string;
    port: number;
    logLevel: LogLevel;
    shutdownDrainMs: number;
    sandboxDemo: boolean;
    sandboxProfile: 'tutorial' | 'cxone';
  };
  cxone: {
    auth: 'client-credentials' | 'access-key';
    clientId: string;
    clientSecret: string;
    /** client-credentials: the token endpoint and how the credentials travel. */
    tokenUrl: string;
    tokenAuth: 'body' | 'basic';
    /** access-key: the issuer and the access key of the user the service acts as. */
    issuer?: string;
    accessKeyId?: string;
    accessKeySecret?: string;
    /** Undefined with access-key when CXONE_API_BASE_URL is unset: found through cxone-configuration. */
    apiBaseUrl?: string;
    streamUrl: string;
  };
  http: { timeoutMs: number; maxAttempts: number };
  stream: { pingIntervalMs: number; reconnectMaxMs: number; maxFrameBytes: number };
  buffer: { silenceMs: number; maxMs: number; maxUtteranceChars: number; maxInteractions: number };
  assist: { cardDeadlineMs: number; redactPii: boolean };
  knowledge: {
    provider: 'cxone' | 'expert';
    language: string;
    pageSize: number;
    minScore: number;
    confidentScore: number;
    relativeScore: number;
    statementScore: number;
    maxInFlight: number;
    maxQueued: number;
    querySpeakers: Speaker[];
    /** CXone Expert (KB_PROVIDER=expert); site and credentials are empty strings when not configured. */
    expert: {
      siteUrl: string;
      key: string;
      secret: string;
      user: string;
      cacheTtlMs: number;
      cacheMaxEntries: number;
    };
  };
  feedback: { storePath: string; maxPending: number; maxLearned: number };
  panel: PanelConfig;
  cluster: ClusterConfig;
}

const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Empty strings count as unset, so `FOO=` in an .env file falls back to the default. */
function withoutEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
}

/** One line per variable: the first thing found wrong with it; later (derived) findings would only confuse. */
class Problems {
  private readonly byVariable = new Map<string, string>();

  add(variable: string, expected: string): void {
    if (!this.byVariable.has(variable)) this.byVariable.set(variable, expected);
  }

  has(variable: string): boolean {
    return this.byVariable.has(variable);
  }

  get variables(): string[] {
    return [...this.byVariable.keys()];
  }

  get lines(): string[] {
    return [...this.byVariable].map(([variable, expected]) => `${variable}: ${expected}`);
  }
}

/** Returns the variables whose file was named but unusable (already reported). */
function readSecretFiles(env: Record<string, unknown>, problems: Problems): Set<string> {
  const unusable = new Set<string>();
  for (const name of FILE_BACKED_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (typeof file !== 'string') continue;
    if (env[name] !== undefined) {
      problems.add(name, `expected ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      const content = readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, MAX_SECRET_FILE_BYTES);
      const value = content.trim();
      if (value) env[name] = value;
      else {
        problems.add(`${name}_FILE`, 'expected the name of a non-empty file (this one is empty)');
        unusable.add(name);
      }
    } catch {
      problems.add(`${name}_FILE`, 'expected the name of a readable file (this one cannot be read)');
      unusable.add(name);
    }
  }
  return unusable;
}

/** Each rule in environment.variables.ts has one message, so this is one line per bad variable. */
function checkRules(env: EnvironmentVariables, problems: Problems): void {
  for (const error of validateSync(env, { forbidUnknownValues: true })) {
    const [message = 'expected a valid value'] = Object.values(error.constraints ?? {});
    problems.add(error.property, message);
  }
}

/**
 * Validates the merged environment (real variables over .env files) and returns the typed config.
 * Throws one ConfigException that names every bad variable and none of their values.
 */
export function validateEnvironment(raw: Record<string, unknown>): AppConfig {
  const env = withoutEmpty(raw);
  const problems = new Problems();
  const unusableFiles = readSecretFiles(env, problems);
  const vars = plainToInstance(EnvironmentVariables, env, { excludeExtraneousValues: false });
  checkRules(vars, problems);

  const hasId = vars.CXONE_CLIENT_ID !== undefined || unusableFiles.has('CXONE_CLIENT_ID');
  const hasSecret = vars.CXONE_CLIENT_SECRET !== undefined || unusableFiles.has('CXONE_CLIENT_SECRET');
  const production = vars.NODE_ENV === 'production';
  if (hasId !== hasSecret) {
    const missing = hasId ? 'CXONE_CLIENT_SECRET' : 'CXONE_CLIENT_ID';
    const other = hasId ? 'CXONE_CLIENT_ID' : 'CXONE_CLIENT_SECRET';
    problems.add(missing, `expected too, since ${other} is set (unset both for sandbox mode)`);
  } else if (!hasId && production) {
    problems.add('CXONE_CLIENT_ID', 'expected in production (sandbox mode is for development only)');
    problems.add('CXONE_CLIENT_SECRET', 'expected in production (sandbox mode is for development only)');
  }
  // The sandbox brings its own simulated tenant for either profile; a real one needs all of its settings.
  if (hasId) requireProfileSettings(vars, problems);
  for (const [variable, expected] of panelProblems(vars, !hasId)) problems.add(variable, expected);
  if (production && vars.ALLOW_INSECURE_CXONE_URLS !== 'true') insecureUrls(vars, problems);
  // Compared only when both are valid: otherwise the line would blame the wrong variable.
  const buffersValid = !problems.has('BUFFER_MAX_MS') && !problems.has('BUFFER_SILENCE_MS');
  if (buffersValid && vars.BUFFER_MAX_MS < vars.BUFFER_SILENCE_MS) {
    problems.add(
      'BUFFER_MAX_MS',
      'expected at least BUFFER_SILENCE_MS (the cap on an utterance cannot be below its silence timeout)',
    );
  }
  if (problems.variables.length > 0) {
    throw new ConfigException(
      ConfigErrorCode.InvalidEnvironment,
      `Invalid configuration (${problems.variables.join(', ')}):\n  - ${problems.lines.join('\n  - ')}`,
      problems.variables,
    );
  }
  return toAppConfig(vars, hasId ? 'tenant' : 'sandbox', new Set(Object.keys(env)));
}

/** What CXONE_AUTH=access-key and KB_PROVIDER=expert cannot work without. */
function requireProfileSettings(vars: EnvironmentVariables, problems: Problems): void {
  const need = (names: (keyof EnvironmentVariables)[], because: string) => {
    for (const name of names) if (vars[name] === undefined) problems.add(name, `expected, since ${because}`);
  };
  if (vars.CXONE_AUTH === 'access-key') {
    need(['CXONE_ISSUER', 'CXONE_ACCESS_KEY_ID', 'CXONE_ACCESS_KEY_SECRET'], 'CXONE_AUTH=access-key');
  }
  if (vars.KB_PROVIDER === 'expert') {
    need(['EXPERT_SITE_URL', 'EXPERT_KEY', 'EXPERT_SECRET', 'EXPERT_USER'], 'KB_PROVIDER=expert');
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** Loopback never leaves the host (a sidecar, a local simulator): plain http/ws is acceptable there. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Production: a token or transcript in clear text over the network is refused, one line per variable. */
function insecureUrls(vars: EnvironmentVariables, problems: Problems): void {
  for (const name of CXONE_URL_VARIABLES) {
    const value = vars[name];
    if (value === undefined || problems.has(name)) continue;
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && !isLoopbackHost(url.hostname)) {
      const secure = url.protocol === 'http:' ? 'https' : 'wss';
      problems.add(
        name,
        `expected a ${secure} URL: plain ${url.protocol.slice(0, -1)} to a non-loopback host is refused in production ` +
          `(or set ALLOW_INSECURE_CXONE_URLS=true)`,
      );
    }
  }
}

function toAppConfig(vars: EnvironmentVariables, mode: RunMode, explicit: ReadonlySet<string>): AppConfig {
  return {
    app: {
      env: vars.NODE_ENV,
      mode,
      // The sandbox's controls and transcripts stay on this machine unless HOST says otherwise;
      // a tenant deployment (Kubernetes) is reached through the pod's interface.
      host: vars.HOST ?? (mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
      port: vars.PORT,
      logLevel: vars.LOG_LEVEL,
      shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
      sandboxDemo: vars.SANDBOX_DEMO === 'true',
      sandboxProfile: vars.SANDBOX_PROFILE,
    },
    cxone: {
      auth: vars.CXONE_AUTH,
      clientId: vars.CXONE_CLIENT_ID ?? '',
      clientSecret: vars.CXONE_CLIENT_SECRET ?? '',
      tokenUrl: vars.CXONE_TOKEN_URL,
      tokenAuth: vars.CXONE_TOKEN_AUTH,
      issuer: vars.CXONE_ISSUER?.replace(/\/+$/, ''),
      accessKeyId: vars.CXONE_ACCESS_KEY_ID,
      accessKeySecret: vars.CXONE_ACCESS_KEY_SECRET,
      // With an access key the tenant says where its APIs are, unless the operator set it explicitly.
      apiBaseUrl:
        vars.CXONE_AUTH === 'access-key' && !explicit.has('CXONE_API_BASE_URL')
          ? undefined
          : vars.CXONE_API_BASE_URL.replace(/\/+$/, ''),
      streamUrl: vars.CXONE_STREAM_URL,
    },
    http: { timeoutMs: vars.HTTP_TIMEOUT_MS, maxAttempts: vars.HTTP_MAX_ATTEMPTS },
    stream: {
      pingIntervalMs: vars.STREAM_PING_INTERVAL_MS,
      reconnectMaxMs: vars.STREAM_RECONNECT_MAX_MS,
      maxFrameBytes: vars.STREAM_MAX_FRAME_BYTES,
    },
    buffer: {
      silenceMs: vars.BUFFER_SILENCE_MS,
      maxMs: vars.BUFFER_MAX_MS,
      maxUtteranceChars: vars.BUFFER_MAX_UTTERANCE_CHARS,
      maxInteractions: vars.BUFFER_MAX_INTERACTIONS,
    },
    assist: { cardDeadlineMs: vars.CARD_DEADLINE_MS, redactPii: vars.PII_REDACTION === 'true' },
    knowledge: {
      provider: vars.KB_PROVIDER,
      language: vars.KB_LANGUAGE,
      pageSize: vars.KB_PAGE_SIZE,
      minScore: vars.KB_MIN_SCORE,
      confidentScore: vars.KB_CONFIDENT_SCORE,
      relativeScore: vars.KB_RELATIVE_SCORE,
      statementScore: vars.KB_STATEMENT_SCORE,
      maxInFlight: vars.KB_MAX_IN_FLIGHT,
      maxQueued: vars.KB_MAX_QUEUED,
      querySpeakers: [...new Set(vars.KB_QUERY_SPEAKERS.split(',') as Speaker[])],
      expert: {
        siteUrl: (vars.EXPERT_SITE_URL ?? '').replace(/\/+$/, ''),
        key: vars.EXPERT_KEY ?? '',
        secret: vars.EXPERT_SECRET ?? '',
        user: vars.EXPERT_USER ?? '',
        cacheTtlMs: vars.EXPERT_CACHE_TTL_MS,
        cacheMaxEntries: vars.EXPERT_CACHE_MAX_ENTRIES,
      },
    },
    feedback: {
      storePath: vars.FEEDBACK_STORE_PATH,
      maxPending: vars.FEEDBACK_MAX_PENDING,
      maxLearned: vars.LEARNING_MAX_CASES,
    },
    panel: toPanelConfig(vars, mode === 'sandbox'),
    cluster: toClusterConfig(vars),
  };
}
