import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { Counters } from '../common/counters.js';
import { sendHtmlPage } from '../common/html-page.js';
import { AgentSessions } from './agent-sessions.js';
import { AgentSignIn } from './agent-sign-in.js';
import { PanelAccess } from './panel-access.js';
import { PanelErrorCode, PanelException } from './panel.exception.js';
import { safeReturnPath, sessionCookie } from './panel-request.js';
import { SIGNED_IN_SCRIPT, signedInPage, signInFailedPage } from './page/sign-in-pages.js';

const OUTCOME_BY_CODE: Readonly<
  Record<PanelErrorCode, 'issuer-unavailable' | 'unknown-state' | 'code-refused' | 'identity-rejected'>
> = {
  [PanelErrorCode.IssuerUnavailable]: 'issuer-unavailable',
  [PanelErrorCode.UnknownState]: 'unknown-state',
  [PanelErrorCode.CodeRefused]: 'code-refused',
  [PanelErrorCode.IdentityRejected]: 'identity-rejected',
};
/** A popup sign-in comes back to this page, which tells the panel and closes. */
const POPUP_RETURN = '/agent/signed-in';
const MAX_PARAM_CHARS = 2048;

/** Agent sign-in with the tenant's identity provider: `GET /agent/login` out, `GET /agent/callback` back. */
@Controller('agent')
export class SignInController {
  private readonly logger = new Logger('AgentPanel');

  constructor(
    private readonly signIn: AgentSignIn,
    private readonly sessions: AgentSessions,
    private readonly access: PanelAccess,
    private readonly counters: Counters,
  ) {}

  @Get('login')
  async login(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Query('return') returnTo: unknown,
    @Query('popup') popup: unknown,
  ): Promise<void> {
    const origin = this.access.origin(req);
    try {
      const target = await this.signIn.start(origin, popup === '1' ? POPUP_RETURN : safeReturnPath(returnTo));
      res.writeHead(302, { Location: target, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      res.end();
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Get('callback')
  async callback(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Query('code') code: unknown,
    @Query('state') state: unknown,
    @Query('error') error: unknown,
  ): Promise<void> {
    const origin = this.access.origin(req);
    if (typeof error === 'string') {
      this.counters.count('panel_sign_ins', { outcome: 'declined' });
      this.logger.warn({ msg: 'Agent sign-in declined by the identity provider', error: error.slice(0, 64) });
      return page(res, 400, signInFailedPage('CXone did not sign you in. Close this window and try again.'));
    }
    if (!isParam(code) || !isParam(state)) {
      this.counters.count('panel_sign_ins', { outcome: 'unknown-state' });
      return page(res, 400, signInFailedPage('This sign-in link is incomplete. Start again from the panel.'));
    }
    try {
      const agent = await this.signIn.finish(code, state);
      const { id } = this.sessions.open({ agentId: agent.agentId, name: agent.name, tenantId: agent.tenantId });
      this.counters.count('panel_sign_ins', { outcome: 'success' });
      this.logger.log({ msg: `Agent ${agent.agentId} signed in to the panel`, agentId: agent.agentId });
      res.writeHead(302, {
        Location: agent.returnTo,
        'Set-Cookie': sessionCookie(id, origin, this.sessions.lifetimeMs),
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      res.end();
    } catch (failure) {
      this.fail(res, failure);
    }
  }

  /** Where a popup sign-in lands: tells the panel that opened it, then closes. */
  @Get('signed-in')
  signedIn(@Res() res: ServerResponse): void {
    page(res, 200, signedInPage());
  }

  @Get('signed-in.js')
  signedInScript(@Res() res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(SIGNED_IN_SCRIPT);
  }

  private fail(res: ServerResponse, error: unknown): void {
    const code = error instanceof PanelException ? error.code : PanelErrorCode.IssuerUnavailable;
    const outcome = OUTCOME_BY_CODE[code];
    this.counters.count('panel_sign_ins', { outcome });
    const message = error instanceof Error ? error.message : 'sign-in failed';
    this.logger.warn({ msg: `Agent sign-in failed (${outcome}): ${message}`, outcome });
    const status = code === PanelErrorCode.IssuerUnavailable ? 502 : 400;
    page(
      res,
      status,
      signInFailedPage(
        code === PanelErrorCode.IssuerUnavailable
          ? 'CXone sign-in is unavailable right now. Try again in a moment.'
          : 'This sign-in could not be completed (it may have expired or been used already). Start again from the panel.',
      ),
    );
  }
}

function isParam(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PARAM_CHARS;
}

/** Sign-in pages: their only script is the panel's own, and no site may frame them. */
const SIGN_IN_PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];

function page(res: ServerResponse, status: number, html: string): void {
  sendHtmlPage(res, status, html, SIGN_IN_PAGE_POLICY);
}
