import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
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

describe(Counters.name, () => {
  it('keeps get/snapshot and exports the same counts to Prometheus', async () => {
    const registry = new Registry();
    const counters = new Counters(registry);
    counters.increment('utterances{reason="silence"}');
    counters.increment('utterances{reason="silence"}');
    counters.increment('utterances{reason="dialog-state"}');
    counters.increment('cards_pushed', 3);
    expect(counters.get('utterances{reason="silence"}')).toBe(2);
    expect(counters.snapshot('utterances')).toEqual({
      'utterances{reason="dialog-state"}': 1,
      'utterances{reason="silence"}': 2,
    });
    const text = await registry.metrics();
    expect(text).toContain('agent_assist_utterances_total{reason="silence"} 2');
    expect(text).toContain('agent_assist_utterances_total{reason="dialog-state"} 1');
    expect(text).toContain('agent_assist_cards_pushed_total 3');
    expect(text).toContain('# HELP agent_assist_utterances_total Utterances flushed from the buffers, by flush reason');
  });

  it('tolerates a later use with other label names', async () => {
    const registry = new Registry();
    const counters = new Counters(registry);
    counters.increment('odd{a="1"}');
    counters.increment('odd{b="2"}');
    expect(await registry.metrics()).toContain('agent_assist_odd_total{a=""} 1');
  });

  it('records histograms and scrape-time gauges', async () => {
    const registry = new Registry();
    const counters = new Counters(registry);
    counters.observe('cxone_request_duration_seconds{operation="knowledge-search",outcome="success"}', 0.2);
    let depth = 4;
    counters.registerGauge('feedback_pending', 'pending', [], (set) => set(depth));
    counters.registerGauge('stream_state', 'state', ['state'], (set) => {
      set(1, { state: 'open' });
      set(0, { state: 'reconnecting' });
    });
    let text = await registry.metrics();
    expect(text).toContain(
      'agent_assist_cxone_request_duration_seconds_bucket{le="0.25",operation="knowledge-search",outcome="success"} 1',
    );
    expect(text).toContain('agent_assist_feedback_pending 4');
    expect(text).toContain('agent_assist_stream_state{state="open"} 1');
    depth = 7;
    counters.registerGauge('feedback_pending', 'pending', [], (set) => set(depth * 2));
    text = await registry.metrics();
    expect(text).toContain('agent_assist_feedback_pending 14');
  });

  it('sums instances that share a registry, and counts on the hot path without touching prom-client', async () => {
    const registry = new Registry();
    const a = new Counters(registry);
    const b = new Counters(registry);
    a.increment('stream_events{type="DIALOG_STATE"}');
    b.increment('stream_events{type="DIALOG_STATE"}', 2);
    for (let i = 0; i < 10_000; i++) a.increment('stream_events{type="TRANSCRIPT_FRAGMENT"}');
    const text = await registry.metrics();
    expect(text).toContain('agent_assist_stream_events_total{type="DIALOG_STATE"} 3');
    expect(text).toContain('agent_assist_stream_events_total{type="TRANSCRIPT_FRAGMENT"} 10000');
    expect(a.get('stream_events{type="DIALOG_STATE"}')).toBe(1);
  });

  it('gives each instance without a registry its own counts', () => {
    const a = new Counters();
    const b = new Counters();
    a.increment('token_refreshes');
    expect(b.get('token_refreshes')).toBe(0);
  });
});
