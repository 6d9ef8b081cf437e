import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimulatedAgent } from './simulated-agent.js';
import type { Conversation, RecordedRequest } from './simulator-types.js';

const READING_MS = 1500;
const SCRIPT: Conversation = { id: 'pin', title: 'PIN', events: [], expectedArticleIds: ['kb-pin'] };

const push = (interactionId: string, cardIds: string[], status = 201): RecordedRequest<any> => ({
  at: 0,
  method: 'POST',
  path: '/api/v2/agentassist/insights',
  headers: {},
  query: {},
  body: { interactionId, insights: cardIds.map((id) => ({ id, title: id })) },
  status,
});

describe(SimulatedAgent.name, () => {
  let sent: object[];
  let sut: SimulatedAgent;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    sut = new SimulatedAgent({
      conversationOf: (id) => (id === 'played' ? SCRIPT : undefined),
      send: (event) => sent.push(event),
      readingMs: READING_MS,
    });
  });

  afterEach(() => vi.useRealTimers());

  it('accepts the top card after reading it when the script expects that article', async () => {
    sut.onCardsPushed(push('played', ['kb-pin', 'kb-other']));
    await vi.advanceTimersByTimeAsync(READING_MS - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ type: 'INSIGHT_ACCEPTED', interactionId: 'played', insightId: 'kb-pin' }]);
  });

  it('rejects a top card the script does not expect', async () => {
    sut.onCardsPushed(push('played', ['kb-other', 'kb-pin']));
    await vi.advanceTimersByTimeAsync(READING_MS);
    expect(sent).toEqual([{ type: 'INSIGHT_REJECTED', interactionId: 'played', insightId: 'kb-other' }]);
  });

  it('judges only accepted pushes of played conversations', async () => {
    sut.onCardsPushed(push('played', ['kb-pin'], 503));
    sut.onCardsPushed(push('someone-elses-call', ['kb-pin']));
    sut.onCardsPushed(push('played', []));
    await vi.advanceTimersByTimeAsync(10 * READING_MS);
    expect(sent).toEqual([]);
  });

  it('makes no click after stop()', async () => {
    sut.onCardsPushed(push('played', ['kb-pin']));
    sut.stop();
    sut.onCardsPushed(push('played', ['kb-pin']));
    await vi.advanceTimersByTimeAsync(10 * READING_MS);
    expect(sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
