import { randomBytes } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { CxoneSimulator, DEFAULT_ACCESS_KEY, DEFAULT_EXPERT } from '../simulator/index.js';
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
  const tenant =
    config.app.sandboxProfile === 'cxone'
      ? realTenant(config, simulator, clientId, clientSecret)
      : {
          ...config,
          cxone: tutorialTenant(simulator, clientId, clientSecret),
          // The simulated tenant only: never a real (and billable) Expert site named in the environment.
          knowledge: { ...config.knowledge, provider: 'cxone' as const },
        };
  // Agents sign in to the panel with the simulated tenant's identity provider, whichever profile; the
  // sandbox's own desktop page frames the panel, so 'self' joins the CXone desktops.
  const withPanel: AppConfig = {
    ...tenant,
    cxone: { ...tenant.cxone, issuer: simulator.issuer },
    panel: { ...tenant.panel, frameAncestors: ["'self'", ...tenant.panel.frameAncestors] },
  };
  return { config: withPanel, module: SandboxModule.forRoot(simulator) };
}

/** What a real tenant offers, simulated: access-key sign-in with discovery, and CXone Expert knowledge. */
function realTenant(config: AppConfig, simulator: CxoneSimulator, clientId: string, clientSecret: string): AppConfig {
  return {
    ...config,
    cxone: {
      ...tutorialTenant(simulator, clientId, clientSecret),
      auth: 'access-key',
      issuer: simulator.issuer,
      accessKeyId: DEFAULT_ACCESS_KEY.id,
      accessKeySecret: DEFAULT_ACCESS_KEY.secret,
      // Found through cxone-configuration, as with a real tenant.
      apiBaseUrl: undefined,
    },
    knowledge: {
      ...config.knowledge,
      provider: 'expert',
      expert: { ...config.knowledge.expert, siteUrl: simulator.issuer, ...DEFAULT_EXPERT },
    },
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
