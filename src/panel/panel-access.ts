import type { IncomingMessage } from 'node:http';
import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import type { PanelConfig } from '../config/panel-config.js';
import { AgentSessions, type SignedInAgent } from './agent-sessions.js';
import { CONTACT_ID, CONTACT_OWNERS, type ContactAccess, type ContactOwners } from './contact-owners.js';
import { isForeignOrigin, panelOrigin, sessionIdOf } from './panel-request.js';

export type PanelRefusal =
  'no-session' | 'origin' | 'malformed-contact' | 'not-owner' | 'unknown-contact' | 'unknown-card';

const STATUS_BY_CAUSE: Readonly<Record<PanelRefusal, HttpStatus>> = {
  'no-session': HttpStatus.UNAUTHORIZED,
  origin: HttpStatus.FORBIDDEN,
  'malformed-contact': HttpStatus.BAD_REQUEST,
  'not-owner': HttpStatus.FORBIDDEN,
  'unknown-contact': HttpStatus.FORBIDDEN,
  'unknown-card': HttpStatus.NOT_FOUND,
};

/**
 * Who may see what: a live session (401 otherwise), from the panel's own origin (403), for a contact id
 * that is well formed (400) and the agent's own (403). Every refusal is logged without the cookie or any
 * card text, and counted in `panel_requests_refused{cause}`.
 */
@Injectable()
export class PanelAccess {
  private readonly logger = new Logger('AgentPanel');
  readonly panel: PanelConfig;

  constructor(
    private readonly sessions: AgentSessions,
    @Inject(CONTACT_OWNERS) private readonly owners: ContactOwners,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.panel = config.get('panel', { infer: true });
  }

  origin(request: IncomingMessage): string {
    const origin = panelOrigin(request, this.panel);
    if (!origin) throw this.refused('origin', 'the panel answers its public address only (PANEL_PUBLIC_URL)');
    return origin;
  }

  /** The signed-in agent, after checking the request comes from the panel's own pages. */
  agent(request: IncomingMessage): SignedInAgent {
    if (isForeignOrigin(request, this.origin(request))) {
      throw this.refused('origin', 'requests from other sites are refused');
    }
    const agent = this.sessions.find(sessionIdOf(request));
    if (!agent) throw this.refused('no-session', 'sign in first (GET /agent/login)');
    return agent;
  }

  /** What the agent may do with the contact, without refusing (the session endpoint reports it). */
  accessTo(agent: SignedInAgent, contactId: unknown): ContactAccess | 'malformed' {
    if (typeof contactId !== 'string' || !CONTACT_ID.test(contactId)) return 'malformed';
    return this.owners.access(agent.agentId, contactId);
  }

  /** The contact id, when the agent may open it; the right refusal otherwise. */
  contactOf(agent: SignedInAgent, contactId: unknown): string {
    const access = this.accessTo(agent, contactId);
    if (access === 'malformed') {
      throw this.refused('malformed-contact', 'a contact id is letters, digits and ._:- only', agent);
    }
    if (access === 'refused') throw this.refused('not-owner', 'this contact is not assigned to you', agent);
    if (access === 'unknown') {
      throw this.refused('unknown-contact', 'this contact is not (yet) known to be assigned to you', agent);
    }
    return contactId as string;
  }

  /** The refusal to throw for `cause`, counted and logged. */
  refused(cause: PanelRefusal, message: string, agent?: SignedInAgent): HttpException {
    this.counters.count('panel_requests_refused', { cause });
    this.logger.warn({ msg: `Agent panel request refused (${cause})`, cause, agentId: agent?.agentId });
    return new HttpException({ statusCode: STATUS_BY_CAUSE[cause], message }, STATUS_BY_CAUSE[cause]);
  }
}
