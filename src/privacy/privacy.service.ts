import { Injectable } from '@nestjs/common';
import type { PiiKind } from './pii-kinds.js';
import type { LRUCache } from 'lru-cache';
import { ConfigService } from '@nestjs/config';
import type { Utterance } from '../domain/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { type CardCarry, redactUtterance } from './pii-redactor.js';
import { boundedLru } from '../common/bounded-lru.js';

/** When the config has no buffer section (hand-wired unit tests): BUFFER_MAX_INTERACTIONS' default. */
const DEFAULT_MAX_CARRIES = 20_000;

/**
 * Removes personal data from an utterance before its text leaves the service (PII_REDACTION).
 *
 * Card digits are often spoken across a pause ("my card number is 4111 1111" / "1111 1111"), so each
 * interaction keeps a small carry from its last utterance: trailing digits (19 at most, digits only) and
 * whether card words were just said. The carries are held in memory only, never logged, at most one per
 * interaction for `buffer.maxInteractions` interactions (least recently used dropped first), and each
 * lasts one or two utterances; `forget` drops one when its interaction ends.
 */
@Injectable()
export class PrivacyService {
  private readonly enabled: boolean;
  /** The least recently used carry goes first once there are as many as live interactions. */
  private readonly carries: LRUCache<string, CardCarry>;

  constructor(
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('assist', { infer: true }).redactPii;
    // Optional chaining: the pipeline's unit spec wires a config without a buffer section.
    const max = config.get('buffer', { infer: true })?.maxInteractions ?? DEFAULT_MAX_CARRIES;
    this.carries = boundedLru(max);
  }

  redact(utterance: Utterance): Utterance {
    if (!this.enabled) return utterance;
    const { interactionId } = utterance;
    const { text, found, carry } = redactUtterance(utterance.text, this.carries.get(interactionId));
    this.carries.delete(interactionId);
    if (carry) this.remember(interactionId, carry);
    for (const [kind, count] of Object.entries(found) as [PiiKind, number][]) {
      this.counters.count('pii_redactions', { kind }, count);
    }
    return text === utterance.text ? utterance : { ...utterance, text };
  }

  /** Drops what the interaction's last utterance left; call when the interaction ends. */
  forget(interactionId: string): void {
    this.carries.delete(interactionId);
  }

  /** Interactions with a carry now; for tests and stats, never the carries themselves. */
  get carriedInteractions(): number {
    return this.carries.size;
  }

  private remember(interactionId: string, carry: CardCarry): void {
    this.carries.set(interactionId, carry);
  }
}
