import { Global, Module } from '@nestjs/common';
import { CXONE_CONNECTION } from '../common/cxone-connection.js';
import { SandboxController, SandboxOnlyGuard } from './sandbox.controller.js';
import { SandboxRequestGuard } from './sandbox-request.guard.js';
import { SandboxService } from './sandbox.service.js';

/**
 * Provides the CXone connection to every module: the configured tenant, or the sandbox simulator. In
 * sandbox mode it also serves the agent desktop preview at /sandbox (a 404 in tenant mode).
 */
@Global()
@Module({
  controllers: [SandboxController],
  providers: [
    SandboxService,
    SandboxOnlyGuard,
    SandboxRequestGuard,
    {
      provide: CXONE_CONNECTION,
      inject: [SandboxService],
      useFactory: (sandbox: SandboxService) => sandbox.connection(),
    },
  ],
  exports: [CXONE_CONNECTION, SandboxService],
})
export class SandboxModule {}
