import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type AppConfig, isLoopbackHost } from '../config/app-config.js';
import { type Conversation, type CxoneSimulator, loadConversations } from '../simulator/index.js';
import { SandboxFeed } from './sandbox-feed.js';

/** Faults the preview page can inject into the simulated tenant. */
export const SANDBOX_FAULTS = [
  'drop-socket',
  'rate-limit-storm',
  'expire-tokens',
  'training-down',
  'training-up',
] as const;
export type SandboxFault = (typeof SANDBOX_FAULTS)[number];

const UTTERANCE_WORDS_PER_FRAGMENT = 4;
const UTTERANCE_FRAGMENT_GAP_MS = 150;

const DEMO_START_DELAY_MS = 1500;
const DEMO_PAUSE_BETWEEN_CONVERSATIONS_MS = 4000;

/** The simulator sandbox mode runs in this process (see sandbox-bootstrap.ts). */
export const SANDBOX_SIMULATOR = Symbol('SANDBOX_SIMULATOR');

/**
 * Sandbox mode (no credentials, not production): the service runs against the CXone simulator that
 * sandbox-bootstrap.ts started in this process, and plays the scripted demo conversations so a new user
 * sees the loop work. Loaded only in sandbox mode: production never imports this file or the simulator.
 */
@Injectable()
export class SandboxService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sandbox');
  private demoTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly unsubscribeFeed: () => void;
  private conversationList?: Conversation[];
  /** What the agent desktop preview shows (fed by the simulator's activity). */
  readonly feed = new SandboxFeed();

  constructor(
    @Inject(SANDBOX_SIMULATOR) readonly cxone: CxoneSimulator,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    this.unsubscribeFeed = cxone.onActivity(this.feed.ingest);
  }

  onModuleInit(): void {
    const { sandboxProfile } = this.config.get('app', { infer: true });
    this.logger.warn(
      `SANDBOX MODE: no CXone credentials configured, so the service runs against its built-in CXone simulator ` +
        `at ${this.cxone.baseUrl} (profile ${sandboxProfile})`,
    );
    const { host } = this.config.get('app', { infer: true });
    if (!isLoopbackHost(host)) {
      this.logger.warn(`HOST=${host}: the sandbox preview (live transcripts, fault controls) listens beyond loopback`);
    }
  }

  onApplicationBootstrap(): void {
    if (!this.config.get('app', { infer: true }).sandboxDemo) return;
    this.demoTimer = setTimeout(() => void this.playDemo(), DEMO_START_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.demoTimer);
    this.unsubscribeFeed();
    await this.cxone.stop();
  }

  /** The scripted conversations (loaded once). */
  conversations(): Conversation[] {
    this.conversationList ??= loadConversations();
    return this.conversationList;
  }

  /** Plays a scripted conversation under a fresh interactionId (returned at once; it plays on). */
  startConversation(conversation: Conversation): string {
    const simulator = this.cxone;
    const interactionId = `${conversation.id}-${randomBytes(3).toString('hex')}`;
    this.feed.begin(interactionId, conversation.title);
    simulator.playConversation(conversation, { interactionId }).catch(() => undefined);
    return interactionId;
  }

  /** A customer utterance, as CXone streams one: a few words per fragment, then TURN_END. */
  speak(text: string, interactionId = `typed-${randomBytes(3).toString('hex')}`): string {
    const simulator = this.cxone;
    const words = text.trim().split(/\s+/);
    const fragments: string[] = [];
    for (let i = 0; i < words.length; i += UTTERANCE_WORDS_PER_FRAGMENT) {
      fragments.push(words.slice(i, i + UTTERANCE_WORDS_PER_FRAGMENT).join(' '));
    }
    this.feed.begin(interactionId, 'Typed utterance');
    void (async () => {
      for (const fragment of fragments) {
        if (this.stopped) return;
        simulator.send({ type: 'TRANSCRIPT_FRAGMENT', interactionId, speaker: 'CUSTOMER', text: fragment });
        await new Promise((resolve) => setTimeout(resolve, UTTERANCE_FRAGMENT_GAP_MS));
      }
      if (!this.stopped) simulator.send({ type: 'DIALOG_STATE', interactionId, state: 'TURN_END' });
    })();
    return interactionId;
  }

  /** The agent's click, sent down the stream exactly as CXone would. Returns the sockets reached. */
  verdict(interactionId: string, insightId: string, verdict: 'ACCEPTED' | 'REJECTED'): number {
    const type = verdict === 'ACCEPTED' ? 'INSIGHT_ACCEPTED' : 'INSIGHT_REJECTED';
    return this.cxone.send({ type, interactionId, insightId });
  }

  injectFault(fault: SandboxFault, count: number | undefined): string {
    const simulator = this.cxone;
    let description: string;
    switch (fault) {
      case 'drop-socket':
        simulator.dropConnections();
        description = 'dropped the Agent Assist stream socket';
        break;
      case 'rate-limit-storm': {
        const times = count ?? 5;
        simulator.failNext('knowledge', { status: 429, retryAfter: '1', times });
        description = `the next ${times} knowledge searches answer 429 (Retry-After: 1)`;
        break;
      }
      case 'expire-tokens':
        simulator.revokeTokens();
        description = 'revoked every issued token';
        break;
      case 'training-down': {
        const times = count ?? 10;
        simulator.clearFaults('feedback');
        simulator.failNext('feedback', { status: 503, retryAfter: '2', times });
        description = `the training endpoint answers 503 to the next ${times} feedback posts`;
        break;
      }
      case 'training-up':
        simulator.clearFaults('feedback');
        description = 'the training endpoint is back up';
        break;
    }
    this.feed.notice(`Fault: ${description}`);
    this.logger.warn(`Sandbox fault injected: ${description}`);
    return description;
  }

  /** Plays every scripted conversation in turn, forever, logging what the tenant received. */
  private async playDemo(): Promise<void> {
    const simulator = this.cxone;
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
