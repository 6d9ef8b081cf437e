import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Utterance } from '../buffer/utterance.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { redactPii } from './pii-redactor.js';

/** Removes personal data from an utterance before its text leaves the service (PII_REDACTION). */
@Injectable()
export class PrivacyService {
  private readonly enabled: boolean;

  constructor(
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.enabled = config.get('assist', { infer: true }).redactPii;
  }

  redact(utterance: Utterance): Utterance {
    if (!this.enabled) return utterance;
    const { text, found } = redactPii(utterance.text);
    for (const [kind, count] of Object.entries(found)) this.counters.increment(`pii_redactions{kind="${kind}"}`, count);
    return text === utterance.text ? utterance : { ...utterance, text };
  }
}
