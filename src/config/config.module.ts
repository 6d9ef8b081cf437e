import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import type { AppConfig } from './app-config.js';

/**
 * The configuration loadConfiguration() validated at start-up, as ConfigService, for every module to read
 * its own slice (`config.get('knowledge', { infer: true })`).
 */
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): Promise<DynamicModule> {
    return ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      // Slices only: a variable named like a slice (`http`, `buffer`) must not shadow it.
      skipProcessEnv: true,
      load: [() => config],
    });
  }
}
