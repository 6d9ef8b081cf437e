import { PANEL_CARDS_SCRIPT } from './panel-cards-script.js';
import { originMatches, readParentMessage } from './parent-messages.js';

/**
 * The agent panel's script, served as /agent/panel.js (plain browser JavaScript, no framework). Every node is
 * built with textContent: card text comes from knowledge articles, messages from the server or the parent.
 *
 * The agent desktop's postMessage protocol, as implemented here. Sources: the MAX POST Message Integration
 * help page (help.nicecxone.com/content/agent/agentapplicationadministration/max/maxpostmessageintegration.htm)
 * and the CXone Agent SDK (github.com/nice-devone/nice-cxone-agent-sdk: acd-sdk/src/lib/event-messenger/
 * cxone-event-messenger.js and enum/post-message-event-type.js, core-sdk/src/enum/call-contact-event-status.js).
 * - child → parent: `{ issuer, messageType: 'RegisterForClientEvents', subscriptionTypes: ['contacts'] }` once,
 *   `{ issuer, messageType: 'UnregisterFromClientEvents' }` on pagehide. 'contacts' rather than 'all': 'all'
 *   would also deliver SessionInfo, the agent's ACD session token, which this page has no use for.
 * - parent → child: `{ issuer: 'MAX' | 'CXA', contactId, events: [...] }`, an object or its JSON text. The
 *   acknowledgement is an event `{ messageType: 'ClientEventSubscriptionAcknowledge', status: 'OK' | 'ERROR',
 *   reason }`; a contact event is a get-next event `{ Type: 'CallContactEvent', ContactID, Status, FinalState }`
 *   (Status: Incoming, Active, Holding, Masking, Dialing, Joined, …, Disconnected; FinalState false while in
 *   wrap-up). camelCase keys (contactId, status, finalState) are read too.
 * Parent messages count only from window.parent and an origin in data-parent-origins.
 */
export const PANEL_SCRIPT = `'use strict';
${originMatches.toString()}
${readParentMessage.toString()}
(function agentPanel() {
const MAX_CARDS = 50;
const MAX_REMEMBERED = 500;
const UNKNOWN_RETRY_MS = 2000;
const ISSUER = 'AgentAssistPanel';
const byId = (id) => document.getElementById(id);
const ui = { agent: byId('agent'), signOut: byId('sign-out'), signIn: byId('sign-in'), status: byId('status'),
  quiet: byId('quiet'), cards: byId('cards') };
const parentOrigins = readOrigins(document.body.dataset.parentOrigins);
const inFrame = window.top !== window;
const state = {
  contactId: initialContact(),
  // Bumped on every contact switch and sign-out: answers that arrive for an older one are dropped.
  epoch: 0,
  check: 0,
  signedIn: false,
  access: null,
  ended: false,
  source: null,
  timer: 0,
  backoff: 0,
  cards: new Map(),
  seen: new Set(),
  verdicts: new Map(),
};

function readOrigins(raw) {
  try {
    const list = JSON.parse(raw || '[]');
    return Array.isArray(list) ? list.filter((item) => typeof item === 'string').slice(0, 100) : [];
  } catch { return []; }
}
function initialContact() {
  const value = new URLSearchParams(location.search).get(document.body.dataset.contactParam || 'contactId');
  return value && value.trim() ? value.trim().slice(0, 200) : null;
}
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function clip(value, max) { return typeof value === 'string' ? value.slice(0, max) : ''; }
function safeUrl(raw) {
  if (typeof raw !== 'string' || raw.length > 2000) return null;
  try { const url = new URL(raw); return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null; }
  catch { return null; }
}
function remember(collection, key, value) {
  if (collection instanceof Map) collection.set(key, value); else collection.add(key);
  if (collection.size > MAX_REMEMBERED) collection.delete(collection.keys().next().value);
}
function setStatus(text) { ui.status.textContent = text || ''; ui.status.hidden = !text; }
function refreshQuiet() {
  const blocked = state.access === 'refused' || state.access === 'malformed';
  ui.quiet.hidden = !state.signedIn || blocked || state.cards.size > 0;
  ui.quiet.textContent = !state.contactId ? 'Waiting for a contact'
    : state.ended ? 'No suggestions for this contact' : 'No suggestions yet';
}
function schedule(task, ms) { clearTimeout(state.timer); state.timer = setTimeout(task, ms); }
function nextBackoff() { state.backoff = Math.min(30000, state.backoff ? state.backoff * 2 : 1000); return state.backoff; }
function stop() {
  if (state.source) { state.source.close(); state.source = null; }
  clearTimeout(state.timer);
  state.timer = 0;
}
function clearCards() { state.cards.clear(); state.seen.clear(); state.verdicts.clear(); ui.cards.replaceChildren(); }

function signedOut() {
  state.epoch++;
  stop();
  clearCards();
  state.signedIn = false;
  state.access = null;
  ui.agent.textContent = '';
  ui.signOut.hidden = true;
  ui.signIn.hidden = false;
  setStatus('You are signed out. Sign in with your CXone account to see suggestions.');
  refreshQuiet();
}

async function checkSession(reconnectDelay) {
  const epoch = state.epoch;
  const check = ++state.check;
  clearTimeout(state.timer);
  let response = null;
  let data = null;
  try {
    const query = state.contactId ? '?contactId=' + encodeURIComponent(state.contactId) : '';
    response = await fetch('/agent/session' + query,
      { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
    data = response.ok ? await response.json() : null;
  } catch { response = null; }
  if (epoch !== state.epoch || check !== state.check) return;
  if (response && response.status === 401) return signedOut();
  if (!data || typeof data !== 'object') {
    setStatus('The assist service is not reachable. Retrying…');
    return schedule(() => checkSession(), nextBackoff());
  }
  state.signedIn = true;
  ui.agent.textContent = clip(data.name, 80) || clip(String(data.agentId || ''), 80);
  ui.signOut.hidden = false;
  ui.signIn.hidden = true;
  state.access = data.contact && typeof data.contact === 'object' ? data.contact.access : null;
  if (!state.contactId || state.ended) {
    if (!state.ended) setStatus('');
  } else if (state.access === 'allowed') {
    if (!reconnectDelay) connect();
    else {
      setStatus('Connection lost. Retrying in ' + Math.round(reconnectDelay / 1000) + ' s…');
      schedule(connect, reconnectDelay);
    }
  } else if (state.access === 'unknown') {
    setStatus('Waiting for the assist service to see this contact…');
    schedule(() => checkSession(), UNKNOWN_RETRY_MS);
  } else if (state.access === 'refused') setStatus('This contact is not assigned to you');
  else if (state.access === 'malformed') setStatus('Invalid contact id');
  else {
    setStatus('Unexpected answer from the assist service. Retrying…');
    schedule(() => checkSession(), nextBackoff());
  }
  refreshQuiet();
}

function connect() {
  stop();
  if (!state.contactId || state.ended) return;
  const source = new EventSource('/agent/events?contactId=' + encodeURIComponent(state.contactId));
  state.source = source;
  setStatus('Connecting…');
  source.onopen = () => { if (state.source === source) { state.backoff = 0; setStatus(''); } };
  source.onerror = () => {
    if (state.source !== source) return;
    if (source.readyState !== EventSource.CLOSED) return setStatus('Reconnecting…');
    // The server refused the stream (not a network blip, which the browser retries itself): ask why.
    source.close();
    state.source = null;
    checkSession(nextBackoff());
  };
  const on = (type, handler) => source.addEventListener(type, (event) => {
    if (state.source !== source) return;
    let data = null;
    try { data = JSON.parse(event.data); } catch { return; }
    if (data && typeof data === 'object' && String(data.contactId) === state.contactId) handler(data);
  });
  on('cards', showPush);
  on('verdict', (data) => markVerdict(data.insightId, data.verdict));
  on('ended', onEnded);
}

${PANEL_CARDS_SCRIPT}
function switchContact(contactId) {
  state.epoch++;
  stop();
  clearCards();
  state.contactId = contactId;
  state.ended = false;
  state.access = null;
  state.backoff = 0;
  setStatus('');
  refreshQuiet();
  if (contactId || !state.signedIn) checkSession();
}

function onParentContact(contact) {
  const status = contact.status.toLowerCase();
  if (contact.contactId !== state.contactId) {
    // A contact already under way when the panel loads may be on hold at that moment.
    const underWay = status === 'active' || (!state.contactId && (status === 'holding' || status === 'masking'));
    if (underWay) switchContact(contact.contactId);
  } else if (status === 'disconnected') {
    if (contact.final === false) onEnded();
    else switchContact(null);
  }
}

function parentTarget() {
  if (window.parent === window || parentOrigins.length === 0) return null;
  const ancestors = location.ancestorOrigins;
  let origin = ancestors && ancestors.length > 0 ? ancestors[0] : '';
  if (!origin) { try { origin = new URL(document.referrer).origin; } catch { origin = ''; } }
  return originMatches(origin, parentOrigins) ? origin : null;
}

window.addEventListener('message', (event) => {
  if (event.origin === location.origin && event.data && event.data.type === 'agent-panel-signed-in') {
    state.epoch++;
    return checkSession();
  }
  if (window.parent === window || event.source !== window.parent || !originMatches(event.origin, parentOrigins)) return;
  const message = readParentMessage(event.data);
  if (message.acknowledged && message.acknowledged.status !== 'OK') {
    console.warn('The agent desktop refused the event subscription: ' + message.acknowledged.reason);
  }
  for (const contact of message.contacts) onParentContact(contact);
});
// If the sign-in window lost its opener on the way (a cross-origin page may cut it), no message arrives:
// coming back to the panel is the cue to look again.
window.addEventListener('focus', () => { if (!state.signedIn) checkSession(); });

ui.signIn.addEventListener('click', () => {
  if (!inFrame) return location.assign('/agent/login?return=' + encodeURIComponent(location.pathname + location.search));
  const popup = window.open('/agent/login?popup=1', 'cxone-sign-in', 'width=480,height=640');
  setStatus(popup ? 'Finish signing in in the window that opened.'
    : 'The browser blocked the sign-in window. Allow pop-ups for this panel, then try again.');
});
ui.signOut.addEventListener('click', async () => {
  ui.signOut.disabled = true;
  try {
    const response = await fetch('/agent/logout', { method: 'POST', credentials: 'same-origin' });
    if (response.ok || response.status === 401) signedOut();
    else setStatus('Could not sign out (error ' + response.status + '). Try again.');
  } catch { setStatus('Could not sign out: the assist service is not reachable.'); }
  ui.signOut.disabled = false;
});

const parentOrigin = parentTarget();
if (parentOrigin) {
  const post = (messageType, extra) => window.parent.postMessage(Object.assign({ issuer: ISSUER, messageType }, extra), parentOrigin);
  post('RegisterForClientEvents', { subscriptionTypes: ['contacts'] });
  window.addEventListener('pagehide', () => post('UnregisterFromClientEvents'));
}
refreshQuiet();
checkSession();
})();
`;
