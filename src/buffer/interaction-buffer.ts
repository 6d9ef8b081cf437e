import type { Speaker } from '../domain/events.js';
import type { FlushReason, Utterance } from '../domain/utterance.js';

/**
 * State of ONE interaction: the utterance being buffered, its deadlines and its timer. Plain data plus
 * O(1) helpers; the timing policy lives in BufferService.
 */
export class InteractionBuffer {
  /** False once the interaction is forgotten: a stale timer callback must then do nothing. */
  live = true;
  /** Date.now() of the last event that touched this interaction (LRU order and idle sweep). */
  lastEventAt: number;
  /** seq of the last emitted utterance (the next one gets seq + 1). */
  seq = 0;

  // The utterance being buffered (empty when fragments === 0).
  text = '';
  fragments = 0;
  speaker: Speaker | undefined = undefined;
  startedAt = 0;
  /** startedAt + maxMs: fixed by the FIRST fragment, never moved by later ones. */
  maxDeadline = 0;
  /** last fragment + silenceMs. */
  silenceDeadline = 0;

  /** At most one timer; it may be armed for an earlier deadline than the current one (re-armed when it fires). */
  timer: NodeJS.Timeout | undefined = undefined;
  timerDueAt = 0;
  /** Allocated once per interaction, so arming a timer allocates nothing but the Timeout itself. */
  readonly onTimer: () => void;

  constructor(
    readonly interactionId: string,
    now: number,
    onTimer: (buffer: InteractionBuffer) => void,
  ) {
    this.lastEventAt = now;
    this.onTimer = () => onTimer(this);
  }

  get empty(): boolean {
    return this.fragments === 0;
  }

  /** The earliest moment the buffered utterance must be flushed. Meaningless when empty. */
  get deadline(): number {
    return this.silenceDeadline < this.maxDeadline ? this.silenceDeadline : this.maxDeadline;
  }

  /**
   * The reason the buffered utterance is overdue at `now`, or undefined if it is not (or is empty).
   * When both deadlines passed, the earlier one is the trigger; a tie counts as 'max-duration'.
   */
  dueReason(now: number): FlushReason | undefined {
    if (this.fragments === 0) return undefined;
    if (this.silenceDeadline < this.maxDeadline) {
      return now >= this.silenceDeadline ? 'silence' : undefined;
    }
    return now >= this.maxDeadline ? 'max-duration' : undefined;
  }

  /** Characters the next fragment may add (after the joining space) before reaching `cap`. */
  room(cap: number): number {
    return this.fragments === 0 ? cap : cap - this.text.length - 1;
  }

  /**
   * Appends already trimmed, non-empty, capped text; returns how many characters the buffer grew by.
   * The first fragment fixes startedAt, the max deadline and (if it has one) the speaker.
   */
  append(text: string, speaker: Speaker | undefined, now: number, silenceMs: number, maxMs: number): number {
    let added: number;
    if (this.fragments === 0) {
      this.text = text;
      this.startedAt = now;
      this.maxDeadline = now + maxMs;
      this.speaker = speaker;
      added = text.length;
    } else {
      this.text = this.text + ' ' + text;
      if (this.speaker === undefined) this.speaker = speaker;
      added = text.length + 1;
    }
    this.fragments++;
    this.silenceDeadline = now + silenceMs;
    return added;
  }

  /** Turns the buffered text into the next Utterance and empties the buffer. Caller checks !empty. */
  take(reason: FlushReason, now: number): Utterance {
    const utterance: Utterance = {
      interactionId: this.interactionId,
      seq: ++this.seq,
      text: this.text,
      speaker: this.speaker,
      reason,
      startedAt: this.startedAt,
      flushedAt: now,
      fragments: this.fragments,
    };
    this.text = '';
    this.fragments = 0;
    this.speaker = undefined;
    return utterance;
  }
}

/** `s.slice(0, n)` that never ends on the first half of a surrogate pair. */
export function cut(s: string, n: number): string {
  if (n <= 0) return '';
  if (s.length <= n) return s;
  const last = s.charCodeAt(n - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}

/**
 * A flat copy of `s`. A V8 slice of a long string keeps the whole parent alive (a kept 4 KB slice of a
 * 2 MB fragment would pin 2 MB until the utterance is dropped downstream). Concatenating builds a cons
 * string, reading a character flattens it into a fresh copy, and the slice then points into that copy:
 * O(kept length), measured ~0.5 µs for 4,000 chars against ~15 µs for a Buffer round trip.
 */
export function detach(s: string): string {
  const joined = ' ' + s;
  joined.charCodeAt(0);
  return joined.slice(1);
}
