import { Global, Module } from '@nestjs/common';
import { CXONE_CONNECTION } from '../common/cxone-connection.js';
import { SandboxService } from './sandbox.service.js';

/** Provides the CXone connection to every module: the configured tenant, or the sandbox simulator. */
@Global()
@Module({
  providers: [
    SandboxService,
    {
      provide: CXONE_CONNECTION,
      inject: [SandboxService],
      useFactory: (sandbox: SandboxService) => sandbox.connection(),
    },
  ],
  exports: [CXONE_CONNECTION, SandboxService],
})
export class SandboxModule {}
