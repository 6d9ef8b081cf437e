import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { FaultPlan } from './fault-plan.js';
import { BodyTooLargeError, readBody, sendJson } from './http-exchange.js';
import { answer, ENDPOINT_BY_PATH, recordedBody, type Answer, type EndpointDeps } from './rest-endpoints.js';
import type { Fault, RecordedRequest, SimEndpoint } from './simulator-types.js';
import { sleep } from './timing.js';

export interface PipelineDeps extends EndpointDeps {
  faults: FaultPlan;
  record(endpoint: SimEndpoint, request: RecordedRequest): void;
  /** Aborted when the simulator stops, so pending latency does not outlive it. */
  lifetime(): AbortSignal;
  log(line: string): void;
}

/** Recorded status of a request the client abandoned before it was answered (as nginx logs it). */
export const CLIENT_CLOSED_REQUEST = 499;

/** Order of play for one REST request: read body, latency, connection reset, queued fault, real work. */
export function createRequestListener(deps: PipelineDeps): RequestListener {
  return (req, res) => {
    handle(req, res, deps).catch((error: unknown) => {
      deps.log(`internal error on ${req.method} ${req.url}: ${(error as Error).message}`);
      sendJson(res, 500, { error: 'simulator_error' });
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const endpoint = ENDPOINT_BY_PATH[url.pathname];
  if (!endpoint) {
    sendJson(res, 404, { error: 'not_found' });
    return;
  }
  const method = req.method ?? 'GET';
  const query = Object.fromEntries(url.searchParams);
  const record = (status: number, body: unknown): void => {
    deps.record(endpoint, { at, method, path: url.pathname, headers: { ...req.headers }, query, body, status });
    deps.log(`${method} ${url.pathname} -> ${status || 'connection reset'}`);
  };

  let rawBody: string;
  try {
    rawBody = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      record(413, undefined);
      sendJson(res, 413, { error: 'payload_too_large' }, { connection: 'close' });
    } else {
      req.socket.destroy();
    }
    return;
  }
  const body = recordedBody(endpoint, rawBody);

  if (!(await sleep(deps.faults.takeLatency(endpoint), deps.lifetime()))) return;
  if (res.destroyed) {
    // The client gave up while the answer was delayed (its timeout): recorded, so retries can be counted.
    record(CLIENT_CLOSED_REQUEST, body);
    return;
  }

  if (deps.faults.takeConnectionReset(endpoint)) {
    req.socket.destroy();
    record(0, body);
    return;
  }
  const fault = deps.faults.takeFault(endpoint);
  const reply = fault ? faultAnswer(fault) : answer(endpoint, { method, headers: req.headers, query, rawBody }, deps);
  record(reply.status, body);
  sendJson(res, reply.status, reply.body, reply.headers);
}

function faultAnswer(fault: Fault): Answer {
  return {
    status: fault.status,
    body: fault.body ?? { error: 'simulated_fault', status: fault.status },
    headers: fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
  };
}
