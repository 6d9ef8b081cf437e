/**
 * The agent desktop preview: one self-contained page (inline CSS and JS under a CSP nonce, no CDN, no
 * framework). Every piece of data is rendered with textContent, never as HTML: card text comes from
 * knowledge articles and transcript text from callers.
 */
export function renderSandboxPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Agent desktop preview · CXone Agent Assist sandbox</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <div class="brand"><strong>Agent Assist</strong> <span class="muted">sandbox · agent desktop preview</span></div>
  <div class="status">
    <span id="live" class="pill warn">connecting…</span>
    <span id="health" class="pill warn" title="GET /health/ready, polled every 2 s">health: …</span>
    <span id="health-detail" class="muted small"></span>
  </div>
</header>
<div class="layout">
  <aside>
    <section>
      <h2>Scripted conversations</h2>
      <ul id="conversations" class="conversations"></ul>
    </section>
    <section>
      <h2>Customer says</h2>
      <form id="utterance">
        <select id="utterance-interaction" aria-label="Interaction"><option value="">New interaction</option></select>
        <textarea id="utterance-text" maxlength="1000" rows="3" placeholder="e.g. I was charged an overdraft fee, can you refund it?" required></textarea>
        <button type="submit">Send utterance</button>
      </form>
    </section>
    <section>
      <h2>Inject a fault</h2>
      <div class="faults">
        <button data-fault="drop-socket" title="Terminate the Agent Assist WebSocket">Drop socket</button>
        <button data-fault="rate-limit-storm" title="Next 5 knowledge searches answer 429, Retry-After 1">429 storm</button>
        <button data-fault="expire-tokens" title="Revoke every issued token">Expire tokens</button>
        <button data-fault="training-down" title="Next 10 feedback posts answer 503">Training down</button>
        <button data-fault="training-up" title="Clear the training endpoint's faults">Training up</button>
      </div>
    </section>
    <section>
      <h2>Training endpoint received</h2>
      <ul id="feedback-log" class="log"></ul>
    </section>
    <section>
      <h2>Activity</h2>
      <ul id="notices" class="log"></ul>
    </section>
  </aside>
  <main id="interactions">
    <p id="empty" class="empty">No live interaction yet: start a scripted conversation or type an utterance.</p>
  </main>
</div>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const STYLE = `
:root { --bg:#f4f6f9; --panel:#fff; --line:#dde3ea; --ink:#1d2733; --muted:#6b7785; --accent:#1f6feb;
  --ok:#1a7f37; --okbg:#e6f4ea; --bad:#b42318; --badbg:#fdecea; --warnbg:#fff4d6; --warn:#8a5a00; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; justify-content:space-between; align-items:center; gap:12px; padding:10px 18px; background:#14213d; color:#fff; }
header .muted { color:#b8c2d3; }
.brand { font-size:16px; }
.status { display:flex; align-items:center; gap:8px; flex-wrap:wrap; }
.pill { display:inline-block; padding:2px 10px; border-radius:999px; font-size:12px; font-weight:600; }
.pill.ok { background:var(--okbg); color:var(--ok); } .pill.bad { background:var(--badbg); color:var(--bad); }
.pill.warn { background:var(--warnbg); color:var(--warn); }
.small { font-size:12px; }
.muted { color:var(--muted); }
.layout { display:grid; grid-template-columns:300px 1fr; gap:16px; padding:16px; align-items:start; }
aside section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 12px; margin-bottom:12px; }
h2 { font-size:12px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); margin:0 0 8px; }
ul { list-style:none; margin:0; padding:0; }
.conversations li { display:flex; justify-content:space-between; align-items:center; gap:8px; padding:4px 0; border-top:1px solid var(--line); }
.conversations li:first-child { border-top:0; }
button { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:4px 10px; cursor:pointer; }
button:hover:not(:disabled) { border-color:var(--accent); color:var(--accent); }
button:disabled { opacity:.5; cursor:default; }
form { display:flex; flex-direction:column; gap:6px; }
select, textarea { font:inherit; width:100%; border:1px solid var(--line); border-radius:6px; padding:4px 6px; }
.faults { display:flex; flex-wrap:wrap; gap:6px; }
.log li { font-size:12px; padding:3px 0; border-top:1px solid var(--line); overflow-wrap:anywhere; }
.log li:first-child { border-top:0; }
.empty { color:var(--muted); padding:40px; text-align:center; background:var(--panel); border:1px dashed var(--line); border-radius:8px; }
.interaction { background:var(--panel); border:1px solid var(--line); border-radius:8px; margin-bottom:16px; overflow:hidden; }
.interaction > .head { display:flex; gap:10px; align-items:baseline; padding:8px 14px; border-bottom:1px solid var(--line); background:#fafbfc; }
.interaction > .head .title { font-weight:600; }
.interaction > .body { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1.2fr); }
.transcript { padding:10px 14px; border-right:1px solid var(--line); max-height:420px; overflow:auto; }
.line { margin:0 0 6px; display:grid; grid-template-columns:84px minmax(0,1fr); gap:6px; }
.speaker { font-size:11px; font-weight:700; letter-spacing:.04em; padding-top:2px; }
.speaker.CUSTOMER { color:#9a3412; } .speaker.AGENT { color:#1f6feb; }
.cards { padding:10px 14px; max-height:420px; overflow:auto; }
.push-head { font-size:11px; color:var(--muted); margin:4px 0; }
.card { border:1px solid var(--line); border-left:4px solid var(--accent); border-radius:6px; padding:8px 10px; margin-bottom:8px; }
.card.p1 { border-left-color:#0e9f6e; }
.card .top { display:flex; gap:8px; align-items:baseline; }
.card .prio { font-size:11px; font-weight:700; color:#fff; background:var(--accent); border-radius:4px; padding:0 6px; }
.card.p1 .prio { background:#0e9f6e; }
.card .ctitle { font-weight:600; flex:1; }
.card .score { font-size:12px; color:var(--muted); white-space:nowrap; }
.card .snippet { margin:4px 0 6px; color:#33404d; }
.card .actions { display:flex; gap:8px; align-items:center; flex-wrap:wrap; }
.card a { color:var(--accent); font-size:12px; }
.card .accept { border-color:#9fd5b0; } .card .reject { border-color:#f0b4ae; }
.card .fb { font-size:12px; }
.fb.ok { color:var(--ok); } .fb.bad { color:var(--bad); } .fb.wait { color:var(--warn); }
`;

const SCRIPT = `
'use strict';
const MAX_PANELS = 12;
const MAX_PUSHES_SHOWN = 3;
const MAX_LOG = 12;
const panels = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function time(at) { return new Date(at).toLocaleTimeString(); }
function safeUrl(raw) {
  try { const url = new URL(raw); return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null; }
  catch { return null; }
}
function addLog(list, text, className) {
  const item = el('li', className, text);
  list.prepend(item);
  while (list.children.length > MAX_LOG) list.lastElementChild.remove();
}
async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data && data.message) || ('HTTP ' + response.status));
  return data;
}
function notice(text) { addLog(document.getElementById('notices'), time(Date.now()) + ' ' + text); }

function panel(interactionId, title) {
  let entry = panels.get(interactionId);
  if (!entry) {
    const root = el('section', 'interaction');
    root.dataset.interactionId = interactionId;
    const head = el('div', 'head');
    const titleNode = el('span', 'title', title || 'Live interaction');
    const idNode = el('span', 'muted small', interactionId);
    const stateNode = el('span', 'pill ok', 'live');
    head.append(titleNode, idNode, stateNode);
    const body = el('div', 'body');
    const transcript = el('div', 'transcript');
    const cards = el('div', 'cards');
    cards.append(el('p', 'muted small waiting', 'Cards appear here as the service pushes them.'));
    body.append(transcript, cards);
    root.append(head, body);
    document.getElementById('empty').hidden = true;
    document.getElementById('interactions').prepend(root);
    entry = { root, titleNode, stateNode, transcript, cards, lines: new Map(), verdicts: new Map(), feedback: new Map() };
    panels.set(interactionId, entry);
    const option = el('option', null, interactionId);
    option.value = interactionId;
    document.getElementById('utterance-interaction').append(option);
    while (panels.size > MAX_PANELS) {
      const [oldest, old] = panels.entries().next().value;
      old.root.remove();
      panels.delete(oldest);
      for (const opt of document.querySelectorAll('#utterance-interaction option')) if (opt.value === oldest) opt.remove();
    }
  } else if (title) {
    entry.titleNode.textContent = title;
  }
  return entry;
}

function showLine(interactionId, line) {
  const entry = panel(interactionId);
  let node = entry.lines.get(line.seq);
  if (!node) {
    node = el('p', 'line');
    node.append(el('span', 'speaker ' + (line.speaker === 'AGENT' ? 'AGENT' : 'CUSTOMER'), line.speaker), el('span', 'text'));
    entry.lines.set(line.seq, node);
    entry.transcript.append(node);
    while (entry.lines.size > 200) { const [seq, old] = entry.lines.entries().next().value; old.remove(); entry.lines.delete(seq); }
  }
  node.querySelector('.text').textContent = line.text;
  entry.transcript.scrollTop = entry.transcript.scrollHeight;
}

function showPush(interactionId, push) {
  const entry = panel(interactionId);
  const waiting = entry.cards.querySelector('.waiting');
  if (waiting) waiting.remove();
  const group = el('div', 'push');
  group.append(el('div', 'push-head', 'Pushed at ' + time(push.at) + ' · ' + push.cards.length + ' card(s)'));
  for (const card of push.cards) group.append(cardNode(interactionId, card));
  entry.cards.prepend(group);
  const groups = entry.cards.querySelectorAll('.push');
  for (let i = MAX_PUSHES_SHOWN; i < groups.length; i++) groups[i].remove();
}

function cardNode(interactionId, card) {
  const node = el('article', 'card' + (card.priority === 1 ? ' p1' : ''));
  node.dataset.insightId = card.id;
  const top = el('div', 'top');
  top.append(el('span', 'prio', card.priority === null ? '–' : '#' + card.priority), el('span', 'ctitle', card.title),
    el('span', 'score', card.score === null ? '' : 'score ' + Number(card.score).toFixed(2)));
  const snippet = el('p', 'snippet', card.snippet);
  const actions = el('div', 'actions');
  const accept = el('button', 'accept', 'Accept');
  const reject = el('button', 'reject', 'Reject');
  accept.type = reject.type = 'button';
  const url = safeUrl(card.citation);
  if (url) {
    const link = el('a', null, 'Open article ↗');
    link.href = url; link.target = '_blank'; link.rel = 'noopener noreferrer';
    actions.append(accept, reject, link);
  } else {
    actions.append(accept, reject);
  }
  const fb = el('span', 'fb');
  actions.append(fb);
  node.append(top, snippet, actions);
  const click = (verdict) => async () => {
    accept.disabled = reject.disabled = true;
    fb.className = 'fb wait'; fb.textContent = 'Sending…';
    try {
      await postJson('/sandbox/api/verdicts', { interactionId, insightId: card.id, verdict });
    } catch (error) {
      accept.disabled = reject.disabled = false;
      fb.className = 'fb bad'; fb.textContent = 'Not sent: ' + error.message;
    }
  };
  accept.addEventListener('click', click('ACCEPTED'));
  reject.addEventListener('click', click('REJECTED'));
  refreshCard(interactionId, card.id, node);
  return node;
}

function cardsOf(interactionId, insightId) {
  const entry = panels.get(interactionId);
  if (!entry) return [];
  return [...entry.cards.querySelectorAll('.card')].filter((node) => node.dataset.insightId === insightId);
}

function refreshCard(interactionId, insightId, node) {
  const entry = panels.get(interactionId);
  const fb = node.querySelector('.fb');
  const verdict = entry.verdicts.get(insightId);
  const feedback = entry.feedback.get(insightId);
  if (verdict) node.querySelectorAll('button').forEach((button) => (button.disabled = true));
  if (feedback) {
    const ok = feedback.status >= 200 && feedback.status < 300;
    fb.className = 'fb ' + (ok ? 'ok' : 'bad');
    fb.textContent = ok ? '✓ Training endpoint received ' + feedback.action + ' (' + feedback.status + ')'
      : 'Training endpoint answered ' + (feedback.status || 'reset') + ' to ' + feedback.action + '; the service retries';
  } else if (verdict) {
    fb.className = 'fb wait';
    fb.textContent = 'Sent INSIGHT_' + verdict.verdict + '; waiting for the training endpoint…';
  }
}

function onVerdict(interactionId, verdict) {
  panel(interactionId).verdicts.set(verdict.insightId, verdict);
  for (const node of cardsOf(interactionId, verdict.insightId)) refreshCard(interactionId, verdict.insightId, node);
}

function onFeedback(interactionId, feedback) {
  panel(interactionId).feedback.set(feedback.insightId, feedback);
  for (const node of cardsOf(interactionId, feedback.insightId)) refreshCard(interactionId, feedback.insightId, node);
  const ok = feedback.status >= 200 && feedback.status < 300;
  addLog(document.getElementById('feedback-log'),
    time(feedback.at) + ' ' + feedback.action + ' ' + feedback.insightId + ' → ' + (feedback.status || 'reset') + ' (' + interactionId + ')',
    ok ? 'fb ok' : 'fb bad');
}

function onEnded(interactionId) {
  const entry = panel(interactionId);
  entry.stateNode.className = 'pill warn';
  entry.stateNode.textContent = 'ended';
}

function applySnapshot(snapshot) {
  for (const entry of panels.values()) entry.root.remove();
  panels.clear();
  document.querySelectorAll('#utterance-interaction option').forEach((opt) => opt.value && opt.remove());
  document.getElementById('feedback-log').replaceChildren();
  document.getElementById('notices').replaceChildren();
  document.getElementById('empty').hidden = snapshot.interactions.length > 0;
  for (const view of snapshot.interactions) {
    panel(view.interactionId, view.title);
    for (const line of view.lines) showLine(view.interactionId, line);
    for (const verdict of view.verdicts) panels.get(view.interactionId).verdicts.set(verdict.insightId, verdict);
    for (const push of view.pushes) showPush(view.interactionId, push);
    for (const feedback of view.feedback) onFeedback(view.interactionId, feedback);
    if (view.ended) onEnded(view.interactionId);
  }
  for (const item of snapshot.notices) addLog(document.getElementById('notices'), time(item.at) + ' ' + item.text);
}

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource('/sandbox/events');
  const on = (type, handler) => source.addEventListener(type, (event) => {
    try { handler(JSON.parse(event.data)); } catch (error) { console.error(error); }
  });
  source.onopen = () => { live.className = 'pill ok'; live.textContent = 'live updates'; };
  source.onerror = () => { live.className = 'pill bad'; live.textContent = 'reconnecting…'; };
  on('snapshot', applySnapshot);
  on('interaction', (m) => panel(m.interactionId, m.title));
  on('transcript', (m) => showLine(m.interactionId, m.line));
  on('cards', (m) => showPush(m.interactionId, m.push));
  on('verdict', (m) => onVerdict(m.interactionId, m.verdict));
  on('feedback', (m) => onFeedback(m.interactionId, m.feedback));
  on('ended', (m) => onEnded(m.interactionId));
  on('notice', (m) => addLog(document.getElementById('notices'), time(m.notice.at) + ' ' + m.notice.text));
}

async function pollHealth() {
  const pill = document.getElementById('health');
  const detail = document.getElementById('health-detail');
  try {
    const response = await fetch('/health/ready', { cache: 'no-store' });
    const body = await response.json();
    const details = body.details || {};
    const stream = details.stream || {};
    const token = details.token || {};
    pill.className = 'pill ' + (response.ok ? 'ok' : 'bad');
    pill.textContent = response.ok ? 'ready' : 'not ready';
    detail.textContent = 'stream ' + (stream.state || '?') + ' · reconnects ' + (stream.reconnects ?? '?') +
      ' · token ' + (token.valid ? 'valid, ' + token.expiresInSeconds + ' s left' : 'invalid');
  } catch {
    pill.className = 'pill bad'; pill.textContent = 'service unreachable'; detail.textContent = '';
  }
}

async function loadConversations() {
  const list = document.getElementById('conversations');
  const response = await fetch('/sandbox/api/conversations');
  const conversations = await response.json();
  for (const conversation of conversations) {
    const item = el('li');
    const label = el('span', null, conversation.title);
    const start = el('button', 'start', 'Start');
    start.type = 'button';
    start.dataset.conversationId = conversation.id;
    start.addEventListener('click', async () => {
      try {
        const { interactionId } = await postJson('/sandbox/api/conversations/' + encodeURIComponent(conversation.id) + '/start');
        panel(interactionId, conversation.title);
      } catch (error) { notice('Could not start: ' + error.message); }
    });
    item.append(label, start);
    list.append(item);
  }
}

document.getElementById('utterance').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = document.getElementById('utterance-text');
  const interactionId = document.getElementById('utterance-interaction').value || undefined;
  try {
    const result = await postJson('/sandbox/api/utterance', { interactionId, text: text.value });
    panel(result.interactionId, interactionId ? undefined : 'Typed utterance');
    text.value = '';
  } catch (error) { notice('Utterance refused: ' + error.message); }
});
for (const button of document.querySelectorAll('[data-fault]')) {
  button.addEventListener('click', async () => {
    try { await postJson('/sandbox/api/faults/' + button.dataset.fault); }
    catch (error) { notice('Fault refused: ' + error.message); }
  });
}

connect();
loadConversations().catch((error) => notice('Could not load conversations: ' + error.message));
pollHealth();
setInterval(pollHealth, 2000);
`;
