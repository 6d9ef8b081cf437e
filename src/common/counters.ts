import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry, Registry as PromRegistry } from 'prom-client';
import {
  catalogSpec,
  exportedName,
  type HistogramName,
  knownLabelSets,
  type LabelledCounter,
  type LabelsOf,
  LATENCY_BUCKETS,
  METRIC_CATALOG,
  type MetricSpec,
  type UnlabelledCounter,
} from '../metrics/metric-catalog.js';

/** Injection token of the prom-client registry the service exports on `GET /metrics`. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

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

/** Values of one label memoised per series (closed sets in practice; a bound all the same). */
const MAX_MEMOISED_VALUES = 64;

/** The Counters instances feeding each registered prom-client counter (several may share a registry). */
const SOURCES = new WeakMap<Counter, Set<Counters>>();

/**
 * The service's counters, backed by prom-client: `count(name, labels)` (names and label values checked by
 * tsc against METRIC_CATALOG) counts in process (health details and tests read `get`/`snapshot` by the
 * series `name{label="v"}`) and is exported as `agent_assist_name_total{label="v"}`. Every
 * series of METRIC_CATALOG is registered at construction, at 0 for each known label combination; a series
 * missing from it is registered on first use, with the label names of that use. The hot path only adds to
 * a number; prom-client reads the counts at scrape time. `observe` feeds histograms the same way, and
 * `registerGauge` adds the catalog's gauges, read at scrape time.
 */
@Injectable()
export class Counters {
  private readonly tracked = new Map<string, Tracked>();
  private readonly byMetric = new Map<string, Tracked[]>();
  private readonly observers = new Map<string, Observe>();
  private readonly labelNamesByName = new Map<string, string[]>();
  private readonly oneLabelSeries = new Map<string, Map<string, string>>();
  readonly registry: Registry;

  constructor(@Optional() @Inject(METRICS_REGISTRY) registry?: Registry) {
    // Without the app's registry (unit tests), a private one: counts never leak between instances.
    this.registry = registry ?? new PromRegistry();
    for (const [name, spec] of Object.entries(METRIC_CATALOG)) {
      if (spec.type === 'counter') this.counter(name);
      else if (spec.type === 'histogram') this.histogram(name);
    }
  }

  /** Counts `by` (default 1) on a catalog counter: `count('stream_reconnects')`, `count('utterances', { reason })`. */
  count(name: UnlabelledCounter, by?: number): void;
  count<N extends LabelledCounter>(name: N, labels: LabelsOf<N>, by?: number): void;
  count(name: string, labelsOrBy?: Readonly<Record<string, string>> | number, by = 1): void {
    if (typeof labelsOrBy === 'object') this.increment(this.seriesOf(name, labelsOrBy), by);
    else this.increment(name, labelsOrBy ?? by);
  }

  /** Records one observation (seconds for latencies) in a catalog histogram. */
  observe<N extends HistogramName>(name: N, labels: LabelsOf<N>, value: number): void {
    this.observeSeries(this.seriesOf(name, labels), value);
  }

  private increment(series: string, by: number): void {
    const entry = this.tracked.get(series) ?? this.track(series);
    entry.value += by;
  }

  /** `name{a="x",b="y"}` in the catalog's label order; one-label series are memoised (the hot path). */
  private seriesOf(name: string, labels: Readonly<Record<string, string>>): string {
    const names = this.labelNames(name);
    if (names.length === 0) return name;
    if (names.length === 1) {
      const value = labels[names[0]];
      let byValue = this.oneLabelSeries.get(name);
      if (!byValue) this.oneLabelSeries.set(name, (byValue = new Map()));
      let series = byValue.get(value);
      if (series === undefined && byValue.size < MAX_MEMOISED_VALUES) {
        series = `${name}{${names[0]}="${value}"}`;
        byValue.set(value, series);
      }
      return series ?? `${name}{${names[0]}="${value}"}`;
    }
    return `${name}{${names.map((label) => `${label}="${labels[label]}"`).join(',')}}`;
  }

  private labelNames(name: string): string[] {
    let names = this.labelNamesByName.get(name);
    if (!names) {
      const spec = catalogSpec(name, 'counter') ?? catalogSpec(name, 'histogram');
      names = spec ? Object.keys(spec.labels) : [];
      this.labelNamesByName.set(name, names);
    }
    return names;
  }

  get(series: string): number {
    return this.tracked.get(series)?.value ?? 0;
  }

  /** The series incremented so far (the catalog's untouched zeros are left out). */
  snapshot(prefix = ''): Record<string, number> {
    const entries = [...this.tracked]
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, entry]) => [name, entry.value] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  private observeSeries(series: string, value: number, buckets: readonly number[] = LATENCY_BUCKETS): void {
    let observe = this.observers.get(series);
    if (!observe) {
      const { name, labels } = parseSeries(series);
      const histogram = this.histogram(name, Object.keys(labels), buckets);
      const names = labelNamesOf(histogram);
      const child = names.length > 0 ? histogram.labels(fit(names, labels)) : histogram;
      observe = (v) => child.observe(v);
      this.observers.set(series, observe);
    }
    observe(value);
  }

  /**
   * The catalog gauge `name` (help and label names from METRIC_CATALOG), its values read at scrape time.
   * Registering the same name again replaces the old gauge (a second app instance in one process must not
   * read the first one's services).
   */
  registerGauge(name: string, collect: (set: (value: number, labels?: Record<string, string>) => void) => void): void {
    const spec = catalogSpec(name, 'gauge');
    if (!spec) throw new Error(`Gauge ${name} is not in METRIC_CATALOG`);
    const fullName = exportedName(name, 'gauge');
    this.registry.removeSingleMetric(fullName);
    new Gauge({
      name: fullName,
      help: spec.help,
      labelNames: Object.keys(spec.labels),
      registers: [this.registry],
      collect() {
        this.reset();
        collect((value, labels) => (labels ? this.set(labels, value) : this.set(value)));
      },
    });
  }

  private track(series: string): Tracked {
    const { name, labels } = parseSeries(series);
    const fullName = exportedName(name, 'counter');
    this.counter(name, Object.keys(labels));
    const entry: Tracked = { labels, value: 0 };
    this.tracked.set(series, entry);
    const siblings = this.byMetric.get(fullName);
    if (siblings) siblings.push(entry);
    else this.byMetric.set(fullName, [entry]);
    return entry;
  }

  /** The registered counter (shared by every Counters on one registry) or a new one; it reads this instance. */
  private counter(name: string, usedLabelNames: string[] = []): Counter {
    const fullName = exportedName(name, 'counter');
    const counter =
      (this.registry.getSingleMetric(fullName) as Counter | undefined) ??
      this.createCounter(fullName, name, catalogSpec(name, 'counter'), usedLabelNames);
    let sources = SOURCES.get(counter);
    if (!sources) SOURCES.set(counter, (sources = new Set()));
    sources.add(this);
    return counter;
  }

  private createCounter(fullName: string, name: string, spec: MetricSpec | undefined, usedLabelNames: string[]) {
    const names = spec ? Object.keys(spec.labels) : usedLabelNames;
    const zeros = spec ? knownLabelSets(spec) : [];
    return new Counter({
      name: fullName,
      help: spec?.help ?? `Count of ${name.replace(/_/g, ' ')}`,
      labelNames: names,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const labels of zeros) this.inc(labels, 0);
        for (const source of SOURCES.get(this) ?? []) {
          for (const entry of source.byMetric.get(fullName) ?? []) {
            if (names.length === 0) this.inc(entry.value);
            else this.inc(fit(names, entry.labels), entry.value);
          }
        }
      },
    });
  }

  /** The registered histogram or a new one, at 0 for every known label combination of the catalog. */
  private histogram(name: string, usedLabelNames: string[] = [], buckets = LATENCY_BUCKETS): Histogram {
    const fullName = exportedName(name, 'histogram');
    const registered = this.registry.getSingleMetric(fullName) as Histogram | undefined;
    if (registered) return registered;
    const spec = catalogSpec(name, 'histogram');
    const histogram = new Histogram({
      name: fullName,
      help: spec?.help ?? `Distribution of ${name.replace(/_/g, ' ')}`,
      labelNames: spec ? Object.keys(spec.labels) : usedLabelNames,
      buckets: [...buckets],
      registers: [this.registry],
    });
    // Only on creation: zeroing a shared histogram would wipe the other instances' observations.
    for (const labels of spec ? knownLabelSets(spec) : []) histogram.zero(labels);
    return histogram;
  }
}

/** Labels as the registered metric knows them: unknown ones dropped, missing ones empty. */
function fit(names: string[], labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(names.map((key) => [key, labels[key] ?? '']));
}

function labelNamesOf(metric: Counter | Histogram): string[] {
  return (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
}
