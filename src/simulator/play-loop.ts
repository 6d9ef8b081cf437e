import { randomBytes } from 'node:crypto';
import type { Conversation } from './simulator-types.js';

/** How often the loop looks for stream clients. */
export const LISTENER_POLL_MS = 250;
/** A conversation nobody has listened to for this long is abandoned (a reconnect takes far less). */
export const ABANDON_UNHEARD_MS = 3000;
/** Interaction ids remembered for `conversationOf` (cards arrive shortly after their conversation). */
const REMEMBERED_INTERACTIONS = 20;

export interface PlayLoopOptions {
  conversations: readonly Conversation[];
  /** Plays one conversation under `interactionId`; resolves when it is done or `signal` aborted. */
  play(conversation: Conversation, interactionId: string, signal: AbortSignal): Promise<void>;
  /** Stream clients connected right now. */
  listeners(): number;
  pauseMs: number;
  log(line: string): void;
  /** Default `sim-<round>-<conversation id>-<4 hex>`: fresh even across simulator restarts. */
  interactionId?(conversation: Conversation, round: number): string;
}

/**
 * Plays the scripted conversations in turn, forever, each under a fresh interactionId with a pause
 * between them, but only while at least one stream client listens: a conversation played to nobody is
 * wasted, so the loop waits for the first client and pauses when the last one is gone.
 */
export class PlayLoop {
  private readonly stopping = new AbortController();
  private readonly played = new Map<string, Conversation>();
  private running?: Promise<void>;

  constructor(private readonly options: PlayLoopOptions) {
    if (options.conversations.length === 0) throw new RangeError('PlayLoop needs at least one conversation');
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops at once, even mid-conversation; resolves when the loop has returned. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** The conversation a recent interactionId was played from. */
  conversationOf(interactionId: string): Conversation | undefined {
    return this.played.get(interactionId);
  }

  private async run(): Promise<void> {
    const { conversations, pauseMs, log } = this.options;
    const signal = this.stopping.signal;
    for (let index = 0; !signal.aborted; index++) {
      if (!(await this.untilListened())) return;
      const conversation = conversations[index % conversations.length];
      const round = Math.floor(index / conversations.length) + 1;
      const interactionId = (this.options.interactionId ?? freshInteractionId)(conversation, round);
      this.remember(interactionId, conversation);
      log(`playing "${conversation.title}" as ${interactionId}`);
      const outcome = await this.playWhileListened(conversation, interactionId);
      if (signal.aborted) return;
      log(`${interactionId} ${outcome}`);
      if (!(await pause(pauseMs, signal))) return;
    }
  }

  /** Resolves true once a client listens, false if the loop stops first. */
  private async untilListened(): Promise<boolean> {
    if (this.options.listeners() > 0) return true;
    this.options.log('waiting for a stream client before playing');
    while (this.options.listeners() === 0) {
      if (!(await pause(LISTENER_POLL_MS, this.stopping.signal))) return false;
    }
    this.options.log('stream client connected: playing');
    return true;
  }

  private async playWhileListened(conversation: Conversation, interactionId: string): Promise<string> {
    const conversationAbort = new AbortController();
    const stop = (): void => conversationAbort.abort();
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    let lastHeardAt = Date.now();
    const watch = setInterval(() => {
      if (this.options.listeners() > 0) lastHeardAt = Date.now();
      else if (Date.now() - lastHeardAt >= ABANDON_UNHEARD_MS) stop();
    }, LISTENER_POLL_MS);
    try {
      await this.options.play(conversation, interactionId, conversationAbort.signal);
      return conversationAbort.signal.aborted ? `abandoned: no stream client for ${ABANDON_UNHEARD_MS} ms` : 'finished';
    } catch (error) {
      return `failed: ${(error as Error)?.message ?? error}`;
    } finally {
      clearInterval(watch);
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }

  private remember(interactionId: string, conversation: Conversation): void {
    this.played.set(interactionId, conversation);
    if (this.played.size > REMEMBERED_INTERACTIONS) this.played.delete(this.played.keys().next().value!);
  }
}

function freshInteractionId(conversation: Conversation, round: number): string {
  return `sim-${round}-${conversation.id}-${randomBytes(2).toString('hex')}`;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (global timers, so fake timers drive it). */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (finished: boolean): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(finished);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
