/**
 * The card list of the panel script: rendering pushes, verdicts (the agent's and those from the stream) and
 * the ended contact. Not a script of its own: panel-script.ts splices it into its closure, whose `state`,
 * `ui`, `el`, `clip`, `safeUrl`, `remember`, `stop`, `setStatus`, `refreshQuiet` and `signedOut` it uses.
 */
export const PANEL_CARDS_SCRIPT = `function showPush(push) {
  if (!Array.isArray(push.cards)) return;
  const rank = (card) => (typeof card.priority === 'number' ? card.priority : Infinity);
  const fresh = push.cards.slice(0, MAX_CARDS)
    .filter((card) => card && (typeof card.id === 'string' || typeof card.id === 'number') && String(card.id).length <= 200)
    .sort((a, b) => rank(a) - rank(b) || (Number(b.score) || 0) - (Number(a.score) || 0));
  const nodes = [];
  for (const card of fresh) {
    const id = String(card.id);
    if (state.seen.has(id)) continue;
    remember(state.seen, id);
    nodes.push(cardNode(id, card));
  }
  ui.cards.prepend(...nodes);
  while (state.cards.size > MAX_CARDS) {
    const oldest = ui.cards.lastElementChild;
    state.cards.delete(oldest.dataset.cardId);
    oldest.remove();
  }
  refreshQuiet();
}

function cardNode(id, card) {
  const title = clip(card.title, 300) || 'Suggestion';
  const node = el('li', card.priority === 1 ? 'card top' : 'card');
  node.dataset.testid = 'card';
  node.dataset.cardId = id;
  node.append(el('h2', 'card-title', title));
  if (clip(card.snippet, 1)) node.append(el('p', 'snippet', clip(card.snippet, 1200)));
  const url = safeUrl(card.citation);
  if (url) {
    const link = el('a', 'source', 'Open article');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.setAttribute('aria-label', 'Open article: ' + title + ' (new tab)');
    node.append(link);
  }
  const actions = el('div', 'actions');
  const accept = el('button', 'accept', 'Accept');
  const reject = el('button', 'reject', 'Reject');
  accept.type = reject.type = 'button';
  accept.setAttribute('aria-label', 'Accept: ' + title);
  reject.setAttribute('aria-label', 'Reject: ' + title);
  const verdict = el('span', 'verdict');
  verdict.dataset.testid = 'verdict';
  const error = el('p', 'card-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  actions.append(accept, reject, verdict);
  node.append(actions, error);
  const entry = { id, node, accept, reject, verdict, error, judged: null, pending: false };
  accept.addEventListener('click', () => judge(entry, 'ACCEPTED'));
  reject.addEventListener('click', () => judge(entry, 'REJECTED'));
  state.cards.set(id, entry);
  if (state.verdicts.has(id)) markJudged(entry, state.verdicts.get(id));
  else refreshButtons(entry);
  return node;
}

function refreshButtons(entry) { entry.accept.disabled = entry.reject.disabled = entry.pending || !!entry.judged || state.ended; }
function markJudged(entry, verdict) {
  entry.judged = verdict;
  entry.node.dataset.verdict = verdict;
  entry.verdict.textContent = verdict === 'ACCEPTED' ? 'Accepted' : 'Rejected';
  entry.verdict.className = verdict === 'ACCEPTED' ? 'verdict ok' : 'verdict bad';
  entry.error.hidden = true;
  refreshButtons(entry);
}
function markVerdict(insightId, verdict) {
  if (verdict !== 'ACCEPTED' && verdict !== 'REJECTED') return;
  const entry = state.cards.get(String(insightId));
  if (entry) markJudged(entry, verdict);
  else remember(state.verdicts, String(insightId).slice(0, 200), verdict);
}

async function judge(entry, verdict) {
  if (entry.pending || entry.judged || state.ended) return;
  const epoch = state.epoch;
  entry.pending = true;
  entry.error.hidden = true;
  entry.verdict.textContent = 'Saving…';
  refreshButtons(entry);
  let response = null;
  let data = null;
  try {
    response = await fetch('/agent/verdicts', { method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contactId: state.contactId, insightId: entry.id, verdict }) });
    data = await response.json().catch(() => null);
  } catch { response = null; }
  if (epoch !== state.epoch) return;
  entry.pending = false;
  // 202 { recorded: true } and 200 { recorded: false, reason: 'duplicate' } both mean it is recorded.
  if (response && response.ok) return entry.judged ? refreshButtons(entry) : markJudged(entry, verdict);
  if (response && response.status === 401) return signedOut();
  if (!entry.judged) entry.verdict.textContent = '';
  const message = data && typeof data.message === 'string' && response.status < 500 ? clip(data.message, 200) : '';
  entry.error.textContent = !response ? 'Not saved: the assist service is not reachable. Try again.'
    : message || 'Not saved (error ' + response.status + '). Try again.';
  entry.error.hidden = false;
  refreshButtons(entry);
}

function onEnded() {
  if (state.ended) return;
  // The cards stay, read-only: after the call the agent is usually in wrap-up, still reading a card or its
  // article; they go when the agent desktop reports the contact closed or the next contact starts.
  state.ended = true;
  stop();
  setStatus('This contact has ended');
  for (const entry of state.cards.values()) refreshButtons(entry);
  refreshQuiet();
}
`;
