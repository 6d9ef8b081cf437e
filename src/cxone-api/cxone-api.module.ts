import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CxoneApiClient } from './cxone-api.client.js';
import { HttpTransport } from './http-transport.js';

/** The CXone REST APIs of the assist loop: knowledge search, cards, training feedback. */
@Module({
  imports: [AuthModule],
  providers: [HttpTransport, CxoneApiClient],
  exports: [CxoneApiClient, AuthModule],
})
export class CxoneApiModule {}
