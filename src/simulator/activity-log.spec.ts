import { describe, expect, it } from 'vitest';
import { describeActivity } from './activity-log.js';
import type { RecordedRequest, SimActivity, SimEndpoint } from './simulator-types.js';

const request = (endpoint: SimEndpoint, body: unknown, status: number): SimActivity => ({
  kind: 'request',
  endpoint,
  request: { at: 0, method: 'POST', path: '/', headers: {}, query: {}, body, status } satisfies RecordedRequest,
});
const streamed = (event: object | string): SimActivity => ({ kind: 'stream', at: 0, event, reached: 1 });

describe(describeActivity.name, () => {
  it('describes a card push as one line with every title', () => {
    const push = { interactionId: 'sim-1-x', insights: [{ title: 'Reset a PIN' }, { title: 'Port a number' }] };
    expect(describeActivity(request('cards', push, 201))).toBe('cards for sim-1-x: Reset a PIN | Port a number');
    expect(describeActivity(request('cards', push, 503))).toBe(
      'cards for sim-1-x: Reset a PIN | Port a number (answered 503)',
    );
  });

  it('describes the training feedback received and the verdicts sent down the stream', () => {
    const feedback = { interactionId: 'sim-1-x', insightId: 'kb-1', action: 'ACCEPTED' };
    expect(describeActivity(request('feedback', feedback, 200))).toBe('training feedback for sim-1-x: ACCEPTED kb-1');
    const verdict = { type: 'INSIGHT_REJECTED', interactionId: 'sim-1-x', insightId: 'kb-2' };
    expect(describeActivity(streamed(verdict))).toBe('agent verdict for sim-1-x: INSIGHT_REJECTED kb-2');
  });

  it('describes an agent sign-in at the authorize page', () => {
    expect(describeActivity(request('authorize', { agent_id: '1001', state: 's' }, 302))).toBe('agent sign-in as 1001');
    expect(describeActivity(request('authorize', { agent_id: '1001' }, 400))).toBe(
      'agent sign-in as 1001 (answered 400)',
    );
  });

  it('keeps quiet about transcript, raw frames, tokens and searches', () => {
    expect(describeActivity(streamed({ type: 'TRANSCRIPT_FRAGMENT', interactionId: 'i', text: 'hi' }))).toBeUndefined();
    expect(describeActivity(streamed('{not json'))).toBeUndefined();
    expect(describeActivity(request('token', {}, 200))).toBeUndefined();
    expect(describeActivity(request('knowledge', undefined, 200))).toBeUndefined();
  });

  it('stays one line whatever the client posted', () => {
    const forged = { interactionId: 'a\nfake line', insights: [{ title: 'x\r\ny' }, { title: 3 }, null] };
    expect(describeActivity(request('cards', forged, 201))).toBe('cards for a fake line: x y | ? | ?');
    expect(describeActivity(request('cards', 'not json', 400))).toBe('cards for (no interactionId):  (answered 400)');
  });
});
