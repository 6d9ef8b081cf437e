import { answerActiveContacts } from './active-contacts-endpoint.js';
import { ActiveContacts } from './active-contacts.js';
import { AuthorizationCodes, DEFAULT_AUTHORIZATION_CODE_TTL_SECONDS } from './authorization-codes.js';
import { answerAuthorize, type AuthorizeDeps } from './authorize-endpoint.js';
import { ExpertSite } from './expert-site.js';
import type { Answer, ClientCredentials } from './http-exchange.js';
import { ID_TOKEN_TAMPERINGS } from './id-token.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { answerOidc, isOidcEndpoint, type OidcDeps } from './oidc-endpoints.js';
import { DEFAULT_REFRESH_TOKEN_TTL_SECONDS, RefreshTokens } from './refresh-tokens.js';
import type { EndpointRequest } from './rest-endpoints.js';
import { SigningKeys } from './signing-keys.js';
import type {
  AccessKey,
  ExpertCredentials,
  IdTokenTampering,
  KbArticle,
  RealProfileEndpoint,
  TenantAgent,
} from './simulator-types.js';
import { checkedAgents } from './tenant-agents.js';
import type { TokenRegistry } from './token-registry.js';

export const DEFAULT_ACCESS_KEY: AccessKey = { id: 'sim-access-key', secret: 'sim-access-secret' };
export const DEFAULT_TENANT_ID = '11eb0000-0000-0000-0000-000000000001';
export const DEFAULT_EXPERT: ExpertCredentials = {
  key: 'sim-expert-key',
  secret: 'sim-expert-secret',
  user: '=assist-service',
};

export interface RealProfileDeps {
  /** The simulator's public base URL: OIDC issuer, API host and Expert site at once. */
  issuer(): string;
  credentials: ClientCredentials;
  accessKeys?: readonly AccessKey[];
  tenantId?: string;
  expert?: ExpertCredentials;
  agents?: readonly TenantAgent[];
  tokens: TokenRegistry;
  index: KnowledgeIndex;
  articles: readonly KbArticle[];
}

/**
 * What a real CXone tenant serves besides the tutorial: OIDC sign-in (access keys and agents), tenant discovery,
 * CXone Expert search, and which agent has which contact.
 */
export class RealCxoneProfile {
  readonly keys = new SigningKeys();
  readonly refreshTokens = new RefreshTokens();
  readonly codes = new AuthorizationCodes();
  readonly contacts: ActiveContacts;
  readonly expert: ExpertSite;
  private tampering: IdTokenTampering = 'none';
  private readonly oidc: OidcDeps;
  private readonly authorize: AuthorizeDeps;
  private readonly tokens: TokenRegistry;

  constructor(deps: RealProfileDeps) {
    const agents = checkedAgents(deps.agents);
    this.tokens = deps.tokens;
    this.contacts = new ActiveContacts(agents);
    this.authorize = { clientId: deps.credentials.clientId, agents, codes: this.codes };
    this.oidc = {
      issuer: deps.issuer,
      credentials: deps.credentials,
      accessKeys: deps.accessKeys ?? [DEFAULT_ACCESS_KEY],
      tenantId: deps.tenantId ?? DEFAULT_TENANT_ID,
      tokens: deps.tokens,
      refreshTokens: this.refreshTokens,
      codes: this.codes,
      keys: this.keys,
      tampering: () => this.tampering,
    };
    this.expert = new ExpertSite({
      index: deps.index,
      articles: deps.articles,
      credentials: deps.expert ?? DEFAULT_EXPERT,
      siteUrl: deps.issuer,
    });
  }

  answer(endpoint: RealProfileEndpoint, request: EndpointRequest): Answer | Promise<Answer> {
    if (endpoint === 'authorize') return answerAuthorize(request, this.authorize);
    if (endpoint === 'contacts-active')
      return answerActiveContacts(request, { tokens: this.tokens, contacts: this.contacts });
    return isOidcEndpoint(endpoint) ? answerOidc(endpoint, request, this.oidc) : this.expert.query(request);
  }

  setIdTokenTampering(mode: IdTokenTampering): void {
    if (!ID_TOKEN_TAMPERINGS.includes(mode)) {
      throw new RangeError(`id_token tampering must be one of ${ID_TOKEN_TAMPERINGS.join(', ')}, got ${mode}`);
    }
    this.tampering = mode;
  }

  /**
   * Tampering, refresh token and authorization code lifetimes and the HelpRequest count back to their defaults,
   * contacts forgotten; keys, tokens and outstanding codes stay.
   */
  reset(): void {
    this.tampering = 'none';
    this.refreshTokens.setTtl(DEFAULT_REFRESH_TOKEN_TTL_SECONDS);
    this.codes.setTtl(DEFAULT_AUTHORIZATION_CODE_TTL_SECONDS);
    this.contacts.clear();
    this.expert.resetHelpRequests();
  }
}
