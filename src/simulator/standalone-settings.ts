import { DEFAULT_ACCESS_KEY, DEFAULT_EXPERT, DEFAULT_TENANT_ID } from './real-profile.js';

/** The standalone simulator's settings (`node dist/simulator/main.js`), read from `SIM_*` variables. */
export interface StandaloneSettings {
  host: string;
  /** 0 = any free port (the printed URLs carry the real one). */
  port: number;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  /** Play the scripted conversations while a stream client is connected. */
  play: boolean;
  playPauseMs: number;
  /** 1 = real time, 2 = twice as fast. */
  playSpeed: number;
  /** A simulated agent accepts or rejects the top card of each push for a played conversation. */
  agentVerdicts: boolean;
  /** The origin the service reaches the simulator at (OIDC issuer of the real profile); default its listen URL. */
  publicUrl: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  tenantId: string;
  expertKey: string;
  expertSecret: string;
  /** `=name` or a numeric user id. */
  expertUser: string;
}

export class StandaloneSettingsError extends Error {
  constructor(
    readonly variables: string[],
    problems: string[],
  ) {
    super(`Invalid simulator settings: ${problems.join('; ')}`);
    this.name = 'StandaloneSettingsError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Reader<T> = (text: string) => T | undefined;

interface Setting<K extends keyof StandaloneSettings> {
  key: K;
  fallback: StandaloneSettings[K];
  read: Reader<StandaloneSettings[K]>;
  expected: string;
  /** Never echo the value back in an error. */
  secret?: boolean;
}
/** One setting, its key and its value type kept together. */
type AnySetting = { [K in keyof StandaloneSettings]: Setting<K> }[keyof StandaloneSettings];

const integer =
  (min: number, max: number): Reader<number> =>
  (text) => {
    if (!/^\d+$/.test(text)) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  };
const positiveNumber =
  (max: number): Reader<number> =>
  (text) => {
    const value = Number(text);
    return /^\d*\.?\d+$/.test(text) && value > 0 && value <= max ? value : undefined;
  };
const boolean: Reader<boolean> = (text) => (text === 'true' ? true : text === 'false' ? false : undefined);
const anyText: Reader<string> = (text) => text;
/** An origin only: the simulator serves fixed paths, so a base path could not be honoured. */
const httpOrigin: Reader<string> = (text) => {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return /^https?:$/.test(url.protocol) && bare ? url.origin : undefined;
};
const expertUser: Reader<string> = (text) => (/^(=\S+|\d+)$/.test(text) ? text : undefined);

/** Every variable the standalone simulator reads; any other `SIM_*` name is refused as a likely typo. */
const SETTINGS = {
  SIM_HOST: { key: 'host', fallback: '127.0.0.1', read: anyText, expected: 'a host name or address' },
  SIM_PORT: { key: 'port', fallback: 4000, read: integer(0, 65_535), expected: 'a port number from 0 to 65535' },
  SIM_CLIENT_ID: { key: 'clientId', fallback: 'sandbox-client', read: anyText, expected: 'text' },
  SIM_CLIENT_SECRET: {
    key: 'clientSecret',
    fallback: 'sandbox-secret',
    read: anyText,
    expected: 'text',
    secret: true,
  },
  SIM_TOKEN_TTL_SECONDS: {
    key: 'tokenTtlSeconds',
    fallback: 3600,
    read: integer(1, 86_400),
    expected: 'whole seconds from 1 to 86400',
  },
  SIM_PLAY: { key: 'play', fallback: true, read: boolean, expected: 'true or false' },
  SIM_PLAY_PAUSE_MS: {
    key: 'playPauseMs',
    fallback: 4000,
    read: integer(0, 3_600_000),
    expected: 'milliseconds from 0 to 3600000',
  },
  SIM_PLAY_SPEED: {
    key: 'playSpeed',
    fallback: 1,
    read: positiveNumber(100),
    expected: 'a number above 0, at most 100',
  },
  SIM_AGENT_VERDICTS: { key: 'agentVerdicts', fallback: true, read: boolean, expected: 'true or false' },
  SIM_PUBLIC_URL: {
    key: 'publicUrl',
    fallback: undefined,
    read: httpOrigin,
    expected: 'an http(s) origin such as http://cxone-sim:4000, without a path',
  },
  SIM_ACCESS_KEY_ID: { key: 'accessKeyId', fallback: DEFAULT_ACCESS_KEY.id, read: anyText, expected: 'text' },
  SIM_ACCESS_KEY_SECRET: {
    key: 'accessKeySecret',
    fallback: DEFAULT_ACCESS_KEY.secret,
    read: anyText,
    expected: 'text',
    secret: true,
  },
  SIM_TENANT_ID: { key: 'tenantId', fallback: DEFAULT_TENANT_ID, read: anyText, expected: 'text' },
  SIM_EXPERT_KEY: { key: 'expertKey', fallback: DEFAULT_EXPERT.key, read: anyText, expected: 'text' },
  SIM_EXPERT_SECRET: {
    key: 'expertSecret',
    fallback: DEFAULT_EXPERT.secret,
    read: anyText,
    expected: 'text',
    secret: true,
  },
  SIM_EXPERT_USER: {
    key: 'expertUser',
    fallback: DEFAULT_EXPERT.user,
    read: expertUser,
    expected: '=name or a numeric user id',
  },
} satisfies Record<string, AnySetting>;

export const SIM_VARIABLES = Object.keys(SETTINGS) as readonly (keyof typeof SETTINGS)[];

/**
 * Reads and validates every `SIM_*` variable (empty counts as unset). Throws one StandaloneSettingsError
 * naming each bad variable, so a typo stops start-up instead of being silently ignored.
 */
export function readStandaloneSettings(env: Env): StandaloneSettings {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  const bad: string[] = [];
  for (const [name, setting] of Object.entries(SETTINGS) as [string, AnySetting][]) {
    const text = env[name];
    if (text === undefined || text === '') {
      settings[setting.key] = setting.fallback;
      continue;
    }
    const value = setting.read(text);
    if (value === undefined) {
      bad.push(name);
      problems.push(
        `${name} must be ${setting.expected}${setting.secret ? '' : ` (got ${JSON.stringify(text.slice(0, 60))})`}`,
      );
    } else settings[setting.key] = value;
  }
  const known = new Set<string>(SIM_VARIABLES);
  for (const name of Object.keys(env)
    .filter((name) => name.startsWith('SIM_') && !known.has(name))
    .sort()) {
    bad.push(name);
    problems.push(`${name} is not a simulator setting (known: ${SIM_VARIABLES.join(', ')})`);
  }
  if (problems.length > 0) throw new StandaloneSettingsError(bad, problems);
  return settings as unknown as StandaloneSettings;
}
