import { createHash, randomBytes } from 'node:crypto';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthErrorCode, AuthException } from '../auth/auth.exception.js';
import { IdTokenVerifier } from '../auth/access-key/id-token-verifier.js';
import { IssuerDiscovery } from '../auth/access-key/issuer-discovery.js';
import { hostOf } from '../auth/access-key/issuer-http.js';
import type { IssuerMetadata } from '../auth/access-key/oidc-discovery.js';
import { clientAuthorization, requestGrant } from '../auth/access-key/token-grant.js';
import { Counters } from '../common/counters.js';
import type { AppConfig } from '../config/app-config.js';
import { PanelErrorCode, PanelException } from './panel.exception.js';
import { PENDING_SIGN_INS, type PendingSignIn, type PendingSignIns } from './pending-sign-ins.js';

/** Where the sign-in comes back to, after the panel's own path. */
export const CALLBACK_PATH = '/agent/callback';
const STATE = /^[A-Za-z0-9_-]{43}$/;

export interface AgentIdentity {
  agentId: string;
  name: string;
  tenantId: string;
}

/**
 * Agents sign in with the tenant's own identity provider: OIDC authorization code with PKCE (S256),
 * `state` single use, `nonce` checked in the id_token, which is verified against the issuer's JWKS.
 * The client is the service's own registration (CXONE_CLIENT_ID / CXONE_CLIENT_SECRET).
 */
@Injectable()
export class AgentSignIn {
  private readonly verifier: IdTokenVerifier;
  private readonly cxone: AppConfig['cxone'];
  private readonly discovery: IssuerDiscovery;

  constructor(
    private readonly http: HttpService,
    counters: Counters,
    config: ConfigService<AppConfig, true>,
    @Inject(PENDING_SIGN_INS) private readonly pending: PendingSignIns,
  ) {
    this.cxone = config.get('cxone', { infer: true });
    this.verifier = new IdTokenVerifier(http, counters);
    this.discovery = new IssuerDiscovery(http, counters, this.cxone.issuer ?? '');
  }

  /** The issuer's authorization URL for a new sign-in that comes back to `publicUrl` and then `returnTo`. */
  async start(publicUrl: string, returnTo: string): Promise<string> {
    const metadata = await this.metadata();
    if (!metadata.authorizationEndpoint) {
      throw new PanelException(
        PanelErrorCode.IssuerUnavailable,
        `discovery document of ${hostOf(this.issuer)} names no authorization_endpoint: agents cannot sign in`,
      );
    }
    const state = randomToken();
    const pending: PendingSignIn = {
      verifier: randomToken(),
      nonce: randomToken(),
      redirectUri: `${publicUrl}${CALLBACK_PATH}`,
      returnTo,
    };
    await this.pending.put(state, pending);
    const url = new URL(metadata.authorizationEndpoint);
    const params = {
      response_type: 'code',
      client_id: this.cxone.clientId,
      redirect_uri: pending.redirectUri,
      scope: 'openid',
      state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  }

  /** Redeems the callback's code once; returns who signed in and where the panel was. */
  async finish(code: string, state: string): Promise<AgentIdentity & { returnTo: string }> {
    // Single use, whatever happens next: a replayed callback finds nothing.
    const pending = STATE.test(state) ? await this.pending.take(state) : undefined;
    if (!pending) {
      throw new PanelException(PanelErrorCode.UnknownState, 'sign-in callback with an unknown or already used state');
    }
    const metadata = await this.metadata();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    });
    let idToken: string | undefined;
    try {
      const authorization = clientAuthorization(this.cxone.clientId, this.cxone.clientSecret);
      idToken = (await requestGrant(this.http, metadata.tokenEndpoint, authorization, form)).idToken;
    } catch (error) {
      throw this.translated(error, PanelErrorCode.CodeRefused);
    }
    try {
      const identity = await this.verifier.verify(idToken, {
        issuer: metadata.issuer,
        audience: this.cxone.clientId,
        jwksUri: metadata.jwksUri,
        nonce: pending.nonce,
      });
      if (!identity.agentId) {
        throw new PanelException(PanelErrorCode.IdentityRejected, 'id_token names no agent (no icAgentId claim)');
      }
      return {
        agentId: identity.agentId,
        name: identity.name ?? `Agent ${identity.agentId}`,
        tenantId: identity.tenantId,
        returnTo: pending.returnTo,
      };
    } catch (error) {
      throw this.translated(error, PanelErrorCode.IdentityRejected);
    }
  }

  private get issuer(): string {
    return this.cxone.issuer ?? '';
  }

  private async metadata(): Promise<IssuerMetadata> {
    try {
      return await this.discovery.metadata();
    } catch (error) {
      throw this.translated(error, PanelErrorCode.IssuerUnavailable);
    }
  }

  private translated(error: unknown, code: PanelErrorCode): PanelException {
    if (error instanceof PanelException) return error;
    if (error instanceof AuthException) {
      const issuerDown =
        error.code === AuthErrorCode.IssuerUnavailable || error.code === AuthErrorCode.TokenEndpointUnavailable;
      return new PanelException(issuerDown ? PanelErrorCode.IssuerUnavailable : code, error.message);
    }
    return new PanelException(code, 'sign-in failed');
  }
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
