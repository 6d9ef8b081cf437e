import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config.js';
import { BUFFER_OPTIONS, type BufferOptions } from './buffer.options.js';
import { BufferService } from './buffer.service.js';

/** BufferService with the `buffer` slice of the configuration. */
@Module({
  providers: [
    {
      provide: BUFFER_OPTIONS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>): BufferOptions => config.get('buffer', { infer: true }),
    },
    BufferService,
  ],
  exports: [BufferService],
})
export class BufferModule {}
