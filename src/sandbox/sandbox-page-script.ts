/**
 * The preview page's script (plain browser JavaScript, inlined under the page's CSP nonce). It builds
 * every node with textContent: card text comes from knowledge articles and transcript text from callers.
 */
export const SANDBOX_PAGE_SCRIPT = `
'use strict';
const MAX_PANELS = 12;
const MAX_PUSHES_SHOWN = 3;
const MAX_LOG = 12;
const panels = new Map();
// One line of the training log per verdict (interactionId + key), updated in place on each redelivery.
const feedbackItems = new Map();

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
    // The production agent panel for this contact (sign in as the demo agent on the simulated tenant).
    const panelLink = el('a', 'small panel-link', 'Agent panel');
    panelLink.href = '/agent?contactId=' + encodeURIComponent(interactionId);
    panelLink.target = '_blank';
    panelLink.rel = 'noopener';
    head.append(titleNode, idNode, stateNode, panelLink);
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
    fb.className = 'fb ' + (feedback.delivered ? 'ok' : 'bad');
    fb.textContent = feedback.delivered
      ? '✓ Training endpoint received ' + feedback.action + ' (' + attemptsText(feedback) + ')'
      : 'Training endpoint answered ' + (feedback.lastStatus || 'reset') + ' to ' + feedback.action +
        ' (' + attemptsText(feedback) + '); the service retries';
  } else if (verdict) {
    fb.className = 'fb wait';
    fb.textContent = 'Sent INSIGHT_' + verdict.verdict + '; waiting for the training endpoint…';
  }
}

function onVerdict(interactionId, verdict) {
  panel(interactionId).verdicts.set(verdict.insightId, verdict);
  for (const node of cardsOf(interactionId, verdict.insightId)) refreshCard(interactionId, verdict.insightId, node);
}

// [503, 503, 200] → '503 ×2, 200' (0 = the connection was reset).
function statusRuns(statuses) {
  const runs = [];
  for (const status of statuses) {
    const last = runs[runs.length - 1];
    if (last && last.status === status) last.count++;
    else runs.push({ status, count: 1 });
  }
  return runs.map((run) => (run.status || 'reset') + (run.count > 1 ? ' ×' + run.count : '')).join(', ');
}
function attemptsText(verdict) {
  const earlier = verdict.attempts > verdict.statuses.length ? '…, ' : '';
  return (verdict.attempts === 1 ? '1 attempt' : verdict.attempts + ' attempts') + ': ' + earlier + statusRuns(verdict.statuses);
}

// A verdict: one entry however often the service redelivered it.
function onFeedback(interactionId, verdict) {
  panel(interactionId).feedback.set(verdict.insightId, verdict);
  for (const node of cardsOf(interactionId, verdict.insightId)) refreshCard(interactionId, verdict.insightId, node);
  const list = document.getElementById('feedback-log');
  const id = interactionId + ' ' + verdict.key;
  let item = feedbackItems.get(id);
  if (!item) {
    item = el('li');
    item.dataset.interactionId = interactionId;
    item.dataset.insightId = verdict.insightId;
    feedbackItems.set(id, item);
    list.prepend(item);
    while (list.children.length > MAX_LOG) {
      const oldest = list.lastElementChild;
      for (const [known, node] of feedbackItems) if (node === oldest) feedbackItems.delete(known);
      oldest.remove();
    }
  }
  item.className = 'fb ' + (verdict.delivered ? 'ok' : 'bad');
  item.dataset.attempts = String(verdict.attempts);
  item.dataset.delivered = String(verdict.delivered);
  item.textContent = time(verdict.lastAttemptAt) + ' ' + verdict.action + ' ' + verdict.insightId + ' → ' +
    (verdict.delivered ? 'delivered' : 'not delivered yet') + ' (' + attemptsText(verdict) + ') · ' + interactionId;
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
  feedbackItems.clear();
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
