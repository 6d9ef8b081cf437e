import { randomBytes } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { CxoneSimulator } from '../simulator/index.js';
import { SandboxModule } from './sandbox.module.js';

export interface SandboxStart {
  /** The configuration, pointed at the simulator. */
  config: AppConfig;
  /** What the app adds: the preview, its controls and the demo. */
  module: DynamicModule;
}

/**
 * Sandbox mode's first step, before the app is built: starts the CXone simulator in this process and
 * points the configuration at it, as a tenant of the chosen profile (SANDBOX_PROFILE). main.ts imports
 * this file only in sandbox mode, so the production path never loads the simulator.
 */
export async function startSandbox(config: AppConfig): Promise<SandboxStart> {
  const clientId = 'sandbox-client';
  const clientSecret = randomBytes(24).toString('base64url');
  const simulator = new CxoneSimulator({ clientId, clientSecret });
  await simulator.start();
  return {
    config: { ...config, cxone: tutorialTenant(simulator, clientId, clientSecret) },
    module: SandboxModule.forRoot(simulator),
  };
}

function tutorialTenant(simulator: CxoneSimulator, clientId: string, clientSecret: string): AppConfig['cxone'] {
  return {
    auth: 'client-credentials',
    clientId,
    clientSecret,
    tokenUrl: simulator.tokenUrl,
    tokenAuth: 'body',
    apiBaseUrl: simulator.baseUrl,
    streamUrl: simulator.streamUrl,
  };
}
