import { Injectable, Logger } from '@nestjs/common';
import { BehaviorSubject, type Observable, Subject, type Subscription } from 'rxjs';
import type { StreamEvent } from '../domain/events.js';
import type { EventSource, EventSourceStatus } from '../stream/event-source.js';
import { StreamTerms } from '../stream/stream-terms.js';
import { StreamLease } from './stream-lease.js';

/**
 * The tenant stream as cluster mode reads it: connected only while this replica holds the stream lease, a
 * fresh connection for each term, closed the moment the lease is lost. A standby reports `idle`.
 */
@Injectable()
export class LeaseGatedEventSource implements EventSource {
  private readonly logger = new Logger(LeaseGatedEventSource.name);
  private readonly events = new Subject<StreamEvent>();
  private readonly statusSubject = new BehaviorSubject<EventSourceStatus>({
    state: 'idle',
    since: Date.now(),
    reconnects: 0,
  });
  private term?: { source: EventSource; subscriptions: Subscription[] };
  private roleSubscription?: Subscription;
  private stopped = false;

  constructor(
    private readonly lease: StreamLease,
    private readonly terms: StreamTerms,
  ) {}

  get events$(): Observable<StreamEvent> {
    return this.events.asObservable();
  }

  get status$(): Observable<EventSourceStatus> {
    return this.statusSubject.asObservable();
  }

  status(): EventSourceStatus {
    return this.statusSubject.value;
  }

  start(): void {
    if (this.stopped || this.roleSubscription) return;
    this.terms.prepare();
    this.roleSubscription = this.lease.role$.subscribe((role) => (role === 'leader' ? this.lead() : this.standBy()));
    this.lease.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.roleSubscription?.unsubscribe();
    this.endTerm();
    void this.lease.stop();
    this.statusSubject.next({ ...this.status(), state: 'stopped', since: Date.now() });
    this.events.complete();
  }

  private lead(): void {
    if (this.stopped || this.term) return;
    const source = this.terms.open();
    const reconnects = this.status().reconnects;
    this.term = {
      source,
      subscriptions: [
        source.events$.subscribe((event) => this.events.next(event)),
        source.status$.subscribe((status) => {
          if (status.state !== 'stopped')
            this.statusSubject.next({ ...status, reconnects: reconnects + status.reconnects });
        }),
      ],
    };
    this.logger.log('Leading: reading the tenant stream');
    source.start();
  }

  private standBy(): void {
    if (!this.term) return;
    this.endTerm();
    this.logger.log('Standing by: the stream is read by the lease holder');
    this.statusSubject.next({ ...this.status(), state: 'idle', since: Date.now() });
  }

  /** Closes this term's connection; what it had received is handed over first (AgentAssistStreamSource.stop). */
  private endTerm(): void {
    const term = this.term;
    this.term = undefined;
    if (!term) return;
    term.source.stop();
    for (const subscription of term.subscriptions) subscription.unsubscribe();
  }
}
