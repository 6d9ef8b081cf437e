import { describe, expect, it } from 'vitest';
import { type FeedbackAttempt, groupAttempts, MAX_STATUSES_KEPT } from './feedback-verdicts.js';

const attempt = (
  body: unknown,
  status: number,
  at: number,
  headers: FeedbackAttempt['headers'] = {},
): FeedbackAttempt => ({ at, status, body, headers });
const reject = { interactionId: 'i-1', insightId: 'kb-1', action: 'REJECTED' };

describe(groupAttempts.name, () => {
  it('groups redeliveries by Idempotency-Key into one verdict: attempts, statuses, delivered', () => {
    const key = { 'idempotency-key': 'abc123' };
    const attempts = [
      ...Array.from({ length: 10 }, (_, i) => attempt(reject, i % 2 ? 0 : 503, 100 + i, key)),
      attempt(reject, 200, 200, key),
    ];
    expect(groupAttempts(attempts)).toEqual([
      {
        key: 'abc123',
        interactionId: 'i-1',
        insightId: 'kb-1',
        action: 'REJECTED',
        attempts: 11,
        statuses: [503, 0, 503, 0, 503, 0, 503, 0, 503, 0, 200],
        lastStatus: 200,
        delivered: true,
        firstAttemptAt: 100,
        lastAttemptAt: 200,
      },
    ]);
  });

  it('without a key, groups by interactionId, insightId and action', () => {
    const verdicts = groupAttempts([
      attempt(reject, 503, 1),
      attempt({ ...reject, action: 'ACCEPTED' }, 200, 2),
      attempt(reject, 503, 3),
      attempt({ ...reject, interactionId: 'i-2' }, 200, 4),
    ]);
    expect(verdicts.map((verdict) => [verdict.key, verdict.attempts, verdict.delivered])).toEqual([
      ['i-1/kb-1/REJECTED', 2, false],
      ['i-1/kb-1/ACCEPTED', 1, true],
      ['i-2/kb-1/REJECTED', 1, true],
    ]);
  });

  it('the same key in two interactions is two verdicts; posts without an interactionId are skipped', () => {
    const key = { 'idempotency-key': 'same' };
    const verdicts = groupAttempts([
      attempt(reject, 200, 1, key),
      attempt({ ...reject, interactionId: 'i-2' }, 200, 2, key),
      attempt('not json', 400, 3),
      attempt({ insightId: 'kb-1' }, 400, 4),
    ]);
    expect(verdicts.map((verdict) => verdict.interactionId)).toEqual(['i-1', 'i-2']);
  });

  it('stays delivered after a later failure, and keeps only the latest statuses', () => {
    const key = { 'idempotency-key': 'k' };
    const attempts = [attempt(reject, 201, 0, key)];
    for (let i = 1; i <= MAX_STATUSES_KEPT + 5; i++) attempts.push(attempt(reject, 503, i, key));
    const [verdict] = groupAttempts(attempts);
    expect(verdict).toMatchObject({ attempts: MAX_STATUSES_KEPT + 6, delivered: true, lastStatus: 503 });
    expect(verdict.statuses).toHaveLength(MAX_STATUSES_KEPT);
  });
});
