import type { EnvironmentVariables } from './environment.variables.js';

export type CardSinkName = 'cxone' | 'panel';

/** The agent panel (GET /agent) and where cards go. */
export interface PanelConfig {
  cardSinks: CardSinkName[];
  /** Whether the panel is served at all: only when it is one of the card sinks. */
  enabled: boolean;
  /** Unset only in sandbox mode, where the address the browser used is the panel's. */
  publicUrl?: string;
  contactParam: string;
  frameAncestors: string[];
  sessionTtlMs: number;
  contactOwners: 'active-contacts' | 'any-agent';
  contactsPollMs: number;
  acdApiVersion: string;
  maxConnections: number;
}

/** The sandbox shows the panel beside the tutorial's push; a tenant deployment opts in. */
export function toPanelConfig(vars: EnvironmentVariables, sandbox: boolean): PanelConfig {
  const cardSinks = [...new Set((vars.CARD_SINKS ?? (sandbox ? 'cxone,panel' : 'cxone')).split(','))] as CardSinkName[];
  return {
    cardSinks,
    enabled: cardSinks.includes('panel'),
    publicUrl: vars.PANEL_PUBLIC_URL?.replace(/\/+$/, ''),
    contactParam: vars.PANEL_CONTACT_PARAM,
    frameAncestors: vars.PANEL_FRAME_ANCESTORS.split(' '),
    sessionTtlMs: vars.PANEL_SESSION_TTL_MS,
    contactOwners: vars.PANEL_CONTACT_OWNERS,
    contactsPollMs: vars.PANEL_CONTACTS_POLL_MS,
    acdApiVersion: vars.PANEL_ACD_API_VERSION,
    maxConnections: vars.PANEL_MAX_CONNECTIONS,
  };
}

/** What a tenant's panel cannot work without: where agents come back after sign-in, and who signs them in. */
export function panelProblems(vars: EnvironmentVariables, sandbox: boolean): [string, string][] {
  const wantsPanel = (vars.CARD_SINKS ?? '').split(',').includes('panel');
  if (sandbox || !wantsPanel) return [];
  const problems: [string, string][] = [];
  if (vars.PANEL_PUBLIC_URL === undefined) {
    problems.push([
      'PANEL_PUBLIC_URL',
      'expected, since CARD_SINKS includes panel (agents sign in and come back there)',
    ]);
  }
  if (vars.CXONE_ISSUER === undefined) {
    problems.push(['CXONE_ISSUER', 'expected, since CARD_SINKS includes panel (agents sign in with the tenant)']);
  }
  return problems;
}
