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
} from './simulator-types.js';
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
  tokens: TokenRegistry;
  index: KnowledgeIndex;
  articles: readonly KbArticle[];
}

/** What a real CXone tenant serves besides the tutorial: OIDC sign-in, tenant discovery, CXone Expert search. */
export class RealCxoneProfile {
  readonly keys = new SigningKeys();
  readonly refreshTokens = new RefreshTokens();
  readonly expert: ExpertSite;
  private tampering: IdTokenTampering = 'none';
  private readonly oidc: OidcDeps;

  constructor(deps: RealProfileDeps) {
    this.oidc = {
      issuer: deps.issuer,
      credentials: deps.credentials,
      accessKeys: deps.accessKeys ?? [DEFAULT_ACCESS_KEY],
      tenantId: deps.tenantId ?? DEFAULT_TENANT_ID,
      tokens: deps.tokens,
      refreshTokens: this.refreshTokens,
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
    return isOidcEndpoint(endpoint) ? answerOidc(endpoint, request, this.oidc) : this.expert.query(request);
  }

  setIdTokenTampering(mode: IdTokenTampering): void {
    if (!ID_TOKEN_TAMPERINGS.includes(mode)) {
      throw new RangeError(`id_token tampering must be one of ${ID_TOKEN_TAMPERINGS.join(', ')}, got ${mode}`);
    }
    this.tampering = mode;
  }

  /** Tampering, refresh token lifetime and the HelpRequest count back to their defaults; keys and tokens stay. */
  reset(): void {
    this.tampering = 'none';
    this.refreshTokens.setTtl(DEFAULT_REFRESH_TOKEN_TTL_SECONDS);
    this.expert.resetHelpRequests();
  }
}
