import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exportedName, knownLabelSets, METRIC_CATALOG } from '../metrics/metric-catalog.js';
import { Counters, parseSeries } from './counters.js';

describe(parseSeries.name, () => {
  it('splits a series into name and labels', () => {
    expect(parseSeries('http_retries{operation="cards-push",cause="rate-limited"}')).toEqual({
      name: 'http_retries',
      labels: { operation: 'cards-push', cause: 'rate-limited' },
    });
    expect(parseSeries('token_refreshes')).toEqual({ name: 'token_refreshes', labels: {} });
    expect(() => parseSeries('bad name')).toThrow(/Malformed/);
  });
});

/** Exported samples as `name{labels as JSON}` → value, from prom-client's own JSON view. */
async function samples(registry: Registry): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const metric of await registry.getMetricsAsJSON()) {
    // Histogram values carry their sample name (`…_bucket`, `…_count`), which the typings leave out.
    for (const { metricName, labels, value } of metric.values as {
      metricName?: string;
      labels: object;
      value: number;
    }[]) {
      result.set(`${metricName ?? metric.name}${JSON.stringify(labels)}`, value);
    }
  }
  return result;
}

describe(Counters.name, () => {
  it('exports every catalog counter and histogram at 0 for each known label set before any event', async () => {
    const registry = new Registry();
    const sut = new Counters(registry);
    const exported = await samples(registry);
    const expected = Object.entries(METRIC_CATALOG)
      .filter(([, spec]) => spec.type !== 'gauge')
      .flatMap(([name, spec]) =>
        knownLabelSets(spec).map((labels) => {
          const sample = exportedName(name, spec.type) + (spec.type === 'histogram' ? '_count' : '');
          return `${sample}${JSON.stringify(labels)}`;
        }),
      );
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.filter((sample) => exported.get(sample) !== 0)).toEqual([]);
    const text = await registry.metrics();
    expect(text).toContain('\nagent_assist_feedback_dead_letters_total 0\n');
    expect(text).toContain('\nagent_assist_cards_dropped_late_total{step="searching"} 0\n');
    expect(text).toContain(
      '\nagent_assist_cxone_request_duration_seconds_count{operation="cards-push",outcome="success"} 0\n',
    );
    // The zeros are for Prometheus: health details and tests still see only what happened.
    expect(sut.snapshot()).toEqual({});
  });

  it('keeps the zeros of the other label sets once one of them counts', async () => {
    const registry = new Registry();
    const sut = new Counters(registry);
    sut.count('cards_dropped_late', { step: 'pushing' });
    const text = await registry.metrics();
    expect(text).toContain('agent_assist_cards_dropped_late_total{step="pushing"} 1');
    expect(text).toContain('agent_assist_cards_dropped_late_total{step="searching"} 0');
    expect(sut.snapshot('cards_dropped_late')).toEqual({ 'cards_dropped_late{step="pushing"}': 1 });
  });

  it('keeps get/snapshot and exports the same counts to Prometheus', async () => {
    const registry = new Registry();
    const sut = new Counters(registry);
    sut.count('utterances', { reason: 'silence' });
    sut.count('utterances', { reason: 'silence' });
    sut.count('utterances', { reason: 'dialog-state' });
    sut.count('cards_pushed', 3);
    expect(sut.get('utterances{reason="silence"}')).toBe(2);
    expect(sut.snapshot('utterances')).toEqual({
      'utterances{reason="dialog-state"}': 1,
      'utterances{reason="silence"}': 2,
    });
    const text = await registry.metrics();
    expect(text).toContain('agent_assist_utterances_total{reason="silence"} 2');
    expect(text).toContain('agent_assist_utterances_total{reason="dialog-state"} 1');
    expect(text).toContain('agent_assist_cards_pushed_total 3');
    expect(text).toContain('# HELP agent_assist_utterances_total Utterances flushed from the buffers, by flush reason');
  });

  it('records histograms and scrape-time catalog gauges', async () => {
    const registry = new Registry();
    const sut = new Counters(registry);
    sut.observe('cxone_request_duration_seconds', { operation: 'knowledge-search', outcome: 'success' }, 0.2);
    let depth = 4;
    sut.registerGauge('feedback_pending', (set) => set(depth));
    sut.registerGauge('stream_state', (set) => {
      set(1, { state: 'open' });
      set(0, { state: 'reconnecting' });
    });
    let text = await registry.metrics();
    expect(text).toContain(
      'agent_assist_cxone_request_duration_seconds_bucket{le="0.25",operation="knowledge-search",outcome="success"} 1',
    );
    expect(text).toContain('# HELP agent_assist_feedback_pending Verdicts stored and not yet delivered');
    expect(text).toContain('agent_assist_feedback_pending 4');
    expect(text).toContain('agent_assist_stream_state{state="open"} 1');
    depth = 7;
    sut.registerGauge('feedback_pending', (set) => set(depth * 2));
    text = await registry.metrics();
    expect(text).toContain('agent_assist_feedback_pending 14');
    expect(() => sut.registerGauge('not_in_the_catalog', (set) => set(1))).toThrow(/not in METRIC_CATALOG/);
  });

  it('sums instances that share a registry, and counts on the hot path without touching prom-client', async () => {
    const registry = new Registry();
    const a = new Counters(registry);
    a.observe('assist_e2e_latency_seconds', {}, 0.3);
    const b = new Counters(registry); // must not zero what a observed
    a.count('stream_events', { type: 'DIALOG_STATE' });
    b.count('stream_events', { type: 'DIALOG_STATE' }, 2);
    for (let i = 0; i < 10_000; i++) a.count('stream_events', { type: 'TRANSCRIPT_FRAGMENT' });
    const text = await registry.metrics();
    expect(text).toContain('agent_assist_stream_events_total{type="DIALOG_STATE"} 3');
    expect(text).toContain('agent_assist_stream_events_total{type="TRANSCRIPT_FRAGMENT"} 10000');
    expect(text).toContain('agent_assist_stream_events_total{type="INTERACTION_ENDED"} 0');
    expect(text).toContain('agent_assist_assist_e2e_latency_seconds_count 1');
    expect(a.get('stream_events{type="DIALOG_STATE"}')).toBe(1);
  });

  it('gives each instance without a registry its own counts', () => {
    const a = new Counters();
    const b = new Counters();
    a.count('token_refreshes');
    expect(b.get('token_refreshes')).toBe(0);
  });

  it('takes only catalog series, their label names and the values the catalog closes (checked by tsc)', () => {
    const sut = new Counters();
    sut.count('stream_reconnects');
    sut.count('utterances', { reason: 'silence' });
    sut.count('stream_handshake_failures', { status: '418' }); // an open set: any status
    // @ts-expect-error: not a series of the catalog
    sut.count('stream_reconects');
    // @ts-expect-error: a value the catalog does not know for a closed set
    sut.count('utterances', { reason: 'boredom' });
    // @ts-expect-error: a label the series does not have
    sut.count('cards_dropped_late', { stage: 'searching' });
    // @ts-expect-error: a labelled series needs its labels
    sut.count('http_retries');
    expect(sut.get('utterances{reason="silence"}')).toBe(1);
    expect(sut.get('stream_handshake_failures{status="418"}')).toBe(1);
  });
});
