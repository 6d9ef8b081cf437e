import type { CxoneSimulator, RecordedRequest } from '../../src/simulator/index.js';
import type { AppProcess } from './app-process.js';
import { cardsFor, fragment, turnEnd } from './events.js';

/**
 * Timers and Date.now() both have millisecond granularity (and the service and the simulator read the
 * clock at slightly different moments), so "waited at least N ms" is checked as ≥ N - this.
 */
export const CLOCK_SLACK_MS = 10;

/** What `/health/ready` reports, whatever its status (terminus puts every indicator in `details`). */
export interface Readiness {
  status: number;
  stream: {
    status: string;
    state: string;
    since: string;
    reconnects: number;
    lastCloseCode?: number;
    lastError?: string;
  };
  token: { status: string; valid: boolean; expiresInSeconds: number; refreshes: number; failures: number };
  pipeline: {
    interactions: number;
    evictedInteractions: number;
    searchesInFlight: number;
    searchesQueued: number;
    utterances: Record<string, number>;
    counters: Record<string, number>;
  };
}

export async function readiness(app: AppProcess): Promise<Readiness> {
  const { status, body } = await app.getJson('/health/ready');
  const details = body.details ?? { ...body.info, ...body.error };
  return { status, stream: details.stream, token: details.token, pipeline: details.pipeline };
}

/** A counter from the readiness details (0 when it was never incremented). */
export function counter(ready: Readiness, name: string): number {
  return ready.pipeline?.counters?.[name] ?? 0;
}

/** One customer turn: a fragment and TURN_END. */
export function askFor(simulator: CxoneSimulator, interactionId: string, text = 'I need to reset my voicemail PIN') {
  simulator.send(fragment(interactionId, text));
  simulator.send(turnEnd(interactionId));
}

/** The first card push the simulator accepted (201) for the interaction. */
export function acceptedPush(
  simulator: CxoneSimulator,
  interactionId: string,
  timeoutMs = 20_000,
): Promise<RecordedRequest<any>> {
  return simulator.waitFor(
    () => cardsFor(simulator, interactionId).find((request) => request.status === 201),
    timeoutMs,
    `an accepted card push for ${interactionId}`,
  );
}

/** The knowledge searches the simulator received for exactly this query text. */
export function searchesFor(simulator: CxoneSimulator, text: string): RecordedRequest<unknown>[] {
  return simulator.received.searches.filter((request) => request.query.q === text);
}

/** The bearer token a recorded REST request carried. */
export function bearerOf(request: RecordedRequest<unknown>): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
}

/** Every bearer token the simulator saw on its REST endpoints. */
export function bearersSeen(simulator: CxoneSimulator): Set<string> {
  const tokens = new Set<string>();
  for (const request of [...simulator.received.searches, ...simulator.received.cards, ...simulator.received.feedback]) {
    const token = bearerOf(request);
    if (token) tokens.add(token);
  }
  return tokens;
}

/** Milliseconds between consecutive arrivals. */
export function gaps(requests: readonly RecordedRequest<unknown>[]): number[] {
  return requests.slice(1).map((request, i) => request.at - requests[i].at);
}

/**
 * Until the stream has been open for `ms` (1.2 s by default). A connection that dies sooner than a second
 * after opening counts as a failed attempt and backs off, so a test that means "a healthy connection drops"
 * lets it become healthy first.
 */
export async function streamSettled(simulator: CxoneSimulator, app: AppProcess, ms = 1200): Promise<void> {
  await simulator.waitFor(
    async () => {
      const { stream } = await readiness(app);
      return stream.state === 'open' && Date.now() - Date.parse(stream.since) >= ms;
    },
    ms + 20_000,
    `the stream open for ${ms} ms`,
  );
}

/** One series' value from `/metrics` (NaN when absent). */
export async function metric(app: AppProcess, series: string): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/** The sum of the series whose name and labels start with `prefix` (e.g. one operation, every outcome). */
export async function metricSum(app: AppProcess, prefix: string): Promise<number> {
  const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
