import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { Observable, Subject } from 'rxjs';
import { TimeSlicedQueue } from '../common/time-sliced-queue.js';
import { FLUSHING_DIALOG_STATES, type StreamEvent, type TranscriptFragmentEvent } from '../domain/events.js';
import { BUFFER_OPTIONS, resolveBufferOptions, type BufferOptions } from './buffer.options.js';
import { cut, detach, InteractionBuffer } from './interaction-buffer.js';
import type { FlushReason, Utterance } from '../domain/utterance.js';
import { boundedLru } from '../common/bounded-lru.js';

export interface BufferStats {
  /** Interactions currently remembered. */
  interactions: number;
  /** Characters buffered and not yet flushed, over all interactions. */
  bufferedChars: number;
  /** Interactions flushed and evicted because maxInteractions was reached. */
  evicted: number;
  /** Utterances emitted, per reason. */
  flushed: Record<FlushReason, number>;
  /** Fragment characters dropped by the size cap (may include whitespace). */
  truncatedChars: number;
  /** Empty interactions forgotten by the idle sweep. */
  idleForgotten: number;
  /** Events whose handling threw (a bug): counted, logged, skipped. */
  handlerErrors: number;
}

const FLUSHING_STATES: ReadonlySet<string> = new Set(FLUSHING_DIALOG_STATES);
/** Timer flushes per turn of the event loop: a burst of calls falls silent in the same millisecond. */
const TIMER_FLUSH_SLICE = { sliceMs: 2, maxQueued: Number.MAX_SAFE_INTEGER };
const MAX_SWEEP_PERIOD_MS = 60_000;

/**
 * Per-interaction utterance buffering: transcript fragments in, whole utterances out.
 *
 * - One buffer per interactionId; fragments are trimmed and joined with single spaces.
 * - Flushes: `silenceMs` after the last fragment ('silence'); `maxMs` after the utterance's FIRST
 *   fragment even while speech goes on ('max-duration'); DIALOG_STATE AGENT_SILENT / CUSTOMER_SILENT /
 *   TURN_END or a change of speaker at once ('dialog-state'); reaching `maxUtteranceChars` ('size-cap',
 *   the rest of that fragment is dropped); INTERACTION_ENDED or LRU eviction ('interaction-ended', then
 *   forgotten); end of the source or flushAll ('shutdown').
 * - Memory: at most `maxInteractions` interactions (least recently active one flushed and evicted);
 *   empty ones idle for `idleEvictMs` are forgotten by one periodic sweeper (within idleEvictMs +
 *   min(idleEvictMs / 2, 60 s)). Every timer is unref()'d.
 * - A forgotten interaction that receives events again starts afresh (seq from 1).
 *
 * The live state belongs to the service (so flushAll and stats work from outside), hence ONE active
 * `utterances()` subscription at a time: a second concurrent one errors. share() the result if several
 * consumers need it. Unsubscribing clears every timer and forgets all state: call flushAll('shutdown')
 * first (or complete the source, which does it) if buffered text must not be lost.
 */
@Injectable()
export class BufferService implements OnApplicationShutdown {
  private readonly logger = new Logger(BufferService.name);
  private readonly options: Required<BufferOptions>;
  /** Live interactions in recency order (a `get` counts as activity): the least recent is evicted first. */
  private readonly buffers: LRUCache<string, InteractionBuffer>;
  private out: Subject<Utterance> | undefined;
  private readonly endedSubject = new Subject<string>();
  private sweeper: NodeJS.Timeout | undefined;

  private bufferedChars = 0;
  private evicted = 0;
  private truncatedChars = 0;
  private idleForgotten = 0;
  private handlerErrors = 0;
  private readonly flushed: Record<FlushReason, number> = {
    silence: 0,
    'dialog-state': 0,
    'max-duration': 0,
    'interaction-ended': 0,
    'size-cap': 0,
    shutdown: 0,
  };
  private readonly onTimer = (buffer: InteractionBuffer): void => this.timerFired(buffer);
  /** Buffers whose timer fired, flushed a slice at a time. */
  private readonly dueByTimer = new TimeSlicedQueue<InteractionBuffer>((b) => this.flushIfDue(b), TIMER_FLUSH_SLICE);

  constructor(@Inject(BUFFER_OPTIONS) options: BufferOptions) {
    this.options = resolveBufferOptions(options);
    // Never full by itself: obtain() evicts (flushing) before adding past maxInteractions.
    this.buffers = boundedLru(this.options.maxInteractions + 1);
  }

  /** The one operator of the pipeline: stream events in, utterances out. Subscribing starts it. */
  utterances(events$: Observable<StreamEvent>): Observable<Utterance> {
    return new Observable<Utterance>((subscriber) => {
      if (this.out) {
        subscriber.error(new Error('BufferService.utterances() is already subscribed; share() its result'));
        return;
      }
      const out = new Subject<Utterance>();
      this.out = out;
      const outSubscription = out.subscribe(subscriber);
      this.startSweeper();
      const finish = (): void => {
        this.flushAll('shutdown');
        subscriber.complete();
        this.endedSubject.complete();
      };
      const inSubscription = events$.subscribe({
        next: (event) => this.handleSafely(event),
        error: (error: unknown) => {
          this.logger.warn(`Event source failed (${(error as Error)?.message}); buffers flushed, utterances completed`);
          finish();
        },
        complete: finish,
      });
      return () => {
        inSubscription.unsubscribe();
        outSubscription.unsubscribe();
        if (this.out === out) this.reset();
      };
    });
  }

  /**
   * The interactions that ended (INTERACTION_ENDED), each told right after its last utterance was emitted:
   * the pipeline's one end signal for per-call memory. Hot; completes with the utterances.
   */
  get ended$(): Observable<string> {
    return this.endedSubject.asObservable();
  }

  /** Flush every non-empty buffer now (graceful shutdown); returns how many utterances it emitted. */
  flushAll(reason: FlushReason): number {
    const now = Date.now();
    let count = 0;
    for (const b of this.liveBuffers()) if (this.flush(b, reason, now)) count++;
    return count;
  }

  stats(): BufferStats {
    return {
      interactions: this.buffers.size,
      bufferedChars: this.bufferedChars,
      evicted: this.evicted,
      flushed: { ...this.flushed },
      truncatedChars: this.truncatedChars,
      idleForgotten: this.idleForgotten,
      handlerErrors: this.handlerErrors,
    };
  }

  /**
   * Last shutdown step: clears every timer and forgets all state. It runs after every
   * onModuleDestroy / beforeApplicationShutdown hook, where the pipeline can still flushAll('shutdown').
   */
  onApplicationShutdown(): void {
    this.reset();
  }

  private handleSafely(event: StreamEvent): void {
    try {
      this.handle(event);
    } catch (error) {
      this.handlerErrors++;
      this.logger.error(`Buffer skipped a ${String(event?.type)} event: ${(error as Error)?.message}`);
    }
  }

  private handle(event: StreamEvent): void {
    const id = event.interactionId;
    if (typeof id !== 'string') return;
    switch (event.type) {
      case 'TRANSCRIPT_FRAGMENT':
        this.onFragment(id, event);
        return;
      case 'DIALOG_STATE': {
        const b = this.buffers.get(id);
        if (b === undefined) return;
        const now = Date.now();
        this.touch(b, now);
        if (FLUSHING_STATES.has(event.state)) this.flush(b, 'dialog-state', now);
        return;
      }
      case 'INTERACTION_ENDED': {
        const b = this.buffers.get(id);
        if (b !== undefined) {
          this.flush(b, 'interaction-ended', Date.now());
          this.forget(b);
        }
        // After its last utterance, by construction: whoever forgets per-call memory on it loses nothing.
        this.endedSubject.next(id);
        return;
      }
      default:
        return; // INSIGHT_* and anything else: not this operator's business
    }
  }

  private onFragment(id: string, event: TranscriptFragmentEvent): void {
    const raw = event.text;
    if (typeof raw !== 'string' || raw.length === 0) return;
    const cap = this.options.maxUtteranceChars;
    // Never look at more than `cap` characters of a fragment: a 2 MB one costs what a 4 KB one does.
    let dropped = 0;
    let text: string;
    if (raw.length > cap) {
      dropped = raw.length - cap;
      text = detach(cut(raw, cap).trim());
    } else {
      text = raw.trim();
    }
    if (text.length === 0) return;

    const now = Date.now();
    const b = this.obtain(id, now);
    const speaker = event.speaker;
    if (!b.empty) {
      const overdue = b.dueReason(now); // its timer has not run yet (busy event loop): it goes first
      if (overdue !== undefined) this.flush(b, overdue, now);
      else if (speaker !== undefined && b.speaker !== undefined && speaker !== b.speaker) {
        this.flush(b, 'dialog-state', now); // turn change
      }
      if (!b.live) return; // a consumer unsubscribed synchronously on that utterance
    }
    const room = b.room(cap);
    if (text.length > room) {
      dropped += text.length - room;
      text = cut(text, room).trimEnd();
    }
    if (text.length > 0) {
      this.bufferedChars += b.append(text, speaker, now, this.options.silenceMs, this.options.maxMs);
      this.arm(b, now);
    }
    if (dropped > 0) this.truncatedChars += dropped;
    if (dropped > 0 || b.text.length >= cap) this.flush(b, 'size-cap', now);
  }

  /** Emits the buffered utterance, if any. Returns whether it emitted. */
  private flush(b: InteractionBuffer, reason: FlushReason, now: number): boolean {
    if (b.empty) return false;
    const utterance = b.take(reason, now); // state is clean before anything downstream runs
    this.bufferedChars -= utterance.text.length;
    this.flushed[reason]++;
    this.out?.next(utterance);
    return true;
  }

  /**
   * One timer per interaction, armed at the earliest deadline. A later fragment only moves the
   * silence deadline later, so the armed timer is left alone and re-armed when it fires early: no
   * timer allocation per fragment.
   */
  private arm(b: InteractionBuffer, now: number): void {
    if (!b.live) return;
    const deadline = b.deadline;
    if (b.timer !== undefined) {
      if (b.timerDueAt <= deadline) return;
      clearTimeout(b.timer);
    }
    b.timerDueAt = deadline;
    b.timer = setTimeout(b.onTimer, Math.max(1, deadline - now));
    b.timer.unref();
  }

  private timerFired(b: InteractionBuffer): void {
    b.timer = undefined;
    if (b.live && !b.empty) this.dueByTimer.push(b);
  }

  /** A timer's flush, when its slice comes: the buffer may have been flushed or re-armed meanwhile. */
  private flushIfDue(b: InteractionBuffer): void {
    if (!b.live || b.empty) return;
    try {
      const now = Date.now();
      const reason = b.dueReason(now);
      if (reason !== undefined) this.flush(b, reason, now);
      else this.arm(b, now);
    } catch (error) {
      this.handlerErrors++;
      this.logger.error(`Buffer timer failed: ${(error as Error)?.message}`);
    }
  }

  /** The interaction's buffer, created if new (evicting the least recently active one when full). */
  private obtain(id: string, now: number): InteractionBuffer {
    let b = this.buffers.get(id);
    if (b !== undefined) {
      this.touch(b, now);
      return b;
    }
    while (this.buffers.size >= this.options.maxInteractions) {
      const victim = this.buffers.rvalues().next().value;
      if (victim === undefined) break;
      this.flush(victim, 'interaction-ended', now);
      this.forget(victim);
      this.evicted++;
    }
    b = new InteractionBuffer(id, now, this.onTimer);
    this.buffers.set(id, b);
    return b;
  }

  /** The buffer was just looked up with `get`, which made it the most recent: note when. */
  private touch(b: InteractionBuffer, now: number): void {
    b.lastEventAt = now;
  }

  /** Forgets an interaction: timer cleared, list and map entries removed. Flush first if needed. */
  private forget(b: InteractionBuffer): void {
    b.live = false;
    if (b.timer !== undefined) {
      clearTimeout(b.timer);
      b.timer = undefined;
    }
    this.bufferedChars -= b.empty ? 0 : b.text.length;
    if (this.buffers.peek(b.interactionId) === b) this.buffers.delete(b.interactionId);
  }

  private startSweeper(): void {
    if (this.sweeper !== undefined) return;
    const period = Math.max(1, Math.min(Math.ceil(this.options.idleEvictMs / 2), MAX_SWEEP_PERIOD_MS));
    this.sweeper = setInterval(() => this.sweep(), period);
    this.sweeper.unref();
  }

  /** Forgets empty interactions idle for idleEvictMs. They come in recency order: stop at the first recent one. */
  private sweep(): void {
    const cutoff = Date.now() - this.options.idleEvictMs;
    const idle: InteractionBuffer[] = [];
    for (const b of this.buffers.rvalues()) {
      if (b === undefined) continue;
      if (b.lastEventAt > cutoff) break;
      if (b.empty) idle.push(b);
    }
    for (const b of idle) {
      this.forget(b);
      this.idleForgotten++;
    }
  }

  /** A copy, least recent first: a consumer reacting synchronously may change the interactions. */
  private liveBuffers(): InteractionBuffer[] {
    return [...this.buffers.rvalues()].filter((b): b is InteractionBuffer => b !== undefined);
  }

  /** Clears every timer and forgets all interactions (end of the utterances() subscription). */
  private reset(): void {
    this.dueByTimer.clear();
    if (this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    for (const b of this.liveBuffers()) this.forget(b);
    this.buffers.clear();
    this.bufferedChars = 0;
    this.out = undefined;
  }
}
