import { of, throwError } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from '../common/counters.js';
import { CxoneApiErrorCode, CxoneApiException } from '../cxone-api/cxone-api.exception.js';
import type { CxoneTrainingSink } from '../feedback/cxone-training.sink.js';
import type { NatsClient } from './nats-client.js';
import { VerdictDelivery } from './verdict-delivery.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const queued = (interactionId: string) => ({
  feedback: { interactionId, insightId: 'kb-1', action: 'ACCEPTED', timestamp: '2026-12-01T10:00:00.000Z' },
  idempotencyKey: `key-${interactionId}`,
});

/** A JetStream message as the consumer hands it over, recording what the delivery did with it. */
function message(data: Uint8Array, deliveryCount = 1) {
  return { data, info: { deliveryCount }, ack: vi.fn(), nak: vi.fn(), term: vi.fn(), working: vi.fn() };
}

describe(VerdictDelivery.name, () => {
  let batches: ReturnType<typeof message>[][];
  let publish: ReturnType<typeof vi.fn>;
  let send: ReturnType<typeof vi.fn>;
  let counters: Counters;
  let sut: VerdictDelivery;

  /** Runs the delivery loop until it has taken every queued batch, then shuts it down (the batch in hand finishes). */
  async function deliverAll(): Promise<void> {
    sut.onApplicationBootstrap();
    await vi.waitFor(() => expect(batches).toHaveLength(0));
    await sut.onApplicationShutdown();
  }

  beforeEach(() => {
    batches = [];
    publish = vi.fn(() => Promise.resolve({ seq: 1, duplicate: false }));
    send = vi.fn(() => of(undefined));
    counters = new Counters();
    const consumer = {
      fetch: vi.fn(async () => {
        const batch = batches.shift() ?? [];
        // An empty queue: the pull waits until it expires.
        if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        return (async function* () {
          yield* batch;
        })();
      }),
    };
    const jet = {
      js: { consumers: { get: vi.fn(async () => consumer) }, publish },
      jsm: { streams: { add: vi.fn(async () => ({})) }, consumers: { add: vi.fn(async () => ({})) } },
      name: 'test',
    };
    const nats = {
      ready: vi.fn(async () => jet),
      track: <T>(work: Promise<T>) => work,
      closingDown: false,
    } as unknown as NatsClient;
    sut = new VerdictDelivery(nats, { send } as unknown as CxoneTrainingSink, counters);
  });
  afterEach(() => vi.useRealTimers());

  it('acknowledges a verdict only once the training endpoint took it, with its idempotency key', async () => {
    const taken = message(encode(queued('call-1')));
    batches.push([taken]);
    await deliverAll();

    expect(send).toHaveBeenCalledWith(queued('call-1').feedback, 'key-call-1');
    expect(taken.ack).toHaveBeenCalledTimes(1);
    expect(taken.nak).not.toHaveBeenCalled();
    expect(counters.get('cluster_verdict_deliveries{outcome="delivered"}')).toBe(1);
    expect(counters.get('feedback_delivered')).toBe(1);
  });

  it('hands a verdict back with a growing delay while the endpoint fails, never acknowledging it', async () => {
    send.mockReturnValue(throwError(() => new Error('network')));
    const first = message(encode(queued('call-1')), 1);
    const fifth = message(encode(queued('call-2')), 5);
    batches.push([first, fifth]);
    await deliverAll();

    expect(first.ack).not.toHaveBeenCalled();
    const [firstDelay] = first.nak.mock.calls[0]!;
    const [fifthDelay] = fifth.nak.mock.calls[0]!;
    expect(firstDelay).toBeGreaterThan(0);
    expect(fifthDelay).toBeGreaterThan(firstDelay);
    expect(counters.get('cluster_verdict_deliveries{outcome="retried"}')).toBe(2);
  });

  it('keeps a verdict CXone refuses for good in the dead-letter stream, then lets the queue forget it', async () => {
    send.mockReturnValue(
      throwError(() => new CxoneApiException(CxoneApiErrorCode.Rejected, 'training-feedback', 'refused with 400', 400)),
    );
    const refused = message(encode(queued('call-1')), 2);
    batches.push([refused]);
    await deliverAll();

    expect(publish).toHaveBeenCalledWith('test.verdicts.dead', expect.stringContaining('"reason"'), {
      msgID: 'dead-key-call-1',
    });
    expect(refused.term).toHaveBeenCalledTimes(1);
    expect(refused.ack).not.toHaveBeenCalled();
    expect(counters.get('cluster_verdict_deliveries{outcome="dead-lettered"}')).toBe(1);
  });

  it('drops a message that is not a verdict without calling the endpoint', async () => {
    const garbage = [
      message(encode('{"not":"a verdict"}')),
      message(encode('not json')),
      message(new Uint8Array(70_000)),
    ];
    batches.push(garbage);
    await deliverAll();

    expect(send).not.toHaveBeenCalled();
    for (const m of garbage) expect(m.term).toHaveBeenCalledTimes(1);
    expect(counters.get('cluster_verdict_deliveries{outcome="malformed"}')).toBe(3);
  });
});
