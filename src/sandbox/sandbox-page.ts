import { SANDBOX_PAGE_SCRIPT } from './sandbox-page-script.js';

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
<script nonce="${nonce}">${SANDBOX_PAGE_SCRIPT}</script>
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
