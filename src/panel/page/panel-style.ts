/**
 * The agent panel's stylesheet, served as /agent/panel.css: light, compact for a 320–400 px wide panel, a
 * visible focus ring on everything that takes focus (agents work the desktop from the keyboard).
 */
export const PANEL_STYLE = `
:root { --bg:#f5f7fa; --card:#fff; --line:#d9dfe7; --ink:#1b2430; --muted:#5d6b7a; --accent:#0b5cd5;
  --ok:#176b2f; --okbg:#e5f4e9; --bad:#a3261b; --badbg:#fdeceb; --focus:#0b5cd5; }
* { box-sizing:border-box; }
[hidden] { display:none !important; }
html, body { margin:0; background:var(--bg); color:var(--ink); }
body { font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; min-width:240px; }
.bar { position:sticky; top:0; z-index:1; display:flex; align-items:center; justify-content:space-between; gap:8px;
  padding:6px 10px; background:#fff; border-bottom:1px solid var(--line); }
.brand { margin:0; font-size:14px; font-weight:700; white-space:nowrap; }
.who { display:flex; align-items:center; gap:6px; min-width:0; font-size:12px; color:var(--muted); }
.agent { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.main { padding:8px 10px 16px; }
button { font:inherit; color:inherit; cursor:pointer; border-radius:6px; }
button:disabled { cursor:default; opacity:.55; }
:focus-visible { outline:3px solid var(--focus); outline-offset:2px; }
.link { border:0; background:none; padding:2px 4px; color:var(--accent); text-decoration:underline; font-size:12px; }
.primary { display:block; width:100%; margin:6px 0 10px; padding:8px 12px; border:1px solid var(--accent);
  background:var(--accent); color:#fff; font-weight:600; }
.primary:hover { background:#0a4fb8; }
.status { margin:0 0 8px; padding:6px 8px; border-radius:6px; background:#fff6dc; color:#6b4a00; font-size:13px; }
.quiet { margin:24px 0; text-align:center; color:var(--muted); }
.cards { list-style:none; margin:0; padding:0; }
.card { background:var(--card); border:1px solid var(--line); border-left:4px solid #8aa4c8; border-radius:6px;
  padding:8px 10px; margin:0 0 8px; }
.card.top { border-left-color:var(--accent); }
.card-title { margin:0 0 4px; font-size:14px; font-weight:600; overflow-wrap:anywhere; }
.snippet { margin:0 0 6px; color:#33404d; overflow-wrap:anywhere; }
.source { display:inline-block; margin:0 0 6px; color:var(--accent); font-size:13px; }
.actions { display:flex; flex-wrap:wrap; align-items:center; gap:6px; }
.actions button { padding:4px 12px; border:1px solid var(--line); background:#fff; }
.actions .accept:not(:disabled):hover { border-color:var(--ok); color:var(--ok); background:var(--okbg); }
.actions .reject:not(:disabled):hover { border-color:var(--bad); color:var(--bad); background:var(--badbg); }
.verdict { font-size:12px; font-weight:600; color:var(--muted); }
.verdict.ok { color:var(--ok); } .verdict.bad { color:var(--bad); }
.card[data-verdict] { border-left-color:var(--line); }
.card-error { margin:6px 0 0; padding:4px 6px; border-radius:4px; background:var(--badbg); color:var(--bad); font-size:12px; }
`;
