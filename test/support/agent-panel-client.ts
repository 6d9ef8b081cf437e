import type { AppProcess } from './app-process.js';

/** An agent's sign-in through the service and the simulator's identity provider, as a browser does it. */
export interface SignedIn {
  cookie: string;
  /** The callback URL the identity provider sent the browser to (to try replaying it). */
  callbackUrl: string;
}

export async function signInAs(app: AppProcess, agentId: string, returnTo = '/agent'): Promise<SignedIn> {
  const login = await fetch(`${app.baseUrl}/agent/login?return=${encodeURIComponent(returnTo)}`, {
    redirect: 'manual',
  });
  if (login.status !== 302) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const authorize = new URL(login.headers.get('location')!);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('agent_id', agentId);
  const chosen = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (chosen.status !== 302) throw new Error(`authorize answered ${chosen.status}: ${await chosen.text()}`);
  const callbackUrl = chosen.headers.get('location')!;
  const callback = await fetch(callbackUrl, { redirect: 'manual' });
  if (callback.status !== 302) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
  const setCookie = callback.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, callbackUrl };
}

export interface PanelMessage {
  id?: string;
  event: string;
  data: any;
}

/** A panel's event stream read with fetch: every message kept, the connection closable. */
export class PanelStream {
  readonly messages: PanelMessage[] = [];
  status = 0;
  /** The server ended the stream (or it was closed here). */
  ended = false;
  private readonly controller = new AbortController();
  private done?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  async open(): Promise<this> {
    const response = await fetch(this.url, { headers: this.headers, signal: this.controller.signal });
    this.status = response.status;
    if (response.status !== 200 || !response.body) return this;
    this.done = this.read(response.body)
      .catch(() => undefined)
      .finally(() => (this.ended = true));
    return this;
  }

  close(): void {
    this.controller.abort();
  }

  get lastId(): string | undefined {
    return this.messages.at(-1)?.id;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of body) {
      pending += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const block = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const message: Partial<PanelMessage> & { lines: string[] } = { lines: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) message.id = line.slice(4);
          else if (line.startsWith('event: ')) message.event = line.slice(7);
          else if (line.startsWith('data: ')) message.lines.push(line.slice(6));
        }
        if (message.event) {
          this.messages.push({ id: message.id, event: message.event, data: JSON.parse(message.lines.join('\n')) });
        }
      }
    }
  }
}
