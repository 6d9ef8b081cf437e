#!/usr/bin/env node
// The plain-Node floor for the benchmark: the same contract as the service, in ~200 lines of ws + fetch,
// with the features that matter for cost (per-interaction buffers with silence/turn-end/max flush, PII
// redaction, card dedupe per interaction, latest-wins searches, token refresh, health). No Nest, no RxJS,
// no retries beyond one, no durable feedback. It measures the service: never tune it to look worse.
import { createServer } from 'node:http';
import WebSocket from 'ws';

const env = process.env;
const SILENCE_MS = Number(env.BUFFER_SILENCE_MS ?? 3000);
const MAX_MS = Number(env.BUFFER_MAX_MS ?? 10_000);
const PAGE_SIZE = Number(env.KB_PAGE_SIZE ?? 5);
const LANGUAGE = env.KB_LANGUAGE ?? 'en-US';
const BASE = env.CXONE_API_BASE_URL;
const MAX_TEXT = 4000;
const FLUSH_STATES = new Set(['TURN_END', 'AGENT_SILENT', 'CUSTOMER_SILENT']);

// --- token ----------------------------------------------------------------------------------------
let token = '';
let tokenExpiresAt = 0;
let tokenPromise;
async function getToken() {
  if (token && Date.now() < tokenExpiresAt - 30_000) return token;
  tokenPromise ??= (async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.CXONE_CLIENT_ID,
      client_secret: env.CXONE_CLIENT_SECRET,
    });
    const response = await fetch(env.CXONE_TOKEN_URL, { method: 'POST', body: form });
    if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
    const body = await response.json();
    token = body.access_token;
    tokenExpiresAt = Date.now() + body.expires_in * 1000;
    return token;
  })().finally(() => (tokenPromise = undefined));
  return tokenPromise;
}

// --- PII ------------------------------------------------------------------------------------------
function luhn(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
function redact(text) {
  return text
    .replace(/\b(?:\d[ -]?){13,19}\b/g, (m) => (luhn(m.replace(/\D/g, '')) ? '[CARD]' : m))
    .replace(/\b\d{3}-\d{2}-\d{4}\b/g, '[SSN]')
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '[EMAIL]')
    .replace(/(?:\+?\d{1,2}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b/g, '[PHONE]');
}

// --- buffers --------------------------------------------------------------------------------------
/** interactionId -> { parts, chars, firstAt, silence, max, shown: Set, search: AbortController } */
const calls = new Map();
function callOf(id) {
  let call = calls.get(id);
  if (!call) calls.set(id, (call = { parts: [], chars: 0, shown: new Set() }));
  return call;
}
function onFragment(id, text) {
  const call = callOf(id);
  if (call.chars >= MAX_TEXT) return;
  const piece = text.slice(0, MAX_TEXT - call.chars);
  call.parts.push(piece);
  call.chars += piece.length + 1;
  clearTimeout(call.silence);
  call.silence = setTimeout(() => flush(id), SILENCE_MS);
  if (call.parts.length === 1) call.max = setTimeout(() => flush(id), MAX_MS);
}
function flush(id) {
  const call = calls.get(id);
  if (!call || call.parts.length === 0) return;
  clearTimeout(call.silence);
  clearTimeout(call.max);
  const text = redact(call.parts.join(' '));
  call.parts = [];
  call.chars = 0;
  void assist(id, call, text);
}

// --- search and push ------------------------------------------------------------------------------
async function api(method, path, body, signal) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    signal,
    headers: { authorization: `Bearer ${await getToken()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}
const plain = (html) =>
  String(html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150);
async function assist(id, call, text) {
  call.search?.abort(); // latest wins: a newer utterance of the call replaces the one still searching
  const search = (call.search = new AbortController());
  try {
    const q = new URLSearchParams({ q: text, language: LANGUAGE, page: '1', pageSize: String(PAGE_SIZE) });
    const result = await api('GET', `/api/v2/knowledge/articles/search?${q}`, undefined, search.signal);
    if (search.signal.aborted) return;
    const fresh = (result.entities ?? []).filter((a) => a && !call.shown.has(a.id) && /^https?:\/\//.test(a.url));
    if (fresh.length === 0) return;
    const insights = fresh.map((a, i) => ({
      id: a.id,
      title: String(a.title).slice(0, 200),
      priority: i + 1,
      score: a.score,
      citation: a.url,
      snippet: plain(a.body),
      interactionId: id,
    }));
    for (const a of fresh) call.shown.add(a.id);
    await api('POST', '/api/v2/agentassist/insights', {
      interactionId: id,
      insights,
      displayType: 'CARD',
      autoDismiss: true,
    });
  } catch (error) {
    if (!search.signal.aborted) process.stderr.write(`assist ${id}: ${error.message}\n`);
  } finally {
    if (call.search === search) call.search = undefined;
  }
}

// --- stream ---------------------------------------------------------------------------------------
let socket;
let open = false;
function onMessage(data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return;
  }
  const id = event?.interactionId;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return;
  if (event.type === 'TRANSCRIPT_FRAGMENT' && typeof event.text === 'string') {
    if ((event.speaker ?? 'CUSTOMER') === 'CUSTOMER') onFragment(id, event.text);
  } else if (event.type === 'DIALOG_STATE' && FLUSH_STATES.has(event.state)) flush(id);
  else if (event.type === 'INTERACTION_ENDED') {
    flush(id);
    const call = calls.get(id);
    calls.delete(id);
    if (call) clearTimeout(call.max);
  } else if (event.type === 'INSIGHT_ACCEPTED' || event.type === 'INSIGHT_REJECTED') {
    const action = event.type === 'INSIGHT_ACCEPTED' ? 'ACCEPTED' : 'REJECTED';
    const feedback = { interactionId: id, insightId: event.insightId, action, timestamp: new Date().toISOString() };
    api('POST', '/api/v2/ai/training/feedback', feedback).catch(() => undefined);
  }
}
async function connect() {
  const url = new URL(env.CXONE_STREAM_URL);
  url.searchParams.set('access_token', await getToken());
  socket = new WebSocket(url);
  socket.on('open', () => (open = true));
  socket.on('message', (data) => onMessage(data.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    open = false;
    setTimeout(() => connect().catch(() => setTimeout(connect, 1000)), 100);
  });
}

// --- health ---------------------------------------------------------------------------------------
const server = createServer((req, res) => {
  const ready = open && Date.now() < tokenExpiresAt;
  if (req.url === '/health/live') res.writeHead(200).end('{"status":"ok"}');
  else if (req.url === '/health/ready') {
    const body = { status: ready ? 'ok' : 'error', details: { pipeline: { interactions: calls.size } } };
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  } else res.writeHead(404).end();
});
server.listen(Number(env.PORT ?? 3000), '127.0.0.1');
await connect();
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const id of [...calls.keys()]) flush(id);
    socket?.removeAllListeners('close');
    socket?.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
