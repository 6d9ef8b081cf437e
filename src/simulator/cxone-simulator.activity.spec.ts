import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CxoneSimulator, type SimActivity } from './index.js';
import { issueSpecToken, SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(`${CxoneSimulator.name} activity observers and clearFaults`, () => {
  let sut: CxoneSimulator;

  beforeEach(async () => {
    sut = new CxoneSimulator({ clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET });
    await sut.start();
  });

  afterEach(async () => {
    await sut.stop();
  });

  const token = () => issueSpecToken(sut);

  function postFeedback(bearer: string): Promise<Response> {
    return fetch(`${sut.baseUrl}/api/v2/ai/training/feedback`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ interactionId: 'i-1', insightId: 'kb-1', action: 'ACCEPTED', timestamp: 'now' }),
    });
  }

  it('tells listeners about stream events sent and requests recorded, until they unsubscribe', async () => {
    const seen: SimActivity[] = [];
    const unsubscribe = sut.onActivity((activity) => seen.push(activity));
    expect(sut.send({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i-1', text: 'hello' })).toBe(0);
    const bearer = await token();
    await postFeedback(bearer);

    expect(seen[0]).toMatchObject({ kind: 'stream', reached: 0, event: { interactionId: 'i-1', text: 'hello' } });
    expect(seen.map((activity) => (activity.kind === 'request' ? activity.endpoint : activity.kind))).toEqual([
      'stream',
      'token',
      'feedback',
    ]);
    const feedback = seen[2] as Extract<SimActivity, { kind: 'request' }>;
    expect(feedback.request).toBe(sut.received.feedback[0]);

    unsubscribe();
    sut.send({ type: 'DIALOG_STATE', interactionId: 'i-1', state: 'TURN_END' });
    expect(seen).toHaveLength(3);
  });

  it('survives a throwing listener: the others still hear, the request is still answered', async () => {
    const seen: string[] = [];
    sut.onActivity(() => {
      throw new Error('observer bug');
    });
    sut.onActivity((activity) => seen.push(activity.kind));
    const response = await postFeedback(await token());
    expect(response.status).toBe(200);
    expect(seen).toEqual(['request', 'request']);
  });

  it('clearFaults drops the queued faults of one endpoint only', async () => {
    const bearer = await token();
    sut.failNext('feedback', { status: 503, times: 5 });
    sut.failNext('knowledge', { status: 429, retryAfter: '1' });
    expect((await postFeedback(bearer)).status).toBe(503);
    sut.clearFaults('feedback');
    expect((await postFeedback(bearer)).status).toBe(200);
    const search = await fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?q=voicemail`, {
      headers: { Authorization: `Bearer ${bearer}` },
    });
    expect(search.status).toBe(429);
  });
});
