/**
 * The agent panel: a small page shown inside the CXone agent desktop (MAX panel or custom workspace, a Studio
 * POPURL tab, an Agent Assist Hub app) with the assist cards of one contact. No inline script or style, so it
 * runs under `default-src 'none'; script-src 'self'; style-src 'self'; …`: the script and the stylesheet are
 * /agent/panel.js and /agent/panel.css, and the options reach the script as data- attributes on <body>.
 */
export interface PanelPageOptions {
  /** The query parameter carrying the contact id, e.g. `contactId` for `?contactId={ContactID}`. */
  contactParam: string;
  /** Origins allowed to post agent-desktop events, e.g. `https://*.niceincontact.com`. */
  parentOrigins: readonly string[];
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

export function panelPageHtml(options: PanelPageOptions): string {
  const contactParam = escapeAttribute(options.contactParam);
  const parentOrigins = escapeAttribute(JSON.stringify(options.parentOrigins));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/agent/panel.css">
<script src="/agent/panel.js" defer></script>
<title>Agent Assist</title>
</head>
<body data-contact-param="${contactParam}" data-parent-origins="${parentOrigins}">
<header class="bar">
  <h1 class="brand">Agent Assist</h1>
  <span class="who">
    <span id="agent" class="agent" data-testid="agent"></span>
    <button type="button" id="sign-out" class="link" hidden>Sign out</button>
  </span>
</header>
<main class="main">
  <p id="status" class="status" data-testid="status" role="status">Checking your sign-in…</p>
  <button type="button" id="sign-in" class="primary" data-testid="sign-in" hidden>Sign in with CXone</button>
  <p id="quiet" class="quiet" data-testid="quiet" hidden>Waiting for a contact</p>
  <ol id="cards" class="cards" aria-label="Suggestions"></ol>
  <noscript><p class="status">This panel needs JavaScript.</p></noscript>
</main>
</body>
</html>`;
}
