import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ACTIVE_CONTACTS_PATH_PATTERN } from './active-contacts-endpoint.js';
import { EXPERT_QUERY_PATH } from './expert-site.js';
import type { FaultPlan } from './fault-plan.js';
import { BodyTooLargeError, readBody, sendAnswer, sendJson, type Answer } from './http-exchange.js';
import { OIDC_ENDPOINT_BY_PATH } from './oidc-endpoints.js';
import { recordedParts } from './request-records.js';
import { TUTORIAL_ENDPOINT_BY_PATH, type EndpointRequest } from './rest-endpoints.js';
import { AUTHORIZE_PATH } from './sign-in-page.js';
import type { Fault, RecordedRequest, SimEndpoint } from './simulator-types.js';
import { sleep } from './timing.js';

/** Every REST route: the tutorial's, and a real tenant's beside them. */
const ENDPOINT_BY_PATH: Readonly<Record<string, SimEndpoint>> = {
  ...TUTORIAL_ENDPOINT_BY_PATH,
  ...OIDC_ENDPOINT_BY_PATH,
  [AUTHORIZE_PATH]: 'authorize',
  [EXPERT_QUERY_PATH]: 'expert-query',
};

function endpointAt(path: string): SimEndpoint | undefined {
  if (Object.hasOwn(ENDPOINT_BY_PATH, path)) return ENDPOINT_BY_PATH[path];
  return ACTIVE_CONTACTS_PATH_PATTERN.test(path) ? 'contacts-active' : undefined;
}

export interface PipelineDeps {
  /** The real work of an endpoint, once faults and latency have had their say. */
  answer(endpoint: SimEndpoint, request: EndpointRequest): Answer | Promise<Answer>;
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
      // The path only: an Expert query string carries transcript text.
      deps.log(`internal error on ${req.method} ${req.url?.split('?')[0]}: ${(error as Error).message}`);
      sendJson(res, 500, { error: 'simulator_error' });
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: PipelineDeps): Promise<void> {
  const at = Date.now();
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const endpoint = endpointAt(url.pathname);
  if (!endpoint) {
    sendJson(res, 404, { error: 'not_found' });
    return;
  }
  const method = req.method ?? 'GET';
  const query = Object.fromEntries(url.searchParams);
  const record = (status: number, rawBody: string): void => {
    const { headers, body } = recordedParts(endpoint, req.headers, rawBody);
    deps.record(endpoint, { at, method, path: url.pathname, headers, query, body, status });
    deps.log(`${method} ${url.pathname} -> ${status || 'connection reset'}`);
  };

  let rawBody: string;
  try {
    rawBody = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      record(413, '');
      sendJson(res, 413, { error: 'payload_too_large' }, { connection: 'close' });
    } else {
      req.socket.destroy();
    }
    return;
  }

  if (!(await sleep(deps.faults.takeLatency(endpoint), deps.lifetime()))) return;
  if (res.destroyed) {
    // The client gave up while the answer was delayed (its timeout): recorded, so retries can be counted.
    record(CLIENT_CLOSED_REQUEST, rawBody);
    return;
  }

  if (deps.faults.takeConnectionReset(endpoint)) {
    req.socket.destroy();
    record(0, rawBody);
    return;
  }
  const fault = deps.faults.takeFault(endpoint);
  const reply = fault
    ? faultAnswer(fault)
    : await deps.answer(endpoint, { method, headers: req.headers, query, rawBody });
  record(reply.status, rawBody);
  sendAnswer(res, reply);
}

function faultAnswer(fault: Fault): Answer {
  return {
    status: fault.status,
    ...(fault.rawBody === undefined
      ? { body: fault.body ?? { error: 'simulated_fault', status: fault.status } }
      : { rawBody: fault.rawBody }),
    ...(fault.contentType === undefined ? {} : { contentType: fault.contentType }),
    headers: fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter },
  };
}
