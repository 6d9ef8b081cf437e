import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StreamAdapter } from './stream.adapter.js';
import { StreamService } from './stream.service.js';

@Module({
  imports: [AuthModule],
  providers: [StreamAdapter, StreamService],
  exports: [StreamService],
})
export class StreamModule {}
