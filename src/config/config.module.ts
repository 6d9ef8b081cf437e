import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from './app-config.js';

/** `.env.<NODE_ENV>.local`, `.env.<NODE_ENV>`, `.env`: earlier files win, real variables win over all. */
export function envFilePaths(nodeEnv = process.env.NODE_ENV ?? 'development'): string[] {
  return [`.env.${nodeEnv}.local`, `.env.${nodeEnv}`, '.env'];
}

const validatedConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  cache: true,
  envFilePath: envFilePaths(),
  // Containers get their configuration from the orchestrator, never from a file baked in the image.
  ignoreEnvFile: process.env.IGNORE_ENV_FILE === 'true',
  validate: validateEnvironment,
});
// Nest awaits this promise later and main.ts reports its ConfigException; without a handler attached
// now, Node would crash on the rejection first, with a stack trace instead of the one clear message.
validatedConfigModule.catch(() => undefined);

@Global()
@Module({ imports: [validatedConfigModule] })
export class AppConfigModule {}
