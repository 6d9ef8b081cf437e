import { HttpModule } from '@nestjs/axios';
import { type DynamicModule, Module } from '@nestjs/common';
import { PanelReplication } from '../cluster/panel-replication.js';
import { SharedPendingSignIns } from '../cluster/shared-pending-sign-ins.js';
import type { PanelConfig } from '../config/panel-config.js';
import { AgentSessions } from './agent-sessions.js';
import { AgentSignIn } from './agent-sign-in.js';
import { ActiveContactsOwners, AnyAgentOwners, CONTACT_OWNERS } from './contact-owners.js';
import { PanelAccess } from './panel-access.js';
import { PanelHub } from './panel-hub.js';
import { LocalPendingSignIns, PENDING_SIGN_INS } from './pending-sign-ins.js';
import { PanelController } from './panel.controller.js';
import { SignInController } from './sign-in.controller.js';

/**
 * The agent panel (CARD_SINKS includes panel): the page, agent sign-in, the contact-to-agent mapping and
 * the per-contact card hub the panel card sink publishes to. Global, so the card sink finds the hub.
 */
@Module({})
export class PanelModule {
  /** `clustered`: panels on any replica (the cards and sessions shared over NATS). */
  static forRoot(panel: PanelConfig, clustered = false): DynamicModule {
    const owners = panel.contactOwners === 'active-contacts' ? ActiveContactsOwners : AnyAgentOwners;
    return {
      module: PanelModule,
      global: true,
      imports: [HttpModule.register({ timeout: 10_000, maxRedirects: 0 })],
      controllers: [PanelController, SignInController],
      providers: [
        PanelHub,
        AgentSessions,
        AgentSignIn,
        PanelAccess,
        owners,
        { provide: CONTACT_OWNERS, useExisting: owners },
        { provide: PENDING_SIGN_INS, useClass: clustered ? SharedPendingSignIns : LocalPendingSignIns },
        ...(clustered ? [PanelReplication] : []),
      ],
      exports: [PanelHub, AgentSessions],
    };
  }
}
