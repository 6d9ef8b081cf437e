import { describe, expect, it } from 'vitest';
import type { RecordedRequest, SimActivity } from '../simulator/index.js';
import { FEED_LIMITS, type FeedMessage, SandboxFeed } from './sandbox-feed.js';

const stream = (event: object | string): SimActivity => ({ kind: 'stream', at: 1, event, reached: 1 });
const request = (
  endpoint: 'cards' | 'feedback',
  body: unknown,
  status = 200,
  headers: RecordedRequest['headers'] = {},
): SimActivity => ({
  kind: 'request',
  endpoint,
  request: { at: 1, method: 'POST', path: '/', headers, query: {}, body, status } as RecordedRequest,
});
const fragment = (interactionId: string, speaker: string, text: string) =>
  stream({ type: 'TRANSCRIPT_FRAGMENT', interactionId, speaker, text });

describe(SandboxFeed.name, () => {
  it('merges fragments into speaker lines, split by a speaker change or a dialog state', () => {
    const sut = new SandboxFeed();
    sut.ingest(fragment('i-1', 'AGENT', 'Hello,'));
    sut.ingest(fragment('i-1', 'AGENT', 'how can I help?'));
    sut.ingest(fragment('i-1', 'CUSTOMER', 'My PIN'));
    sut.ingest(stream({ type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' }));
    sut.ingest(fragment('i-1', 'CUSTOMER', 'is wrong.'));
    const [view] = sut.snapshot().interactions;
    expect(view.lines.map((line) => [line.seq, line.speaker, line.text])).toEqual([
      [1, 'AGENT', 'Hello, how can I help?'],
      [2, 'CUSTOMER', 'My PIN'],
      [3, 'CUSTOMER', 'is wrong.'],
    ]);
  });

  it('keeps accepted card pushes, verdicts and feedback attempts, and tells subscribers', () => {
    const sut = new SandboxFeed();
    const messages: FeedMessage[] = [];
    sut.subscribe((message) => messages.push(message));
    const card = { id: 'kb-1', title: 'T', priority: 1, score: 0.5, snippet: 'S', citation: 'https://kb/1' };
    sut.ingest(request('cards', { interactionId: 'i-1', insights: [card] }, 503)); // not shown to the agent
    sut.ingest(request('cards', { interactionId: 'i-1', insights: [card, { title: 7 }] }, 201));
    sut.ingest(stream({ type: 'INSIGHT_ACCEPTED', interactionId: 'i-1', insightId: 'kb-1' }));
    sut.ingest(request('feedback', { interactionId: 'i-1', insightId: 'kb-1', action: 'ACCEPTED' }, 503));
    sut.ingest(request('feedback', { interactionId: 'i-1', insightId: 'kb-1', action: 'ACCEPTED' }, 200));
    sut.ingest(stream({ type: 'INTERACTION_ENDED', interactionId: 'i-1' }));
    sut.ingest(stream('{not json')); // raw frames are ignored

    const [view] = sut.snapshot().interactions;
    expect(view.pushes).toHaveLength(1);
    expect(view.pushes[0].cards).toEqual([
      card,
      { id: '', title: '', priority: null, score: null, snippet: '', citation: '' },
    ]);
    expect(view.verdicts).toMatchObject([{ insightId: 'kb-1', verdict: 'ACCEPTED' }]);
    expect(view.feedback).toMatchObject([{ insightId: 'kb-1', attempts: 2, statuses: [503, 200], delivered: true }]);
    expect(view.ended).toBe(true);
    expect(messages.map((message) => message.type)).toEqual(['cards', 'verdict', 'feedback', 'feedback', 'ended']);
  });

  it('shows a verdict redelivered while training is down as one entry with its attempts', () => {
    const sut = new SandboxFeed();
    const updates: FeedMessage[] = [];
    sut.subscribe((message) => message.type === 'feedback' && updates.push(message));
    const reject = { interactionId: 'i-1', insightId: 'kb-1', action: 'REJECTED' };
    const key = { 'idempotency-key': 'k-reject' };
    for (let i = 0; i < 10; i++) sut.ingest(request('feedback', reject, 503, key));
    let [view] = sut.snapshot().interactions;
    expect(view.feedback).toHaveLength(1);
    expect(view.feedback[0]).toMatchObject({ key: 'k-reject', attempts: 10, lastStatus: 503, delivered: false });

    sut.ingest(request('feedback', reject, 200, key));
    sut.ingest(request('feedback', { ...reject, insightId: 'kb-2' }, 200, { 'idempotency-key': 'k-other' }));
    [view] = sut.snapshot().interactions;
    expect(view.feedback.map((verdict) => [verdict.insightId, verdict.attempts, verdict.delivered])).toEqual([
      ['kb-1', 11, true],
      ['kb-2', 1, true],
    ]);
    expect(updates).toHaveLength(12);
    expect(updates[10]).toMatchObject({ type: 'feedback', feedback: { key: 'k-reject', attempts: 11 } });
  });

  it('stays bounded: oldest interactions and lines are forgotten', () => {
    const sut = new SandboxFeed();
    for (let i = 0; i < FEED_LIMITS.interactions + 5; i++) sut.begin(`i-${i}`, `call ${i}`);
    const ids = sut.snapshot().interactions.map((view) => view.interactionId);
    expect(ids).toHaveLength(FEED_LIMITS.interactions);
    expect(ids[0]).toBe('i-5');
    for (let i = 0; i < FEED_LIMITS.linesPerInteraction + 10; i++) {
      sut.ingest(fragment('long', i % 2 ? 'AGENT' : 'CUSTOMER', 'x'.repeat(5000)));
    }
    const long = sut.snapshot().interactions.at(-1)!;
    expect(long.lines).toHaveLength(FEED_LIMITS.linesPerInteraction);
    expect(long.lines[0].text.length).toBeLessThanOrEqual(FEED_LIMITS.lineChars);
  });

  it('a throwing subscriber does not stop the others; unsubscribe stops delivery', () => {
    const sut = new SandboxFeed();
    const seen: string[] = [];
    sut.subscribe(() => {
      throw new Error('bug');
    });
    const unsubscribe = sut.subscribe((message) => seen.push(message.type));
    sut.notice('hello');
    unsubscribe();
    sut.notice('again');
    expect(seen).toEqual(['notice']);
    expect(sut.listenerCount).toBe(1);
  });
});
