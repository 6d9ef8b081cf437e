import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { type AppConfig, validateEnvironment } from './app-config.js';

/** `.env.<NODE_ENV>.local`, `.env.<NODE_ENV>`, `.env`: earlier files win, real variables win over all. */
export function envFilePaths(nodeEnv = process.env.NODE_ENV ?? 'development'): string[] {
  return [`.env.${nodeEnv}.local`, `.env.${nodeEnv}`, '.env'];
}

const MAX_ENV_FILE_BYTES = 1024 * 1024;

/**
 * The one place configuration is read: the process environment over the `.env` files (none when
 * IGNORE_ENV_FILE=true, as in the container), validated once. Throws a ConfigException naming every bad
 * variable; the result is what every module's slice comes from.
 */
export function loadConfiguration(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const fromFiles: Record<string, string> = {};
  if (env.IGNORE_ENV_FILE !== 'true') {
    for (const path of envFilePaths(env.NODE_ENV).reverse()) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8').slice(0, MAX_ENV_FILE_BYTES);
      } catch {
        continue; // a missing file is fine
      }
      Object.assign(fromFiles, parseEnv(text));
    }
  }
  return validateEnvironment({ ...fromFiles, ...env });
}
