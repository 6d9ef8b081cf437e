import { BehaviorSubject, Subject } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../domain/events.js';
import type { EventSource, EventSourceStatus } from '../stream/event-source.js';
import type { StreamTerms } from '../stream/stream-terms.js';
import { LeaseGatedEventSource } from './lease-gated.event-source.js';
import type { LeaseRole, StreamLease } from './stream-lease.js';

/** One term's connection: records whether it was started and stopped. */
class FakeConnection implements EventSource {
  readonly events = new Subject<StreamEvent>();
  readonly statuses = new BehaviorSubject<EventSourceStatus>({ state: 'idle', since: 0, reconnects: 0 });
  started = false;
  stopped = false;
  readonly events$ = this.events.asObservable();
  readonly status$ = this.statuses.asObservable();
  status = () => this.statuses.value;
  start() {
    this.started = true;
    this.statuses.next({ state: 'open', since: 1, reconnects: 0 });
  }
  stop() {
    this.stopped = true;
    this.statuses.next({ state: 'stopped', since: 2, reconnects: 0 });
    this.events.complete();
  }
}

const fragment = (interactionId: string): StreamEvent =>
  ({ type: 'TRANSCRIPT_FRAGMENT', interactionId, speaker: 'CUSTOMER', text: 'hi' }) as unknown as StreamEvent;

describe(LeaseGatedEventSource.name, () => {
  let role: BehaviorSubject<LeaseRole>;
  let lease: { role$: BehaviorSubject<LeaseRole>; start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> };
  let connections: FakeConnection[];
  let terms: { prepare: ReturnType<typeof vi.fn>; open: () => FakeConnection };
  let sut: LeaseGatedEventSource;

  beforeEach(() => {
    role = new BehaviorSubject<LeaseRole>('standby');
    lease = { role$: role, start: vi.fn(), stop: vi.fn(() => Promise.resolve()) };
    connections = [];
    terms = {
      prepare: vi.fn(),
      open: () => {
        const connection = new FakeConnection();
        connections.push(connection);
        return connection;
      },
    };
    sut = new LeaseGatedEventSource(lease as unknown as StreamLease, terms as unknown as StreamTerms);
  });

  it('reads nothing as a standby, holds a token to take over with, and campaigns for the lease once started', () => {
    sut.start();
    expect(terms.prepare).toHaveBeenCalledTimes(1);
    expect(lease.start).toHaveBeenCalledTimes(1);
    expect(connections).toHaveLength(0);
    expect(sut.status().state).toBe('idle');
  });

  it('opens a fresh connection for each term of leadership and closes it the moment the lease is lost', () => {
    const received: string[] = [];
    sut.events$.subscribe((event) => received.push(event.interactionId));
    sut.start();

    role.next('leader');
    expect(connections[0]!.started).toBe(true);
    expect(sut.status().state).toBe('open');
    connections[0]!.events.next(fragment('call-1'));

    role.next('standby');
    expect(connections[0]!.stopped).toBe(true);
    expect(sut.status().state).toBe('idle');

    role.next('leader');
    expect(connections).toHaveLength(2);
    connections[1]!.events.next(fragment('call-2'));
    expect(received).toEqual(['call-1', 'call-2']);
  });

  it('keeps its own events$ open across terms and completes it only when stopped, handing the lease over', () => {
    let completed = false;
    sut.events$.subscribe({ complete: () => (completed = true) });
    sut.start();
    role.next('leader');
    role.next('standby');
    expect(completed).toBe(false);

    role.next('leader');
    sut.stop();
    expect(connections[1]!.stopped).toBe(true);
    expect(lease.stop).toHaveBeenCalledTimes(1);
    expect(sut.status().state).toBe('stopped');
    expect(completed).toBe(true);
  });
});
