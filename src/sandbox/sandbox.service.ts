import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CxoneConnection } from '../common/cxone-connection.js';
import type { AppConfig } from '../config/app-config.js';
import { CxoneSimulator, loadConversations } from '../simulator/index.js';

const DEMO_START_DELAY_MS = 1500;
const DEMO_PAUSE_BETWEEN_CONVERSATIONS_MS = 4000;

/**
 * Sandbox mode (no credentials, not production): runs the CXone simulator in this process, points
 * the service at it and plays the scripted demo conversations so a new user sees the loop work.
 */
@Injectable()
export class SandboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sandbox');
  private simulator?: CxoneSimulator;
  private demoTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  get enabled(): boolean {
    return this.config.get('app', { infer: true }).mode === 'sandbox';
  }

  /** The simulator, when sandbox mode runs one. */
  get cxone(): CxoneSimulator | undefined {
    return this.simulator;
  }

  async connection(): Promise<CxoneConnection> {
    if (!this.enabled) return this.config.get('cxone', { infer: true });
    const clientId = 'sandbox-client';
    const clientSecret = randomBytes(24).toString('base64url');
    this.simulator = new CxoneSimulator({ clientId, clientSecret });
    await this.simulator.start();
    this.logger.warn(
      `SANDBOX MODE: no CXone credentials configured, so the service runs against its built-in CXone simulator at ${this.simulator.baseUrl}`,
    );
    return {
      clientId,
      clientSecret,
      tokenUrl: this.simulator.tokenUrl,
      tokenAuth: 'body',
      apiBaseUrl: this.simulator.baseUrl,
      streamUrl: this.simulator.streamUrl,
    };
  }

  onApplicationBootstrap(): void {
    if (!this.simulator || !this.config.get('app', { infer: true }).sandboxDemo) return;
    this.demoTimer = setTimeout(() => void this.playDemo(), DEMO_START_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.demoTimer);
    await this.simulator?.stop();
  }

  /** Plays every scripted conversation in turn, forever, logging what the tenant received. */
  private async playDemo(): Promise<void> {
    const simulator = this.simulator!;
    const conversations = loadConversations();
    for (let round = 1; !this.stopped; round++) {
      for (const conversation of conversations) {
        if (this.stopped) return;
        const interactionId = `demo-${round}-${conversation.id}`;
        const cardsBefore = simulator.received.cards.length;
        this.logger.log(`Playing demo conversation "${conversation.title}" as ${interactionId}`);
        try {
          await simulator.playConversation(conversation, { interactionId });
        } catch {
          return; // the simulator stopped under us: shutting down
        }
        for (const request of simulator.received.cards.slice(cardsBefore)) {
          const titles = (request.body?.insights ?? []).map((card: { title?: string }) => card.title).join(' | ');
          this.logger.log(`Agent desktop received cards for ${request.body?.interactionId}: ${titles}`);
        }
        await new Promise((resolve) => setTimeout(resolve, DEMO_PAUSE_BETWEEN_CONVERSATIONS_MS));
      }
    }
  }
}
