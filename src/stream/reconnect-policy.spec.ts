import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from './reconnect-policy.js';

describe(ReconnectPolicy.name, () => {
  const noJitter = () => 1;
  const failed = { kind: 'connect-failed' } as const;
  const unauthorized = { kind: 'handshake-unauthorized' } as const;
  const held = (openForMs: number) => ({ kind: 'closed-after-open', openForMs }) as const;

  it('backs off failed attempts exponentially up to the cap', () => {
    const sut = new ReconnectPolicy({ maxMs: 5000, random: noJitter });

    const delays = Array.from({ length: 7 }, () => sut.next(failed));

    expect(delays).toEqual([100, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(sut.consecutiveFailures).toBe(7);
  });

  it('retries a connection that held for a second within 50-150 ms and forgets earlier failures', () => {
    for (const random of [() => 0, () => 0.5, () => 1]) {
      const sut = new ReconnectPolicy({ maxMs: 30_000, random });
      for (let i = 0; i < 8; i++) sut.next(failed);

      const delay = sut.next(held(1000));

      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(150);
      expect(sut.consecutiveFailures).toBe(0);
      expect(sut.next(failed)).toBe(100);
    }
  });

  it('counts a connection that died within a second as a failure', () => {
    const sut = new ReconnectPolicy({ maxMs: 30_000, random: noJitter });

    const delays = [held(999), held(10), held(0)].map((outcome) => sut.next(outcome));

    expect(delays).toEqual([100, 500, 1000]);
  });

  it('retries a 401 handshake at once, once; a second 401 in a row backs off', () => {
    const sut = new ReconnectPolicy({ maxMs: 30_000, random: noJitter });

    expect(sut.next(unauthorized)).toBe(0);
    expect(sut.next(unauthorized)).toBe(100);
    expect(sut.next(unauthorized)).toBe(500);
    sut.next(held(5000));
    expect(sut.next(unauthorized)).toBe(0);
  });

  it('keeps jittered delays within half a step and the full step', () => {
    const low = new ReconnectPolicy({ maxMs: 30_000, random: () => 0 });
    const high = new ReconnectPolicy({ maxMs: 30_000, random: () => 1 });
    for (let i = 0; i < 6; i++) {
      const [a, b] = [low.next(failed), high.next(failed)];
      expect(a).toBeGreaterThanOrEqual(b / 2);
      expect(a).toBeLessThanOrEqual(b);
    }
  });
});
