import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { HealthController } from './health.controller.js';
import { StreamHealthIndicator } from './stream.health.js';
import { TokenHealthIndicator } from './token.health.js';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }), StreamModule, AuthModule],
  controllers: [HealthController],
  providers: [StreamHealthIndicator, TokenHealthIndicator],
})
export class HealthModule {}
