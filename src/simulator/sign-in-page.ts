import type { TenantAgent } from './simulator-types.js';

export const AUTHORIZE_PATH = '/auth/authorize';

/** Headers of both pages: nothing loads from elsewhere, nothing frames them, the query stays out of referrers. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

const STYLE = `
  body { font: 16px/1.4 system-ui, sans-serif; background: #f3f5f8; color: #1d2733; margin: 0; }
  main { max-width: 26rem; margin: 4rem auto; padding: 2rem; background: #fff; border-radius: 8px;
         box-shadow: 0 1px 4px rgb(0 0 0 / 15%); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  p { color: #4a5866; }
  form { margin: 0.75rem 0; }
  button { width: 100%; padding: 0.7rem; font: inherit; border: 0; border-radius: 6px; background: #1565c0;
           color: #fff; cursor: pointer; }
  button:hover, button:focus-visible { background: #0d47a1; }
  code { word-break: break-all; }`;

/**
 * The tenant's sign-in page: one form per agent, each posting the authorize request back with the agent chosen.
 * The button text is its accessible name, so a browser test can pick an agent by name.
 */
export function signInPage(params: URLSearchParams, agents: readonly TenantAgent[]): string {
  const carried = [...params].filter(([name]) => name !== 'agent_id');
  const forms = agents.map((agent) => {
    const inputs = [...carried, ['agent_id', agent.agentId]]
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name!)}" value="${escapeHtml(value!)}">`)
      .join('\n      ');
    return `<form method="post" action="${AUTHORIZE_PATH}">
      ${inputs}
      <button type="submit">Sign in as ${escapeHtml(agent.name)} (${escapeHtml(agent.agentId)})</button>
    </form>`;
  });
  return page(
    'Sign in',
    `<h1>Sign in to CXone (simulated)</h1>
    <p>Application <code>${escapeHtml(params.get('client_id') ?? '')}</code> asks who you are.</p>
    ${forms.join('\n    ')}`,
  );
}

/** What the browser shows instead of a redirect when the client or its redirect_uri cannot be trusted. */
export function refusalPage(reason: string): string {
  return page('Sign-in refused', `<h1>Sign-in refused</h1>\n    <p>${escapeHtml(reason)}</p>`);
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · CXone simulator</title>
  <style>${STYLE}
  </style>
</head>
<body>
  <main>
    ${content}
  </main>
</body>
</html>
`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}
