import { Global, Module } from '@nestjs/common';
import { CxoneApiClient } from './cxone-api.client.js';
import { HttpTransport } from './http-transport.js';

/** The CXone REST APIs of the assist loop: knowledge search, cards, training feedback. */
@Global()
@Module({
  providers: [HttpTransport, CxoneApiClient],
  exports: [CxoneApiClient],
})
export class CxoneApiModule {}
