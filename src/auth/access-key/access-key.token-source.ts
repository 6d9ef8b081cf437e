import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counters } from '../../common/counters.js';
import type { AppConfig } from '../../config/app-config.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { IssuedToken, TokenSource } from '../token-source.js';
import type { GrantType } from './access-key.labels.js';
import { IdTokenVerifier } from './id-token-verifier.js';
import { exchangeWithIssuer, hostOf } from './issuer-http.js';
import { IssuerDiscovery } from './issuer-discovery.js';
import type { IssuerMetadata } from './oidc-discovery.js';
import { parseTenantConfiguration, TENANT_CONFIGURATION_PATH } from './tenant-configuration.js';
import { clientAuthorization, type GrantedTokens, requestGrant } from './token-grant.js';

const MAX_TENANT_CONFIGURATION_BYTES = 16 * 1024;

/**
 * A real tenant's sign-in (CXONE_AUTH=access-key): OIDC discovery from CXONE_ISSUER, the password grant
 * with the access key (client authenticated with HTTP Basic), renewal with the refresh grant and the
 * password grant when that is refused, the id_token verified before its tenantId is trusted, then the
 * tenant's API host from cxone-configuration. One call is one sign-in or renewal: AuthService single-flights,
 * schedules and retries it.
 */
@Injectable()
export class AccessKeyTokenSource implements TokenSource {
  private readonly logger = new Logger(AccessKeyTokenSource.name);
  private readonly cxone: AppConfig['cxone'];
  private readonly issuer: string;
  private readonly verifier: IdTokenVerifier;
  private readonly discovery: IssuerDiscovery;
  private refreshToken?: string;
  /** Set only from a verified id_token. */
  private tenantId?: string;
  private apiLocation?: { tenantId: string; baseUrl: string };

  constructor(
    private readonly http: HttpService,
    private readonly counters: Counters,
    config: ConfigService<AppConfig, true>,
  ) {
    this.cxone = config.get('cxone', { infer: true });
    // Validated at start-up: CXONE_AUTH=access-key requires CXONE_ISSUER and the access key.
    this.issuer = this.cxone.issuer ?? '';
    this.verifier = new IdTokenVerifier(http, counters);
    this.discovery = new IssuerDiscovery(http, counters, this.issuer);
  }

  get endpoint(): string {
    return hostOf(this.discovery.known?.tokenEndpoint ?? this.issuer);
  }

  apiBaseUrl(): string | undefined {
    return this.cxone.apiBaseUrl ?? this.apiLocation?.baseUrl;
  }

  async requestToken(): Promise<IssuedToken> {
    const metadata = await this.discovery.metadata();
    const { grant, tokens } = await this.grant(metadata);
    let tenantId: string;
    try {
      tenantId = await this.identify(grant, tokens, metadata);
    } catch (error) {
      // A reply that failed verification is not trusted for its refresh token either.
      this.refreshToken = undefined;
      throw error;
    }
    this.refreshToken = tokens.refreshToken;
    const apiBaseUrl = await this.locateApis(tenantId);
    this.counters.count('token_grants', { grant });
    const signedIn = `with the ${grant} grant at ${hostOf(metadata.tokenEndpoint)} as tenant ${tenantId}; CXone APIs at ${hostOf(apiBaseUrl)}`;
    if (grant === 'password') this.logger.log(`Signed in ${signedIn}`);
    else this.logger.debug(`Renewed the access token ${signedIn}`);
    return { accessToken: tokens.accessToken, expiresInSeconds: tokens.expiresInSeconds };
  }

  /** The refresh grant while a refresh token is held; the password grant first, or when that is refused. */
  private async grant(metadata: IssuerMetadata): Promise<{ grant: GrantType; tokens: GrantedTokens }> {
    const authorization = clientAuthorization(this.cxone.clientId, this.cxone.clientSecret);
    const refreshToken = this.refreshToken;
    if (refreshToken) {
      try {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
        return {
          grant: 'refresh_token',
          tokens: await requestGrant(this.http, metadata.tokenEndpoint, authorization, form),
        };
      } catch (error) {
        if (!(error instanceof AuthException) || error.code !== AuthErrorCode.InvalidCredentials) throw error;
        // Expired, revoked or already used: the access key signs in afresh.
        this.refreshToken = undefined;
        this.counters.count('token_refresh_grants_refused');
        this.logger.warn(`${error.message}; signing in with the access key instead`);
      }
    }
    const form = new URLSearchParams({
      grant_type: 'password',
      username: this.cxone.accessKeyId ?? '',
      password: this.cxone.accessKeySecret ?? '',
    });
    return { grant: 'password', tokens: await requestGrant(this.http, metadata.tokenEndpoint, authorization, form) };
  }

  /** The tenant the verified id_token names; a renewal without one keeps the one verified before. */
  private async identify(grant: GrantType, tokens: GrantedTokens, metadata: IssuerMetadata): Promise<string> {
    if (grant === 'refresh_token' && tokens.idToken === undefined && this.tenantId !== undefined) {
      return this.tenantId;
    }
    const identity = await this.verifier.verify(tokens.idToken, {
      issuer: metadata.issuer,
      audience: this.cxone.clientId,
      jwksUri: metadata.jwksUri,
    });
    if (this.tenantId !== undefined && this.tenantId !== identity.tenantId) {
      this.logger.warn(`The access key now signs in to tenant ${identity.tenantId} (was ${this.tenantId})`);
    }
    this.tenantId = identity.tenantId;
    return identity.tenantId;
  }

  /** CXONE_API_BASE_URL when set; else the tenant's api_endpoint, asked once per tenant. */
  private async locateApis(tenantId: string): Promise<string> {
    if (this.cxone.apiBaseUrl !== undefined) return this.cxone.apiBaseUrl;
    if (this.apiLocation?.tenantId === tenantId) return this.apiLocation.baseUrl;
    const host = hostOf(this.issuer);
    const what = `cxone-configuration of tenant ${tenantId} at ${host}`;
    try {
      const reply = await exchangeWithIssuer(this.http, {
        method: 'GET',
        url: `${this.issuer}${TENANT_CONFIGURATION_PATH}?${new URLSearchParams({ tenantId })}`,
        maxBytes: MAX_TENANT_CONFIGURATION_BYTES,
        what,
        unavailable: AuthErrorCode.IssuerUnavailable,
        invalid: AuthErrorCode.TenantConfigurationInvalid,
      });
      if (reply.status === 404) {
        throw new AuthException(
          AuthErrorCode.TenantUnknown,
          `${what}: the issuer does not know the tenant (HTTP 404)`,
          404,
        );
      }
      if (reply.status < 200 || reply.status >= 300) {
        throw new AuthException(
          AuthErrorCode.TenantConfigurationInvalid,
          `${what} answered HTTP ${reply.status}`,
          reply.status,
        );
      }
      const baseUrl = parseTenantConfiguration(reply.data, tenantId, this.issuer);
      this.apiLocation = { tenantId, baseUrl };
      return baseUrl;
    } catch (error) {
      if (error instanceof AuthException && error.code !== AuthErrorCode.IssuerUnavailable) {
        this.counters.count('issuer_documents_rejected', { document: 'cxone-configuration' });
      }
      throw error;
    }
  }
}
