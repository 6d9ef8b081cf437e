/** The page a popup sign-in lands on: its script (`/agent/signed-in.js`) tells the panel, then closes. */
export function signedInPage(): string {
  return document(
    'Signed in',
    '<p>Signed in. You can close this window.</p><script src="/agent/signed-in.js"></script>',
  );
}

/** A sign-in that failed: what to do, never why in detail (the log has that, without secrets). */
export function signInFailedPage(message: string): string {
  return document(
    'Sign-in failed',
    `<p role="alert">${escapeHtml(message)}</p><p><a href="/agent">Back to the panel</a></p>`,
  );
}

export const SIGNED_IN_SCRIPT = `(function () {
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage({ type: 'agent-panel-signed-in' }, location.origin);
    window.close();
  } else {
    location.replace('/agent');
  }
})();
`;

function document(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
