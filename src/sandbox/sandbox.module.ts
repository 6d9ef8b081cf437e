import { type DynamicModule, Module } from '@nestjs/common';
import type { CxoneSimulator } from '../simulator/index.js';
import { SandboxController } from './sandbox.controller.js';
import { SandboxRequestGuard } from './sandbox-request.guard.js';
import { SANDBOX_SIMULATOR, SandboxService } from './sandbox.service.js';

/**
 * The agent desktop preview at /sandbox, its controls and the demo, around the simulator sandbox-bootstrap.ts
 * started. Imported only in sandbox mode (by main.ts, dynamically): in tenant mode /sandbox does not exist.
 */
@Module({})
export class SandboxModule {
  static forRoot(simulator: CxoneSimulator): DynamicModule {
    return {
      module: SandboxModule,
      controllers: [SandboxController],
      providers: [{ provide: SANDBOX_SIMULATOR, useValue: simulator }, SandboxService, SandboxRequestGuard],
    };
  }
}
