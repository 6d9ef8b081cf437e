import type { Fault, SimEndpoint } from './simulator-types.js';

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** What the simulator should do wrong next, per endpoint. */
export class FaultPlan {
  private readonly queuedFaults = new Map<SimEndpoint, QueuedFault[]>();
  private readonly latencyMs = new Map<SimEndpoint, number>();
  private readonly queuedDelays = new Map<SimEndpoint, number[]>();
  private readonly pendingResets = new Map<SimEndpoint, number>();
  private handshakeRejections: number[] = [];

  failNext(endpoint: SimEndpoint, fault: Fault): void {
    if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) {
      throw new RangeError(`fault status must be an HTTP status code, got ${fault.status}`);
    }
    if (fault.rawBody !== undefined && (typeof fault.rawBody !== 'string' || fault.body !== undefined)) {
      throw new RangeError('a fault has either a body (sent as JSON) or a rawBody string (sent as is), not both');
    }
    const times = fault.times ?? 1;
    assertCount(times, 'fault times');
    const queue = this.queuedFaults.get(endpoint) ?? [];
    queue.push({ fault, remaining: times });
    this.queuedFaults.set(endpoint, queue);
  }

  /** Consumes one use of the oldest queued fault for the endpoint. */
  takeFault(endpoint: SimEndpoint): Fault | undefined {
    const queue = this.queuedFaults.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    return head.fault;
  }

  clearFaults(endpoint: SimEndpoint): void {
    this.queuedFaults.delete(endpoint);
  }

  setLatency(endpoint: SimEndpoint, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be >= 0 ms, got ${ms}`);
    this.latencyMs.set(endpoint, ms);
  }

  latencyFor(endpoint: SimEndpoint): number {
    return this.latencyMs.get(endpoint) ?? 0;
  }

  /** The next `times` requests of the endpoint are delayed by `ms` instead of the steady latency. */
  delayNext(endpoint: SimEndpoint, ms: number, times: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be >= 0 ms, got ${ms}`);
    assertCount(times, 'delay times');
    const queue = this.queuedDelays.get(endpoint) ?? [];
    for (let i = 0; i < times; i++) queue.push(ms);
    this.queuedDelays.set(endpoint, queue);
  }

  /** The delay of a request arriving now: a queued one-shot delay (consumed) first, else the steady latency. */
  takeLatency(endpoint: SimEndpoint): number {
    const queued = this.queuedDelays.get(endpoint)?.shift();
    return queued ?? this.latencyFor(endpoint);
  }

  resetConnections(endpoint: SimEndpoint, times: number): void {
    assertCount(times, 'reset times');
    this.pendingResets.set(endpoint, (this.pendingResets.get(endpoint) ?? 0) + times);
  }

  takeConnectionReset(endpoint: SimEndpoint): boolean {
    const pending = this.pendingResets.get(endpoint) ?? 0;
    if (pending === 0) return false;
    this.pendingResets.set(endpoint, pending - 1);
    return true;
  }

  rejectNextHandshakes(count: number, status: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`handshake rejection count must be an integer >= 0, got ${count}`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`handshake rejection status must be 4xx or 5xx, got ${status}`);
    }
    for (let i = 0; i < count; i++) this.handshakeRejections.push(status);
  }

  takeHandshakeRejection(): number | undefined {
    return this.handshakeRejections.shift();
  }

  clear(): void {
    this.queuedFaults.clear();
    this.latencyMs.clear();
    this.queuedDelays.clear();
    this.pendingResets.clear();
    this.handshakeRejections = [];
  }
}

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be an integer >= 1, got ${value}`);
}
