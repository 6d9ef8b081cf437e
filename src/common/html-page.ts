import type { ServerResponse } from 'node:http';

/** Answers with an HTML page that is never cached, sniffed or referred, under its content security policy. */
export function sendHtmlPage(res: ServerResponse, status: number, html: string, policy: readonly string[]): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': policy.join('; '),
  });
  res.end(html);
}
