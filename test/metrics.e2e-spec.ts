import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_HELP } from '../src/common/counters.js';
import { CxoneSimulator } from '../src/simulator/index.js';
import { AppProcess, sleep, TEST_CLIENT_ID, TEST_CLIENT_SECRET, tenantEnv } from './support/app-process.js';
import { cardsFor, fragment, turnEnd, verdict } from './support/events.js';

/** Every series the operations issue asks for, by its exported name (docs/grafana-dashboard.json uses them). */
const REQUIRED_SERIES = [
  // stream events by type, invalid frames, reconnects, stream state
  'agent_assist_stream_events_total{type="TRANSCRIPT_FRAGMENT"}',
  'agent_assist_stream_invalid_frames_total{reason="invalid-json"}',
  'agent_assist_stream_reconnects_total',
  'agent_assist_stream_state{state="open"}',
  // utterances by flush reason
  'agent_assist_utterances_total{reason="dialog-state"}',
  // knowledge and push latency histograms and outcomes
  'agent_assist_cxone_request_duration_seconds_bucket{le="0.5",operation="knowledge-search",outcome="success"}',
  'agent_assist_cxone_request_duration_seconds_count{operation="cards-push",outcome="success"}',
  'agent_assist_cxone_requests_total{operation="knowledge-search",outcome="success"}',
  'agent_assist_cxone_requests_total{operation="cards-push",outcome="success"}',
  // retries by cause
  'agent_assist_http_retries_total{operation="knowledge-search",cause="server-error"}',
  // end to end, flush trigger to card pushed
  'agent_assist_assist_e2e_latency_seconds_bucket',
  // feedback pending / delivered / dead-lettered
  'agent_assist_feedback_pending',
  'agent_assist_feedback_delivered_total',
  'agent_assist_feedback_dead_letters_total',
  'agent_assist_feedback_dead_lettered',
  // token refreshes and failures
  'agent_assist_token_refreshes_total',
  'agent_assist_token_refresh_failures_total',
  // buffered interactions
  'agent_assist_buffered_interactions',
  // process defaults from prom-client
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];

describe('metrics (e2e)', () => {
  let simulator: CxoneSimulator;
  let app: AppProcess;

  async function metrics(): Promise<string> {
    const response = await fetch(`${app.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  async function waitForMetric(series: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await metrics();
      if (seriesValue(text, series) !== undefined) return text;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${series} on /metrics:\n${text}`);
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
    await waitForMetric('agent_assist_feedback_delivered_total');
    simulator.failNext('feedback', { status: 422 });
    simulator.send(verdict('metrics-1', 'kb-tel-002', false));
    await waitForMetric('agent_assist_feedback_dead_letters_total');

    // A revoked token whose first refresh fails: a 401 retry and a token failure.
    simulator.failNext('token', { status: 503 });
    simulator.revokeTokens();
    simulator.send(fragment('metrics-2', 'how do I reset my voicemail PIN'));
    simulator.send(turnEnd('metrics-2'));
    await waitForMetric('agent_assist_token_refresh_failures_total');

    // A dropped stream: reconnects, and the state gauge follows.
    simulator.dropConnections(1011);
    await waitForMetric('agent_assist_stream_reconnects_total');
    await app.waitForReady();

    const text = await metrics();
    const missing = REQUIRED_SERIES.filter((series) => seriesValue(text, series) === undefined);
    expect(missing, `missing on /metrics:\n${text}`).toEqual([]);
    expect(seriesValue(text, 'agent_assist_stream_state{state="open"}')).toBe(1);
    expect(seriesValue(text, 'agent_assist_feedback_dead_lettered')).toBe(1);
    expect(seriesValue(text, 'agent_assist_assist_e2e_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    // Every HELP line has a TYPE: the exposition is well-formed for a scraper.
    const helps = text.match(/^# HELP (\S+)/gm)!.map((line) => line.split(' ')[2]);
    const types = text.match(/^# TYPE (\S+)/gm)!.map((line) => line.split(' ')[2]);
    expect(types).toEqual(helps);
  });

  it('charts only series the service exports (docs/grafana-dashboard.json)', async () => {
    const dashboard = readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    JSON.parse(dashboard);
    const names = new Set(
      [...dashboard.matchAll(/\b((?:agent_assist|process|nodejs)_[a-z0-9_]+)/g)].map(([name]) =>
        name.replace(/_(bucket|sum|count)$/, ''),
      ),
    );
    expect(names.size).toBeGreaterThan(20);
    const text = await metrics();
    const unknown = [...names].filter((name) => {
      if (text.includes(`\n${name} `) || text.includes(`\n${name}{`) || text.includes(`# TYPE ${name} `)) return false;
      const counter = /^agent_assist_(.+)_total$/.exec(name);
      return !(counter && counter[1] in COUNTER_HELP);
    });
    expect(unknown).toEqual([]);
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
