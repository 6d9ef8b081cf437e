import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry, Registry as PromRegistry } from 'prom-client';

/** Injection token of the prom-client registry the service exports on `GET /metrics`. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Every series the service defines is named `agent_assist_<name>` (counters end in `_total`). */
export const METRIC_PREFIX = 'agent_assist_';

/** Seconds; from a fast local call to a request that used up its retries. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const COUNTER_HELP: Record<string, string> = {
  stream_events: 'Valid stream events received, by type',
  stream_invalid_frames: 'Stream frames skipped as invalid, by reason',
  stream_disconnects: 'Stream sockets that closed unexpectedly',
  stream_reconnects: 'Stream reconnect attempts scheduled',
  stream_handshake_failures: 'Stream handshakes refused, by HTTP status',
  stream_dead_sockets: 'Stream sockets dropped for not answering pings',
  utterances: 'Utterances flushed from the buffers, by flush reason',
  utterances_not_searched: 'Utterances not searched, by cause',
  http_retries: 'CXone REST call retries, by operation and cause',
  http_failures: 'CXone REST calls given up, by operation and cause',
  cards_pushed: 'Assist cards pushed to agent desktops',
  cards_dropped_late: 'Cards dropped because they missed CARD_DEADLINE_MS, by step',
  assist_failures: 'Utterances that produced no cards because a step failed',
  pipeline_failures: 'Assist pipeline stops (a bug: liveness fails)',
  token_refreshes: 'Access tokens obtained',
  token_refresh_failures: 'Failed token requests',
  token_invalidated: 'Access tokens rejected by CXone (401)',
  feedback_stored: 'Verdicts written to the durable feedback store',
  feedback_delivered: 'Verdicts delivered to the training endpoint',
  feedback_dead_letters: 'Verdicts refused for good and moved to dead letters',
  feedback_redeliveries: 'Verdict deliveries rescheduled after a failure',
  feedback_duplicates: 'Duplicate verdicts ignored',
  feedback_refused_backlog_full: 'Verdicts refused because FEEDBACK_MAX_PENDING was reached',
  feedback_store_failures: 'Verdicts lost because the store write failed',
  pii_redactions: 'Personal data replaced in utterances, by kind',
  cxone_requests: 'CXone REST calls finished, by operation and outcome (retries included in one call)',
  // histograms (seconds)
  cxone_request_duration_seconds: 'Duration of a whole CXone REST call, retries and backoff included',
  assist_e2e_latency_seconds: 'From the flush trigger (TURN_END, silence...) to the cards accepted by CXone',
};

interface ParsedSeries {
  name: string;
  labels: Record<string, string>;
}

const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** `name{a="x",b="y"}` → name and labels; throws on a malformed series name (a bug in the caller). */
export function parseSeries(series: string): ParsedSeries {
  const match = SERIES.exec(series);
  if (!match) throw new Error(`Malformed metric series: ${series}`);
  const labels: Record<string, string> = {};
  for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value.replace(/\\(.)/g, '$1');
  return { name: match[1], labels };
}

type Observe = (value: number) => void;

interface Tracked {
  labels: Record<string, string>;
  value: number;
}

/** The Counters instances feeding each registered prom-client counter (several may share a registry). */
const SOURCES = new WeakMap<Counter, Set<Counters>>();

/**
 * The service's counters, backed by prom-client: `increment('name{label="v"}')` counts in process (health
 * details and tests read `get`/`snapshot`) and is exported as `agent_assist_name_total{label="v"}`, a
 * prom-client Counter registered lazily with the label names of its first use. The hot path only adds to a
 * number; prom-client reads the counts at scrape time. `observe` feeds histograms the same way, and
 * `registerGauge` adds gauges read at scrape time.
 */
@Injectable()
export class Counters {
  private readonly tracked = new Map<string, Tracked>();
  private readonly byMetric = new Map<string, Tracked[]>();
  private readonly observers = new Map<string, Observe>();
  readonly registry: Registry;

  constructor(@Optional() @Inject(METRICS_REGISTRY) registry?: Registry) {
    // Without the app's registry (unit tests), a private one: counts never leak between instances.
    this.registry = registry ?? new PromRegistry();
  }

  increment(series: string, by = 1): void {
    const entry = this.tracked.get(series) ?? this.track(series);
    entry.value += by;
  }

  get(series: string): number {
    return this.tracked.get(series)?.value ?? 0;
  }

  snapshot(prefix = ''): Record<string, number> {
    const entries = [...this.tracked]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, entry]) => [name, entry.value] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Records one observation (seconds for latencies) in the histogram `agent_assist_<name>{labels}`. */
  observe(series: string, value: number, buckets: number[] = LATENCY_BUCKETS): void {
    let observe = this.observers.get(series);
    if (!observe) {
      const { name, labels } = parseSeries(series);
      const histogram = this.metric(
        `${METRIC_PREFIX}${name}`,
        Object.keys(labels),
        (names) =>
          new Histogram({
            name: `${METRIC_PREFIX}${name}`,
            help: COUNTER_HELP[name] ?? `Distribution of ${name.replace(/_/g, ' ')}`,
            labelNames: names,
            buckets,
            registers: [this.registry],
          }),
      );
      const child = Object.keys(labels).length > 0 ? histogram.labels(fit(labelNamesOf(histogram), labels)) : histogram;
      observe = (v) => child.observe(v);
      this.observers.set(series, observe);
    }
    observe(value);
  }

  /**
   * A gauge whose values are read at scrape time. Registering the same name again replaces the old
   * gauge (a second app instance in one process must not read the first one's services).
   */
  registerGauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (set: (value: number, labels?: Record<string, string>) => void) => void,
  ): void {
    const fullName = `${METRIC_PREFIX}${name}`;
    this.registry.removeSingleMetric(fullName);
    new Gauge({
      name: fullName,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        collect((value, labels) => (labels ? this.set(labels, value) : this.set(value)));
      },
    });
  }

  private track(series: string): Tracked {
    const { name, labels } = parseSeries(series);
    const fullName = `${METRIC_PREFIX}${name.endsWith('_total') ? name : `${name}_total`}`;
    const counter = this.metric(
      fullName,
      Object.keys(labels),
      (names) =>
        new Counter({
          name: fullName,
          help: COUNTER_HELP[name] ?? `Count of ${name.replace(/_/g, ' ')}`,
          labelNames: names,
          registers: [this.registry],
          collect() {
            this.reset();
            for (const source of SOURCES.get(this) ?? []) {
              for (const entry of source.byMetric.get(fullName) ?? []) {
                if (names.length === 0) this.inc(entry.value);
                else this.inc(fit(names, entry.labels), entry.value);
              }
            }
          },
        }),
    );
    let sources = SOURCES.get(counter);
    if (!sources) SOURCES.set(counter, (sources = new Set()));
    sources.add(this);
    const entry: Tracked = { labels, value: 0 };
    this.tracked.set(series, entry);
    const siblings = this.byMetric.get(fullName);
    if (siblings) siblings.push(entry);
    else this.byMetric.set(fullName, [entry]);
    return entry;
  }

  /** The registered metric of that name (shared by every Counters on one registry), or a new one. */
  private metric<T extends Counter | Histogram>(
    fullName: string,
    labelNames: string[],
    create: (names: string[]) => T,
  ): T {
    return (this.registry.getSingleMetric(fullName) as T | undefined) ?? create(labelNames);
  }
}

/** Labels as the registered metric knows them: unknown ones dropped, missing ones empty. */
function fit(names: string[], labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(names.map((key) => [key, labels[key] ?? '']));
}

function labelNamesOf(metric: Counter | Histogram): string[] {
  return (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
}
