// Runs the panel script in a vm context with just enough DOM, fetch, EventSource and window to drive it
// (a *-spec-kit file: kept out of dist). The real browser is the Playwright suite's job.
import { createContext, runInContext } from 'node:vm';
import { PANEL_SCRIPT } from './panel-script.js';

type Listener = (event: unknown) => void;

export class FakeElement {
  className = '';
  hidden = false;
  disabled = false;
  href = '';
  target = '';
  rel = '';
  type = '';
  readonly dataset: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  private text = '';
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.text + this.children.map((child) => child.textContent).join('');
  }
  set textContent(value: string) {
    this.replaceChildren();
    this.text = String(value);
  }
  get lastElementChild(): FakeElement | null {
    return this.children.at(-1) ?? null;
  }
  append(...nodes: FakeElement[]): void {
    for (const node of nodes) this.adopt(node).children.push(node);
  }
  prepend(...nodes: FakeElement[]): void {
    for (const node of nodes) this.adopt(node);
    this.children.unshift(...nodes);
  }
  replaceChildren(...nodes: FakeElement[]): void {
    for (const child of this.children) child.parent = null;
    this.children = [];
    this.text = '';
    this.append(...nodes);
  }
  remove(): void {
    if (this.parent) this.parent.children = this.parent.children.filter((child) => child !== this);
    this.parent = null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  click(): void {
    if (!this.disabled) for (const listener of this.listeners.get('click') ?? []) listener({ type: 'click' });
  }
  /** Descendants with this data-testid, in document order. */
  byTestId(testId: string): FakeElement[] {
    return this.children.flatMap((child) => [
      ...(child.dataset.testid === testId ? [child] : []),
      ...child.byTestId(testId),
    ]);
  }
  private adopt(node: FakeElement): this {
    node.remove();
    node.parent = this;
    return this;
  }
}

export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = FakeEventSource.CONNECTING;
  closed = false;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.closed = true;
  }
  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  /** The server refused the stream: the browser gives up and reports CLOSED. */
  refuse(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
  emit(type: string, data: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data) });
  }
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}
export interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}
export interface PanelOptions {
  search?: string;
  parentOrigins?: string[];
  /** The embedding page's origin; absent: the panel is the top window. */
  parentOrigin?: string;
  /** The server: answers each request (a thrown error is a network failure). */
  server: (request: Request) => FakeResponse | Promise<FakeResponse>;
}

export const PANEL_ORIGIN = 'https://assist.example.com';

export function loadPanel(options: PanelOptions) {
  const elements = new Map<string, FakeElement>();
  for (const id of ['agent', 'sign-out', 'sign-in', 'status', 'quiet', 'cards']) elements.set(id, new FakeElement('x'));
  for (const id of ['sign-out', 'sign-in', 'quiet']) elements.get(id)!.hidden = true; // as panelPageHtml writes them
  const body = new FakeElement('body');
  body.dataset.contactParam = 'contactId';
  body.dataset.parentOrigins = JSON.stringify(options.parentOrigins ?? []);
  const requests: Request[] = [];
  const sources: FakeEventSource[] = [];
  const timers = new Map<number, { run: () => void; ms: number }>();
  const windowListeners = new Map<string, Listener[]>();
  const opened: unknown[][] = [];
  const assigned: string[] = [];
  const parentPosts: Array<{ message: unknown; targetOrigin: string }> = [];
  const parent = {
    postMessage: (message: unknown, targetOrigin: string) => parentPosts.push({ message, targetOrigin }),
  };
  let nextTimer = 1;
  const location = {
    origin: PANEL_ORIGIN,
    pathname: '/agent',
    search: options.search ?? '',
    ancestorOrigins: options.parentOrigin ? [options.parentOrigin] : [],
    assign: (url: string) => assigned.push(url),
  };
  const window: Record<string, unknown> = {
    location,
    addEventListener: (type: string, listener: Listener) =>
      windowListeners.set(type, [...(windowListeners.get(type) ?? []), listener]),
    open: (...args: unknown[]) => opened.push(args) && {},
  };
  window.top = options.parentOrigin ? parent : window;
  window.parent = options.parentOrigin ? parent : window;
  const fetch = async (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) => {
    const request = { url, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body };
    requests.push(request);
    const answer = await options.server(request);
    const ok = answer.status >= 200 && answer.status < 300;
    return { ok, status: answer.status, json: async () => answer.body ?? Promise.reject(new Error('no body')) };
  };
  const document = {
    body,
    referrer: '',
    getElementById: (id: string) => elements.get(id) ?? null,
    createElement: (tag: string) => new FakeElement(tag),
  };
  const context = createContext({
    window,
    document,
    location,
    fetch,
    console: { warn: () => undefined, error: () => undefined },
    EventSource: class extends FakeEventSource {
      constructor(url: string) {
        super(url);
        sources.push(this);
      }
    },
    setTimeout: (run: () => void, ms: number) => (timers.set(nextTimer, { run, ms }), nextTimer++),
    clearTimeout: (id: number) => timers.delete(id),
    URL,
    URLSearchParams,
  });
  runInContext(PANEL_SCRIPT, context);

  return {
    ui: Object.fromEntries(elements) as Record<string, FakeElement>,
    requests,
    sources,
    opened,
    assigned,
    parentPosts,
    parent,
    /** The delays now waiting, in ms. */
    pending: () => [...timers.values()].map((timer) => timer.ms),
    /** Runs the timers now due (all of them: the panel keeps at most one). */
    async runTimers(): Promise<void> {
      const due = [...timers.entries()];
      for (const [id, timer] of due) {
        timers.delete(id);
        timer.run();
      }
      await settle();
    },
    async message(event: { origin: string; data: unknown; source?: unknown }): Promise<void> {
      for (const listener of windowListeners.get('message') ?? []) listener(event);
      await settle();
    },
    /** A window event other than a message (pagehide, focus). */
    async dispatch(type: string): Promise<void> {
      for (const listener of windowListeners.get(type) ?? []) listener({ type });
      await settle();
    },
    cards: () => elements.get('cards')!.byTestId('card'),
    settle,
  };
}

/** Lets the panel's pending fetches and their continuations run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

export const session = (access: string | null, contactId = '42') => ({
  status: 200,
  body: {
    agentId: 'a-1',
    name: 'Ana Agent',
    expiresAt: '2030-01-01T00:00:00Z',
    contact: access ? { id: contactId, access } : null,
  },
});
