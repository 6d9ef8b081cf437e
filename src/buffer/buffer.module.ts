import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { InjectionToken, OptionalFactoryDependency } from '@nestjs/common';
import { BUFFER_OPTIONS, resolveBufferOptions, type BufferOptions } from './buffer.options.js';
import { BufferService } from './buffer.service.js';

export interface BufferModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Missing fields take DEFAULT_BUFFER_OPTIONS; invalid ones fail start-up naming every bad field. */
  useFactory: (...args: never[]) => Partial<BufferOptions> | Promise<Partial<BufferOptions>>;
}

/**
 * Provides and exports BufferService. Import it through one of the two factories, which provide
 * BUFFER_OPTIONS:
 *   BufferModule.register({ silenceMs: 3000 })
 *   BufferModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (c) => ({ ... }) })
 */
@Module({})
export class BufferModule {
  static register(options: Partial<BufferOptions> = {}): DynamicModule {
    return {
      module: BufferModule,
      providers: [{ provide: BUFFER_OPTIONS, useValue: resolveBufferOptions(options) }, BufferService],
      exports: [BufferService],
    };
  }

  static forRootAsync(options: BufferModuleAsyncOptions): DynamicModule {
    return {
      module: BufferModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: BUFFER_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => resolveBufferOptions(await options.useFactory(...args)),
        },
        BufferService,
      ],
      exports: [BufferService],
    };
  }
}
