import type { HttpService } from '@nestjs/axios';
import type { Counters } from '../../common/counters.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { exchangeWithIssuer, hostOf } from './issuer-http.js';
import { DISCOVERY_PATH, type IssuerMetadata, parseDiscoveryDocument } from './oidc-discovery.js';

const MAX_DISCOVERY_BYTES = 64 * 1024;
/** Endpoints rarely move; an hour bounds how long a moved one goes unnoticed. */
const DISCOVERY_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The issuer's OpenID configuration, for the service's own sign-in and for agents' (the panel): fetched
 * once an hour, the last good one kept while the issuer is unreachable, an unusable one counted.
 */
export class IssuerDiscovery {
  private held?: { metadata: IssuerMetadata; fetchedAt: number };

  constructor(
    private readonly http: HttpService,
    private readonly counters: Counters,
    private readonly issuer: string,
  ) {}

  /** The last metadata fetched, if any (for messages: never fetches). */
  get known(): IssuerMetadata | undefined {
    return this.held?.metadata;
  }

  async metadata(): Promise<IssuerMetadata> {
    const held = this.held;
    if (held && Date.now() - held.fetchedAt < DISCOVERY_MAX_AGE_MS) return held.metadata;
    const host = hostOf(this.issuer);
    try {
      const reply = await exchangeWithIssuer(this.http, {
        method: 'GET',
        url: `${this.issuer}${DISCOVERY_PATH}`,
        maxBytes: MAX_DISCOVERY_BYTES,
        what: `discovery document of ${host}`,
        unavailable: AuthErrorCode.IssuerUnavailable,
        invalid: AuthErrorCode.DiscoveryInvalid,
      });
      if (reply.status < 200 || reply.status >= 300) {
        throw new AuthException(
          AuthErrorCode.DiscoveryInvalid,
          `discovery document of ${host} answered HTTP ${reply.status}`,
          reply.status,
        );
      }
      const metadata = parseDiscoveryDocument(reply.data, this.issuer, host);
      this.held = { metadata, fetchedAt: Date.now() };
      return metadata;
    } catch (error) {
      if (held && error instanceof AuthException && error.code === AuthErrorCode.IssuerUnavailable) {
        return held.metadata;
      }
      if (error instanceof AuthException && error.code === AuthErrorCode.DiscoveryInvalid) {
        this.counters.count('issuer_documents_rejected', { document: 'discovery' });
      }
      throw error;
    }
  }
}
