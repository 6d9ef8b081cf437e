import type { IncomingMessage, ServerResponse } from 'node:http';
import { Body, Controller, Get, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { Counters } from '../common/counters.js';
import { sendHtmlPage } from '../common/html-page.js';
import { VerdictIntake } from '../feedback/verdict-intake.js';
import { AgentSessions } from './agent-sessions.js';
import { PanelAccess } from './panel-access.js';
import { openEventStream } from './panel-events.js';
import { PanelHub } from './panel-hub.js';
import { clearedSessionCookie, isForeignOrigin, lastEventIdOf, panelOrigin, sessionIdOf } from './panel-request.js';
import { panelPageHtml } from './page/panel-page.js';
import { PANEL_SCRIPT } from './page/panel-script.js';
import { PANEL_STYLE } from './page/panel-style.js';

const VERDICTS = new Set(['ACCEPTED', 'REJECTED']);
/** Any card id the knowledge source gave; it must also name a card shown for the contact. */
const MAX_INSIGHT_ID_CHARS = 256;
/** Cluster mode: how long a panel's verdict waits for the queue (milliseconds when NATS is up). */
const HAND_OFF_WAIT_MS = 2000;

/**
 * The agent panel: a page for the CXone agent desktop (`GET /agent`), its live cards (server-sent events
 * with replay) and the agent's verdicts. The page itself holds nothing of any contact; everything about
 * one needs a session and the contact's ownership.
 */
@Controller('agent')
export class PanelController {
  private readonly logger = new Logger('AgentPanel');

  constructor(
    private readonly access: PanelAccess,
    private readonly hub: PanelHub,
    private readonly sessions: AgentSessions,
    private readonly verdicts: VerdictIntake,
    private readonly counters: Counters,
  ) {}

  @Get()
  page(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const { contactParam, frameAncestors } = this.access.panel;
    // 'self' in frame-ancestors (the sandbox) is the panel's own origin for the page's parent-origin check.
    const own = panelOrigin(req, this.access.panel);
    const parentOrigins = frameAncestors.flatMap((source) => (source === "'self'" ? (own ? [own] : []) : [source]));
    sendHtmlPage(res, 200, panelPageHtml({ contactParam, parentOrigins }), [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${frameAncestors.join(' ')}`,
    ]);
  }

  @Get('panel.js')
  script(@Res() res: ServerResponse): void {
    asset(res, 'text/javascript; charset=utf-8', PANEL_SCRIPT);
  }

  @Get('panel.css')
  style(@Res() res: ServerResponse): void {
    asset(res, 'text/css; charset=utf-8', PANEL_STYLE);
  }

  /** Who is signed in, and what they may do with the contact the panel shows. */
  @Get('session')
  session(@Req() req: IncomingMessage, @Query('contactId') contactId: unknown) {
    const agent = this.access.agent(req);
    const contact =
      contactId === undefined
        ? null
        : {
            id: typeof contactId === 'string' ? contactId.slice(0, 128) : '',
            access: this.access.accessTo(agent, contactId),
          };
    return { agentId: agent.agentId, name: agent.name, expiresAt: new Date(agent.expiresAt).toISOString(), contact };
  }

  /** The contact's cards as server-sent events: what was missed since Last-Event-ID, then live. */
  @Get('events')
  events(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Query('contactId') contactId: unknown,
    @Query('lastEventId') lastEventId: unknown,
  ): void {
    const agent = this.access.agent(req);
    const contact = this.access.contactOf(agent, contactId);
    if (this.hub.panels >= this.access.panel.maxConnections) {
      this.counters.count('panel_requests_refused', { cause: 'too-many' });
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      res.end(JSON.stringify({ statusCode: 503, message: 'too many agent panels open (PANEL_MAX_CONNECTIONS)' }));
      return;
    }
    let unsubscribe = (): void => undefined;
    // The stream ends with the session (expiry or sign-out): the panel then asks again and finds it signed out.
    const sessionEnd = setTimeout(() => subscriber.close(), Math.max(0, agent.expiresAt - Date.now()));
    sessionEnd.unref();
    const unwatch = this.sessions.watch(sessionIdOf(req)!, () => subscriber.close());
    const subscriber = openEventStream(req, res, () => {
      clearTimeout(sessionEnd);
      unwatch();
      unsubscribe();
      this.counters.count('panel_disconnects');
    });
    unsubscribe = this.hub.subscribe(contact, lastEventIdOf(req, lastEventId), subscriber);
  }

  /** A verdict from the panel: the same durable, idempotent path as one from the stream. */
  @Post('verdicts')
  @HttpCode(202)
  async verdict(@Req() req: IncomingMessage, @Body() body: unknown, @Res({ passthrough: true }) res: ServerResponse) {
    const agent = this.access.agent(req);
    const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const contact = this.access.contactOf(agent, input.contactId);
    const { insightId, verdict } = input;
    if (
      typeof insightId !== 'string' ||
      insightId.length === 0 ||
      insightId.length > MAX_INSIGHT_ID_CHARS ||
      typeof verdict !== 'string' ||
      !VERDICTS.has(verdict)
    ) {
      throw this.access.refused(
        'malformed-contact',
        'expected { contactId, insightId, verdict: ACCEPTED | REJECTED }',
        agent,
      );
    }
    if (!this.hub.hasCard(contact, insightId)) {
      throw this.access.refused('unknown-card', 'no such card was shown for this contact', agent);
    }
    const action = verdict as 'ACCEPTED' | 'REJECTED';
    const event = {
      type: action === 'ACCEPTED' ? ('INSIGHT_ACCEPTED' as const) : ('INSIGHT_REJECTED' as const),
      interactionId: contact,
      insightId,
      action,
    };
    const outcome = this.verdicts.take(event);
    // Cluster mode answers once the queue holds it: a replica dying first leaves "not saved, try again".
    if (outcome === 'stored') await this.verdicts.handedOff(event, HAND_OFF_WAIT_MS);
    this.counters.count('panel_verdicts', { outcome });
    if (outcome === 'refused') {
      res.statusCode = 503;
      return { recorded: false, reason: 'not stored: try again' };
    }
    if (outcome === 'duplicate') {
      res.statusCode = 200;
      return { recorded: false, reason: 'duplicate' };
    }
    this.logger.log({
      msg: `Panel verdict ${action} on insight ${insightId}`,
      interactionId: contact,
      agentId: agent.agentId,
    });
    this.hub.publishVerdict(contact, insightId, action);
    return { recorded: true };
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): void {
    const origin = this.access.origin(req);
    if (isForeignOrigin(req, origin)) throw this.access.refused('origin', 'requests from other sites are refused');
    this.sessions.close(sessionIdOf(req));
    res.setHeader('Set-Cookie', clearedSessionCookie(origin));
  }
}

function asset(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': 'public, max-age=300',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
