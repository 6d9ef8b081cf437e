import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_CLOSED_REQUEST, CxoneSimulator } from './index.js';
import { issueSpecToken, SPEC_CLIENT_ID, SPEC_CLIENT_SECRET } from './simulator-spec-kit.js';

describe(`${CxoneSimulator.name} one-shot delays`, () => {
  let sut: CxoneSimulator;

  beforeEach(async () => {
    sut = new CxoneSimulator({ clientId: SPEC_CLIENT_ID, clientSecret: SPEC_CLIENT_SECRET });
    await sut.start();
  });

  afterEach(async () => {
    await sut.stop();
  });

  const issueToken = () => issueSpecToken(sut);

  function search(token: string, signal?: AbortSignal): Promise<Response> {
    const query = new URLSearchParams({ q: 'voicemail', language: 'en-US', page: '1', pageSize: '5' });
    return fetch(`${sut.baseUrl}/api/v2/knowledge/articles/search?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      signal,
    });
  }

  it('delays only the next requests, then answers at the steady latency again', async () => {
    const token = await issueToken();
    sut.delayNext('knowledge', 300, 2);

    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      expect((await search(token)).status).toBe(200);
      timings.push(Date.now() - started);
    }

    expect(timings[0]).toBeGreaterThanOrEqual(290);
    expect(timings[1]).toBeGreaterThanOrEqual(290);
    expect(timings[2]).toBeLessThan(290);
  });

  it('records a request abandoned during its delay as 499, after the delay', async () => {
    const token = await issueToken();
    sut.delayNext('knowledge', 300);

    await expect(search(token, AbortSignal.timeout(50))).rejects.toThrow();
    expect(sut.received.searches).toHaveLength(0);
    await sut.waitFor(() => sut.received.searches.length, 2000, 'the abandoned search');

    expect(sut.received.searches.map((request) => request.status)).toEqual([CLIENT_CLOSED_REQUEST]);
    expect((await search(token)).status).toBe(200);
  });

  it('reset() clears queued delays', async () => {
    const token = await issueToken();
    sut.delayNext('knowledge', 5000);
    sut.reset();

    const started = Date.now();
    expect((await search(token)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses nonsensical delays', () => {
    expect(() => sut.delayNext('cards', -1)).toThrow(RangeError);
    expect(() => sut.delayNext('cards', 10, 0)).toThrow(RangeError);
  });
});
