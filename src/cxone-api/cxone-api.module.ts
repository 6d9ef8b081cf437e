import { Global, Module } from '@nestjs/common';
import { CxoneApiClient } from './cxone-api.client.js';
import { HttpTransport } from './http-transport.js';

/** The CXone REST APIs of the assist loop: knowledge search, cards, training feedback. */
@Global()
@Module({
  providers: [HttpTransport, CxoneApiClient],
  // The transport too: CXone Expert's search (KB_PROVIDER=expert) is not a bearer-token CXone call.
  exports: [CxoneApiClient, HttpTransport],
})
export class CxoneApiModule {}
