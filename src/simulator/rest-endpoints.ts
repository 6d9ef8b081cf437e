import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, parseBasicCredentials, parseJson, type Answer, type ClientCredentials } from './http-exchange.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import type { SimEndpoint, TutorialEndpoint } from './simulator-types.js';
import type { TokenRegistry } from './token-registry.js';

export const TUTORIAL_ENDPOINT_BY_PATH: Readonly<Record<string, TutorialEndpoint>> = {
  '/oauth/token': 'token',
  '/api/v2/knowledge/articles/search': 'knowledge',
  '/api/v2/agentassist/insights': 'cards',
  '/api/v2/ai/training/feedback': 'feedback',
};

const METHOD_BY_ENDPOINT: Readonly<Record<TutorialEndpoint, string>> = {
  token: 'POST',
  knowledge: 'GET',
  cards: 'POST',
  feedback: 'POST',
};

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 50;

export interface EndpointRequest {
  method: string;
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  rawBody: string;
}

export interface EndpointDeps {
  tokens: TokenRegistry;
  index: KnowledgeIndex;
  credentials: ClientCredentials;
}

export function isTutorialEndpoint(endpoint: SimEndpoint): endpoint is TutorialEndpoint {
  return Object.hasOwn(METHOD_BY_ENDPOINT, endpoint);
}

/** The real work of an endpoint, once faults and latency have had their say. */
export function answer(endpoint: TutorialEndpoint, request: EndpointRequest, deps: EndpointDeps): Answer {
  const method = METHOD_BY_ENDPOINT[endpoint];
  if (request.method !== method) {
    return { status: 405, body: { error: 'method_not_allowed' }, headers: { allow: method } };
  }
  if (endpoint === 'token') return issueToken(request, deps);
  const refusal = bearerRefusal(request.headers, deps.tokens);
  if (refusal) return refusal;
  if (endpoint === 'knowledge') return searchArticles(request, deps);
  if (endpoint === 'cards') return acceptInsights(request);
  return acceptFeedback(request);
}

/** The 401 for a request without a valid token the simulator issued; undefined when the token is good. */
export function bearerRefusal(headers: IncomingHttpHeaders, tokens: TokenRegistry): Answer | undefined {
  if (tokens.isValid(bearerToken(headers.authorization))) return undefined;
  return {
    status: 401,
    body: { error: 'invalid_token' },
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  };
}

function issueToken(request: EndpointRequest, deps: EndpointDeps): Answer {
  const form = new URLSearchParams(request.rawBody);
  const basic = parseBasicCredentials(request.headers.authorization);
  const clientId = basic?.clientId ?? form.get('client_id');
  const clientSecret = basic?.clientSecret ?? form.get('client_secret');
  if (clientId !== deps.credentials.clientId || clientSecret !== deps.credentials.clientSecret) {
    return {
      status: 401,
      body: { error: 'invalid_client' },
      headers: basic ? { 'www-authenticate': 'Basic realm="cxone"' } : {},
    };
  }
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return { status: 400, body: { error: grantType ? 'unsupported_grant_type' : 'invalid_request' } };
  }
  const issued = deps.tokens.issue();
  return {
    status: 200,
    body: { access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresInSeconds },
    headers: { 'cache-control': 'no-store' },
  };
}

function searchArticles(request: EndpointRequest, deps: EndpointDeps): Answer {
  const q = request.query.q?.trim();
  if (!q) return { status: 400, body: { error: 'invalid_request', message: 'q is required' } };
  const page = clampedInteger(request.query.page, 1, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = clampedInteger(request.query.pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  return { status: 200, body: deps.index.search(q, page, pageSize) };
}

function acceptInsights(request: EndpointRequest): Answer {
  const parsed = parseJson(request.rawBody);
  if (!parsed.ok) return { status: 400, body: { error: 'invalid_json' } };
  const insights = (parsed.value as { insights?: unknown } | null)?.insights;
  if (!Array.isArray(insights)) {
    return { status: 400, body: { error: 'invalid_request', message: 'insights must be an array' } };
  }
  return { status: 201, body: { accepted: insights.length } };
}

function acceptFeedback(request: EndpointRequest): Answer {
  const parsed = parseJson(request.rawBody);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    return { status: 400, body: { error: 'invalid_json' } };
  }
  return { status: 200, body: { status: 'recorded' } };
}

export function clampedInteger(text: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number.parseInt(text ?? '', 10);
  if (Number.isNaN(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
