import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSeries } from '../src/common/counters.js';
import { exportedName, knownLabelSets, METRIC_CATALOG } from '../src/metrics/metric-catalog.js';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd, verdict } from './support/events.js';

/** Counted by the run against the simulator below (the series); all exist at 0 before it. */
const COUNTED_BY_THE_RUN = [
  'agent_assist_stream_events_total{type="TRANSCRIPT_FRAGMENT"}',
  'agent_assist_stream_invalid_frames_total{reason="invalid-json"}',
  'agent_assist_stream_reconnects_total',
  'agent_assist_utterances_total{reason="dialog-state"}',
  'agent_assist_cxone_request_duration_seconds_count{operation="knowledge-search",outcome="success"}',
  'agent_assist_cxone_request_duration_seconds_count{operation="cards-push",outcome="success"}',
  'agent_assist_cxone_requests_total{operation="knowledge-search",outcome="success"}',
  'agent_assist_cxone_requests_total{operation="cards-push",outcome="success"}',
  'agent_assist_http_retries_total{operation="knowledge-search",cause="server-error"}',
  'agent_assist_assist_e2e_latency_seconds_count',
  'agent_assist_feedback_delivered_total',
  'agent_assist_feedback_dead_letters_total',
  'agent_assist_token_refreshes_total',
  'agent_assist_token_refresh_failures_total',
];

/** Gauges and prom-client's process defaults: present whatever happened. */
const ALWAYS_PRESENT = [
  'agent_assist_stream_state{state="open"}',
  'agent_assist_feedback_pending',
  'agent_assist_feedback_dead_lettered',
  'agent_assist_buffered_interactions',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];

/** Connecting fetches a token; every other counter waits for an event. */
const COUNTED_BY_THE_CONNECT = new Set(['agent_assist_token_refreshes_total']);

describe('metrics (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  async function metrics(): Promise<string> {
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  /** Every series exists from the first scrape: wait until this one has counted something. */
  async function waitForCount(series: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await metrics();
      if ((seriesValue(text, series) ?? 0) > 0) return text;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${series} to count on /metrics:\n${text}`);
  }

  beforeAll(async () => {
    simulator = new CxoneSimulator({ clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET });
    await simulator.start();
    app = await new AppProcess(tenantEnv(simulator, { LOG_LEVEL: 'info' })).start();
    await app.waitForReady();
  });

  afterAll(async () => {
    const exitCode = await app?.stop();
    await simulator?.stop();
    expect(exitCode).toBe(0);
  });

  // Runs first: right after readiness, before any stream event.
  it('exports every catalog series from the first scrape, counters and histograms at 0', async () => {
    const samples = parseSamples(await metrics());
    const missing: string[] = [];
    const moved: string[] = [];
    for (const [name, spec] of Object.entries(METRIC_CATALOG)) {
      const sample = exportedName(name, spec.type) + (spec.type === 'histogram' ? '_count' : '');
      for (const labels of knownLabelSets(spec)) {
        const series = `${sample}${JSON.stringify(labels)}`;
        const found = samples.find((s) => s.name === sample && sameLabels(s.labels, labels));
        if (!found) missing.push(series);
        else if (spec.type !== 'gauge' && found.value !== 0 && !COUNTED_BY_THE_CONNECT.has(sample)) moved.push(series);
      }
    }
    expect(missing).toEqual([]);
    expect(moved).toEqual([]);
    expect(samples.find((s) => s.name === 'agent_assist_feedback_dead_letters_total')?.value).toBe(0);
  });

  it("exports every series of the runbook's alert rules from the first scrape", async () => {
    const runbook = readFileSync(new URL('../docs/runbook.md', import.meta.url), 'utf8');
    const rules = parse(/```yaml\n([\s\S]*?)```/.exec(runbook)![1]) as AlertRules;
    const selectors = rules.groups
      .flatMap((group) => group.rules.map((rule) => rule.expr))
      .flatMap((expr) => [...expr.matchAll(/\b(agent_assist_[a-z0-9_]+)(\{[^}]*\})?/g)].map(([selector]) => selector));
    expect(selectors.length).toBeGreaterThanOrEqual(8);
    const samples = parseSamples(await metrics());
    const absent = selectors.filter((selector) => {
      const { name, labels } = parseSeries(selector);
      return !samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    });
    expect(absent).toEqual([]);
  });

  it('answers Prometheus text', async () => {
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/^# HELP /m);
  });

  it('shows every series of the operations issue after a run against the simulator', async () => {
    // A turn whose first search meets a 503: one retry, then cards.
    simulator.failNext('knowledge', { status: 503 });
    simulator.send(fragment('metrics-1', 'I forgot my voicemail PIN'));
    simulator.send(turnEnd('metrics-1'));
    await simulator.waitFor(() => cardsFor(simulator, 'metrics-1').length > 0, 10_000, 'cards');

    // A bad frame; a verdict delivered; a verdict refused for good (dead letter).
    simulator.send('{not json');
    simulator.send(verdict('metrics-1', 'kb-tel-001', true));
    await waitForCount('agent_assist_feedback_delivered_total');
    simulator.failNext('feedback', { status: 422 });
    simulator.send(verdict('metrics-1', 'kb-tel-002', false));
    await waitForCount('agent_assist_feedback_dead_letters_total');

    // A revoked token whose first refresh fails: a 401 retry and a token failure.
    simulator.failNext('token', { status: 503 });
    simulator.revokeTokens();
    simulator.send(fragment('metrics-2', 'how do I reset my voicemail PIN'));
    simulator.send(turnEnd('metrics-2'));
    await waitForCount('agent_assist_token_refresh_failures_total');

    // A dropped stream: reconnects, and the state gauge follows.
    simulator.dropConnections(1011);
    await waitForCount('agent_assist_stream_reconnects_total');
    await app.waitForReady();

    const text = await metrics();
    const uncounted = COUNTED_BY_THE_RUN.filter((series) => !((seriesValue(text, series) ?? 0) > 0));
    expect(uncounted, `not counted on /metrics:\n${text}`).toEqual([]);
    const missing = ALWAYS_PRESENT.filter((series) => seriesValue(text, series) === undefined);
    expect(missing, `missing on /metrics:\n${text}`).toEqual([]);
    expect(seriesValue(text, 'agent_assist_stream_state{state="open"}')).toBe(1);
    expect(seriesValue(text, 'agent_assist_feedback_dead_lettered')).toBe(1);
    // Every HELP line has a TYPE: the exposition is well-formed for a scraper.
    const helps = text.match(/^# HELP (\S+)/gm)!.map((line) => line.split(' ')[2]);
    const types = text.match(/^# TYPE (\S+)/gm)!.map((line) => line.split(' ')[2]);
    expect(types).toEqual(helps);
  });

  it('names only series the service exports (docs/grafana-dashboard.json, docs/runbook.md)', async () => {
    const dashboard = readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    JSON.parse(dashboard);
    const runbook = readFileSync(new URL('../docs/runbook.md', import.meta.url), 'utf8');
    const exported = new Set(parseSamples(await metrics()).map((sample) => sample.name));
    for (const [doc, text] of Object.entries({ dashboard, runbook })) {
      const names = new Set(
        [...text.matchAll(/\b((?:agent_assist|process|nodejs)_[a-z0-9_]+)/g)].map(([name]) => name),
      );
      expect(names.size, doc).toBeGreaterThan(doc === 'dashboard' ? 20 : 10);
      expect(
        [...names].filter((name) => !exported.has(name)),
        doc,
      ).toEqual([]);
    }
  });

  it('logs every line about a conversation with its interactionId, as JSON', () => {
    const lines = app.logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    const aboutCalls = lines.filter((line) => /interaction metrics-/.test(String(line.msg)));
    expect(aboutCalls.length).toBeGreaterThan(0);
    for (const line of aboutCalls) expect(line.interactionId, String(line.msg)).toMatch(/^metrics-/);
    expect(app.logs).not.toContain(TEST_CLIENT_SECRET);
    expect(app.logs).not.toContain('voicemail PIN'); // transcript text is never logged
  });
});

/** The value of the first sample whose name and labels start with `series`, if any. */
function seriesValue(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(series)) continue;
    const rest = line.slice(series.length);
    if (rest.startsWith(' ') || rest.startsWith('{') || (series.endsWith('_bucket') && rest.startsWith('{'))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

interface AlertRules {
  groups: { rules: { expr: string }[] }[];
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample line of a Prometheus text exposition. */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return { ...parseSeries(line.slice(0, at)), value: Number(line.slice(at + 1)) };
    });
}

function sameLabels(actual: Record<string, string>, expected: Record<string, string>): boolean {
  const keys = Object.keys(actual);
  return keys.length === Object.keys(expected).length && keys.every((key) => actual[key] === expected[key]);
}
